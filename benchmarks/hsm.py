"""Signing in an HSM: Ed25519 signatures and eddsa-rdfc-2022 badges per second with the key
in SoftHSM2 (PKCS#11, ``CKM_EDDSA``) and with the same kind of key in memory.

Usage: python benchmarks/hsm.py [--count N]

Needs Debian's ``softhsm2`` and the ``hsm`` extra. It makes a throwaway token in a temporary
directory. Prints JSON lines: {"op", "key", "count", "per_second"} for op ``sign`` (64-byte
messages, what a Data Integrity proof signs) and ``issue`` (the realistic micro-credential
of benchmarks/sign_verify.py), and {"op": "hsm-overhead", "issue_memory_over_hsm"}.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sign_verify import realistic

from openmicrocred.issuance import issue
from openmicrocred.keys import Ed25519Key, Ed25519SigningKey
from openmicrocred.signers.pkcs11 import Pkcs11Ed25519Key

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "246810"


def _rate(count: int, work: Callable[[], Any]) -> float:
    work()  # warm up
    start = time.perf_counter()
    for _ in range(count):
        work()
    return count / (time.perf_counter() - start)


def _token(folder: Path) -> None:
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
        "log.level = ERROR\n",
        encoding="utf-8",
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    init = ["--init-token", "--free", "--label", "bench", "--pin", PIN, "--so-pin", "13579111"]
    subprocess.run(["softhsm2-util", *init], check=True, capture_output=True)


def _measure(name: str, key: Ed25519SigningKey, count: int) -> float:
    message = os.urandom(64)
    signs = _rate(count * 10, lambda: key.sign(message))
    print(json.dumps({"op": "sign", "key": name, "count": count * 10, "per_second": signs}))
    credential = realistic(1)
    credential["issuer"] = {"id": key.public_key.did, "type": ["Profile"], "name": "KMUTT"}
    issues = _rate(count, lambda: issue(credential, key))
    print(json.dumps({"op": "issue", "key": name, "count": count, "per_second": issues}))
    return issues


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _token(Path(folder))
        with Pkcs11Ed25519Key.generate(
            MODULE, token_label="bench", pin=PIN, key_label="bench-key"
        ) as hsm:
            in_hsm = _measure("softhsm2", hsm, args.count)
        in_memory = _measure("memory", Ed25519Key.generate(), args.count)
    ratio = {"op": "hsm-overhead", "issue_memory_over_hsm": round(in_memory / in_hsm, 2)}
    print(json.dumps(ratio))


if __name__ == "__main__":
    main()
