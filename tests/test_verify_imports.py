"""``openmicrocred verify`` of a plainly well-formed Open Badge loads no pydantic at all.

Building the pydantic models costs a new process more than the whole verification, so the
command's path keeps to plain Python: reports are dataclasses (verification/_record.py), the
structure check answers from shape.py (the models are asked only when it is not sure), and
Open Badges 2.0's models load only for OB 2.0 input. See benchmarks/cli_vs_openbadgeslib.py.
"""

from __future__ import annotations

import json
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

NOT_LOADED = (
    "pydantic",
    "pydantic_core",
    "openmicrocred.models.credential",  # the OB 3.0 models
    "openmicrocred.models.clr",
    "openmicrocred.ob2.models",  # the OB 2.0 models and verifier
    "openmicrocred.ob2.verify",
    "openmicrocred.verification.ob2",
    "jsonschema",  # the pure-Python schema library (jsonschema_rs checks the schemas)
    "pyld",  # the bundled contexts are compiled; pyld only for others
    "httpx",
    "babel",
    "PIL",
    "openmicrocred.suites.ecdsa_sd_2023",  # registered lazily: made when a proof names it
    "cbor2",
    "openmicrocred.status.bitstring",  # lists are decoded only for a credential with a status
    "openmicrocred.verification.trust",  # trust sources only for a verifier given some
    "openmicrocred.verification.presentation",  # presentations only when one is verified
)

_CHILD = """
import contextlib, io, json, sys
from openmicrocred.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["verify", "--offline", "--json", "--recipient", sys.argv[1], sys.argv[2]])
[report] = json.loads(out.getvalue())
print(json.dumps([code, report["verdict"], [m for m in sys.argv[3:] if m in sys.modules]]))
"""


def _run(badge: Path, recipient: str) -> list[object]:
    argv = [sys.executable, "-c", _CHILD, recipient, str(badge), *NOT_LOADED]
    out = subprocess.run(argv, capture_output=True, text=True, check=True)
    result: list[object] = json.loads(out.stdout)
    return result


@pytest.mark.parametrize("proof", ["di", "jwt"])
def test_verify_of_a_baked_badge_loads_no_pydantic(proof: str, tmp_path: Path) -> None:
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
    # --json dumps the whole report: the dataclass reports need no pydantic either.
    assert _run(badge, recipient) == [0, "verified", []]


def test_a_malformed_badge_still_gets_the_models_words(tmp_path: Path) -> None:
    key = Ed25519Key.from_seed(bytes(32))
    credential = load(SPEC / "ob3-basic.unsigned.json")
    credential["issuer"] = {"id": key.did, "type": ["Profile"], "name": "Issuer"}
    credential["credentialSubject"]["achievement"]["criteria"] = "not an object"
    secured = issue(credential, key, format="jwt")
    badge = tmp_path / "badge.png"
    badge.write_bytes(bake(badge_png(), secured))
    code, verdict, loaded = _run(badge, credential["credentialSubject"]["id"])
    assert (code, verdict) == (1, "invalid")
    assert isinstance(loaded, list)
    assert "pydantic" in loaded  # the models were asked, and worded the error
