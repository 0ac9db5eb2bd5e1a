"""The base of the report types: frozen dataclasses with pydantic's dump methods.

Reports are made on every verification, and ``openmicrocred verify`` must start fast, so
they are plain frozen dataclasses rather than pydantic models (importing pydantic and
building a model costs a command-line run more than the whole verification). They keep the
part of the pydantic API callers use: :meth:`Record.model_dump` (``mode="python"`` or
``"json"``), :meth:`Record.model_dump_json` (the same text pydantic writes) and
:meth:`Record.model_copy`. A field's value is checked against nothing: the verifier is the
only code that makes reports, and it makes them from enum members and plain JSON values.
"""

from __future__ import annotations

import dataclasses
import json
import math
from enum import Enum
from typing import Any, Literal, Self

__all__ = ["Record"]


def _dump(value: Any, json_mode: bool) -> Any:
    if isinstance(value, Record):
        return value.model_dump(mode="json" if json_mode else "python")
    if isinstance(value, Enum):
        return value.value if json_mode else value
    if isinstance(value, dict):
        return {k: _dump(v, json_mode) for k, v in value.items()}
    if isinstance(value, (list, tuple)):  # a tuple, not a union rebuilt on every call
        return [_dump(v, json_mode) for v in value]
    if json_mode and isinstance(value, float) and not math.isfinite(value):
        return None  # pydantic's default for inf and NaN in JSON
    return value


class Record:
    """Mixin for ``@dataclass(frozen=True, kw_only=True)`` report types."""

    __slots__ = ()

    def model_dump(self, *, mode: Literal["python", "json"] | str = "python") -> dict[str, Any]:
        """The fields as a dict, nested reports included; ``mode="json"``: JSON values only
        (enum members as their values)."""
        json_mode = mode == "json"
        return {
            f.name: _dump(getattr(self, f.name), json_mode)
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
        }

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """The JSON text pydantic's ``model_dump_json`` writes for the same fields."""
        separators = (",", ": ") if indent is not None else (",", ":")
        return json.dumps(
            self.model_dump(mode="json"),
            indent=indent,
            ensure_ascii=False,
            separators=separators,
        )

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Self:
        """A copy with the fields of ``update`` replaced."""
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]
