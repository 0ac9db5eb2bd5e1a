"""Ed25519 signing in a PKCS#11 token (an HSM, SoftHSM2, a smart card): ``CKM_EDDSA``.

The private key stays on the token: this module asks the token to sign and reads only the
public key (``CKA_EC_POINT``). It needs the optional ``python-pkcs11`` package (``pip install
'openmicrocred[hsm]'``), imported when a token is opened, never at import time.

A token is named by its PKCS#11 module (the vendor's shared library, e.g. SoftHSM2's
``/usr/lib/softhsm/libsofthsm2.so``), its label and the user PIN; the key by its label
(``CKA_LABEL``) and/or id (``CKA_ID``). The PIN comes from an environment variable or a file
(:func:`read_pin`); it is never kept, logged or put into a message.

Errors are :class:`~openmicrocred.errors.SignerError` with one line saying what to fix: the
module cannot be loaded, no such token, a wrong or locked PIN, no such key, a key that is not
Ed25519 or can be extracted, or a token without ``CKM_EDDSA``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, unquote_to_bytes

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import SignatureError, SignerError
from ..keys import Ed25519PublicKey

if TYPE_CHECKING:
    import pkcs11
    from pkcs11._pkcs11 import lib as Pkcs11Library  # noqa: N812 - a class named lib

__all__ = [
    "PIN_ENV",
    "Pkcs11Ed25519Key",
    "Pkcs11KeyRef",
    "TokenInfo",
    "read_pin",
    "tokens",
]

PIN_ENV = "OPENMICROCRED_PKCS11_PIN"
"""The environment variable :func:`read_pin` reads by default."""

_ED25519_OID = bytes.fromhex("06032b6570")  # DER OID 1.3.101.112 (RFC 8410)
_ED25519_NAME = b"\x13\x0cedwards25519"  # PKCS#11 3.0: the curve as a PrintableString
_SELF_TEST = b"openmicrocred: does this token key match its public key?"


def read_pin(*, env: str | None = PIN_ENV, file: str | os.PathLike[str] | None = None) -> str:
    """The token's user PIN, from ``file`` (first line; it must not be readable by group or
    others) or else from the environment variable ``env``.

    :raises SignerError: neither is set, or the file is unreadable or too open.
    """
    if file is not None:
        path = Path(file)
        try:
            mode = path.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise SignerError(
                    f"the PIN file {path} can be read by others (mode {stat.filemode(mode)}); "
                    f"chmod 600 {path}"
                )
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise SignerError(f"cannot read the PIN file {path}: {exc.strerror}") from None
        if not lines or not lines[0]:
            raise SignerError(f"the PIN file {path} is empty")
        return lines[0]
    value = os.environ.get(env) if env else None
    if not value:
        raise SignerError(f"no PIN: set {env or PIN_ENV} or give a PIN file")
    return value


def _library() -> Any:
    try:
        import pkcs11  # the optional extra; ~10 ms, only when a token is used
    except ImportError:
        raise SignerError(
            "PKCS#11 support needs python-pkcs11: pip install 'openmicrocred[hsm]'"
        ) from None
    return pkcs11


def _load_module(module: str | os.PathLike[str]) -> Pkcs11Library:
    lib = _library()
    path = os.fspath(module)
    if not Path(path).is_file():
        raise SignerError(f"no PKCS#11 module at {path}")
    try:
        loaded: Pkcs11Library = lib.lib(path)
    except lib.PKCS11Error as exc:
        raise SignerError(f"cannot load the PKCS#11 module {path}: {exc}") from None
    return loaded


def _token(module: str | os.PathLike[str], label: str) -> pkcs11.Token:
    lib = _library()
    loaded = _load_module(module)
    try:
        return loaded.get_token(token_label=label)
    except lib.NoSuchToken:
        known = ", ".join(repr(t.label) for t in loaded.get_tokens() if t.label) or "none"
        raise SignerError(
            f"no token labelled {label!r} in {os.fspath(module)} (tokens: {known})"
        ) from None
    except lib.PKCS11Error as exc:
        raise SignerError(f"cannot list the tokens of {os.fspath(module)}: {exc!r}") from None


def _require(token: pkcs11.Token, *names: str) -> None:
    lib = _library()
    available = set(token.slot.get_mechanisms())
    for name in names:
        if getattr(lib.Mechanism, name) not in available:
            raise SignerError(
                f"token {token.label!r} does not support CKM_{name} (Ed25519 needs a token "
                "with CKM_EDDSA; SoftHSM2 has it when built with OpenSSL >= 1.1.1)"
            )


def _login(token: pkcs11.Token, pin: str) -> pkcs11.Session:
    lib = _library()
    try:
        session: pkcs11.Session = token.open(user_pin=pin)
    except (lib.PinIncorrect, lib.PinInvalid, lib.PinLenRange):
        raise SignerError(f"wrong PIN for token {token.label!r}") from None
    except lib.PinLocked:
        raise SignerError(f"the PIN of token {token.label!r} is locked") from None
    except lib.PKCS11Error as exc:
        raise SignerError(f"cannot log in to token {token.label!r}: {exc!r}") from None
    return session


class _Login:
    """The one logged-in session of this process on a token. PKCS#11 logs in per
    application, not per session, and logging out ends every session, so keys of one token
    share it (counted) and the PIN is compared with the one that logged in (as a keyed hash
    only)."""

    def __init__(self, key: tuple[str, str], token: pkcs11.Token, pin: str) -> None:
        self.key = key
        self.token = token
        self.session = _login(token, pin)
        self.digest = _pin_digest(pin)
        self.users = 1
        self.lock = threading.Lock()
        """Serialises the use of the session (a PKCS#11 session is not thread-safe)."""


_LOGINS: dict[tuple[str, str], _Login] = {}
_LOGINS_LOCK = threading.Lock()
_PIN_KEY = os.urandom(32)


def _pin_digest(pin: str) -> bytes:
    return hmac.new(_PIN_KEY, pin.encode("utf-8"), hashlib.sha256).digest()


def _acquire(module: str | os.PathLike[str], token_label: str, pin: str) -> _Login:
    key = (os.path.realpath(module), token_label)
    with _LOGINS_LOCK:
        login = _LOGINS.get(key)
        if login is not None:
            if not hmac.compare_digest(login.digest, _pin_digest(pin)):
                raise SignerError(f"wrong PIN for token {token_label!r}")
            login.users += 1
            return login
        token = _token(module, token_label)
        _require(token, "EDDSA")
        login = _LOGINS[key] = _Login(key, token, pin)
        return login


def _release(login: _Login) -> None:
    with _LOGINS_LOCK:
        login.users -= 1
        if login.users == 0:
            del _LOGINS[login.key]
            with login.lock:
                login.session.close()  # logs out


def _template(label: str | None, key_id: bytes | None) -> dict[Any, Any]:
    lib = _library()
    if label is None and key_id is None:
        raise SignerError("name the key on the token: its label, its id, or both")
    template: dict[Any, Any] = {}
    if label is not None:
        template[lib.Attribute.LABEL] = label
    if key_id is not None:
        template[lib.Attribute.ID] = key_id
    return template


def _describe(label: str | None, key_id: bytes | None) -> str:
    parts = ([f"label {label!r}"] if label is not None else []) + (
        [f"id {key_id.hex()}"] if key_id is not None else []
    )
    return " and ".join(parts)


def _find(session: pkcs11.Session, kind: Any, template: dict[Any, Any], what: str) -> Any:
    lib = _library()
    found = list(session.get_objects({**template, lib.Attribute.CLASS: kind}))
    if not found:
        raise SignerError(f"no {what} with {_describe_template(template)} on the token")
    if len(found) > 1:
        raise SignerError(
            f"{len(found)} {what}s match {_describe_template(template)}; give the key id too"
        )
    return found[0]


def _describe_template(template: dict[Any, Any]) -> str:
    lib = _library()
    return _describe(template.get(lib.Attribute.LABEL), template.get(lib.Attribute.ID))


def _ed25519_public(public: Any) -> Ed25519PublicKey:
    lib = _library()
    params = bytes(public[lib.Attribute.EC_PARAMS])
    if params not in (_ED25519_OID, _ED25519_NAME):
        raise SignerError("the key on the token is not an Ed25519 key (CKA_EC_PARAMS)")
    point = bytes(public[lib.Attribute.EC_POINT])
    if len(point) == 34 and point[:2] == b"\x04\x20":  # DER OCTET STRING, as most tokens
        point = point[2:]
    if len(point) != 32:
        raise SignerError("the token's Ed25519 public key (CKA_EC_POINT) is not 32 bytes")
    return Ed25519PublicKey(point)


def _extractable(private: Any) -> bool:
    lib = _library()
    return bool(private[lib.Attribute.EXTRACTABLE]) or not bool(private[lib.Attribute.SENSITIVE])


@dataclass(frozen=True)
class TokenInfo:
    """A token of a PKCS#11 module, and whether it can hold and use Ed25519 keys."""

    label: str
    manufacturer: str
    model: str
    serial: str
    eddsa: bool
    """``CKM_EDDSA`` (signing) is available."""
    ed25519_keygen: bool
    """``CKM_EC_EDWARDS_KEY_PAIR_GEN`` (key generation on the token) is available."""


def tokens(module: str | os.PathLike[str]) -> list[TokenInfo]:
    """The initialised tokens of ``module`` (no PIN needed)."""
    lib = _library()
    found = []
    for token in _load_module(module).get_tokens():
        if not token.label:
            continue
        mechanisms = set(token.slot.get_mechanisms())
        serial = token.serial
        found.append(
            TokenInfo(
                label=token.label,
                manufacturer=token.manufacturer_id,
                model=token.model,
                serial=serial.decode("ascii", "replace") if isinstance(serial, bytes) else serial,
                eddsa=lib.Mechanism.EDDSA in mechanisms,
                ed25519_keygen=lib.Mechanism.EC_EDWARDS_KEY_PAIR_GEN in mechanisms,
            )
        )
    return found


class Pkcs11Ed25519Key:
    """An Ed25519 key in a PKCS#11 token, as a :class:`~openmicrocred.keys.SigningKey`.

    Opened with :meth:`open` (an existing key) or :meth:`generate` (a new, non-extractable
    key made on the token). Keys of one token share this process's login; signing is
    serialised on it, so one object may be shared by threads. Close it (or use ``with``);
    the token is logged out when its last key is closed.
    """

    algorithm = "EdDSA"

    def __init__(
        self, login: _Login, private: Any, public_key: Ed25519PublicKey, name: str
    ) -> None:
        self._login = login
        self._private = private
        self._closed = False
        self.public_key: Ed25519PublicKey = public_key
        self.name = name
        """``token/key label``, for messages."""

    @classmethod
    def open(
        cls,
        module: str | os.PathLike[str],
        *,
        token_label: str,
        pin: str,
        key_label: str | None = None,
        key_id: bytes | None = None,
        allow_extractable: bool = False,
    ) -> Pkcs11Ed25519Key:
        """Log in to the token and find the key pair by label and/or id.

        The key must be sensitive and not extractable unless ``allow_extractable``; the token
        signs a test message once, checked with the public key, so a private and a public
        object that do not belong together are found now, not by a verifier.

        :raises SignerError: as the module says (see there).
        """
        template = _template(key_label, key_id)
        login = _acquire(module, token_label, pin)
        try:
            with login.lock:
                private, public = _key_pair(login.session, template, allow_extractable)
            key = cls(login, private, public, f"{token_label}/{_describe(key_label, key_id)}")
            key.self_test()
        except BaseException:
            _release(login)
            raise
        return key

    @classmethod
    def generate(
        cls,
        module: str | os.PathLike[str],
        *,
        token_label: str,
        pin: str,
        key_label: str,
        key_id: bytes | None = None,
    ) -> Pkcs11Ed25519Key:
        """Make a new Ed25519 key pair on the token (sensitive, never extractable) and open it.

        :raises SignerError: a key with this label exists, keys cannot be made on this token,
            or as :meth:`open`.
        """
        login = _acquire(module, token_label, pin)
        try:
            _require(login.token, "EC_EDWARDS_KEY_PAIR_GEN")
            with login.lock:
                if list(login.session.get_objects(_template(key_label, None))):
                    raise SignerError(
                        f"token {token_label!r} already has a key labelled {key_label!r}"
                    )
                _generate(login.token, key_label, key_id or os.urandom(8))
            return cls.open(module, token_label=token_label, pin=pin, key_label=key_label)
        finally:
            _release(login)

    def sign(self, data: bytes) -> bytes:
        """The token's Ed25519 signature (``CKM_EDDSA``) of ``data``."""
        lib = _library()
        with self._login.lock:
            if self._closed:
                raise SignerError(f"the key {self.name} was closed")
            try:
                signature = self._private.sign(data, mechanism=lib.Mechanism.EDDSA)
            except lib.PKCS11Error as exc:
                raise SignerError(f"the token could not sign with {self.name}: {exc!r}") from None
        return bytes(signature)

    def self_test(self) -> None:
        """Sign a test message and check it with the public key.

        :raises SignerError: the signature does not verify (the token's private and public
            objects do not belong together).
        """
        try:
            self.public_key.verify(self.sign(_SELF_TEST), _SELF_TEST)
        except SignatureError:
            raise SignerError(
                f"the private and public key objects of {self.name} do not match"
            ) from None

    @property
    def extractable(self) -> bool:
        """Whether the token would hand out the private key (``False`` for keys it made)."""
        with self._login.lock:
            return _extractable(self._private)

    def private_value(self) -> bytes:
        """Ask the token for the private key bytes; a sensitive key is refused.

        :raises SignerError: the token refuses (as it must for a sensitive key).
        """
        lib = _library()
        with self._login.lock:
            try:
                return bytes(self._private[lib.Attribute.VALUE])
            except lib.PKCS11Error as exc:
                raise SignerError(
                    f"the token does not reveal the private key of {self.name} "
                    f"({type(exc).__name__})"
                ) from None

    @property
    def did(self) -> str:
        """The ``did:key`` of this key."""
        return self.public_key.did

    @property
    def verification_method(self) -> str:
        """The ``did:key`` verification method id."""
        return self.public_key.verification_method

    def close(self) -> None:
        """Give up the token (logged out when its last key closes). Idempotent."""
        if not self._closed:
            self._closed = True
            _release(self._login)

    def __enter__(self) -> Pkcs11Ed25519Key:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Pkcs11Ed25519Key({self.name!r}, public={self.public_key.multibase!r})"


def _key_pair(
    session: pkcs11.Session, template: dict[Any, Any], allow_extractable: bool
) -> tuple[Any, Ed25519PublicKey]:
    lib = _library()
    where = _describe_template(template)
    private = _find(session, lib.ObjectClass.PRIVATE_KEY, template, "private key")
    if private.key_type != lib.KeyType.EC_EDWARDS:
        raise SignerError(f"the key with {where} is not Ed25519")
    if _extractable(private) and not allow_extractable:
        raise SignerError(
            f"the key with {where} can be extracted from the token (CKA_EXTRACTABLE, or "
            "not CKA_SENSITIVE); use a key made on the token"
        )
    public = _find(session, lib.ObjectClass.PUBLIC_KEY, template, "public key")
    return private, _ed25519_public(public)


def _generate(token: pkcs11.Token, label: str, key_id: bytes) -> None:
    """Make the pair in a read-write session of its own, which shares the login."""
    lib = _library()
    attribute = lib.Attribute
    common = {attribute.LABEL: label, attribute.ID: key_id, attribute.TOKEN: True}
    try:
        with token.open(rw=True) as session:
            session.generate_keypair(
                lib.KeyType.EC_EDWARDS,
                store=True,
                label=label,
                id=key_id,
                public_template={
                    **common,
                    attribute.EC_PARAMS: _ED25519_OID,
                    attribute.VERIFY: True,
                },
                private_template={
                    **common,
                    attribute.SENSITIVE: True,
                    attribute.EXTRACTABLE: False,
                    attribute.SIGN: True,
                    attribute.PRIVATE: True,
                },
                mechanism=lib.Mechanism.EC_EDWARDS_KEY_PAIR_GEN,
            )
    except lib.PKCS11Error as exc:
        raise SignerError(f"the token could not make an Ed25519 key: {exc!r}") from None


# ------------------------------------------------------------- naming a key in settings


_URI_PATH = {"token": "token", "object": "key_label", "id": "key_id", "type": "type"}
_URI_QUERY = {"module-path": "module", "pin-source": "pin_file"}


def _uri_attributes(part: str, known: dict[str, str], where: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in filter(None, part.split("&" if where == "query" else ";")):
        name, sep, value = item.partition("=")
        if name == "pin-value":
            raise ValueError(
                "pin-value would put the PIN in command lines, settings and logs; use "
                f"pin-source=file:/path (mode 0600) or the {PIN_ENV} environment variable"
            )
        if not sep or name not in known:
            raise ValueError(
                f"unsupported PKCS#11 URI {where} attribute {name!r} "
                f"(supported: {', '.join(known)})"
            )
        if known[name] in found:
            raise ValueError(f"the PKCS#11 URI gives {name!r} twice")
        found[known[name]] = value
    return found


def _parse_uri(uri: str) -> dict[str, Any]:
    """RFC 7512 ``pkcs11:token=…;object=…;id=%01%02?module-path=…&pin-source=file:…``."""
    if not uri.startswith("pkcs11:"):
        raise ValueError("a PKCS#11 URI starts with 'pkcs11:'")
    path, _, query = uri.removeprefix("pkcs11:").partition("?")
    raw = _uri_attributes(path, _URI_PATH, "path") | _uri_attributes(query, _URI_QUERY, "query")
    if unquote(raw.pop("type", "private")) != "private":
        raise ValueError("the PKCS#11 URI must name a private key (type=private)")
    fields: dict[str, Any] = {k: unquote(v) for k, v in raw.items() if k != "key_id"}
    if "key_id" in raw:
        fields["key_id"] = unquote_to_bytes(raw["key_id"]).hex()
    if "pin_file" in fields:
        fields["pin_file"] = fields["pin_file"].removeprefix("file://").removeprefix("file:")
    if "module" not in fields:
        raise ValueError("the PKCS#11 URI needs module-path=/path/to/the/module.so")
    return fields


class Pkcs11KeyRef(BaseModel):
    """Where an Ed25519 key in a PKCS#11 token is, and where its PIN comes from: a settings
    table, or an RFC 7512 PKCS#11 URI such as
    ``pkcs11:token=issuer;object=kmutt-2026?module-path=/usr/lib/softhsm/libsofthsm2.so``
    (optionally ``;id=%20%26`` and ``&pin-source=file:/etc/omc/pin``). It never holds the PIN:
    that is read from ``pin_file`` (mode 0600) or else the ``pin_env`` variable when the key
    is opened; ``pin-value`` in a URI is refused.

    :param module: the token's PKCS#11 module (the vendor's shared library).
    :param token: the token label.
    :param key_label: the key's ``CKA_LABEL``; ``key_id``: its ``CKA_ID`` as hex. One or both.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    module: Path
    token: str = Field(min_length=1)
    key_label: str | None = Field(default=None, min_length=1)
    key_id: str | None = Field(default=None, pattern=r"^(?:[0-9a-fA-F]{2})+$")
    pin_env: str = Field(default=PIN_ENV, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    pin_file: Path | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_uri(cls, data: Any) -> Any:
        return _parse_uri(data) if isinstance(data, str) else data

    @model_validator(mode="after")
    def _names_a_key(self) -> Pkcs11KeyRef:
        for name in ("module", "pin_file"):
            value = getattr(self, name)
            if value is not None and not value.is_absolute():
                raise ValueError(f"{name} must be an absolute path, not {os.fspath(value)!r}")
        if self.key_label is None and self.key_id is None:
            raise ValueError("name the key on the token: key_label (object=), key_id (id=) or both")
        return self

    @classmethod
    def from_uri(cls, uri: str) -> Pkcs11KeyRef:
        """Parse a PKCS#11 URI.

        :raises SignerError: not a PKCS#11 URI this signer can use, saying why.
        """
        try:
            return cls.model_validate(uri)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            message = str(first["msg"]).removeprefix("Value error, ")
            prefix = "" if "PKCS#11 URI" in message else "PKCS#11 URI: "
            raise SignerError(f"{prefix}{where + ': ' if where else ''}{message}") from None

    @property
    def uri(self) -> str:
        """The RFC 7512 URI of this key (with ``pin-source`` if a PIN file is named)."""
        path = [f"token={quote(self.token, safe='')}"]
        if self.key_label is not None:
            path.append(f"object={quote(self.key_label, safe='')}")
        if self.key_id is not None:
            path.append("id=" + "".join(f"%{b:02x}" for b in bytes.fromhex(self.key_id)))
        query = [f"module-path={quote(os.fspath(self.module), safe='/')}"]
        if self.pin_file is not None:
            query.append(f"pin-source=file:{quote(os.fspath(self.pin_file), safe='/')}")
        return f"pkcs11:{';'.join(path)};type=private?{'&'.join(query)}"

    def open(self) -> Pkcs11Ed25519Key:
        """Read the PIN and open the key (see :meth:`Pkcs11Ed25519Key.open`).

        :raises SignerError: no PIN, or as :meth:`Pkcs11Ed25519Key.open`.
        """
        pin = read_pin(env=self.pin_env, file=self.pin_file)
        return Pkcs11Ed25519Key.open(
            self.module,
            token_label=self.token,
            pin=pin,
            key_label=self.key_label,
            key_id=bytes.fromhex(self.key_id) if self.key_id is not None else None,
        )
