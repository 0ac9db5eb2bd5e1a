from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from openmicrocred.cli import main

from conftest import SPEC

REPO = Path(__file__).resolve().parents[1]


def test_demo_writes_a_valid_credential(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", str(tmp_path / "out")]) == 0
    text = capsys.readouterr().out
    assert "Data Storytelling" in text
    assert "undefined term refused ..... ok ($.credentialSubject.grade)" in text
    assert "forged rubric level caught . ok" in text
    written = json.loads((tmp_path / "out" / "data-storytelling.unsigned.json").read_text())
    assert written["credentialSubject"]["achievement"]["achievementType"] == "MicroCredential"


def test_check_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SPEC / "ob3-basic.unsigned.json")]) == 0
    assert "ok (model" in capsys.readouterr().out
    bad = json.loads((SPEC / "ob3-basic.unsigned.json").read_text())
    bad["grade"] = "A"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    assert main(["check", str(path)]) == 1
    assert "$.grade" in capsys.readouterr().out
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x89PNG not json")
    assert main(["check", str(garbage)]) == 2
    assert "cannot read JSON" in capsys.readouterr().err


def test_contexts_lists_the_bundle(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contexts"]) == 0
    assert "https://www.w3.org/ns/credentials/v2" in capsys.readouterr().out


def test_usage_error_exits_2() -> None:
    with pytest.raises(SystemExit) as info:
        main(["no-such-command"])
    assert info.value.code == 2


def test_module_entry_point_and_example_script() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "openmicrocred", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("openmicrocred ")
    example = subprocess.run(
        [sys.executable, str(REPO / "examples" / "build_credential.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(example.stdout)["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_canon_prints_nquads_and_hash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = SPEC / "test-vectors" / "ob3"
    assert main(["canon", str(folder / "credential.unsigned.json")]) == 0
    assert capsys.readouterr().out == (folder / "document-canon.txt").read_text()
    assert main(["canon", "--hash", str(folder / "credential.unsigned.json")]) == 0
    vector = json.loads((folder / "vector.json").read_text())
    assert capsys.readouterr().out.strip() == vector["documentHashHex"]
    nq = tmp_path / "in.nq"
    nq.write_text("_:x <https://example.org/p> _:y .\n")
    assert main(["canon", "--hash-algorithm", "sha384", str(nq)]) == 0
    line = capsys.readouterr().out
    assert sorted(line.split()[::2][:2]) == ["_:c14n0", "_:c14n1"]
    assert line.endswith(" <https://example.org/p> " + line.split()[2] + " .\n")
    bad = json.loads((folder / "credential.unsigned.json").read_text())
    bad["undefinedTerm"] = 1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    assert main(["canon", str(path)]) == 1
    assert "$.undefinedTerm" in capsys.readouterr().err


def test_demo_runs_twice_in_one_folder(tmp_path: Path) -> None:
    assert main(["demo", str(tmp_path)]) == 0
    first = (tmp_path / "issuer-key.pem").read_bytes()
    assert main(["demo", str(tmp_path)]) == 0
    assert (tmp_path / "issuer-key.pem").read_bytes() == first
    assert oct((tmp_path / "issuer-key.pem").stat().st_mode & 0o777) == "0o600"


def test_benchmark_script_runs(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "sign_verify.py"),
            "--repeat",
            "1",
            str(SPEC / "ob3-basic.unsigned.json"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = json.loads(out.stdout.strip())
    assert set(line) == {
        "file",
        "quads",
        "sign_ms",
        "verify_ms",
        "baseline_sign_ms",
        "baseline_verify_ms",
    }
    assert line["quads"] > 10
