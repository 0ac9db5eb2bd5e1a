"""What ``openmicrocred verify`` loads: only the modules its work needs (see
benchmarks/cli_vs_openbadgeslib.py for the whole-process time this keeps down)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from openmicrocred.bake import bake
from openmicrocred.issuance import issue
from openmicrocred.keys import Ed25519Key
from openmicrocred.present.images import badge_png

from conftest import SPEC, load

NOT_NEEDED = (
    "jwt",  # VC-JWT is read by suites/vc_jwt.py itself
    "openmicrocred.cli.issue",  # the parsers of the other commands
    "openmicrocred.cli.status",
    "openmicrocred.cli.tools",
    "openmicrocred.status.publish",  # the issuer side of status lists
    "openmicrocred.status.registry",
    "sqlite3",
    "cryptography.hazmat.primitives.asymmetric.rsa",  # an Ed25519 badge needs no RSA
    "cryptography.hazmat.primitives.asymmetric.ec",
    "cryptography.x509",
    "ssl",
    "httpx",
)

_CHILD = """
import contextlib, io, sys
from openmicrocred.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["verify", "--offline", "--recipient", sys.argv[1], sys.argv[2]])
print(code, [m for m in sys.argv[3:] if m in sys.modules])
"""


@pytest.mark.parametrize("proof", ["di", "jwt"])
def test_verifying_a_baked_badge_loads_only_what_it_needs(proof: str, tmp_path: Path) -> None:
    key = Ed25519Key.from_seed(bytes(32))
    credential = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"] = {"id": key.did, "type": ["Profile"], "name": "Issuer"}
    created = datetime(2026, 1, 1, tzinfo=UTC)
    secured = (
        issue(credential, key, format="jwt")
        if proof == "jwt"
        else issue(credential, key, format="di", created=created)
    )
    badge = tmp_path / "badge.png"
    badge.write_bytes(bake(badge_png(), secured))
    recipient = credential["credentialSubject"]["id"]
    argv = [sys.executable, "-c", _CHILD, recipient, str(badge), *NOT_NEEDED]
    out = subprocess.run(argv, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 []", out.stderr


def test_the_status_package_loads_its_modules_on_first_use() -> None:
    code = (
        "import sys, openmicrocred.status as s\n"
        "before = 'openmicrocred.status.publish' in sys.modules\n"
        "import openmicrocred.status.publish\n"
        "from openmicrocred.status import SQLiteStatusRegistry, publish\n"
        "print(before, callable(publish), s.publish is publish, SQLiteStatusRegistry.__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True", "SQLiteStatusRegistry"]
