"""``openmicrocred upgrade`` and ``openmicrocred verify`` on OB 2.0 badges, offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openmicrocred.cli import main
from openmicrocred.keys import Ed25519Key

HOSTED = {
    "@context": "https://w3id.org/openbadges/v2",
    "id": "https://badges.example/assertions/1",
    "type": "Assertion",
    "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
    "badge": "https://badges.example/badge",
    "verification": {"type": "hosted"},
    "issuedOn": "2026-01-01T00:00:00Z",
}


def test_upgrade_refuses_a_badge_it_could_not_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    badge, key = tmp_path / "badge.json", tmp_path / "key.pem"
    badge.write_text(json.dumps(HOSTED), encoding="utf-8")
    key.write_bytes(Ed25519Key.generate().private_pem())
    assert main(["upgrade", str(badge), "--key", str(key), "--offline"]) == 2
    err = capsys.readouterr().err
    assert "does not verify" in err
    assert "offline" in err
    assert "Traceback" not in err


def test_verify_says_why_an_offline_hosted_badge_is_unverifiable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    badge = tmp_path / "badge.json"
    badge.write_text(json.dumps(HOSTED), encoding="utf-8")
    assert main(["verify", str(badge), "--offline", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    [one] = report if isinstance(report, list) else [report]
    assert one["verdict"] == "unverifiable"
    assert "offline" in json.dumps(one["checks"])
    assert "StaticLoader" not in json.dumps(one)


def test_upgrade_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["upgrade", "--help"])
    assert "Open Badges 2.0" in capsys.readouterr().out
