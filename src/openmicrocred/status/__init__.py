"""Revocation and suspension with W3C Bitstring Status List v1.0.

Issuer side: :class:`SQLiteStatusRegistry` allocates status indexes and records revocations;
:func:`publish` writes signed status list credentials to serve as static files.
The verifier side (:class:`~openmicrocred.verification.StatusChecker`) lives in
:mod:`openmicrocred.verification.checks.status`.

Names are imported on first use: a verifier reads bitstrings (``.bitstring``) and needs
neither the registry (sqlite3) nor publishing (which signs, so loads the issuing code).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "MIN_BITS": "bitstring",
    "BitString": "bitstring",
    "PublishedList": "publish",
    "publish": "publish",
    "status_list_credential": "publish",
    "ALL_PURPOSES": "registry",
    "PURPOSES": "registry",
    "SQLiteStatusRegistry": "registry",
    "StatusEntry": "registry",
    "StatusList": "registry",
    "StatusMessages": "registry",
    "StatusRegistry": "registry",
}
"""Every name of the package and the module it comes from."""

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """Keeps ``openmicrocred.status.publish`` the function, as an eager import made it:
    loading the submodule of the same name would otherwise bind the module here."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "publish" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

if TYPE_CHECKING:
    from .bitstring import MIN_BITS as MIN_BITS
    from .bitstring import BitString as BitString
    from .publish import PublishedList as PublishedList
    from .publish import publish as publish
    from .publish import status_list_credential as status_list_credential
    from .registry import ALL_PURPOSES as ALL_PURPOSES
    from .registry import PURPOSES as PURPOSES
    from .registry import SQLiteStatusRegistry as SQLiteStatusRegistry
    from .registry import StatusEntry as StatusEntry
    from .registry import StatusList as StatusList
    from .registry import StatusMessages as StatusMessages
    from .registry import StatusRegistry as StatusRegistry
