"""``openmicrocred verify`` / ``inspect`` / ``bake`` / ``unbake``: the verifier's commands."""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ._io import Subcommands, TerminalWriter, read_source, terminal_safe

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from ..verification.report import CredentialDisplay, VerificationReport
    from ..verification.trust import TrustList

__all__ = ["add_commands"]

_MARK = {"passed": "✓", "failed": "✗", "error": "!", "skipped": "-"}
_VERDICT = {
    "verified": "VERIFIED",
    "tampered": "NOT VERIFIED — forged or tampered",
    "invalid": "NOT VERIFIED — not a valid credential",
    "unsigned": "NOT VERIFIED — unsigned: nothing says who made it",
    "revoked": "NOT VERIFIED — authentic but REVOKED",
    "suspended": "NOT VERIFIED — authentic but SUSPENDED",
    "expired": "NOT VERIFIED — authentic but EXPIRED",
    "not_yet_valid": "NOT VERIFIED — authentic but not yet valid",
    "recipient_mismatch": "NOT VERIFIED — not issued to this recipient",
    "untrusted_issuer": "NOT VERIFIED — authentic, but the issuer is on none of your trust lists",
    "unverifiable": "NOT VERIFIED — could not be fully checked",
}


def N_(message: str) -> str:  # noqa: N802 (gettext's marker: babel.cfg extracts this file)
    """Mark ``message`` for the catalog; :class:`_Words` translates it where it is shown."""
    return message


_LABELS = (
    N_("Badge"),
    N_("Issuer"),
    N_("Recipient"),
    N_("Achievement"),
    N_("Criteria"),
    N_("Aligned to"),
    N_("Result"),
    N_("Evidence"),
    N_("Feedback"),
    N_("Dates"),
    N_("Endorsed by"),
    N_("Endorsement"),
    N_("Fetched"),
    N_("Not fetched"),
)
_SOURCES = {"local": N_("local copy"), "cache": N_("cache"), "network": N_("network")}


def _width(text: str) -> int:
    """Terminal cells of ``text``: Thai vowel and tone marks sit on their letter."""
    import unicodedata

    return sum(unicodedata.category(c) not in ("Mn", "Me", "Cf") for c in text)


class _Words:
    """The report's words in one language: ``_`` (the catalog's gettext; English: the words
    as written, no catalog loaded), ``when`` (a date for its readers: English keeps the
    credential's own timestamp) and the field labels padded to one column."""

    def __init__(
        self, translate: Callable[[str], str] | None = None, lang: str | None = None
    ) -> None:
        self._: Callable[[str], str] = translate or str
        self.lang = lang
        # English keeps its column of 14 (the longest label, "Achievement:", and 2 spaces).
        self.column = max(14, *(_width(self._(label)) + 3 for label in _LABELS))
        self.indent = " " * (self.column + 2)

    def label(self, english: str) -> str:
        """``  Label:`` and the spaces that bring the value to the column."""
        word = f"{self._(english)}:"
        return f"  {word}{' ' * (self.column - _width(word))}"

    def when(self, value: Any) -> str:
        """A date of the badge: as the pages write it in ``lang`` (Thai: Thailand's time, the
        Buddhist-era year; Babel is imported here only), else the timestamp as written."""
        if self.lang is None:
            return _text(value)
        from ..present.i18n import format_when

        return _text(format_when(value, self.lang) or value)


_ENGLISH = _Words()


def _raw(value: Any) -> str:
    if isinstance(value, dict):  # a language map
        return " / ".join(f"{v} [{k}]" for k, v in value.items())
    return "" if value is None else str(value)


def _text(value: Any) -> str:
    """A value from the badge as one line that cannot act on the terminal."""
    return terminal_safe(_raw(value))


def _block(value: Any, words: _Words = _ENGLISH, *, limit: int = 14) -> str:
    """Multi-line text (markdown) indented under its label, shortened for a terminal."""
    lines = [terminal_safe(line) for line in _raw(value).splitlines() if line.strip()]
    if len(lines) > limit:
        more = words._(N_("… (%(count)s more lines in the badge)")) % {"count": len(lines) - limit}
        lines = [*lines[:limit], more]
    return f"\n{words.indent}".join(lines)


def _language(asked: str | None) -> str:
    """``--lang``, else the locale environment (Thai for ``th_TH.UTF-8``), else English."""
    if asked:
        return asked
    import os

    env = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")
    return "th" if (env or "").lower().startswith("th") else "en"


def _print_report(report: VerificationReport, out: SupportsWrite[str], lang: str = "en") -> None:
    if lang != "en":  # the catalog's words (present/words.py); English keeps its own
        from ..present.i18n import translations
        from ..present.words import report_lines

        words = _Words(translations(lang).gettext, lang)
        first, *rest = report_lines(report, words._)
        print(f"{_text(first)}  ({_text(report.source)})", file=out)
        for line in rest:
            print(_text(line), file=out)
        if report.display is not None:
            _print_display(report.display, report, out, words)
        _print_checks(report, out, words)
        return
    headline = _VERDICT.get(report.verdict.value, report.verdict.value)
    if report.signer is not None:
        # Who really signed it, in plain words, on the headline itself.
        headline += f" — {_text(report.signer.statement)}"
    print(f"{headline}  ({_text(report.source)})", file=out)
    if report.display is not None:
        _print_display(report.display, report, out)
    _print_checks(report, out)


def _trust_note(report: VerificationReport, words: _Words = _ENGLISH) -> str:
    if report.issuer_trusted is None:
        return ""
    if report.issuer_trusted:
        if report.trusted_by:
            return f" ({_text(_listed_by(report.trusted_by, words))})"
        note = words._(N_("trusted issuer"))
    else:
        note = words._(N_("on none of your trust lists"))
    return f" ({note})"


_LISTED_BY = "listed by "


def _listed_by(trusted_by: str, words: _Words) -> str:
    """The report's English ``"<name> (listed by <file>)"`` or ``"listed by <file>"``
    (verification/trust.py, ``TrustedIssuer.describe``) in ``words``; the report keeps it."""
    if words.lang is None:
        return trusted_by
    name, source = "", ""
    if trusted_by.startswith(_LISTED_BY):
        source = trusted_by.removeprefix(_LISTED_BY)
    elif trusted_by.endswith(")") and f" ({_LISTED_BY}" in trusted_by:
        name, _, source = trusted_by[:-1].partition(f" ({_LISTED_BY}")
    else:  # some other wording: shown as it is
        return trusted_by
    listed = words._(N_("listed by %(source)s")) % {"source": source}
    return f"{name} ({listed})" if name else listed


def _print_display(
    d: CredentialDisplay,
    report: VerificationReport,
    out: SupportsWrite[str],
    words: _Words = _ENGLISH,
) -> None:
    w, _ = words.label, words._
    points_words = _(N_("%(points)s points"))
    if d.name or d.achievement.get("name"):
        print(f"{w('Badge')}{_text(d.name or d.achievement.get('name'))}", file=out)
    issuer = d.issuer.get("name") or d.issuer.get("id")
    if issuer:  # a line with nothing after its label says nothing: left out
        print(
            f"{w('Issuer')}{_text(issuer)}{_trust_note(report, words)}"
            + (f" <{_text(d.issuer.get('id'))}>" if d.issuer.get("name") else ""),
            file=out,
        )
    if d.subject.get("id"):
        print(f"{w('Recipient')}{_text(d.subject['id'])}", file=out)
    if d.achievement:
        _print_achievement(d.achievement, out, words)
    for r in d.results:
        level = r.get("achievedLevel") or {}
        value = level.get("name") or r.get("value") or r.get("status") or ""
        points = (
            f" ({points_words % {'points': _text(level['points'])}})" if level.get("points") else ""
        )
        print(f"{w('Result')}{_text(r.get('description'))}: {_text(value)}{points}", file=out)
    for e in d.evidence:
        print(
            f"{w('Evidence')}{_text(e.get('name') or e.get('id') or e.get('narrative'))}", file=out
        )
    if d.feedback:
        print(f"{w('Feedback')}{_block(d.feedback, words)}", file=out)
    dates = [_(N_("issued %(when)s")) % {"when": words.when(d.valid_from)}] if d.valid_from else []
    if d.valid_until:
        dates.append(_(N_("valid until %(when)s")) % {"when": words.when(d.valid_until)})
    if dates:
        print(f"{w('Dates')}{', '.join(dates)}", file=out)
    for e in d.endorsements:
        _print_endorsement(e, out, words)


def _print_endorsement(e: dict[str, Any], out: SupportsWrite[str], words: _Words) -> None:
    w, _ = words.label, words._
    if e.get("verified"):
        print(f"{w('Endorsed by')}{_text(e.get('endorser'))}: {_text(e.get('comment'))}", file=out)
        return
    verdict = f", {_text(e['verdict'])}" if e.get("verdict") else ""
    claims = _(N_("claims to be from %(endorser)s")) % {"endorser": _text(e.get("endorser"))}
    not_verified = _(N_("NOT VERIFIED"))
    print(f"{w('Endorsement')}{not_verified}{verdict}: {claims}", file=out)


def _print_achievement(
    a: dict[str, Any], out: SupportsWrite[str], words: _Words = _ENGLISH
) -> None:
    w = words.label
    kind = f" ({_text(a['achievementType'])})" if a.get("achievementType") else ""
    print(f"{w('Achievement')}{_text(a.get('name'))}{kind}", file=out)
    if a.get("description"):
        print(f"{words.indent}{_block(a['description'], words)}", file=out)
    criteria = a.get("criteria") or {}
    if criteria.get("narrative") or criteria.get("id"):
        text = _block(criteria.get("narrative") or criteria.get("id"), words)
        print(f"{w('Criteria')}{text}", file=out)
    for al in a.get("alignment", []):
        print(
            f"{w('Aligned to')}{_text(al.get('targetName'))} <{_text(al.get('targetUrl'))}>",
            file=out,
        )


def _print_checks(
    report: VerificationReport, out: SupportsWrite[str], words: _Words = _ENGLISH
) -> None:
    _ = words._
    checks, warning = _(N_("Checks")), _(N_("warning"))
    print(f"  {checks}:", file=out)
    warning = f" ({warning})"
    for c in report.checks:
        where = f" [{_text(c.path)}]" if c.path and c.status.value != "passed" else ""
        note = warning if c.severity == "warning" and c.status.value == "failed" else ""
        print(f"    {_MARK[c.status.value]} {c.name}: {_text(c.message)}{where}{note}", file=out)
    seen = set()
    for f in report.fetched:
        if f["url"] in seen:
            continue
        seen.add(f["url"])
        if f.get("error"):
            print(f"{words.label('Not fetched')}{_text(f['url'])} ({_text(f['error'])})", file=out)
        else:
            where = _(_SOURCES.get(f["source"], _SOURCES["network"]))
            print(f"{words.label('Fetched')}{_text(f['url'])} ({where})", file=out)


def _trust_sources(paths: list[str]) -> list[TrustList]:
    """The ``--trust`` files, loaded (their module only when there are some)."""
    if not paths:
        return []
    from ..verification.trust import TrustList

    return [TrustList.load(path) for path in paths]


def _cmd_verify(args: argparse.Namespace, out: TextIO) -> int:
    from datetime import UTC

    from .._time import parse_datetime
    from ..errors import InputError
    from ..fetch import Fetcher, FetchPolicy
    from ..verification.verifier import Verifier
    from ._gc import collect_from_now_on

    collect_from_now_on()

    resources: dict[str, bytes] = {}
    try:
        for item in args.resource or []:
            url, sep, file = item.partition("=")
            if not sep or not url or not file:
                raise ValueError(f"--resource needs URL=FILE, not {item!r}")
            resources[url] = Path(file).read_bytes()
        trust = _trust_sources(args.trust or [])
        at = parse_datetime(args.at) if args.at else None
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
    except (OSError, ValueError, OverflowError, InputError) as exc:
        print(f"openmicrocred verify: {terminal_safe(str(exc))}", file=sys.stderr)
        return 2
    fetcher = (
        Fetcher(policy=FetchPolicy(), resources=resources)
        if args.offline
        else Fetcher.networked(FetchPolicy(), resources)
    )
    verifier = Verifier(fetcher=fetcher, trust=trust)
    worst = 0
    reports: list[dict[str, Any]] = []
    try:
        for source in args.inputs:
            try:
                report = verifier.verify(
                    read_source(source),
                    recipient=args.recipient,
                    at=at,
                    name="<stdin>" if source == "-" else None,
                )
            except InputError as exc:
                print(f"openmicrocred verify: {terminal_safe(str(exc))}", file=sys.stderr)
                worst = 2
                reports.append(_unusable(source, exc))
                continue
            if args.json:
                reports.append(report.model_dump(mode="json"))
            worst = max(worst, 0 if report.verified else 1)
            if not args.json:
                _print_report(report, TerminalWriter(out), _language(args.lang))
    finally:
        fetcher.close()
    if args.json:
        # One shape whatever the number of inputs: an array, one entry per input, in order.
        print(_json_text(reports), file=out)
    return worst


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_text(value: Any) -> str:
    """JSON as UTF-8-safe text: a lone surrogate from a badge (valid in JSON, not in UTF-8)
    is written as its \\u escape, which reads back as the same string."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _unusable(source: str, error: Exception) -> dict[str, Any]:
    """The --json entry of an input that is not a credential in any supported form."""
    return {
        "verified": False,
        "verdict": None,
        "source": "<stdin>" if source == "-" else source,
        "error": {"code": "unusable_input", "message": str(error)},
    }


def _cmd_inspect(args: argparse.Namespace, out: TextIO) -> int:
    from ..errors import InputError
    from ..verification.inputs import load_credential

    try:
        loaded = load_credential(
            read_source(args.input), name="<stdin>" if args.input == "-" else None
        )
    except InputError as exc:
        print(f"openmicrocred inspect: {terminal_safe(str(exc))}", file=sys.stderr)
        return 2
    if args.json:
        print(_json_text(loaded.credential), file=out)
        return 0
    from ..verification.display import credential_display
    from ..verification.report import Verdict, VerificationReport

    report = VerificationReport(
        verified=False,
        verdict=Verdict.UNVERIFIABLE,
        checks=[],
        source=loaded.source,
        carrier=loaded.carrier,
        display=credential_display(loaded.credential),
    )
    print(
        f"NOT VERIFIED (inspect only: run 'openmicrocred verify' to check it) "
        f"— carried as {loaded.carrier}",
        file=out,
    )
    buffer = io.StringIO()
    _print_report(report, buffer)
    shown = buffer.getvalue().split("\n", 1)[1].split("  Checks:")[0].rstrip()
    print(shown, file=TerminalWriter(out))
    return 0


def _cmd_bake(args: argparse.Namespace, out: TextIO) -> int:
    from ..bake import bake
    from ..errors import BakeError

    try:
        raw = Path(args.credential).read_text(encoding="utf-8").strip()
        credential: Any = json.loads(raw) if raw.startswith("{") else raw
        if args.image:
            image = Path(args.image).read_bytes()
        else:  # draw one from the credential (Pillow is imported only here)
            from ..present.images import credential_badge

            svg = args.output.lower().endswith(".svg")
            image = credential_badge(credential, format="svg" if svg else "png", lang=args.lang)
        baked = bake(image, credential)
    except (OSError, ValueError, RecursionError, BakeError) as exc:
        print(f"openmicrocred bake: {terminal_safe(str(exc))}", file=sys.stderr)
        return 2
    Path(args.output).write_bytes(baked)
    print(f"baked {args.credential} into {args.output}", file=out)
    return 0


def _cmd_unbake(args: argparse.Namespace, out: TextIO) -> int:
    from ..bake import unbake
    from ..errors import BakeError

    try:
        text = unbake(Path(args.image).read_bytes())
    except (OSError, BakeError) as exc:
        print(f"openmicrocred unbake: {terminal_safe(str(exc))}", file=sys.stderr)
        return 2
    print(text, file=out)
    return 0


def _add_verify(sub: Subcommands) -> None:
    verify = sub.add_parser(
        "verify",
        help="verify badges (JSON, JWT, baked PNG/SVG, URL) and show them",
        description="Verify Open Badges 3.0 credentials and show what they say. Exit code 0: "
        "all verified; 1: at least one not verified; 2: unusable input or usage error.",
    )
    verify.add_argument(
        "inputs",
        nargs="+",
        metavar="PATH|URL|-",
        help="a credential file (.json, .jwt, .png, .svg), an https URL, or - for standard input",
    )
    verify.add_argument(
        "--json",
        action="store_true",
        help="print the full report as JSON (verified, verdict, checks, ...)",
    )
    verify.add_argument(
        "--offline",
        action="store_true",
        help="never use the network (DID documents, status lists, URLs)",
    )
    verify.add_argument(
        "--trust",
        metavar="FILE",
        action="append",
        help="a trust list: the issuer ids and domains your organisation recognises (a JSON "
        "array, one per line, or an issuer registry such as the Digital Credentials "
        "Consortium's registry.json); repeatable. An issuer on none of them is not verified "
        "(verdict untrusted_issuer, exit 1)",
    )
    verify.add_argument(
        "--recipient",
        metavar="IDENTIFIER",
        help="check the badge was issued to this person (e.g. an email; "
        "hashed identifiers are checked with their salt)",
    )
    verify.add_argument(
        "--at", metavar="DATETIME", help="verify as of this time (e.g. 2026-01-31T12:00:00Z)"
    )
    verify.add_argument(
        "--resource",
        action="append",
        metavar="URL=FILE",
        help="answer URL from a local FILE (a status list, did.json or "
        "controller document); repeatable; works with --offline",
    )
    verify.add_argument(
        "--lang",
        choices=["en", "th"],
        help="the language of the verdict and its plain sentences (default: from LC_ALL, "
        "LC_MESSAGES or LANG; Thai for a th_* locale, else English)",
    )
    verify.set_defaults(func=_cmd_verify, collect_after_imports=True, read_only=True)


def _add_inspect(sub: Subcommands) -> None:
    inspect = sub.add_parser("inspect", help="show a badge without verifying it")
    inspect.add_argument("input", metavar="PATH|URL|-")
    inspect.add_argument("--json", action="store_true", help="print the credential JSON")
    inspect.set_defaults(func=_cmd_inspect, read_only=True)


def _add_bake(sub: Subcommands) -> None:
    bake = sub.add_parser("bake", help="bake a credential (JSON or JWT file) into a PNG or SVG")
    bake.add_argument(
        "image",
        nargs="?",
        help="the PNG or SVG image (left out: one is drawn from the credential, as SVG when "
        "the output ends in .svg)",
    )
    bake.add_argument("credential", help="the credential: a .json file or a .jwt file")
    bake.add_argument("-o", "--output", required=True, help="where to write the baked image")
    bake.add_argument(
        "--lang",
        help="the language of a drawn image (en, th): the achievement's name in it when the "
        "credential carries it (inLanguage or a related translation); default: its own",
    )
    bake.set_defaults(func=_cmd_bake)


def _add_unbake(sub: Subcommands) -> None:
    unbake = sub.add_parser("unbake", help="print the credential baked into a PNG or SVG")
    unbake.add_argument("image")
    unbake.set_defaults(func=_cmd_unbake)


def add_commands(sub: Subcommands) -> None:
    """Register the verifier's subcommands on an argparse subparsers object."""
    _add_verify(sub)
    _add_inspect(sub)
    _add_bake(sub)
    _add_unbake(sub)
