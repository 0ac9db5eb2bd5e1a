"""The examples/ scripts are runnable documentation: CI runs every one of them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=False, timeout=120
    )


def test_issue_then_verify(tmp_path: Path) -> None:
    badge = tmp_path / "badge.json"
    result = _run(str(EXAMPLES / "issue_badge.py"), str(badge))
    assert result.returncode == 0, result.stderr
    assert json.loads(badge.read_text())["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    verified = _run(str(EXAMPLES / "verify_badge.py"), str(badge))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("verified: verified=True")


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("revoke.py", ["before: verified", "after:  revoked"]),
        ("bake.py", ["badge.png: verified", "badge.svg: verified"]),
        ("stack.py", ["CLR: verified; included: ['verified', 'verified']"]),
    ],
)
def test_example_runs(script: str, expected: list[str]) -> None:
    result = _run(str(EXAMPLES / script))
    assert result.returncode == 0, result.stderr
    for line in expected:
        assert line in result.stdout


def test_every_example_is_tested() -> None:
    tested = {"issue_badge.py", "verify_badge.py", "revoke.py", "bake.py", "stack.py"}
    assert {p.name for p in EXAMPLES.glob("*.py")} == tested
