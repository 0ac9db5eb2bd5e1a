"""The lossless base model and the scalar types shared by every Open Badges class.

Parsing and dumping must give back the credential that was parsed: a proof covers every key,
value, the order of ``@context`` and ``type`` and the JSON form of each value. :class:`OBModel`
therefore remembers, per instance, the order of the keys it was given, which list-valued
properties were given as a single value (JSON-LD "compacted" singletons), which keys were an
explicit ``null``, and the exact text of each date-time, and restores all of them on dump.
Unknown properties are kept as they are (``extra="allow"``).
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Callable, Collection
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Self, TypeAlias, Union, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    PrivateAttr,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    StrictFloat,
    StrictInt,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from .._time import format_datetime, parse_datetime

__all__ = [
    "IRI",
    "DateTime",
    "LanguageMap",
    "Number",
    "OBModel",
    "Text",
    "enum_or_ext",
    "require_types",
    "single_type",
]

LOSSLESS = "openmicrocred.lossless"
"""Validation-context key: the data is a JSON document to give back exactly as parsed
(properties it lacks are not filled in with defaults on dump)."""

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_WS = re.compile(r"\s")


def _check_iri(value: str) -> str:
    if not _SCHEME.match(value) or _WS.search(value):
        raise ValueError(f"{value!r} is not an absolute IRI (it needs a scheme such as https:)")
    return value


IRI = Annotated[str, AfterValidator(_check_iri)]
"""An absolute IRI: ``https://...``, ``did:...``, ``urn:uuid:...``."""

LanguageMap: TypeAlias = dict[str, str]
"""A JSON-LD language map, e.g. ``{"en": "Teamwork", "th": "การทำงานเป็นทีม"}``."""

Text: TypeAlias = str | LanguageMap
"""A string, or a language map of strings, as the 1EdTech schemas allow."""

Number: TypeAlias = StrictInt | StrictFloat
"""A JSON number. Integers stay integers and floats stay floats: JSON-LD maps them to
different RDF literals (``xsd:integer`` vs ``xsd:double``), so converting one to the other
would change what a proof covers."""


def _to_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, str):
        return parse_datetime(value)
    raise ValueError(f"expected a date-time string, not {type(value).__name__}")


DateTime = Annotated[
    datetime,
    BeforeValidator(_to_datetime),
    PlainSerializer(format_datetime, return_type=str, when_used="json"),
]
"""An aware UTC datetime. Parsed text is given back unchanged on dump while the value is."""


def enum_or_ext(name: str, values: Collection[str]) -> Callable[[str], str]:
    """Build a validator for an extensible 1EdTech vocabulary (``EnumExt``).

    A value must be one of ``values`` or start with ``ext:``, as the spec's extension rules
    require.
    """
    allowed = frozenset(values)

    def check(value: str) -> str:
        if value in allowed or (value.startswith("ext:") and len(value) > 4):
            return value
        raise ValueError(
            f"{value!r} is not a valid {name}: use one of the spec's values "
            "or an extension value that starts with 'ext:'"
        )

    return check


def require_types(name: str, *alternatives: str) -> Callable[[list[str]], list[str]]:
    """Build a validator that a ``type`` list contains ``name`` (or one of ``alternatives``)."""
    wanted = (name, *alternatives)

    def check(value: list[str]) -> list[str]:
        if not any(w in value for w in wanted):
            choice = " or ".join(repr(w) for w in wanted)
            raise ValueError(f"type must include {choice}")
        return value

    return check


def single_type(name: str) -> Callable[[str], str]:
    """Build a validator that a single-valued ``type`` is exactly ``name``."""

    def check(value: str) -> str:
        if value != name:
            raise ValueError(f"type must be {name!r}, not {value!r}")
        return value

    return check


def _is_list_annotation(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is list:
        return True
    if origin is Annotated:
        return _is_list_annotation(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return len(args) == 1 and _is_list_annotation(args[0])
    return False


def _is_datetime_annotation(annotation: Any) -> bool:
    if annotation is datetime:
        return True
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _is_datetime_annotation(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return any(_is_datetime_annotation(a) for a in typing.get_args(annotation))
    return False


def _in_order(data: dict[str, Any], order: list[str]) -> dict[str, Any]:
    """``data`` with the keys of ``order`` first, in that order, then the others."""
    ordered = {k: data[k] for k in order if k in data}
    ordered.update((k, v) for k, v in data.items() if k not in ordered)
    return ordered


@dataclass(slots=True)
class _Form:
    """How a model instance was given as JSON, to give it back the same way on dump: the
    order of its keys, whether it was parsed as a lossless document, which list-valued
    properties were a single value, which single types a one-item list, which keys an
    explicit ``null``, and the text of each date-time."""

    key_order: tuple[str, ...] | None = None
    parsed: bool = False
    singletons: frozenset[str] = frozenset()
    wrapped: frozenset[str] = frozenset()
    nulls: frozenset[str] = frozenset()
    lexical: dict[str, tuple[datetime, str]] = dataclass_field(default_factory=dict)


_NO_FORM = _Form()


class OBModel(BaseModel):
    """Base class of every Open Badges / CLR model: lossless, extensible, alias-aware.

    Attribute names are snake_case; JSON keys are the spec's camelCase names. Models accept
    either on input and dump the spec's names. Use :meth:`dump` / :meth:`from_json_dict`
    at the JSON boundary.
    """

    model_config = ConfigDict(
        extra="allow",
        validate_by_alias=True,
        validate_by_name=True,
        serialize_by_alias=True,
        regex_engine="python-re",
    )

    # Per class: JSON key -> attribute name, for list-valued and date-time attributes.
    _list_keys: ClassVar[dict[str, str]] = {}
    _datetime_keys: ClassVar[dict[str, str]] = {}
    _alias_of: ClassVar[dict[str, str]] = {}

    # How the instance was given (see _Form); None for a model built in Python. One private
    # attribute, not six: pydantic initialises each private attribute of every instance.
    _form: _Form | None = PrivateAttr(default=None)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._refresh_field_tables()

    @classmethod
    def _refresh_field_tables(cls) -> None:
        list_keys: dict[str, str] = {}
        dt_keys: dict[str, str] = {}
        alias_of: dict[str, str] = {}
        for name, field in cls.model_fields.items():
            key = field.alias or name
            alias_of[name] = key
            if _is_list_annotation(field.annotation):
                list_keys[key] = name
            if _is_datetime_annotation(field.annotation):
                dt_keys[key] = name
        cls._list_keys = list_keys
        cls._datetime_keys = dt_keys
        cls._alias_of = alias_of

    @model_validator(mode="wrap")
    @classmethod
    def _remember_form(
        cls, data: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        if not isinstance(data, dict):
            return handler(data)
        alias_of, list_keys = cls._alias_of, cls._list_keys
        keys: list[str] = []
        nulls: list[str] = []
        patched: dict[str, Any] | None = None
        singles: list[str] = []
        wrapped: list[str] = []
        for raw_key, value in data.items():
            key = cast(str, alias_of.get(raw_key, raw_key))
            text = str(raw_key)
            keys.append(key if text is raw_key else alias_of.get(text, text))
            if value is None:
                nulls.append(keys[-1])
            elif key in list_keys:
                if not isinstance(value, list):
                    if patched is None:
                        patched = dict(data)
                    patched[raw_key] = [value]
                    singles.append(key)
            elif key == "type" and isinstance(value, list) and len(value) == 1:
                # A single-valued type given as a one-item array (seen in spec fixtures).
                if patched is None:
                    patched = dict(data)
                patched[raw_key] = value[0]
                wrapped.append(key)
        obj = handler(patched if patched is not None else data)
        if isinstance(obj, OBModel):
            obj._form = _Form(
                tuple(keys),
                isinstance(info.context, dict) and bool(info.context.get(LOSSLESS)),
                frozenset(singles),
                frozenset(wrapped),
                frozenset(nulls),
                cls._lexical_forms(obj, data),
            )
        return obj

    @classmethod
    def _lexical_forms(cls, obj: OBModel, data: dict[Any, Any]) -> dict[str, tuple[datetime, str]]:
        """The text of each date-time given as a string, with its parsed value."""
        lexical: dict[str, tuple[datetime, str]] = {}
        if not cls._datetime_keys:
            return lexical
        for raw_key, value in data.items():
            key = cls._alias_of.get(raw_key, raw_key)
            if key in cls._datetime_keys and isinstance(value, str):
                parsed = getattr(obj, cls._datetime_keys[key])
                if isinstance(parsed, datetime):
                    lexical[key] = (parsed, value)
        return lexical

    @model_serializer(mode="wrap")
    def _dump_form(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        by_alias = info.by_alias is not False
        name_of = {v: k for k, v in self._alias_of.items()}

        def out_key(key: str) -> str:
            return key if by_alias else name_of.get(key, key)

        form = self._form or _NO_FORM
        self._drop_unset(data, out_key, form)
        if info.mode == "json":
            self._restore_lexical(data, out_key, form)
        self._restore_shapes(data, out_key, form)
        if form.key_order:
            return _in_order(data, [out_key(k) for k in form.key_order])
        return data

    def _drop_unset(self, data: dict[str, Any], out_key: Callable[[str], str], form: _Form) -> None:
        """Drop nulls that were not given as ``null``, and (for parsed data) every field
        that was not given."""
        parsed = form.parsed
        set_keys = {self._alias_of.get(n, n) for n in self.model_fields_set}
        for key in list(self._alias_of.values()):
            k = out_key(key)
            if k not in data:
                continue
            if (data[k] is None and key not in form.nulls) or (parsed and key not in set_keys):
                del data[k]

    def _restore_lexical(
        self, data: dict[str, Any], out_key: Callable[[str], str], form: _Form
    ) -> None:
        """Give back the parsed text of each date-time whose value is unchanged."""
        for key, (parsed_value, text) in form.lexical.items():
            k = out_key(key)
            if k in data and getattr(self, self._datetime_keys[key]) == parsed_value:
                data[k] = text

    def _restore_shapes(
        self, data: dict[str, Any], out_key: Callable[[str], str], form: _Form
    ) -> None:
        """Unwrap one-item lists given as a single value; wrap single types given as a
        one-item list."""
        for key in form.singletons:
            k = out_key(key)
            value = data.get(k)
            if isinstance(value, list) and len(value) == 1:
                data[k] = value[0]
        for key in form.wrapped:
            k = out_key(key)
            if k in data and not isinstance(data[k], list):
                data[k] = [data[k]]

    @classmethod
    def from_json(cls, data: Any, **context: Any) -> Self:
        """Parse a JSON object (or JSON text) so that :meth:`dump` gives it back exactly.

        :raises pydantic.ValidationError: it does not fit the model.
        """
        if isinstance(data, str | bytes):
            data = json.loads(data)
        return cls.model_validate(data, context={LOSSLESS: True, **context})

    def dump(self) -> dict[str, Any]:
        """Return the JSON object for this model, exactly as parsed if it was not changed."""
        return self.model_dump(mode="json", by_alias=True)

    def dump_json(self, *, indent: int | None = None) -> str:
        """Return the JSON text for this model (see :meth:`dump`)."""
        return json.dumps(self.dump(), indent=indent, ensure_ascii=False)

    @property
    def extensions(self) -> dict[str, Any]:
        """Properties this model does not define (extension terms), as given."""
        return dict(self.model_extra or {})
