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


def _site(folder: Path) -> list[str]:
    """The issuer's documents as files, and the --resource flags that serve them."""
    documents = {
        "https://badges.example/assertions/1": HOSTED,
        "https://badges.example/assertions/2": {
            **HOSTED,
            "id": "https://badges.example/assertions/2",
        },
        "https://badges.example/badge": {
            "@context": HOSTED["@context"],
            "id": "https://badges.example/badge",
            "type": "BadgeClass",
            "name": "Soldering",
            "description": "Joins metal with metal.",
            "criteria": {"narrative": "Solder a joint."},
            "issuer": "https://badges.example/issuer",
        },
        "https://badges.example/issuer": {
            "@context": HOSTED["@context"],
            "id": "https://badges.example/issuer",
            "type": "Profile",
            "name": "Badges Example",
        },
    }
    flags = []
    for i, (url, doc) in enumerate(documents.items()):
        path = folder / f"doc{i}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        flags += ["--resource", f"{url}={path}"]
    return flags


def test_upgrade_offline_from_local_copies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openmicrocred.verification import Verifier

    key = tmp_path / "key.pem"
    signer = Ed25519Key.generate()
    key.write_bytes(signer.private_pem())
    flags = [*_site(tmp_path), "--key", str(key), "--offline"]
    assert main(["upgrade", "https://badges.example/assertions/1", *flags]) == 0
    credential = json.loads(capsys.readouterr().out)
    assert credential["issuer"]["id"] == signer.did
    assert credential["credentialSubject"]["achievement"]["name"] == "Soldering"
    assert Verifier().verify(credential, recipient="alice@example.org").verified


def test_upgrade_several_into_a_clr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openmicrocred.verification import Verifier

    key = tmp_path / "key.pem"
    key.write_bytes(Ed25519Key.generate().private_pem())
    urls = ["https://badges.example/assertions/1", "https://badges.example/assertions/2"]
    flags = [*_site(tmp_path), "--key", str(key), "--offline"]
    assert main(["upgrade", *urls, *flags]) == 2
    assert "--clr NAME" in capsys.readouterr().err
    out = tmp_path / "clr.json"
    assert main(["upgrade", *urls, *flags, "--clr", "Workshop", "-o", str(out)]) == 0
    clr = json.loads(out.read_text(encoding="utf-8"))
    assert clr["name"] == "Workshop"
    report = Verifier().verify(clr)
    assert report.verified, report.checks
    assert len(report.included) == 2
