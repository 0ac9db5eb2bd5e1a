"""The structure check's quick path (verification/checks/shape.py) against the models.

``well_formed_kind`` may say "not sure" (``None``) too often, but when it says a credential is
well-formed, the pydantic models must agree: the structure check's ``Check`` is the same
with the quick path as with the models alone, on every JSON document in tests/ and on
generated credentials, valid and mutated.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openmicrocred.verification.checks import document
from openmicrocred.verification.checks.shape import well_formed_kind
from openmicrocred.verification.report import Check

from strategies import achievement_credential

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from sign_verify import realistic  # noqa: E402


def _credentials(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in ``value`` (itself included) that has a credentialSubject."""
    if isinstance(value, dict):
        if "credentialSubject" in value:
            yield value
        for item in value.values():
            yield from _credentials(item)
    elif isinstance(value, list):
        for item in value:
            yield from _credentials(item)


def _corpus() -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for path in sorted([*ROOT.joinpath("tests").rglob("*.json")]):
        if "node_modules" in path.parts:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        for i, credential in enumerate(_credentials(data)):
            found.append((f"{path.relative_to(ROOT)}#{i}", credential))
    return found


CORPUS = _corpus()


def _structure(credential: dict[str, Any], *, quick: bool) -> list[Check]:
    if quick:
        return document.structure(credential, None)  # type: ignore[arg-type]
    with patch.object(document, "well_formed_kind", lambda _: None):
        return document.structure(credential, None)  # type: ignore[arg-type]


def _same(credential: dict[str, Any]) -> None:
    before = copy.deepcopy(credential)
    assert _structure(credential, quick=True) == _structure(credential, quick=False)
    assert credential == before  # neither path changes the document


def test_the_corpus_is_large_and_mostly_quick() -> None:
    quick = [name for name, c in CORPUS if well_formed_kind(c) is not None]
    assert len(CORPUS) > 150
    assert len(quick) > 50, quick  # the quick path is taken, not only declined


@pytest.mark.parametrize(("name", "credential"), CORPUS, ids=[n for n, _ in CORPUS])
def test_every_credential_in_tests_gets_the_same_check(name: str, credential: Any) -> None:
    _same(credential)


@pytest.mark.parametrize("artifacts", [0, 1, 3])
def test_the_benchmark_micro_credential_takes_the_quick_path(artifacts: int) -> None:
    credential = realistic(artifacts)
    assert well_formed_kind(credential) == "AchievementCredential"
    _same(credential)


@settings(max_examples=150)
@given(achievement_credential())
def test_generated_valid_credentials(credential: dict[str, Any]) -> None:
    _same(credential)


_JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(
        [
            "",
            "https://example.org/x",
            "did:example:a",
            "not an iri",
            "2024-01-31T12:00:00Z",
            "2024-01-31",
            "2024-13-31T12:00:00Z",
            "ext:Thing",
            "ext:",
            "Status",
            "Completed",
            "Competency",
            "\ud800",
            "https://example.org/\udc00",
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "Profile",
            "Image",
            "AchievementSubject",
            "Achievement",
            "VerifiableCredential",
        ]
    ),
    st.lists(st.sampled_from(["x", "Profile", "https://example.org/y", 1, None]), max_size=3),
    st.dictionaries(st.sampled_from(["id", "type", "en", "name"]), st.text(max_size=4), max_size=2),
)
_PYTHON_NAMES = ["valid_from", "credential_subject", "target_url", "result_type", "context"]


def _paths(value: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*here, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*here, i))


def _mutate(credential: dict[str, Any], data: st.DataObject) -> None:
    paths = [p for p in _paths(credential) if p]
    path = data.draw(st.sampled_from(paths))
    parent: Any = credential
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    action = data.draw(st.sampled_from(["replace", "delete", "wrap", "unwrap", "rename"]))
    if action == "delete":
        del parent[last]
    elif action == "wrap":
        parent[last] = [parent[last]]
    elif action == "unwrap" and isinstance(parent[last], list) and parent[last]:
        parent[last] = parent[last][0]
    elif action == "rename" and isinstance(parent, dict):
        parent[data.draw(st.sampled_from(_PYTHON_NAMES))] = parent.pop(last)
    else:
        parent[last] = data.draw(_JSON_VALUES)


@settings(max_examples=400)
@given(achievement_credential(), st.data())
def test_mutated_credentials(credential: dict[str, Any], data: st.DataObject) -> None:
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(credential, data)
    _same(credential)


@settings(max_examples=200)
@given(st.data())
def test_mutated_benchmark_credential(data: st.DataObject) -> None:
    credential = realistic(1)
    for _ in range(data.draw(st.integers(1, 2))):
        _mutate(credential, data)
    _same(credential)


def _results(credential: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = credential["credentialSubject"]["result"]
    return results


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("status", None),  # a result of a Status description without its status
        ("achievedLevel", "urn:uuid:00000000-0000-4000-8000-000000000000"),
        ("resultDescription", "urn:uuid:00000000-0000-4000-8000-000000000001"),
    ],
)
def test_broken_references_are_left_to_the_models(key: str, value: str | None) -> None:
    broken = 0
    for i in range(len(_results(realistic(1)))):
        credential = realistic(1)
        result = _results(credential)[i]
        if key not in result:
            continue
        if value is None:
            del result[key]
        else:
            result[key] = value
        [check] = _structure(credential, quick=True)
        broken += check.status == "failed"
        assert well_formed_kind(credential) is None
        _same(credential)
    assert broken > 0
