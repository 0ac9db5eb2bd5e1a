"""``openmicrocred keys``: rotate and remove a did:web issuer's keys; keys in an HSM.

``keys rotate`` / ``keys remove`` / ``keys list`` work on a key ring folder
(:mod:`openmicrocred.did.keyring`): the service's issuer folder (its data directory for the
first issuer, ``issuers/{name}/`` for the others) or any folder a static did:web site is
built from. ``keys hsm-info`` and ``keys hsm-keygen`` talk to a PKCS#11 token.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ._io import Subcommands

if TYPE_CHECKING:
    from ..did.keyring import KeyRing
    from ..signers.pkcs11 import Pkcs11KeyRef

__all__ = ["add_commands"]

DEFAULT_DIR = "openmicrocred-data"


def _fail(command: str, exc: Exception) -> int:
    print(f"openmicrocred keys {command}: {exc}", file=sys.stderr)
    return 2


def _write_document(ring: KeyRing, folder: Path, target: str | None, out: TextIO) -> None:
    from ..did.web import did_web_url

    path = Path(target) if target else folder / "did.json"
    path.write_text(json.dumps(ring.did_document(), indent=2) + "\n", encoding="utf-8")
    print(f"DID document:         {path} (publish at {did_web_url(ring.controller)})", file=out)
    print("the service serves it after a restart of every worker", file=out)


def _print_ring(ring: KeyRing, out: TextIO) -> None:
    print(f"controller:           {ring.controller}", file=out)
    for entry in ring.keys:
        mark = "active (signs)" if entry.id == ring.active else "published (verifies)"
        hsm = " (in an HSM)" if entry.pkcs11 else ""
        print(f"  {entry.id:<20} {mark:<21} {entry.public_key_multibase}{hsm}", file=out)
    for gone in ring.removed:
        print(f"  {gone.id:<20} removed {gone.removed} ({gone.reason})", file=out)


def _key_source(value: str | None) -> str | Pkcs11KeyRef | None:
    """A key file's path, or the key in an HSM a ``pkcs11:`` URI names."""
    from ..signers.pkcs11 import Pkcs11KeyRef

    if value is not None and value.startswith("pkcs11:"):
        return Pkcs11KeyRef.from_uri(value)
    return value


def _cmd_rotate(args: argparse.Namespace, out: TextIO) -> int:
    from ..did.keyring import rotate
    from ..errors import OpenMicrocredError
    from ..signers.pkcs11 import Pkcs11KeyRef

    folder = Path(args.dir)
    try:
        new_key = _key_source(args.new_key)
        if new_key is not None and not isinstance(new_key, Pkcs11KeyRef):
            raise ValueError("--new-key takes a pkcs11: URI (without it a new key file is made)")
        ring = rotate(
            folder,
            controller=args.did,
            current_key=_key_source(args.current_key),
            current_id=args.current_id,
            new_id=args.new_id,
            new_key=new_key,
        )
        print(f"new signing key:      {ring.verification_method}", file=out)
        _print_ring(ring, out)
        _write_document(ring, folder, args.did_document, out)
    except (OSError, ValueError, OpenMicrocredError) as exc:
        return _fail("rotate", exc)
    return 0


def _cmd_remove(args: argparse.Namespace, out: TextIO) -> int:
    from ..did.keyring import KeyRing, remove_key
    from ..errors import OpenMicrocredError

    folder = Path(args.dir)
    try:
        gone = KeyRing.load(folder).entry(args.key_id) if KeyRing.exists(folder) else None
        ring = remove_key(folder, args.key_id, reason=args.reason)
        if gone is not None and gone.pkcs11 is not None:
            print(
                f"removed {args.key_id}: no longer published. It is still on its token:", file=out
            )
            print(f"  destroy it there with the token's tools ({gone.pkcs11})", file=out)
        else:
            print(f"removed {args.key_id}: its private key file is deleted and it is", file=out)
            print("  no longer published", file=out)
        print("credentials it signed now verify as key_not_published (not as forged);", file=out)
        print("verifiers that cached the old DID document accept them until it expires", file=out)
        _print_ring(ring, out)
        _write_document(ring, folder, args.did_document, out)
    except (OSError, ValueError, OpenMicrocredError) as exc:
        return _fail("remove", exc)
    return 0


def _cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    from ..did.keyring import KeyRing
    from ..errors import OpenMicrocredError

    try:
        _print_ring(KeyRing.load(args.dir), out)
    except (OSError, OpenMicrocredError) as exc:
        return _fail("list", exc)
    return 0


def _cmd_hsm_info(args: argparse.Namespace, out: TextIO) -> int:
    from ..errors import OpenMicrocredError
    from ..signers.pkcs11 import tokens

    try:
        found = tokens(args.module)
    except OpenMicrocredError as exc:
        return _fail("hsm-info", exc)
    if not found:
        print(f"no initialised token in {args.module}", file=out)
    for token in found:
        eddsa = "yes" if token.eddsa else "no (cannot sign Ed25519)"
        keygen = "yes" if token.ed25519_keygen else "no"
        print(f"token {token.label!r}: {token.manufacturer} {token.model}", file=out)
        print(
            f"  serial {token.serial}; CKM_EDDSA {eddsa}; Ed25519 key generation {keygen}", file=out
        )
    return 0


def _cmd_hsm_keygen(args: argparse.Namespace, out: TextIO) -> int:
    from ..errors import OpenMicrocredError
    from ..signers.pkcs11 import Pkcs11Ed25519Key, Pkcs11KeyRef, read_pin

    try:
        pin = read_pin(env=args.pin_env, file=args.pin_file)
        key_id = bytes.fromhex(args.key_id) if args.key_id else None
        with Pkcs11Ed25519Key.generate(
            args.module, token_label=args.token, pin=pin, key_label=args.label, key_id=key_id
        ) as key:
            print(
                f"key:                  {key.name} (made on the token, not extractable)", file=out
            )
            print(f"publicKeyMultibase:   {key.public_key.multibase}", file=out)
            print(f"did:key:              {key.did}", file=out)
            ref = Pkcs11KeyRef(
                module=Path(args.module).absolute(),
                token=args.token,
                key_label=args.label,
                pin_file=Path(args.pin_file).absolute() if args.pin_file else None,
            )
            print(f"PKCS#11 URI:          {ref.uri}", file=out)
    except (ValueError, OpenMicrocredError) as exc:
        return _fail("hsm-keygen", exc)
    return 0


def _ring_commands(keys: Subcommands) -> None:
    rotate = keys.add_parser(
        "rotate", help="add a new signing key; earlier keys stay published, so badges verify"
    )
    rotate.add_argument(
        "--dir", default=DEFAULT_DIR, help=f"key ring folder (default {DEFAULT_DIR})"
    )
    rotate.add_argument("--did", help="the issuer's did:web (needed the first time)")
    rotate.add_argument(
        "--current-key",
        metavar="FILE|URI",
        help="the key in use, first time only: a file (default DIR/issuer-key.pem) or the "
        "pkcs11: URI of a key in an HSM",
    )
    rotate.add_argument(
        "--new-key",
        metavar="URI",
        help="the pkcs11: URI of the new key in an HSM (make it with `keys hsm-keygen`); "
        "default: a new key file DIR/key-N.pem",
    )
    rotate.add_argument("--current-id", metavar="ID", help="its fragment (default key-1)")
    rotate.add_argument("--new-id", metavar="ID", help="the new key's fragment (default key-N)")
    rotate.add_argument("--did-document", metavar="FILE", help="where to write did.json")
    rotate.set_defaults(func=_cmd_rotate)

    remove = keys.add_parser("remove", help="stop publishing a (compromised) key, delete it")
    remove.add_argument("key_id", metavar="KEYID", help="the key's fragment, e.g. key-1")
    remove.add_argument(
        "--dir", default=DEFAULT_DIR, help=f"key ring folder (default {DEFAULT_DIR})"
    )
    remove.add_argument("--reason", default="compromised", help="recorded in keyring.json")
    remove.add_argument("--did-document", metavar="FILE", help="where to write did.json")
    remove.set_defaults(func=_cmd_remove)

    listing = keys.add_parser("list", help="the keys of a key ring")
    listing.add_argument(
        "--dir", default=DEFAULT_DIR, help=f"key ring folder (default {DEFAULT_DIR})"
    )
    listing.set_defaults(func=_cmd_list)


def _hsm_commands(keys: Subcommands) -> None:
    info = keys.add_parser("hsm-info", help="the tokens of a PKCS#11 module, Ed25519 support")
    info.add_argument("--module", required=True, help="the PKCS#11 module (.so)")
    info.set_defaults(func=_cmd_hsm_info)

    keygen = keys.add_parser("hsm-keygen", help="make a non-extractable Ed25519 key on a token")
    keygen.add_argument("--module", required=True, help="the PKCS#11 module (.so)")
    keygen.add_argument("--token", required=True, help="the token label")
    keygen.add_argument("--label", required=True, help="the new key's label (CKA_LABEL)")
    keygen.add_argument("--key-id", metavar="HEX", help="the new key's CKA_ID (default random)")
    keygen.add_argument(
        "--pin-env",
        default="OPENMICROCRED_PKCS11_PIN",
        metavar="VAR",
        help="environment variable with the user PIN (default OPENMICROCRED_PKCS11_PIN)",
    )
    keygen.add_argument("--pin-file", metavar="FILE", help="read the PIN from this file (0600)")
    keygen.set_defaults(func=_cmd_hsm_keygen)


def add_commands(sub: Subcommands) -> None:
    """Register ``keys`` and its subcommands on an argparse subparsers object."""
    keys_parser = sub.add_parser("keys", help="rotate/remove did:web keys; keys in an HSM")
    keys = keys_parser.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    _ring_commands(keys)
    _hsm_commands(keys)
