"""``openmicrocred keygen`` and ``openmicrocred issue``: the issuer's commands."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from ._io import Subcommands

__all__ = ["add_commands"]


def _passphrase(args: argparse.Namespace) -> str | None:
    name = getattr(args, "passphrase_env", None)
    if not name:
        return None
    value = os.environ.get(name)
    if not value:
        raise ValueError(f"environment variable {name} is empty or not set")
    return value


def _cmd_keygen(args: argparse.Namespace, out: TextIO) -> int:
    from ..did import did_web_document, did_web_url
    from ..did.web import did_web_for_url
    from ..keys import Ed25519Key

    try:
        key = Ed25519Key.generate()
        key.save(args.output, passphrase=_passphrase(args))
    except (OSError, ValueError) as exc:
        print(f"openmicrocred keygen: {exc}", file=sys.stderr)
        return 2
    print(f"key:                  {args.output} (mode 0600)", file=out)
    print(f"did:key:              {key.did}", file=out)
    print(f"verification method:  {key.verification_method}", file=out)
    if args.did_web:
        try:
            did = did_web_for_url(args.did_web)
        except ValueError as exc:
            print(f"openmicrocred keygen: {exc}", file=sys.stderr)
            return 2
        document = did_web_document(did, [key.public_key], fragments=["key-1"])
        target = Path(args.output).with_name("did.json")
        target.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"did:web:              {did}", file=out)
        print(f"verification method:  {did}#key-1", file=out)
        print(f"publish {target} at {did_web_url(did)}", file=out)
    return 0


def _cmd_issue(args: argparse.Namespace, out: TextIO) -> int:
    from ..errors import OpenMicrocredError
    from ..keys import Ed25519PublicKey
    from ..signers import load_signer

    try:
        credential: Any = json.loads(Path(args.credential).read_text(encoding="utf-8"))
        if not isinstance(credential, dict):
            raise ValueError("the credential must be a JSON object")
        key = load_signer(args.key, passphrase=_passphrase(args))
        method = args.verification_method
        if method is None:
            public = key.public_key
            if not isinstance(public, Ed25519PublicKey):
                raise ValueError("give --verification-method for an RSA or P-256 key")
            method = public.verification_method
            issuer = credential.get("issuer")
            issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
            if issuer_id != public.did:
                raise ValueError(
                    f"the credential's issuer is {issuer_id!r}, but the key is {public.did}; set "
                    "the issuer to the key's DID or give --verification-method"
                )
        if "id" not in credential:
            import uuid

            credential["id"] = f"urn:uuid:{uuid.uuid4()}"
        if args.registry:
            from ..status import SQLiteStatusRegistry

            entries = SQLiteStatusRegistry(args.registry).allocate(credential["id"], ["revocation"])
            credential["credentialStatus"] = entries[0].to_json()
        from ..issuance import issue

        secured = issue(credential, key, format=args.format, verification_method=method)
        result = (
            secured
            if isinstance(secured, str)
            else json.dumps(secured, indent=2, ensure_ascii=False)
        ) + "\n"
    except (OSError, ValueError, TypeError, OpenMicrocredError) as exc:
        print(f"openmicrocred issue: {exc}", file=sys.stderr)
        return 2
    if args.output:
        Path(args.output).write_text(result, encoding="utf-8")
        print(f"issued {credential['id']} -> {args.output}", file=out)
    else:
        out.write(result)
    return 0


def add_commands(sub: Subcommands) -> None:
    """Register ``keygen`` and ``issue`` on an argparse subparsers object."""
    keygen = sub.add_parser("keygen", help="create an Ed25519 issuer key (and did:web document)")
    keygen.add_argument(
        "-o",
        "--output",
        default="issuer-key.pem",
        help="key file to write (mode 0600; default issuer-key.pem)",
    )
    keygen.add_argument(
        "--passphrase-env",
        metavar="VAR",
        help="encrypt the key with the passphrase in this environment variable",
    )
    keygen.add_argument(
        "--did-web",
        metavar="HTTPS_URL",
        help="also write did.json for the did:web of this URL, e.g. "
        "https://kmutt.example/issuers/1",
    )
    keygen.set_defaults(func=_cmd_keygen)

    issue = sub.add_parser("issue", help="sign a credential (eddsa-rdfc-2022 or VC-JWT)")
    issue.add_argument("credential", metavar="CREDENTIAL.json", help="the unsigned credential")
    issue.add_argument(
        "--key",
        required=True,
        help="the issuer's private key file (PEM), or the PKCS#11 URI of a key in an HSM "
        "(pkcs11:token=...;object=...?module-path=...; docs/keys.md)",
    )
    issue.add_argument(
        "--passphrase-env",
        metavar="VAR",
        help="environment variable holding the key file's passphrase",
    )
    issue.add_argument(
        "--verification-method",
        help="the key's verification method id (default: its did:key method)",
    )
    issue.add_argument(
        "--registry",
        metavar="FILE",
        help="a status registry: allocate a revocation entry for the credential",
    )
    issue.add_argument(
        "--format",
        choices=["di", "jwt"],
        default="di",
        help="eddsa-rdfc-2022 JSON (default) or VC-JWT",
    )
    issue.add_argument("-o", "--output", help="where to write it (default: standard output)")
    issue.set_defaults(func=_cmd_issue)
