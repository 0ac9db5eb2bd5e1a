"""``openmicrocred verify --lang th`` (issue 14): the field labels (Badge:, Issuer:, Result:,
Dates:, Checks:, ...) come from the message catalog, lined up in one column as a terminal
draws Thai; ``--lang en`` keeps the English words and loads no catalog."""

from __future__ import annotations

import copy
import io
import json
import re
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from openmicrocred import issue
from openmicrocred.cli.verify import _LABELS, _print_report
from openmicrocred.keys import Ed25519Key
from openmicrocred.verification import Verifier
from test_multilingual import KEY, _award, thai_definition

from conftest import SPEC, load

ENDORSER = Ed25519Key.from_seed(bytes(range(40, 72)))
CREATED = datetime(2026, 3, 6, tzinfo=UTC)
THAI_LABELS = (
    "เหรียญตรา:",
    "ผู้ออก:",
    "ผู้รับ:",
    "ผลสำเร็จ:",
    "เกณฑ์:",
    "สอดคล้องกับ:",
    "ผล:",
    "หลักฐาน:",
    "ความเห็นจากผู้ประเมิน:",
    "วันที่:",
    "รับรองโดย:",
    "คำรับรอง:",
    "รายการตรวจ:",
)
# English words of the labels and the words around values that must not show in Thai
ENGLISH_WORDS = re.compile(
    r"\b(issued|valid until|points|trusted issuer|trust lists|more lines in the badge|"
    r"claims to be from|NOT VERIFIED|warning|local copy|network|listed by)\b"
)


def _endorsement(signed_by: Ed25519Key | None) -> dict[str, Any]:
    endorsement: dict[str, Any] = load(SPEC / "ob3-endorsement.unsigned.json")
    if signed_by is None:
        return endorsement
    endorsement["issuer"]["id"] = signed_by.did
    for unreachable in ("credentialSchema", "credentialStatus", "refreshService"):
        endorsement.pop(unreachable, None)  # elsewhere on the web: unverifiable offline
    signed = issue(endorsement, signed_by, created=CREATED)
    assert isinstance(signed, dict)
    return signed


def _badge(tmp_path: Path) -> Path:
    """A signed Thai and English badge with results, evidence, alignments, feedback, an
    endorsement that verifies and one that does not."""
    credential = _award(thai_definition())
    del credential["proof"]
    credential["validUntil"] = "2031-03-06T00:00:00Z"
    credential["credentialSubject"]["achievement"]["endorsement"] = [
        _endorsement(ENDORSER),
        _endorsement(None),
    ]
    signed = issue(credential, KEY, created=CREATED)
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(signed, ensure_ascii=False), encoding="utf-8")
    return path


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "openmicrocred", *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        check=False,
    )


def _cells(text: str) -> int:
    return sum(unicodedata.category(c) not in ("Mn", "Me", "Cf") for c in text)


def _value_columns(lines: list[str], labels: tuple[str, ...]) -> set[int]:
    """Where the value starts (in terminal cells) on each line that has one of ``labels``."""
    columns = set()
    for line in lines:
        for label in labels:
            if line.startswith(f"  {label}") and line.rstrip() != f"  {label}":
                rest = line[len(label) + 2 :]
                columns.add(_cells(line) - _cells(rest.lstrip()))
    return columns


@pytest.fixture(scope="module")
def badge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _badge(tmp_path_factory.mktemp("labels"))


def test_verify_in_thai_labels_every_field_in_thai(badge: Path, tmp_path: Path) -> None:
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps([KEY.did, ENDORSER.did]), encoding="utf-8")
    thai = _cli("verify", "--offline", "--lang", "th", "--trust", str(trust), str(badge))
    assert thai.returncode == 0, thai.stderr + thai.stdout
    out = thai.stdout
    lines = out.splitlines()
    for label in THAI_LABELS:
        assert any(line.startswith(f"  {label}") for line in lines), label
    # the dates as the Thai pages write them: Thailand's time, the Buddhist-era year
    thai_dates = (
        "ออกเมื่อ 6 มีนาคม พ.ศ. 2569 เวลา 07:00 น. (เวลาไทย), "
        "มีผลถึง 6 มีนาคม พ.ศ. 2574 เวลา 07:00 น. (เวลาไทย)"
    )
    dates = next(line for line in lines if line.startswith("  วันที่:"))
    assert thai_dates in dates
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", dates)
    assert f"(มีชื่ออยู่ใน {trust}) <{KEY.did}>" in out  # the trust note, in Thai
    assert "(3 คะแนน)" in out
    assert "ไม่ผ่านการตรวจสอบ, unsigned: อ้างว่ามาจาก State Department of Education" in out
    assert "บรรทัดในเหรียญตรา)" in out  # the long criteria, shortened
    # no English label, and none of the English words around the values
    for line in lines:
        assert not any(line.lstrip().startswith(f"{label}:") for label in _LABELS), line
    # (the checks' own lines stay technical English detail: ✓ proof: eddsa-rdfc-2022 ...)
    shown = "\n".join(line for line in lines if not re.match(r"\s{4}[✓✗!-] ", line))
    assert not ENGLISH_WORDS.search(shown), ENGLISH_WORDS.findall(shown)
    # every value starts in the same terminal column, continuation lines too
    columns = _value_columns(lines, THAI_LABELS)
    assert len(columns) == 1, columns
    (column,) = columns
    criteria = lines.index(next(line for line in lines if line.startswith("  เกณฑ์:")))
    assert _cells(lines[criteria + 1]) - _cells(lines[criteria + 1].lstrip()) == column


def test_verify_in_english_keeps_its_words_and_loads_no_catalog(badge: Path) -> None:
    code = (
        "import io, sys, contextlib; from openmicrocred.cli import main; out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out): main(['verify', '--offline', '--lang', "
        "sys.argv[1], sys.argv[2]])\n"
        "print(out.getvalue()); print([m for m in ('openmicrocred.present.i18n', 'babel') "
        "if m in sys.modules])"
    )
    runs = {
        lang: subprocess.run(
            [sys.executable, "-c", code, lang, str(badge)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for lang in ("en", "th")
    }
    english = runs["en"]
    assert english.rstrip().endswith("[]")  # English: no catalog read, no Babel
    # Thai: the catalog, and Babel for the dates (imported only then)
    assert runs["th"].rstrip().endswith("['openmicrocred.present.i18n', 'babel']")
    for label in ("Badge", "Issuer", "Achievement", "Criteria", "Result", "Dates", "Checks"):
        assert re.search(rf"^  {label}:", english, re.MULTILINE), label
    dates = "issued 2026-03-06T00:00:00Z, valid until 2031-03-06T00:00:00Z"
    assert f"  Dates:        {dates}" in english
    assert "  Endorsement:  NOT VERIFIED" in english
    assert _value_columns(english.splitlines(), tuple(f"{label}:" for label in _LABELS)) == {16}


def test_fetched_lines_and_warnings_in_thai(badge: Path) -> None:
    from openmicrocred.verification.report import CheckStatus

    report = Verifier(status_checker=None).verify(json.loads(badge.read_text(encoding="utf-8")))
    warned = copy.copy(report.checks[0])
    warned = warned.model_copy(update={"status": CheckStatus.FAILED, "severity": "warning"})
    report = report.model_copy(
        update={
            "checks": [warned],
            "fetched": [
                {"url": "https://kmutt.example/status/1", "source": "local"},
                {"url": "https://kmutt.example/status/2", "source": "cache"},
                {"url": "https://kmutt.example/status/3", "source": "network"},
                {"url": "https://kmutt.example/gone", "source": "network", "error": "HTTP 404"},
            ],
        }
    )
    out = io.StringIO()
    _print_report(report, out, "th")
    text = out.getvalue()
    assert "(คำเตือน)" in text
    assert "ดึงข้อมูลแล้ว:" in text
    assert "https://kmutt.example/status/1 (สำเนาในเครื่อง)" in text
    assert "https://kmutt.example/status/2 (แคช)" in text
    assert "https://kmutt.example/status/3 (อินเทอร์เน็ต)" in text
    assert "ดึงข้อมูลไม่ได้:" in text
    assert "https://kmutt.example/gone (HTTP 404)" in text
    assert not re.search(r"Fetched|Not fetched|local copy|\(cache\)|\(network\)|warning", text)
    english = io.StringIO()
    _print_report(report, english, "en")
    assert "  Fetched:      https://kmutt.example/status/1 (local copy)" in english.getvalue()
    assert "  Not fetched:  https://kmutt.example/gone (HTTP 404)" in english.getvalue()


def test_trust_note_in_thai_names_the_registry_and_english_keeps_the_report(
    badge: Path, tmp_path: Path
) -> None:
    registry = tmp_path / "registry.json"
    entry = {"name": "KMUTT (ทดสอบ)", "url": "https://kmutt.example"}
    registry.write_text(
        json.dumps({"meta": {"name": "test"}, "registry": {KEY.did: entry}}, ensure_ascii=False),
        encoding="utf-8",
    )
    runs = {
        lang: _cli("verify", "--offline", "--lang", lang, "--trust", str(registry), str(badge))
        for lang in ("en", "th")
    }
    assert runs["th"].returncode == runs["en"].returncode == 0, runs["th"].stderr
    issuer = next(line for line in runs["th"].stdout.splitlines() if line.startswith("  ผู้ออก:"))
    assert issuer.endswith(f"(KMUTT (ทดสอบ) (มีชื่ออยู่ใน {registry})) <{KEY.did}>"), issuer
    # English, and the report's own words (a data API), stay as they were
    assert f"(KMUTT (ทดสอบ) (listed by {registry})) <{KEY.did}>" in runs["en"].stdout
    report = json.loads(
        _cli("verify", "--offline", "--json", "--trust", str(registry), str(badge)).stdout
    )
    assert report[0]["trusted_by"] == f"KMUTT (ทดสอบ) (listed by {registry})"


def test_thai_words_for_trust_sources_and_dates_of_any_shape() -> None:
    from openmicrocred.cli.verify import _listed_by, _Words
    from openmicrocred.present.i18n import translations

    thai = _Words(translations("th").gettext, "th")
    english = _Words()
    assert _listed_by("listed by trust.json", thai) == "มีชื่ออยู่ใน trust.json"
    assert _listed_by("A (B) (listed by my (list).json)", thai) == "A (B) (มีชื่ออยู่ใน my (list).json)"
    assert _listed_by("listed by trust.json", english) == "listed by trust.json"
    assert _listed_by("some other wording", thai) == "some other wording"  # shown as it is
    assert thai.when("2026-12-03T14:05:09.123456Z") == "3 ธันวาคม พ.ศ. 2569 เวลา 21:05 น. (เวลาไทย)"
    assert thai.when("2026-12-31T20:00:00+00:00").startswith("1 มกราคม พ.ศ. 2570 เวลา 03:00 น.")
    assert thai.when("2026-12-03") == "3 ธันวาคม พ.ศ. 2569"  # a bare date: that day
    assert thai.when("soon\x1b[2J") == "soon\\x1b[2J"  # no date: as written, terminal-safe
    assert english.when("2026-12-03T14:05:09Z") == "2026-12-03T14:05:09Z"  # English: as today
