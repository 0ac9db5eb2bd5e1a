"""Whole-process start-up: ``openmicrocred verify`` of a baked badge, and ``--help``.

Usage: python benchmarks/startup.py [--runs N]

Issues the realistic micro-credential (did:key issuer, so it verifies offline), bakes it
into a PNG and runs the installed command on it as a new process each time, as a recogniser
would. Prints JSON lines {"command", "runs", "median_ms", "min_ms", "exit_code"}, plus
{"command": "imports", ...}: the modules a verify process loaded, by package.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sign_verify import realistic

from openmicrocred.bake import bake
from openmicrocred.keys import Ed25519Key
from openmicrocred.present.images import badge_png
from openmicrocred.suites import add_proof


def _command() -> list[str]:
    installed = shutil.which("openmicrocred", path=str(Path(sys.executable).parent))
    return [installed] if installed else [sys.executable, "-m", "openmicrocred"]


def _time(argv: list[str], runs: int) -> dict[str, object]:
    times = []
    code = 0
    for _ in range(runs):
        start = time.perf_counter()
        code = subprocess.run(argv, capture_output=True, check=False).returncode
        times.append((time.perf_counter() - start) * 1000)
    return {
        "runs": runs,
        "median_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1),
        "exit_code": code,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    key = Ed25519Key.from_seed(bytes(32))
    credential = realistic(1)
    credential["issuer"] = {"id": key.did, "type": ["Profile"], "name": "KMUTT"}
    signed = add_proof(credential, key, created=datetime(2026, 1, 1, tzinfo=UTC))
    command = _command()
    with tempfile.TemporaryDirectory() as folder:
        badge = Path(folder) / "badge.png"
        badge.write_bytes(bake(badge_png(), signed))
        verify = [*command, "verify", "--offline", str(badge)]
        subprocess.run(verify, capture_output=True, check=False)  # warm the file cache
        print(json.dumps({"command": "verify baked PNG", **_time(verify, args.runs)}))
        print(json.dumps({"command": "--help", **_time([*command, "--help"], args.runs)}))
        # (cli.main, not the console entry: that one ends the process after verify)
        probe = (
            "import contextlib, io, sys, json\nfrom openmicrocred.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    main(['verify', '--offline', {str(badge)!r}])\n"
            "tops = sorted({m.split('.')[0] for m in sys.modules})\n"
            "print(json.dumps([t for t in tops if t in ('pydantic', 'pyld', 'httpx', 'jwt',"
            " 'cryptography', 'jsonschema', 'jsonschema_rs', 'lxml', 'asyncio')]))\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        )
        loaded = json.loads(out.stdout.strip().splitlines()[-1])
        print(json.dumps({"command": "imports", "verify_loaded": loaded}))


if __name__ == "__main__":
    main()
