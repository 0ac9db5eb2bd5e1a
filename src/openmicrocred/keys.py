"""Signing and verification keys: Ed25519 (Multikey, JWK, PEM), and RSA / P-256 for VC-JWT.

Private key material never appears in ``repr``, logs or error messages. Key files are written
atomically with mode 0600, optionally encrypted with a passphrase (PKCS#8, best available
encryption of the ``cryptography`` package).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from ._encoding import (
    ED25519_PRIV,
    ED25519_PUB,
    P256_PUB,
    b64url_decode,
    b64url_encode,
    multibase_decode,
    multibase_encode,
    multicodec_unwrap,
)
from .errors import InvalidProofError, KeyFormatError, SignatureError

if TYPE_CHECKING:
    # RSA and P-256 support is imported where it is used (~5 ms a process that only checks
    # Ed25519 signatures does not need).
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

__all__ = [
    "ECPublicKey",
    "Ed25519Key",
    "Ed25519PublicKey",
    "Ed25519SigningKey",
    "P256Key",
    "RSAKey",
    "RSAPublicKey",
    "SigningKey",
    "VerificationKey",
    "is_ed25519_signer",
    "load_private_key",
    "public_key_from_jwk",
    "public_key_from_multibase",
    "public_key_from_pem",
]


@runtime_checkable
class VerificationKey(Protocol):
    """A public key that checks signatures for one JOSE algorithm."""

    @property
    def algorithm(self) -> str:
        """The JOSE algorithm name: ``EdDSA``, ``RS256`` or ``ES256``."""
        ...

    def verify(self, signature: bytes, data: bytes) -> None:
        """Raise :class:`InvalidProofError` unless ``signature`` is valid for ``data``."""
        ...

    def to_jwk(self) -> dict[str, str]:
        """The public key as a JWK."""
        ...


@runtime_checkable
class SigningKey(Protocol):
    """Anything that signs for one JOSE algorithm: the signer protocol of every signing path
    (Data Integrity, VC-JWT, status list publication).

    Only ``sign`` touches the private key, so a key that never leaves its device fits: a
    key in memory (:class:`Ed25519Key`, :class:`RSAKey`, :class:`P256Key`), in an HSM
    (:class:`openmicrocred.signers.pkcs11.Pkcs11Ed25519Key`) or in a cloud KMS (see
    ``docs/keys.md``). Its public key gives the JWK and, for Ed25519, the multibase.
    """

    @property
    def algorithm(self) -> str:
        """The JOSE algorithm name: ``EdDSA``, ``RS256`` or ``ES256``."""
        ...

    def sign(self, data: bytes) -> bytes:
        """Sign ``data`` (EdDSA: the 64-byte Ed25519 signature; ES256: raw ``r || s``)."""
        ...

    @property
    def public_key(self) -> VerificationKey:
        """The matching public key."""
        ...


@runtime_checkable
class Ed25519SigningKey(Protocol):
    """A signer of Ed25519 signatures, as the EdDSA Data Integrity suites need: its public
    key is an :class:`Ed25519PublicKey` (``publicKeyMultibase``, JWK, did:key)."""

    @property
    def algorithm(self) -> str:
        """``EdDSA``."""
        ...

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``data``."""
        ...

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The matching public key."""
        ...


def is_ed25519_signer(key: SigningKey) -> bool:
    """Whether ``key`` signs Ed25519 (EdDSA with an :class:`Ed25519PublicKey`)."""
    return key.algorithm == "EdDSA" and isinstance(key.public_key, Ed25519PublicKey)


# ---------------------------------------------------------------------------------- Ed25519


class Ed25519PublicKey:
    """An Ed25519 public key (``Multikey`` ``z6Mk…``, JWK ``OKP``/``Ed25519``)."""

    algorithm = "EdDSA"
    __slots__ = ("_key", "raw")

    def __init__(self, raw: bytes) -> None:
        if len(raw) != 32:
            raise KeyFormatError(f"an Ed25519 public key is 32 bytes, not {len(raw)}")
        self.raw = raw
        self._key = ed25519.Ed25519PublicKey.from_public_bytes(raw)

    @classmethod
    def from_multibase(cls, value: str) -> Ed25519PublicKey:
        """Decode a ``publicKeyMultibase`` (``z6Mk…``)."""
        return cls(multicodec_unwrap(multibase_decode(value), ED25519_PUB, 32, "Ed25519 key"))

    @classmethod
    def from_jwk(cls, jwk: dict[str, Any]) -> Ed25519PublicKey:
        """Read an ``OKP``/``Ed25519`` JWK (a private ``d`` member is ignored)."""
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise KeyFormatError("not an Ed25519 JWK (kty OKP, crv Ed25519)")
        return cls(b64url_decode(str(jwk.get("x", ""))))

    @property
    def multibase(self) -> str:
        """``publicKeyMultibase``: ``z`` + base58btc(0xed01 + key)."""
        return multibase_encode(ED25519_PUB + self.raw)

    @property
    def did(self) -> str:
        """The ``did:key`` of this key."""
        return f"did:key:{self.multibase}"

    @property
    def verification_method(self) -> str:
        """The ``did:key`` verification method id (``did:key:z…#z…``)."""
        return f"{self.did}#{self.multibase}"

    def to_jwk(self) -> dict[str, str]:
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(self.raw)}

    @property
    def cryptography_key(self) -> ed25519.Ed25519PublicKey:
        """The underlying ``cryptography`` public key object."""
        return self._key

    def verify(self, signature: bytes, data: bytes) -> None:
        try:
            self._key.verify(signature, data)
        except InvalidSignature:
            raise SignatureError("the Ed25519 signature does not verify") from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ed25519PublicKey) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def __repr__(self) -> str:
        return f"Ed25519PublicKey({self.multibase!r})"


class _PrivateKeyFile:
    """Saving and loading of private keys as PKCS#8 PEM files."""

    _private: Any

    def private_pem(self, passphrase: str | bytes | None = None) -> bytes:
        """The private key as PKCS#8 PEM, encrypted if a passphrase is given."""
        from cryptography.hazmat.primitives import serialization  # PEM work only: ~20 ms

        encryption: serialization.KeySerializationEncryption = serialization.NoEncryption()
        if passphrase:
            secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
            encryption = serialization.BestAvailableEncryption(secret)
        return bytes(
            self._private.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
            )
        )

    def save(self, path: str | os.PathLike[str], *, passphrase: str | bytes | None = None) -> None:
        """Write the private key to ``path`` atomically, readable by its owner only (0600).

        :param passphrase: encrypt the file with this passphrase.
        :raises FileExistsError: ``path`` exists (keys are never overwritten silently).
        """
        target = Path(path)
        if target.exists():
            raise FileExistsError(f"{target} exists; refusing to overwrite a key file")
        data = self.private_pem(passphrase)
        import tempfile  # only when a key is saved

        fd, tmp = tempfile.mkstemp(prefix=".key-", dir=target.parent or ".")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.link(tmp, target)  # fails if the target appeared meanwhile
        finally:
            os.unlink(tmp)


class Ed25519Key(_PrivateKeyFile):
    """An Ed25519 signing key. ``repr`` shows only the public key."""

    algorithm = "EdDSA"
    __slots__ = ("_private", "public_key")

    def __init__(self, private: ed25519.Ed25519PrivateKey) -> None:
        self._private = private
        raw = private.public_key().public_bytes_raw()
        self.public_key: Ed25519PublicKey = Ed25519PublicKey(raw)

    @classmethod
    def generate(cls) -> Ed25519Key:
        """A new random key."""
        return cls(ed25519.Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519Key:
        """The key for a 32-byte seed (RFC 8032 private key)."""
        if len(seed) != 32:
            raise KeyFormatError("an Ed25519 seed is 32 bytes")
        return cls(ed25519.Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_multibase(cls, secret_key_multibase: str) -> Ed25519Key:
        """Decode a ``secretKeyMultibase`` (multicodec ed25519-priv, 0x1300).

        The value holds the 32-byte seed; the older 64-byte form (seed followed by the public
        key, as in the 1EdTech test vectors) is accepted when its public half matches.
        """
        data = multibase_decode(secret_key_multibase)
        if len(data) == len(ED25519_PRIV) + 64:
            both = multicodec_unwrap(data, ED25519_PRIV, 64, "Ed25519 secret key")
            key = cls.from_seed(both[:32])
            if key.public_key.raw != both[32:]:
                raise KeyFormatError("the secret key's public half does not match its seed")
            return key
        return cls.from_seed(multicodec_unwrap(data, ED25519_PRIV, 32, "Ed25519 secret key"))

    @classmethod
    def from_jwk(cls, jwk: dict[str, Any]) -> Ed25519Key:
        """Read a private ``OKP``/``Ed25519`` JWK (with ``d``)."""
        public = Ed25519PublicKey.from_jwk(jwk)
        if "d" not in jwk:
            raise KeyFormatError("the JWK has no private part ('d')")
        key = cls.from_seed(b64url_decode(str(jwk["d"])))
        if key.public_key != public:
            raise KeyFormatError("the JWK's 'x' does not match its 'd'")
        return key

    @classmethod
    def from_pem(cls, data: bytes, *, passphrase: str | bytes | None = None) -> Ed25519Key:
        """Read a PKCS#8 PEM private key, decrypting it with ``passphrase`` if needed."""
        private = _load_pem_private(data, passphrase)
        if not isinstance(private, ed25519.Ed25519PrivateKey):
            raise KeyFormatError("the PEM file does not hold an Ed25519 private key")
        return cls(private)

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], *, passphrase: str | bytes | None = None
    ) -> Ed25519Key:
        """Read a key file written by :meth:`save`."""
        return cls.from_pem(Path(path).read_bytes(), passphrase=passphrase)

    def sign(self, data: bytes) -> bytes:
        """An Ed25519 signature of ``data``."""
        signature: bytes = self._private.sign(data)
        return signature

    def secret_multibase(self) -> str:
        """``secretKeyMultibase`` of this key. Handle with care: it is the private key."""
        seed = self._private.private_bytes_raw()
        return multibase_encode(ED25519_PRIV + seed)

    def private_jwk(self) -> dict[str, str]:
        """The private key as a JWK (with ``d``). Handle with care."""
        seed = self._private.private_bytes_raw()
        return {**self.public_key.to_jwk(), "d": b64url_encode(seed)}

    @property
    def did(self) -> str:
        """The ``did:key`` of this key."""
        return self.public_key.did

    @property
    def verification_method(self) -> str:
        """The ``did:key`` verification method id."""
        return self.public_key.verification_method

    def __repr__(self) -> str:
        return f"Ed25519Key(public={self.public_key.multibase!r})"


# ------------------------------------------------------------------------------ RSA, P-256


class RSAPublicKey:
    """An RSA public key for RS256 (RSASSA-PKCS1-v1_5 with SHA-256)."""

    algorithm = "RS256"
    __slots__ = ("_key",)

    def __init__(self, key: rsa.RSAPublicKey) -> None:
        if key.key_size < 2048:
            raise KeyFormatError(f"RSA keys must be at least 2048 bits, not {key.key_size}")
        self._key = key

    @classmethod
    def from_jwk(cls, jwk: dict[str, Any]) -> RSAPublicKey:
        from cryptography.hazmat.primitives.asymmetric import rsa

        if jwk.get("kty") != "RSA":
            raise KeyFormatError("not an RSA JWK")
        n = int.from_bytes(b64url_decode(str(jwk.get("n", ""))), "big")
        e = int.from_bytes(b64url_decode(str(jwk.get("e", ""))), "big")
        try:
            return cls(rsa.RSAPublicNumbers(e, n).public_key())
        except ValueError as exc:
            raise KeyFormatError(f"invalid RSA JWK: {exc}") from None

    @property
    def cryptography_key(self) -> rsa.RSAPublicKey:
        """The underlying ``cryptography`` public key object."""
        return self._key

    def to_jwk(self) -> dict[str, str]:
        numbers = self._key.public_numbers()
        return {
            "kty": "RSA",
            "n": b64url_encode(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
            "e": b64url_encode(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")),
        }

    def verify(self, signature: bytes, data: bytes) -> None:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        try:
            self._key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise SignatureError("the RS256 signature does not verify") from None

    def __repr__(self) -> str:
        return f"RSAPublicKey({self._key.key_size} bits)"


class RSAKey(_PrivateKeyFile):
    """An RSA signing key for RS256, the OB 3.0 VC-JWT minimum."""

    algorithm = "RS256"
    __slots__ = ("_private", "public_key")

    def __init__(self, private: rsa.RSAPrivateKey) -> None:
        self._private = private
        self.public_key: RSAPublicKey = RSAPublicKey(private.public_key())

    @classmethod
    def generate(cls, bits: int = 2048) -> RSAKey:
        from cryptography.hazmat.primitives.asymmetric import rsa

        return cls(rsa.generate_private_key(public_exponent=65537, key_size=bits))

    @classmethod
    def from_pem(cls, data: bytes, *, passphrase: str | bytes | None = None) -> RSAKey:
        from cryptography.hazmat.primitives.asymmetric import rsa

        private = _load_pem_private(data, passphrase)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise KeyFormatError("the PEM file does not hold an RSA private key")
        return cls(private)

    def sign(self, data: bytes) -> bytes:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        signature: bytes = self._private.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return signature

    def __repr__(self) -> str:
        return f"RSAKey({self._private.key_size} bits)"


class ECPublicKey:
    """A P-256 public key for ES256."""

    algorithm = "ES256"
    __slots__ = ("_key",)

    def __init__(self, key: ec.EllipticCurvePublicKey) -> None:
        from cryptography.hazmat.primitives.asymmetric import ec

        if not isinstance(key.curve, ec.SECP256R1):
            raise KeyFormatError(f"only P-256 EC keys are supported, not {key.curve.name}")
        self._key = key

    @classmethod
    def from_jwk(cls, jwk: dict[str, Any]) -> ECPublicKey:
        from cryptography.hazmat.primitives.asymmetric import ec

        if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
            raise KeyFormatError("not a P-256 JWK (kty EC, crv P-256)")
        x = int.from_bytes(b64url_decode(str(jwk.get("x", ""))), "big")
        y = int.from_bytes(b64url_decode(str(jwk.get("y", ""))), "big")
        try:
            return cls(ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key())
        except ValueError as exc:
            raise KeyFormatError(f"invalid P-256 JWK: {exc}") from None

    @classmethod
    def from_compressed(cls, data: bytes) -> ECPublicKey:
        from cryptography.hazmat.primitives.asymmetric import ec

        try:
            return cls(ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data))
        except ValueError as exc:
            raise KeyFormatError(f"invalid P-256 point: {exc}") from None

    @property
    def cryptography_key(self) -> ec.EllipticCurvePublicKey:
        """The underlying ``cryptography`` public key object."""
        return self._key

    def to_jwk(self) -> dict[str, str]:
        numbers = self._key.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url_encode(numbers.x.to_bytes(32, "big")),
            "y": b64url_encode(numbers.y.to_bytes(32, "big")),
        }

    def verify(self, signature: bytes, data: bytes) -> None:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

        # JWS ES256 signatures are the raw 64-byte r || s.
        if len(signature) != 64:
            raise InvalidProofError("an ES256 signature is 64 bytes")
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        try:
            self._key.verify(der, data, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise SignatureError("the ES256 signature does not verify") from None

    def __repr__(self) -> str:
        return "ECPublicKey(P-256)"


class P256Key(_PrivateKeyFile):
    """A P-256 signing key for ES256."""

    algorithm = "ES256"
    __slots__ = ("_private", "public_key")

    def __init__(self, private: ec.EllipticCurvePrivateKey) -> None:
        self._private = private
        self.public_key: ECPublicKey = ECPublicKey(private.public_key())

    @classmethod
    def generate(cls) -> P256Key:
        from cryptography.hazmat.primitives.asymmetric import ec

        return cls(ec.generate_private_key(ec.SECP256R1()))

    def sign(self, data: bytes) -> bytes:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        r, s = decode_dss_signature(self._private.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def __repr__(self) -> str:
        return "P256Key()"


# ------------------------------------------------------------------------------- factories


def _load_pem_private(data: bytes, passphrase: str | bytes | None) -> Any:
    from cryptography.hazmat.primitives import serialization

    secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
    try:
        return serialization.load_pem_private_key(data, password=secret or None)
    except TypeError:
        raise KeyFormatError("the key file is encrypted; a passphrase is needed") from None
    except ValueError:
        raise KeyFormatError(
            "cannot read the private key (not a PEM key, or a wrong passphrase)"
        ) from None


def load_private_key(
    path: str | os.PathLike[str], *, passphrase: str | bytes | None = None
) -> Ed25519Key | RSAKey | P256Key:
    """Load an Ed25519, RSA or P-256 private key from a PEM file."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    private = _load_pem_private(Path(path).read_bytes(), passphrase)
    if isinstance(private, ed25519.Ed25519PrivateKey):
        return Ed25519Key(private)
    if isinstance(private, rsa.RSAPrivateKey):
        return RSAKey(private)
    if isinstance(private, ec.EllipticCurvePrivateKey):
        return P256Key(private)
    raise KeyFormatError("unsupported private key type (use Ed25519, RSA or P-256)")


def public_key_from_jwk(jwk: dict[str, Any]) -> Ed25519PublicKey | RSAPublicKey | ECPublicKey:
    """A verification key from a public JWK (``OKP``/Ed25519, ``RSA`` or ``EC``/P-256)."""
    if not isinstance(jwk, dict):
        raise KeyFormatError("a JWK must be a JSON object")
    kty = jwk.get("kty")
    if kty == "OKP":
        return Ed25519PublicKey.from_jwk(jwk)
    if kty == "RSA":
        return RSAPublicKey.from_jwk(jwk)
    if kty == "EC":
        return ECPublicKey.from_jwk(jwk)
    raise KeyFormatError(f"unsupported JWK key type {kty!r}")


@functools.lru_cache(maxsize=512)
def public_key_from_multibase(value: str) -> Ed25519PublicKey | ECPublicKey:
    """A verification key from a Multikey ``publicKeyMultibase`` (Ed25519 or P-256).

    The same issuer keys come back verification after verification (every did:key names
    its key this way), so the last 512 decoded are kept: a key object is never changed."""
    data = multibase_decode(value)
    if data.startswith(ED25519_PUB):
        return Ed25519PublicKey(multicodec_unwrap(data, ED25519_PUB, 32, "Ed25519 key"))
    if data.startswith(P256_PUB):
        return ECPublicKey.from_compressed(multicodec_unwrap(data, P256_PUB, 33, "P-256 key"))
    raise KeyFormatError("unsupported Multikey codec (expected Ed25519 or P-256)")


def public_key_from_pem(data: bytes) -> Ed25519PublicKey | RSAPublicKey | ECPublicKey:
    """A verification key from a PEM ``PUBLIC KEY``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise KeyFormatError("not a PEM public key") from None
    if isinstance(key, ed25519.Ed25519PublicKey):
        return Ed25519PublicKey(key.public_bytes_raw())
    if isinstance(key, rsa.RSAPublicKey):
        return RSAPublicKey(key)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return ECPublicKey(key)
    raise KeyFormatError("unsupported public key type")
