"""Whole-process ``openmicrocred verify`` against the openbadgeslib verifier, same badge.

Usage: python benchmarks/cli_vs_openbadgeslib.py [--runs N] [--venv DIR] [--proof FORMAT]

openbadgeslib (PyPI) verifies Open Badges 3.0 as VC-JWT or as a Data Integrity credential
(eddsa-rdfc-2022, through its ``[ldp]`` extra: pyld), baked into PNG or SVG. So one file
serves both tools: the realistic micro-credential of ``startup.py`` (did:key issuer, so
both verify it offline), secured with eddsa-rdfc-2022 (``--proof di``, the default, as
``startup.py``) or as a VC-JWT (``--proof jwt``), baked into a PNG. The commands:

    openmicrocred verify --offline --recipient did:example:learner BADGE.png
    openbadges-verifier -i BADGE.png -r did:example:learner --resolve-did

Both resolve the did:key, check the signature and the recipient. openbadgeslib exits 2
for a valid badge whose issuer is a self-asserted did:key (0 needs an operator key); that
counts as verified. openbadgeslib lives in its own venv (``--venv``, default
``~/.cache/openmicrocred-bench/openbadgeslib-venv``), made on first use with this Python
and ``pip install 'openbadgeslib[ldp]'``.

Each run is a new process; the two commands alternate, after one warm-up each. Both run
from cached bytecode, as from a pip-installed wheel: PYTHONDONTWRITEBYTECODE is dropped and
PYTHONPYCACHEPREFIX points at a cache folder (an editable install under
PYTHONDONTWRITEBYTECODE=1 compiles every openmicrocred module in every run; when it is set,
that case is timed too, as ``openmicrocred (no bytecode cache)``).

Prints JSON lines: {"setup", ...}; {"command", "runs", "median_ms", "min_ms",
"exit_code", "verified"} per command; {"comparison", "speedup_median", "speedup_min",
"target_ms", "target_speedup", "meets_ms", "meets_speedup"}: the speedup is openbadgeslib's
time over openmicrocred's (above 1: openmicrocred is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sign_verify import realistic

from openmicrocred.bake import bake
from openmicrocred.issuance import issue
from openmicrocred.keys import Ed25519Key
from openmicrocred.present.images import badge_png

RECIPIENT = "did:example:learner"
TARGET_MS = 100.0
TARGET_SPEEDUP = 1.9
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "openmicrocred-bench"


@dataclass
class Command:
    name: str
    argv: list[str]
    env: dict[str, str]
    ok_codes: tuple[int, ...]
    times: list[float] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)

    def run(self) -> float:
        start = time.perf_counter()
        code = subprocess.run(self.argv, env=self.env, capture_output=True, check=False).returncode
        elapsed = (time.perf_counter() - start) * 1000
        self.codes.append(code)
        return elapsed

    def summary(self) -> dict[str, object]:
        return {
            "command": self.name,
            "runs": len(self.times),
            "median_ms": round(statistics.median(self.times), 1),
            "min_ms": round(min(self.times), 1),
            "exit_code": self.codes[-1],
            "verified": all(code in self.ok_codes for code in self.codes),
        }


def _venv(folder: Path) -> Path:
    """The openbadgeslib verifier script, installing it into ``folder`` if missing."""
    script = folder / "bin" / "openbadges-verifier"
    if not script.exists():
        print(f"creating {folder} (pip install 'openbadgeslib[ldp]')", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "openbadgeslib[ldp]"], check=True)
    return script


def _version(venv: Path, dist: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({dist!r}))"
    python = venv / "bin" / "python"
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def _badge(folder: Path, proof: str) -> Path:
    key = Ed25519Key.from_seed(bytes(32))
    credential = realistic(1)
    credential["issuer"] = {"id": key.did, "type": ["Profile"], "name": "KMUTT"}
    created = datetime(2026, 1, 1, tzinfo=UTC)
    secured = (
        issue(credential, key, format="jwt")
        if proof == "jwt"
        else issue(credential, key, format="di", created=created)
    )
    badge = folder / "badge.png"
    badge.write_bytes(bake(badge_png(), secured))
    return badge


def _environments(pycache: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(cached bytecode, the environment as inherited)."""
    inherited = dict(os.environ)
    cached = {k: v for k, v in inherited.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str(pycache)
    return cached, inherited


def _ours() -> list[str]:
    installed = shutil.which("openmicrocred", path=str(Path(sys.executable).parent))
    return [installed] if installed else [sys.executable, "-m", "openmicrocred"]


def _commands(badge: Path, script: Path, pycache: Path) -> list[Command]:
    cached, inherited = _environments(pycache)
    ours = [*_ours(), "verify", "--offline", "--recipient", RECIPIENT, str(badge)]
    theirs = [str(script), "-i", str(badge), "-r", RECIPIENT, "--resolve-did"]
    commands = [
        Command("openmicrocred verify", ours, cached, (0,)),
        Command("openbadges-verifier", theirs, cached, (0, 2)),
    ]
    if inherited.get("PYTHONDONTWRITEBYTECODE"):
        commands.append(Command("openmicrocred (no bytecode cache)", ours, inherited, (0,)))
    return commands


def _measure(commands: list[Command], runs: int) -> None:
    for command in commands:
        command.run()  # warm-up: the file cache, and the bytecode cache on a first run
    for _ in range(runs):
        for command in commands:
            command.times.append(command.run())


def _comparison(ours: Command, theirs: Command) -> dict[str, object]:
    median = statistics.median(ours.times)
    speedup = statistics.median(theirs.times) / median
    return {
        "comparison": "openbadges-verifier / openmicrocred verify",
        "speedup_median": round(speedup, 2),
        "speedup_min": round(min(theirs.times) / min(ours.times), 2),
        "target_ms": TARGET_MS,
        "target_speedup": TARGET_SPEEDUP,
        "meets_ms": median <= TARGET_MS,
        "meets_speedup": speedup >= TARGET_SPEEDUP,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--venv", type=Path, default=CACHE / "openbadgeslib-venv")
    parser.add_argument("--proof", choices=["di", "jwt"], default="di")
    args = parser.parse_args()
    script = _venv(args.venv)
    setup = {
        "setup": "same baked PNG for both",
        "proof": "eddsa-rdfc-2022" if args.proof == "di" else "vc-jwt (EdDSA)",
        "openbadgeslib": _version(args.venv, "openbadgeslib"),
        "python": sys.version.split()[0],
        "bytecode": "cached (PYTHONPYCACHEPREFIX) for both",
    }
    print(json.dumps(setup))
    with tempfile.TemporaryDirectory() as folder:
        commands = _commands(_badge(Path(folder), args.proof), script, CACHE / "pycache")
        _measure(commands, args.runs)
    for command in commands:
        print(json.dumps(command.summary()))
    print(json.dumps(_comparison(commands[0], commands[1])))


if __name__ == "__main__":
    main()
