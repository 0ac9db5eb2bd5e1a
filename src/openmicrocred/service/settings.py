"""The service's settings, and the settings file that names its issuers."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..errors import InputError
from ..signers.pkcs11 import Pkcs11KeyRef
from ..status.registry import StatusMessages

__all__ = ["IssuerSettings", "Settings", "load_settings_file"]

DEFAULT_ISSUER = "default"
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]


class IssuerSettings(BaseModel):
    """One issuer the service signs as.

    :param name: the issuer's name in URLs (``/issuers/{name}/credentials/issue``,
        ``/status/{name}/...``): lower-case letters, digits and ``-``.
    :param id: the issuer id (a ``did:web``, ``did:key`` or https URL); default: the
        key's ``did:key``.
    :param key_file: the private key (PEM, JWK or multibase; 0600). Default: one generated
        on first start in the issuer's folder of the data directory.
    :param pkcs11: instead, an Ed25519 key in an HSM (a PKCS#11 URI or table; the PIN from
        a 0600 file or an environment variable, never here): ``docs/keys.md``.
    :param verification_method: the key's verification method id (default for a did:web
        id: ``{id}#key-1``; otherwise the did:key method).
    :param profile: the issuer's Open Badges Profile fields (``name``, ``url``, ``email``,
        ``image``, ``description``...), used where the service builds a credential itself
        (micro-credential awards) and on its pages.
    :param status_lists: give its VC 2.0 credentials status list entries by default.
    :param status_messages: the messages of a multi-bit ``message`` status (Bitstring Status
        List ``statusSize``/``statusMessage``), for values 0x0, 0x1, ...: 2, 4, 8, ... of
        them. Asked for with ``options.credentialStatus.statusPurpose`` ``"message"``.
    :param status_reference: URLs explaining those messages (``statusReference``).
    :param linkedin_organization_id: the issuer's LinkedIn organisation id (the digits in
        its LinkedIn page's admin URL), so that "Add to LinkedIn" on its badges' pages links
        the organisation (``organizationId``: its logo and page) instead of naming it in text
        (``organizationName``). A string of digits (a TOML integer is taken too).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Slug = DEFAULT_ISSUER
    id: str | None = None
    key_file: Path | None = None
    pkcs11: Pkcs11KeyRef | None = None
    verification_method: str | None = None
    profile: dict[str, Any] = Field(default_factory=dict)
    status_lists: bool = True
    status_messages: tuple[str, ...] = ()
    status_reference: tuple[str, ...] = ()
    linkedin_organization_id: str | None = None

    @field_validator("linkedin_organization_id", mode="before")
    @classmethod
    def _digits(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return str(value)
        if value is not None and not (
            isinstance(value, str) and re.fullmatch(r"[0-9]{1,20}", value) and int(value) > 0
        ):
            raise ValueError("a LinkedIn organisation id is its number, digits only (1234567)")
        return value

    @model_validator(mode="after")
    def _messages_make_a_status(self) -> IssuerSettings:
        if self.status_messages or self.status_reference:
            StatusMessages(self.status_messages, self.status_reference)  # raises ValueError
        return self

    @property
    def messages(self) -> StatusMessages | None:
        """The ``message`` status scheme, if one is configured."""
        if not self.status_messages:
            return None
        return StatusMessages(self.status_messages, self.status_reference)


class Settings(BaseModel):
    """How the service runs.

    :param data_dir: the data directory (created on first start): per issuer its key
        (mode 0600), status registry and published status lists; the OAuth2 clients and
        tokens (``clients.sqlite``, 0600); the issued credentials (``credentials.sqlite``).
        The first issuer keeps its files at the top of the directory (``issuer-key.pem``,
        ``status.sqlite``, ``status/``), each further one in ``issuers/{name}/``.
    :param base_url: the service's public URL; the first issuer's status lists are served
        under ``{base_url}/status/``, each further issuer's under ``{base_url}/status/{name}/``.
        Fixed by each registry once created.
    :param issuers: the issuers, the first being the default; none given: one issuer named
        ``default`` with ``issuer_id`` and ``verification_method``.
    :param issuer_id: the default issuer's id when ``issuers`` is empty.
    :param verification_method: the default issuer's method id when ``issuers`` is empty.
    :param status_by_default: give every VC 2.0 credential issued a status entry unless
        ``options.credentialStatus`` is ``false``.
    :param status_ttl_ms: the ``ttl`` of the status lists, also their ``Cache-Control``.
    :param max_body_bytes: the largest request body accepted (413 beyond it).
    :param token_ttl_s: how long an OAuth2 access token is valid, in seconds.
    :param rate_limit_per_s: requests a second each client address may make to the open
        endpoints (verification, the pages, ``/oauth2/token``), per worker process; 0 turns
        rate limiting off.
    :param rate_limit_burst: how many such requests an address may make at once (the
        token bucket's size).
    :param storage: one database for everything the service keeps (status registries,
        published lists, clients and tokens, credentials, wallet offers, the
        micro-credential journey): ``postgresql://user:password@host:port/db``, shared by
        every worker and host, or ``sqlite:///path``. Default: a SQLite file for each in
        ``data_dir``. Keys stay files in ``data_dir`` (or ``key_file``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    data_dir: Path = Path("./openmicrocred-data")
    base_url: str = Field(default="http://127.0.0.1:8000", pattern=r"^https?://[^/?#]+")
    issuers: tuple[IssuerSettings, ...] = ()
    issuer_id: str | None = None
    verification_method: str | None = None
    status_by_default: bool = True
    status_ttl_ms: int = Field(default=300_000, ge=0)
    max_body_bytes: int = Field(default=2_000_000, gt=0)
    token_ttl_s: int = Field(default=3600, gt=0)
    rate_limit_per_s: float = Field(default=20.0, ge=0)
    rate_limit_burst: int = Field(default=40, ge=1)
    storage: str | None = Field(default=None, repr=False)

    @field_validator("storage")
    @classmethod
    def _storage_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(
            r"^(sqlite:///|postgresql://|postgres://)\S+$", value
        ):
            raise ValueError("give a storage URL: sqlite:///path or postgresql://user:pw@host/db")
        return value

    @model_validator(mode="after")
    def _unique_issuers(self) -> Settings:
        names = [i.name for i in self.issuers]
        ids = [i.id for i in self.issuers if i.id]
        if len(set(names)) != len(names):
            raise ValueError("two issuers have the same name")
        if len(set(ids)) != len(ids):
            raise ValueError("two issuers have the same id")
        return self

    @property
    def issuer_list(self) -> tuple[IssuerSettings, ...]:
        """The issuers, the default first."""
        if self.issuers:
            return self.issuers
        default = IssuerSettings(id=self.issuer_id, verification_method=self.verification_method)
        return (default,)

    @property
    def status_base_url(self) -> str:
        """Where the default issuer's status lists are served."""
        return f"{self.base_url.rstrip('/')}/status"


def _where(error: Any) -> str:
    loc = [str(p) for p in error.get("loc", ())]
    return ".".join(loc) or "(top level)"


def load_settings_file(
    path: Path, defaults: dict[str, Any] | None = None, **overrides: Any
) -> Settings:
    """Settings from a TOML (``.toml``) or JSON file; ``overrides`` (the command line's
    options; ``None`` values are ignored) win over the file, which wins over ``defaults``.
    Relative ``data_dir`` and ``key_file`` paths are read from the file's folder.
    Raises :class:`~openmicrocred.errors.InputError` naming the file and field when it is
    unreadable or wrong."""
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read the settings file: {exc}") from None
    if not isinstance(raw, dict):
        raise InputError(f"{path}: the settings file must hold a table (object)")
    folder = path.parent.absolute()
    if "data_dir" in raw:
        raw["data_dir"] = folder / Path(str(raw["data_dir"]))
    raw = {**(defaults or {}), **raw, **{k: v for k, v in overrides.items() if v is not None}}
    for issuer in raw.get("issuers", []) if isinstance(raw.get("issuers"), list) else []:
        if isinstance(issuer, dict) and "key_file" in issuer:
            issuer["key_file"] = folder / Path(str(issuer["key_file"]))
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(f"{path}: {_where(first)}: {first['msg']}") from None
