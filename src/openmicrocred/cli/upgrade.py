"""``openmicrocred upgrade``: verify an Open Badges 2.0 badge and re-issue it, signed, as an
Open Badges 3.0 credential (see :mod:`openmicrocred.ob2.upgrade`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from ._io import Subcommands, read_source, terminal_safe

__all__ = ["add_commands"]


def _cmd_upgrade(args: argparse.Namespace, out: TextIO) -> int:
    from datetime import UTC, datetime

    from ..errors import OpenMicrocredError
    from ..fetch import Fetcher, FetchPolicy
    from ..keys import load_private_key
    from ..ob2.models import is_ob2
    from ..ob2.upgrade import upgrade
    from ..ob2.verify import verify_ob2
    from ..verification.inputs import load_credential

    now = datetime.now(UTC)
    fetcher = Fetcher() if args.offline else Fetcher.networked(FetchPolicy())
    try:
        key = load_private_key(args.key)
        loaded = load_credential(read_source(args.input), fetcher=fetcher)
        if not is_ob2(loaded.credential):
            raise ValueError("not an Open Badges 2.0 assertion")
        outcome = verify_ob2(loaded.credential, jws=loaded.jwt, fetcher=fetcher, now=now)
        failed = [f for f in outcome.findings if f.status in ("failed", "error")]
        if failed:
            reasons = "; ".join(f"{f.family}: {f.message}" for f in failed)
            raise ValueError(f"the badge does not verify, so it is not brought forward: {reasons}")
        credential = upgrade(
            outcome,
            key,
            issuer_id=args.issuer_id,
            verification_method=args.verification_method,
            checked_at=now,
        )
    except (OSError, ValueError, OpenMicrocredError) as exc:
        print(f"openmicrocred upgrade: {terminal_safe(str(exc))}", file=sys.stderr)
        return 2
    finally:
        fetcher.close()
    text = json.dumps(credential, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        out.write(text)
    return 0


def add_commands(sub: Subcommands) -> None:
    """Register ``upgrade``."""
    cmd = sub.add_parser(
        "upgrade",
        help="re-issue a verified Open Badges 2.0 badge as a signed OB 3.0 credential",
        description="Verify an Open Badges 2.0 badge (hosted or signed; JSON, JWS, baked PNG/SVG "
        "or URL) and re-issue it as an Open Badges 3.0 credential signed with KEY, recording "
        "the original assertion, a SHA-256 of what was fetched and when it was checked.",
    )
    cmd.add_argument("input", metavar="PATH|URL|-", help="the OB 2.0 badge")
    cmd.add_argument("--key", required=True, help="the issuer's private key (PEM; Ed25519)")
    cmd.add_argument("--issuer-id", help="the OB 3.0 issuer id (default: the key's did:key)")
    cmd.add_argument("--verification-method", help="the verification method id to sign with")
    cmd.add_argument("--offline", action="store_true", help="never use the network")
    cmd.add_argument("-o", "--output", help="write the credential here (default: stdout)")
    cmd.set_defaults(func=_cmd_upgrade)
