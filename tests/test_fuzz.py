"""Hostile input: verify() returns a report or raises InputError, and never reports a
mutated signed credential as verified."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from images import SVG, png
from openmicrocred.bake import bake, unbake
from openmicrocred.errors import InputError
from openmicrocred.keys import Ed25519Key
from openmicrocred.suites import add_proof
from openmicrocred.suites.vc_jwt import sign_jwt
from openmicrocred.verification import VerificationReport, Verifier

from conftest import SPEC, load

KEY = Ed25519Key.from_seed(bytes(range(1, 33)))
VERIFIER = Verifier(clock=lambda: datetime(2026, 6, 1, tzinfo=UTC))


def _credential() -> dict[str, Any]:
    credential: dict[str, Any] = load(SPEC / "ob3-complete.unsigned.json")
    credential["issuer"]["id"] = KEY.did
    for name in ("credentialStatus", "refreshService", "endorsement"):
        credential.pop(name)
    del credential["issuer"]["endorsement"]
    del credential["credentialSubject"]["achievement"]["endorsement"]
    del credential["credentialSubject"]["achievement"]["creator"]["endorsement"]
    return credential


SIGNED = add_proof(_credential(), KEY, created=datetime(2026, 1, 1, tzinfo=UTC))
TOKEN = sign_jwt(_credential(), KEY)
PNG = bake(png(), SIGNED)
SVG_BAKED = bake(SVG, TOKEN)


def _verify(source: Any) -> VerificationReport | None:
    try:
        report = VERIFIER.verify(source)
    except InputError:
        return None
    # The verifier's safety net must never be what caught a problem: that is a bug.
    internal = [c for c in report.checks if c.code == "internal_error"]
    assert not internal, internal
    return report


def test_originals_verify() -> None:
    for source in (SIGNED, TOKEN, PNG, SVG_BAKED):
        report = _verify(source)
        assert report is not None
        assert report.verified, [c for c in report.checks if c.blocking]


@settings(max_examples=2000, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    report = _verify(data)
    assert report is None or not report.verified


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from([PNG, SVG_BAKED]), st.data())
def test_truncated_and_corrupted_images(image: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(image) - 1))
    flip = data.draw(st.integers(0, len(image) - 1))
    corrupted = bytearray(image)
    corrupted[flip] ^= data.draw(st.integers(1, 255))
    for damaged in (image[:cut], bytes(corrupted)):
        report = _verify(damaged)
        # Damage outside the baked credential (a trailing newline, a pixel) may leave it
        # intact and verifiable; damage to the credential never verifies.
        if report is not None and report.verified:
            assert unbake(damaged) == unbake(image)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def _mutate(document: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    mutated = copy.deepcopy(document)
    path = data.draw(st.sampled_from(_paths(mutated)[1:]))
    parent: Any = mutated
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    value = parent[last]
    action = data.draw(st.sampled_from(["edit", "delete", "retype", "add"]))
    if action == "delete":
        del parent[last]
    elif action == "retype":
        parent[last] = data.draw(st.sampled_from([None, 0, 1.5, True, "", [], {}, "x"]))
    elif action == "add" and isinstance(value, dict):
        value[data.draw(st.sampled_from(["grade", "score", "id", "type", "name"]))] = "injected"
    elif isinstance(value, str):
        parent[last] = value + data.draw(st.sampled_from(["x", " ", "0", "Z", "/"]))
    elif isinstance(value, bool):
        parent[last] = not value
    elif isinstance(value, int | float):
        parent[last] = value + 1
    elif isinstance(value, list) and len(value) > 1:
        parent[last] = [*reversed(value), value[0]]
    else:
        parent[last] = "replaced"
    return mutated


_json_settings = settings(
    max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@_json_settings
@given(st.data())
def test_mutated_signed_json_is_never_verified(data: st.DataObject) -> None:
    mutated = _mutate(SIGNED, data)
    report = _verify(mutated)
    if report is not None and report.verified:
        # Only a mutation that leaves the signed data unchanged may verify.
        assert _same_meaning(mutated, SIGNED), mutated


def _same_meaning(a: dict[str, Any], b: dict[str, Any]) -> bool:
    from openmicrocred.canon import canonicalize_document

    def strip(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if k != "proof"}

    try:
        return bool(
            canonicalize_document(strip(a)).nquads == canonicalize_document(strip(b)).nquads
            and a.get("proof") == b.get("proof")
        )
    except Exception:
        return False


@_json_settings
@given(st.data())
def test_mutated_jwts_are_never_verified(data: st.DataObject) -> None:
    header, payload, signature = TOKEN.split(".")
    part = data.draw(st.sampled_from(["header", "payload", "signature", "structure"]))
    if part == "structure":
        token = data.draw(
            st.sampled_from(
                [
                    f"{header}.{payload}",
                    f"{header}.{payload}.",
                    f"{header}..{signature}",
                    f"{payload}.{header}.{signature}",
                    f"{header}.{payload}.{signature}.x",
                ]
            )
        )
    else:
        segment = {"header": header, "payload": payload, "signature": signature}[part]
        i = data.draw(st.integers(0, len(segment) - 1))
        replacement = data.draw(st.sampled_from("AbcXyz019-_"))
        changed = segment[:i] + replacement + segment[i + 1 :]
        if changed == segment:
            return
        token = ".".join(
            changed if p == part else s
            for p, s in (("header", header), ("payload", payload), ("signature", signature))
        )
    report = _verify(token)
    if report is not None and report.verified:
        # base64url has spare bits in the last character: some edits decode identically.
        assert _decoded(token) == _decoded(TOKEN)


def _decoded(token: str) -> list[bytes]:
    import base64

    return [base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)) for p in token.split(".")]


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "@context",
                        "type",
                        "id",
                        "issuer",
                        "proof",
                        "credentialSubject",
                        "validFrom",
                        "x",
                    ]
                ),
                children,
                max_size=6,
            )
        ),
        max_leaves=30,
    )
)
def test_arbitrary_json_objects(value: Any) -> None:
    document = value if isinstance(value, dict) else {"value": value}
    report = _verify(json.dumps(document))
    assert report is None or not report.verified
