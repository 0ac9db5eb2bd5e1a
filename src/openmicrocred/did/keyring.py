"""The keys of a did:web issuer over time: rotation and removal.

A key ring is a folder with ``keyring.json`` (public facts only) and one PEM file per key
(mode 0600), or for a key in an HSM its PKCS#11 URI (never the PIN: the token signs). Its
DID document lists every *published* key as a verification method and an
``assertionMethod``, so credentials signed before a rotation keep verifying; one of them
is *active*, the key new credentials are signed with. Removing a key (after a compromise)
deletes its private key file (a key on a token stays there: destroy it with the token's
tools) and drops it from the document: what it signed then fails as
``key_not_published`` ("unverifiable", never "tampered"), since nobody can tell a badge the
issuer signed from one the thief signed.

``keyring.json``::

    {"version": 1, "controller": "did:web:kmutt.example", "active": "key-2",
     "keys": [{"id": "key-1", "file": "key-1.pem", "publicKeyMultibase": "z6Mk…",
               "created": "2026-01-15T00:00:00Z"},
              {"id": "key-2", "pkcs11": "pkcs11:token=issuer;object=kmutt-2026;type=private?
               module-path=/usr/lib/softhsm/libsofthsm2.so", "publicKeyMultibase": "z6Mk…",
               "created": "2026-03-01T00:00:00Z"}],
     "removed": [{"id": "key-0", "publicKeyMultibase": "z6Mk…", "removed": "…",
                  "reason": "compromised"}]}

The service's issuer folder is a key ring once ``openmicrocred keys rotate`` ran on it: it then
signs with the active key and serves the ring's document (restart it after a change).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .._time import format_datetime
from ..errors import InputError, KeyFormatError, ResolutionError
from ..keys import Ed25519Key, Ed25519PublicKey, Ed25519SigningKey
from ..signers.pkcs11 import Pkcs11Ed25519Key, Pkcs11KeyRef
from .web import did_web_document, did_web_url

__all__ = ["KEYRING_FILE", "KeyEntry", "KeyRing", "RemovedKey", "remove_key", "rotate"]

KEYRING_FILE = "keyring.json"
_FRAGMENT = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class KeyEntry(BaseModel):
    """A published key: its fragment, where its private key is (a file in the ring's folder,
    or a key in an HSM named by its PKCS#11 URI, without the PIN) and its public key."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id: str = Field(pattern=_FRAGMENT)
    file: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    pkcs11: str | None = None
    public_key_multibase: str = Field(alias="publicKeyMultibase")
    created: str

    @model_validator(mode="after")
    def _one_place(self) -> KeyEntry:
        if (self.file is None) == (self.pkcs11 is None):
            raise ValueError("give the key's file or its pkcs11 URI (one of them)")
        if self.pkcs11 is not None:
            Pkcs11KeyRef.model_validate(self.pkcs11)  # raises ValueError naming the part
        return self

    def open(
        self, folder: str | os.PathLike[str], *, passphrase: str | bytes | None = None
    ) -> Ed25519SigningKey:
        """The private key: read from its file, or opened on its token (the PIN from the
        URI's ``pin-source`` file or ``$OPENMICROCRED_PKCS11_PIN``).

        :raises SignerError: the token, PIN or key (HSM).
        """
        if self.pkcs11 is not None:
            return Pkcs11KeyRef.model_validate(self.pkcs11).open()
        assert self.file is not None  # one of the two, checked above
        return Ed25519Key.load(Path(folder) / self.file, passphrase=passphrase)

    @property
    def where(self) -> str:
        """The key file's name or the HSM key's URI, for messages."""
        return self.file or self.pkcs11 or ""

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The key, decoded."""
        return Ed25519PublicKey.from_multibase(self.public_key_multibase)


class RemovedKey(BaseModel):
    """A key no longer published (kept so it is never reused, and for the record)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    id: str
    public_key_multibase: str = Field(alias="publicKeyMultibase")
    removed: str
    reason: str = ""
    pkcs11: str | None = None
    """Where a removed HSM key still is (its token keeps it until destroyed there)."""


class KeyRing(BaseModel):
    """``keyring.json``: the controller (a did:web), the active key and the keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = 1
    controller: str
    active: str
    keys: tuple[KeyEntry, ...]
    removed: tuple[RemovedKey, ...] = ()

    @classmethod
    def exists(cls, folder: str | os.PathLike[str]) -> bool:
        """Whether ``folder`` holds a key ring."""
        return (Path(folder) / KEYRING_FILE).is_file()

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> KeyRing:
        """Read ``folder/keyring.json``.

        :raises InputError: unreadable, or not a valid key ring (naming the field).
        """
        path = Path(folder) / KEYRING_FILE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            ring = cls.model_validate(raw)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: cannot read the key ring: {exc}") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(top level)"
            raise InputError(f"{path}: {where}: {first['msg']}") from None
        ring.check(path)
        return ring

    def check(self, where: Path | str = KEYRING_FILE) -> None:
        """The ring's own rules: a did:web controller, unique key ids, the active key among
        the published ones, every public key readable.

        :raises InputError: naming the rule broken.
        """
        try:
            did_web_url(self.controller)
        except (ResolutionError, ValueError) as exc:  # a malformed did:web
            raise InputError(f"{where}: controller: {exc}") from None
        ids = [k.id for k in self.keys] + [r.id for r in self.removed]
        if len(set(ids)) != len(ids):
            raise InputError(f"{where}: keys: two keys have the same id")
        if self.active not in {k.id for k in self.keys}:
            raise InputError(f"{where}: active: {self.active!r} is not a published key")
        for n, entry in enumerate(self.keys):
            try:
                entry.public_key  # noqa: B018 - decodes, raising KeyFormatError
            except KeyFormatError as exc:
                raise InputError(f"{where}: keys[{n}].publicKeyMultibase: {exc}") from None

    @property
    def verification_method(self) -> str:
        """The active key's verification method id."""
        return f"{self.controller}#{self.active}"

    def entry(self, key_id: str) -> KeyEntry:
        """A published key by id.

        :raises InputError: no such published key.
        """
        for entry in self.keys:
            if entry.id == key_id:
                return entry
        known = ", ".join(k.id for k in self.keys)
        raise InputError(f"no published key {key_id!r} in the key ring (keys: {known})")

    def did_document(self) -> dict[str, Any]:
        """The ``did.json`` to serve: every published key, for assertion and authentication."""
        return did_web_document(
            self.controller, [k.public_key for k in self.keys], fragments=[k.id for k in self.keys]
        )

    def signing_key(
        self, folder: str | os.PathLike[str], *, passphrase: str | bytes | None = None
    ) -> Ed25519SigningKey:
        """The active key, read from its file or opened on its token, and checked against
        the ring's public key.

        :raises InputError: the file or token key is not the key the ring publishes.
        :raises SignerError: the token, PIN or key (HSM).
        """
        entry = self.entry(self.active)
        key = entry.open(folder, passphrase=passphrase)
        if key.public_key != entry.public_key:
            if isinstance(key, Pkcs11Ed25519Key):
                key.close()
            where = entry.pkcs11 or Path(folder) / entry.where
            raise InputError(f"{where} does not hold the key published as {entry.id!r}")
        return key

    def save(self, folder: str | os.PathLike[str]) -> None:
        """Write ``folder/keyring.json`` atomically."""
        self.check()
        data = json.dumps(self.model_dump(by_alias=True, exclude_none=True), indent=2) + "\n"
        _write_atomically(Path(folder) / KEYRING_FILE, data.encode("utf-8"))


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _stamp(now: datetime | None) -> str:
    return format_datetime((now or datetime.now(UTC)).replace(microsecond=0))


def _next_id(ring: KeyRing | None) -> str:
    taken = set() if ring is None else {k.id for k in ring.keys} | {r.id for r in ring.removed}
    n = 1
    while f"key-{n}" in taken:
        n += 1
    return f"key-{n}"


def _hsm_public_key(ref: Pkcs11KeyRef) -> Ed25519PublicKey:
    """The public key of a key on a token (opened once: the PIN and key are checked now)."""
    with ref.open() as key:
        return key.public_key


def _start(
    folder: Path,
    controller: str | None,
    current: Path | Pkcs11KeyRef | None,
    current_id: str | None,
    stamp: str,
) -> KeyRing:
    """A ring for a folder that has none yet: its current key (``current``, or the
    service's ``issuer-key.pem``) becomes the first published, active key."""
    if controller is None:
        raise InputError("the folder has no key ring yet: give the issuer's did:web")
    key_id = current_id or "key-1"
    if isinstance(current, Pkcs11KeyRef):
        public = _hsm_public_key(current)
        entry = KeyEntry(
            id=key_id, pkcs11=current.uri, public_key_multibase=public.multibase, created=stamp
        )
        return KeyRing(controller=controller, active=key_id, keys=(entry,))
    source = current or folder / "issuer-key.pem"
    if not source.is_file():
        raise InputError(f"no current key at {source}: give the key file in use today")
    key = Ed25519Key.load(source)
    if source.parent.resolve() == folder.resolve():
        file = source.name  # already in the ring's folder: no second copy of a private key
    else:
        file = f"{key_id}.pem"
        key.save(folder / file)
    entry = KeyEntry(
        id=key_id, file=file, public_key_multibase=key.public_key.multibase, created=stamp
    )
    return KeyRing(controller=controller, active=key_id, keys=(entry,))


def _new_entry(
    ring: KeyRing, folder: Path, key_id: str, new_key: Ed25519Key | Pkcs11KeyRef | None, stamp: str
) -> KeyEntry:
    key = new_key or Ed25519Key.generate()
    public = _hsm_public_key(key) if isinstance(key, Pkcs11KeyRef) else key.public_key
    if any(k.public_key == public for k in ring.keys):
        raise InputError("that key is published already; a rotation needs a new key")
    if isinstance(key, Pkcs11KeyRef):
        return KeyEntry(
            id=key_id, pkcs11=key.uri, public_key_multibase=public.multibase, created=stamp
        )
    file = f"{key_id}.pem"
    try:
        key.save(folder / file)
    except FileExistsError:
        raise InputError(f"{folder / file} exists; refusing to overwrite a key file") from None
    return KeyEntry(
        id=key_id, file=file, public_key_multibase=key.public_key.multibase, created=stamp
    )


def rotate(
    folder: str | os.PathLike[str],
    *,
    controller: str | None = None,
    current_key: str | os.PathLike[str] | Pkcs11KeyRef | None = None,
    current_id: str | None = None,
    new_id: str | None = None,
    new_key: Ed25519Key | Pkcs11KeyRef | None = None,
    now: datetime | None = None,
) -> KeyRing:
    """Add a new key to the ring in ``folder`` and make it the active (signing) key; the
    keys before it stay published, so what they signed keeps verifying.

    The first rotation of a folder without a ring starts one from the key in use
    (``current_key``: a key file, default the service's ``issuer-key.pem``, or a key in an
    HSM; published as ``current_id``, default ``key-1``: the service's default fragment)
    for ``controller``.

    :param new_key: the new key: one in memory, saved as ``{new_id}.pem`` (default: a new
        random one), or a key in an HSM (:class:`~openmicrocred.signers.pkcs11.Pkcs11KeyRef`;
        the ring keeps its URI, never the PIN; the key is opened once to read its public key).
    :raises InputError: no ring and no controller or current key, or a key id in use.
    :raises SignerError: an HSM key cannot be opened.
    """
    where = Path(folder)
    where.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = _stamp(now)
    if KeyRing.exists(where):
        ring = KeyRing.load(where)
        if controller is not None and controller != ring.controller:
            raise InputError(f"the key ring is for {ring.controller}, not {controller}")
    else:
        current = (
            current_key
            if isinstance(current_key, Pkcs11KeyRef) or current_key is None
            else Path(current_key)
        )
        ring = _start(where, controller, current, current_id, stamp)
    key_id = new_id or _next_id(ring)
    if key_id in {k.id for k in ring.keys} | {r.id for r in ring.removed}:
        raise InputError(f"the key id {key_id!r} is (or was) in use; ids are never reused")
    entry = _new_entry(ring, where, key_id, new_key, stamp)
    rotated = ring.model_copy(update={"keys": (*ring.keys, entry), "active": key_id})
    rotated.save(where)
    return rotated


def remove_key(
    folder: str | os.PathLike[str],
    key_id: str,
    *,
    reason: str = "compromised",
    now: datetime | None = None,
) -> KeyRing:
    """Stop publishing ``key_id`` and delete its private key file. What it signed no longer
    verifies (``key_not_published``). The active key cannot be removed: rotate first.

    :raises InputError: no ring, no such key, or it is the active key.
    """
    where = Path(folder)
    if not KeyRing.exists(where):
        raise InputError(f"{where} has no key ring ({KEYRING_FILE})")
    ring = KeyRing.load(where)
    entry = ring.entry(key_id)
    if key_id == ring.active:
        raise InputError(
            f"{key_id!r} is the active signing key; run `keys rotate` first, then remove it"
        )
    gone = RemovedKey(
        id=entry.id,
        public_key_multibase=entry.public_key_multibase,
        removed=_stamp(now),
        reason=reason,
        pkcs11=entry.pkcs11,
    )
    kept = tuple(k for k in ring.keys if k.id != key_id)
    updated = ring.model_copy(update={"keys": kept, "removed": (*ring.removed, gone)})
    updated.save(where)
    if entry.file is not None:
        (where / entry.file).unlink(missing_ok=True)
    return updated
