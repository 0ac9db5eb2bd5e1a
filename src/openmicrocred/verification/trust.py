"""Trust sources: which issuers the verifying organisation recognises.

A valid signature proves who holds a key, not that the holder is anyone an employer should
believe. A :class:`TrustList` says which issuers are: by issuer id (a DID or URL) or by the
domain that publishes the signing key (did:web, https controller documents). It reads

- a JSON array of issuer ids and domains, or a text file with one per line (``#`` comments);
- ``{"issuers": [...], "domains": [...]}``;
- the Digital Credentials Consortium's issuer registry format
  (``{"meta": {...}, "registry": {"<did>": {"name": ..., "location": ..., "url": ...}}}``,
  as published at https://digitalcredentials.github.io/issuer-registry/registry.json and
  read by the DCC's verifier; ``entries`` is accepted in place of ``registry``).

When a verifier has any trust source, an issuer on none of them is not ``verified``: the
verdict is ``untrusted_issuer``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from .signer import Signer

__all__ = ["TrustList", "TrustedIssuer"]


@dataclass(frozen=True)
class TrustedIssuer:
    """What a trust source says of an issuer it lists."""

    source: str
    name: str | None = None
    url: str | None = None
    location: str | None = None

    def describe(self) -> str:
        """``"<name> (<source>)"``, or the source alone."""
        return f"{self.name} (listed by {self.source})" if self.name else f"listed by {self.source}"


_DOMAIN = re.compile(r"[A-Za-z0-9.-]+(:\d+)?")


def _is_domain(entry: str) -> bool:
    return bool(_DOMAIN.fullmatch(entry))


@dataclass(frozen=True)
class TrustList:
    """One trust source: issuer ids, and domains whose published keys are trusted."""

    name: str
    issuers: Mapping[str, TrustedIssuer] = field(default_factory=dict)
    domains: Mapping[str, TrustedIssuer] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[str], *, name: str = "the trusted issuers") -> TrustList:
        """A list of issuer ids (``did:...``, ``https://...``) and bare domains
        (``badges.kmutt.ac.th``)."""
        issuers: dict[str, TrustedIssuer] = {}
        domains: dict[str, TrustedIssuer] = {}
        for entry in entries:
            entry = entry.strip()
            if _is_domain(entry):
                domains[entry.lower()] = TrustedIssuer(name)
            elif entry:
                issuers[entry] = TrustedIssuer(name)
        return cls(name, issuers, domains)

    @classmethod
    def from_json(cls, data: Any, *, name: str) -> TrustList:
        """Read any of the formats above.

        :raises InputError: the data is in none of them (naming the JSON path)."""
        if isinstance(data, list):
            return cls.of(_strings(data, "$"), name=name)
        if not isinstance(data, dict):
            raise InputError(f"{name}: a trust list is a JSON array or object")
        registry = data.get("registry", data.get("entries"))
        if isinstance(registry, dict):
            return cls(name, _registry_entries(registry, name))
        if "issuers" in data or "domains" in data:
            ids = _strings(data.get("issuers", []), "$.issuers")
            domains = _strings(data.get("domains", []), "$.domains")
            listed = cls.of(ids, name=name)
            return cls(
                name,
                listed.issuers,
                {**listed.domains, **{d.lower(): TrustedIssuer(name) for d in domains}},
            )
        raise InputError(
            f"{name}: not a trust list: expected an array, {{'issuers': [...]}} or an issuer "
            "registry with a 'registry' object"
        )

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TrustList:
        """Read a trust file (JSON, or one issuer id or domain per line).

        :raises InputError: the file cannot be read or is in no known format."""
        name = os.fspath(path)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{name}: cannot read the trust file: {exc}") from None
        if text.lstrip().startswith(("[", "{")):
            try:
                data = json.loads(text)
            except (ValueError, RecursionError) as exc:
                raise InputError(f"{name}: the trust file is not valid JSON: {exc}") from None
            return cls.from_json(data, name=name)
        lines = (line.split("#", 1)[0] for line in text.splitlines())
        return cls.of(lines, name=name)

    def lookup(self, issuer: str | None, signer: Signer | None) -> TrustedIssuer | None:
        """The entry for ``issuer``, by its id, or by the domain that published the key
        that signed (only a domain the signature proved: did:web or https)."""
        if issuer is not None and issuer in self.issuers:
            return self.issuers[issuer]
        if signer is not None and signer.domain is not None:
            return self.domains.get(signer.domain.lower())
        return None


def _strings(values: Any, path: str) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InputError(f"{path}: expected an array of strings (issuer ids or domains)")
    return list(values)


def _registry_entries(registry: dict[str, Any], name: str) -> dict[str, TrustedIssuer]:
    entries = {}
    for issuer, info in registry.items():
        info = info if isinstance(info, dict) else {}
        entries[issuer] = TrustedIssuer(
            name,
            name=_text(info.get("name")),
            url=_text(info.get("url")),
            location=_text(info.get("location")),
        )
    return entries


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
