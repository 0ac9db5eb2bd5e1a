"""``openmicrocred upgrade``: verify Open Badges 2.0 badges and re-issue them, signed, as
Open Badges 3.0 credentials, or as one CLR 2.0 holding them (see :mod:`openmicrocred.ob2`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ._io import Subcommands, read_source, terminal_safe

if TYPE_CHECKING:
    from datetime import datetime

    from ..fetch import Fetcher
    from ..ob2.verify import Ob2Outcome

__all__ = ["add_commands"]


def _resources(items: list[str]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for item in items:
        url, sep, file = item.partition("=")
        if not sep or not url or not file:
            raise ValueError(f"--resource needs URL=FILE, not {item!r}")
        found[url] = Path(file).read_bytes()
    return found


def _verified(source: str, fetcher: Fetcher, now: datetime) -> Ob2Outcome:
    from ..ob2.models import is_ob2
    from ..ob2.verify import verify_ob2
    from ..verification.inputs import load_credential

    loaded = load_credential(read_source(source), fetcher=fetcher)
    if not is_ob2(loaded.credential):
        raise ValueError(f"{source}: not an Open Badges 2.0 assertion")
    return verify_ob2(loaded.credential, jws=loaded.jwt, fetcher=fetcher, now=now)


def _reissue(args: argparse.Namespace, now: datetime) -> dict[str, Any]:
    from ..fetch import Fetcher, FetchPolicy
    from ..keys import load_private_key
    from ..ob2.clr import upgrade_into_clr
    from ..ob2.upgrade import upgrade

    if len(args.input) > 1 and not args.clr:
        raise ValueError("several badges go into one CLR: give --clr NAME")
    key = load_private_key(args.key)
    resources = _resources(args.resource or [])
    fetcher = (
        Fetcher(resources=resources)
        if args.offline
        else Fetcher.networked(FetchPolicy(), resources=resources)
    )
    signing: dict[str, Any] = {
        "issuer_id": args.issuer_id,
        "verification_method": args.verification_method,
        "checked_at": now,
    }
    with fetcher:
        outcomes = [_verified(source, fetcher, now) for source in args.input]
    if args.clr:  # each badge must verify: upgrade() refuses one that does not, saying why
        return upgrade_into_clr(outcomes, key, name=args.clr, learner=args.learner, **signing)
    return upgrade(outcomes[0], key, **signing)


def _cmd_upgrade(args: argparse.Namespace, out: TextIO) -> int:
    from datetime import UTC, datetime

    from ..errors import OpenMicrocredError

    try:
        credential = _reissue(args, datetime.now(UTC))
    except (OSError, ValueError, OpenMicrocredError) as exc:
        print(f"openmicrocred upgrade: {terminal_safe(str(exc))}", file=sys.stderr)
        return 2
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
        help="re-issue verified Open Badges 2.0 badges as signed OB 3.0 credentials",
        description="Verify Open Badges 2.0 badges (hosted or signed; JSON, JWS, baked PNG/SVG "
        "or URL) and re-issue each as an Open Badges 3.0 credential signed with KEY, recording "
        "the original assertion, a SHA-256 of what was fetched and when it was checked; with "
        "--clr, one signed CLR 2.0 holding them all (each signed too).",
    )
    cmd.add_argument("input", nargs="+", metavar="PATH|URL|-", help="the OB 2.0 badge(s)")
    cmd.add_argument("--key", required=True, help="the issuer's private key (PEM; Ed25519)")
    cmd.add_argument("--issuer-id", help="the OB 3.0 issuer id (default: the key's did:key)")
    cmd.add_argument("--verification-method", help="the verification method id to sign with")
    cmd.add_argument("--clr", metavar="NAME", help="put the badges in one CLR called NAME")
    cmd.add_argument("--learner", help="the learner's id in the CLR (a URI)")
    cmd.add_argument(
        "--resource",
        action="append",
        metavar="URL=FILE",
        help="answer URL from FILE instead of the network (repeatable)",
    )
    cmd.add_argument("--offline", action="store_true", help="never use the network")
    cmd.add_argument("-o", "--output", help="write the credential here (default: stdout)")
    cmd.set_defaults(func=_cmd_upgrade)
