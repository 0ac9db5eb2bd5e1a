from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis profiles. "ci" (chosen when CI=true): a fixed seed and no example database, so
# a run is reproducible, and a failure prints the blob that reproduces it
# (@reproduce_failure); deadline and the too_slow health check are off, as they depend on the
# machine's speed. "dev" (otherwise): seeds vary and failing examples are kept in
# .hypothesis/examples and replayed first on the next run. HYPOTHESIS_PROFILE, or pytest's
# --hypothesis-profile, chooses explicitly. Both derive from Hypothesis's built-in "default"
# profile, not from whatever is loaded now: Hypothesis itself loads its own "ci" profile when
# CI (with any value) or a CI vendor's variable is set. Per-test @settings override either.
_BASE = settings.get_profile("default")
settings.register_profile(
    "ci",
    _BASE,
    derandomize=True,
    database=None,
    print_blob=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", _BASE)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)

VECTORS = Path(__file__).parent / "vectors"
SPEC = VECTORS / "ob3-spec"

# Every credential JSON of the 1EdTech spec examples (test-vector key files excluded).
SPEC_CREDENTIALS = sorted(p for p in SPEC.rglob("*.json") if p.name != "vector.json")

# Spec examples that cannot be processed as printed, and why (asserted in the tests).
NOT_SAFE_AS_PRINTED = {
    # Uses `alsoKnownAs`, which no OB/VC context defines.
    "clr2-with-upgraded-ob2.unsigned.json": "alsoKnownAs",
    # Cite https://www.w3.org/2018/credentials/examples/v2, which is not a published context.
    "ob3-equality-sample-a.unsigned.json": "credentials/examples/v2",
    "ob3-equality-sample-b.unsigned.json": "credentials/examples/v2",
    "ob3-equality-sample-c.unsigned.json": "credentials/examples/v2",
    "ob3-equality-sample-d.unsigned.json": "credentials/examples/v2",
}
NOT_SCHEMA_VALID_AS_PRINTED = {"clr2-with-upgraded-ob2.unsigned.json"}


def load(path: Path | str) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def spec_id(path: Path) -> str:
    return str(path.relative_to(SPEC))


@pytest.fixture
def basic() -> dict[str, Any]:
    document: dict[str, Any] = load(SPEC / "ob3-basic.unsigned.json")
    return document


@pytest.fixture
def complete() -> dict[str, Any]:
    document: dict[str, Any] = load(SPEC / "ob3-complete.unsigned.json")
    return document


@pytest.fixture
def https_server(tmp_path: Path) -> Any:
    from httpserver import serve

    with serve(tmp_path) as server:
        yield server


@pytest.fixture
def online_fetcher(https_server: Any) -> Any:
    import ssl

    import httpx

    from openmicrocred.fetch import Fetcher, FetchPolicy

    context = ssl.create_default_context(cafile=str(https_server.ca_file))
    client = httpx.Client(verify=context)
    yield Fetcher(client, FetchPolicy(allow_loopback=True, timeout=2.0, max_bytes=50_000))
    client.close()


def pinned_resolver(document: dict[str, Any]) -> Any:
    """A resolver that knows the keys of the rendered spec examples.

    Those were signed with keys made at build time; only the public halves are known, as the
    fragment of each verification method. Tests pin them in controller documents (a
    verifier must never trust a fragment by itself).
    """
    from openmicrocred.did import Resolver

    docs: dict[str, Any] = {}
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    for proof in proofs:
        vm = proof["verificationMethod"]
        controller, fragment = vm.split("#")
        docs[controller] = {
            "id": controller,
            "assertionMethod": [vm],
            "verificationMethod": [
                {
                    "id": vm,
                    "type": "Multikey",
                    "controller": controller,
                    "publicKeyMultibase": fragment,
                }
            ],
        }
    return Resolver(documents=docs)
