"""A micro-credential defined over the API in Thai and English (issue 14): the definition's
``translations`` are taken, read back, and awarded as one badge carrying both languages (OB
3.0 ``inLanguage`` and ``related``); against the service as it runs (uvicorn on 127.0.0.1,
real HTTP requests)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from test_service_microcredentials import DEFINITION, Api, serve

THAI_NAME = "การเล่าเรื่องด้วยข้อมูล"
THAI_PURPOSE = "ผู้เรียนเล่าเรื่องจากข้อมูลจริงให้ผู้ตัดสินใจเข้าใจได้"
ENGLISH: dict[str, Any] = {
    "language": "en",
    "name": DEFINITION["name"],
    "purpose": DEFINITION["purpose"],
    "competency": DEFINITION["competency"],
    "targetLearners": DEFINITION["targetLearners"],
    "category": DEFINITION["category"],
}
THAI: dict[str, Any] = {
    "language": "th",
    "name": THAI_NAME,
    "purpose": THAI_PURPOSE,
    "competency": "เล่าเรื่องด้วยข้อมูลอย่างถูกต้องและชัดเจน",
    "targetLearners": "นักศึกษาปริญญาตรีและผู้ทำงาน",
    "category": "เทคโนโลยี",
    "translations": [ENGLISH],
}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with serve(tmp_path_factory.mktemp("mc-th") / "data") as served:
        yield served


def _body(key: str, **changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(DEFINITION), **copy.deepcopy(THAI), "id": key, **changes}


def _paths(api: Api, body: dict[str, Any]) -> list[str]:
    answer = api.design("POST", "/microcredentials", json=body)
    assert answer.status_code == 422, answer.text
    return [e["path"] for e in answer.json().get("errors", [])]


def test_translations_are_taken_and_read_back(api: Api) -> None:
    created = api.design("POST", "/microcredentials", json=_body("th-read"))
    assert created.status_code == 201, created.text
    expected = {
        "language": "en",
        "id": None,
        "name": DEFINITION["name"],
        "purpose": DEFINITION["purpose"],
        "objectives": None,
        "applications": None,
        "competency": DEFINITION["competency"],
        "methods": None,
        "submissionRequirements": None,
        "targetLearners": DEFINITION["targetLearners"],
        "category": DEFINITION["category"],
    }
    assert created.json()["translations"] == [expected]
    assert created.json()["language"] == "th"
    read = api.design("GET", "/microcredentials/th-read")
    assert read.json()["translations"] == [expected]
    # a draft's translations are edited with the rest of it
    changed = {**ENGLISH, "name": "Storytelling with Data", "objectives": ["Frame a question"]}
    edited = api.design(
        "PUT", "/microcredentials/th-read", json=_body("th-read", translations=[changed])
    )
    assert edited.status_code == 200, edited.text
    translation = api.design("GET", "/microcredentials/th-read").json()["translations"][0]
    assert translation["name"] == "Storytelling with Data"
    assert translation["objectives"] == ["Frame a question"]
    # and a definition without any keeps an empty list
    plain = api.design("POST", "/microcredentials", json={**DEFINITION, "id": "en-only"})
    assert plain.json()["translations"] == []


def test_a_thai_and_english_definition_awards_a_badge_carrying_both(api: Api) -> None:
    definition = api.published("th-award", **copy.deepcopy(THAI))
    eid = api.passed("th-award", "did:example:somchai")
    awarded = api.platform("POST", f"/enrolments/{eid}/award", json={"format": "di"})
    assert awarded.status_code == 201, awarded.text
    vc = awarded.json()["verifiableCredential"]
    achievement = vc["credentialSubject"]["achievement"]
    assert achievement["name"] == THAI_NAME
    assert achievement["inLanguage"] == "th"
    assert achievement["related"] == [
        {
            "id": f"{definition['achievementId']}#en",
            "type": ["Related"],
            "inLanguage": "en",
            "version": "1.0",
            "name": DEFINITION["name"],
            "description": DEFINITION["purpose"],
        }
    ]
    # the criteria: Thai headings first, then the English section
    narrative = achievement["criteria"]["narrative"]
    assert narrative.startswith(f"## วัตถุประสงค์\n\n{THAI_PURPOSE}")
    assert f"# In English\n\n## Purpose\n\n{DEFINITION['purpose']}" in narrative
    verified = api.http.post("/credentials/verify", json={"verifiableCredential": vc})
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified"] is True

    # the badge page shows the English version, marked as English
    page = api.http.get(f"/badges/{quote(vc['id'], safe='')}", params={"lang": "en"}).text
    assert f'<span lang="th">{THAI_NAME}</span>' in page
    assert f'<span lang="en">{DEFINITION["name"]}</span>' in page


def test_wrong_translations_are_422_naming_the_path(api: Api) -> None:
    same = _body("th-bad", translations=[{**ENGLISH, "language": "th"}])
    assert _paths(api, same) == ["$.translations[0].language"]
    twice = _body("th-bad", translations=[ENGLISH, {**ENGLISH, "language": "EN"}])
    assert _paths(api, twice) == ["$.translations[1].language"]
    assert _paths(api, _body("th-bad", translations=[{**ENGLISH, "language": "english!"}])) == [
        "$.translations[0].language"
    ]
    assert _paths(api, _body("th-bad", translations=[{**ENGLISH, "target_learners": "x"}])) == [
        "$.translations[0].target_learners"
    ]
    nameless = {k: v for k, v in ENGLISH.items() if k != "name"}
    assert _paths(api, _body("th-bad", translations=[nameless])) == ["$.translations[0].name"]
    assert api.design("GET", "/microcredentials/th-bad").status_code == 404
