"""The micro-credential API (issue 13): the KMUTT journey over JSON, tested against the
service as it runs (uvicorn on 127.0.0.1, real HTTP requests)."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import sqlite3
import stat
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI

from openmicrocred.bake import unbake
from openmicrocred.fetch import Fetcher
from openmicrocred.service import Settings, create_app
from openmicrocred.service.problems import BodyGuard
from openmicrocred.service.security import TOKEN_PATH
from openmicrocred.service.settings import IssuerSettings
from openmicrocred.verification import Verifier
from serving import free_port, running

LEARNER = "did:example:somchai"
THIS_YEAR = datetime.now(UTC).year
REPORT = b"%PDF-1.4\n% the learner's data-story report\n"

DEFINITION: dict[str, Any] = {
    "id": "ds101",
    "name": "Data Storytelling",
    "code": "KMUTT-MC-DS101",
    "language": "en",
    "purpose": "Turn a data set into a story decision makers act on.",
    "objectives": ["Frame a question", "Clean data", "Tell the story"],
    "competency": "Communicates insight from data to a non-technical audience.",
    "methods": ["A dashboard with a written report"],
    "submissionRequirements": ["The report (PDF)", "Answers and reflection"],
    "targetLearners": "Undergraduates and working professionals",
    "category": "Technology",
    "alignments": [
        {
            "name": "PLO 3: communication",
            "url": "https://kmutt.example/plo/3",
            "targetType": "ext:ProgrammeLearningOutcome",
        }
    ],
    "questions": [
        {"id": "question", "question": "Which question?", "passingCriteria": "Clear, answerable"}
    ],
    "artifacts": [{"id": "report", "description": "The written report", "kinds": ["document"]}],
    "rubric": [
        {
            "id": "story",
            "name": "Narrative",
            "levels": [
                {"id": "beginning", "name": "Beginning", "points": 1},
                {"id": "developing", "name": "Developing", "points": 2},
                {"id": "proficient", "name": "Proficient", "points": 3},
            ],
            "passingLevel": "proficient",
        }
    ],
    "reflections": [
        {"id": "next-time", "prompt": "What would you do next time?", "passingCriteria": "Honest"}
    ],
    "designer": "Aj. Designer",
}


class Api:
    """The running service, an HTTP client, and tokens by scope."""

    def __init__(self, app: FastAPI, base: str, data: Path) -> None:
        self.app, self.base, self.data = app, base, data
        self.http = httpx.Client(base_url=base, timeout=30)
        self._tokens: dict[tuple[str, ...], dict[str, str]] = {}

    def auth(self, *scopes: str) -> dict[str, str]:
        if scopes not in self._tokens:
            client, secret = self.app.state.service.clients.add(list(scopes), name="LMS")
            answer = self.http.post(
                TOKEN_PATH, data={"grant_type": "client_credentials"}, auth=(client.id, secret)
            )
            assert answer.status_code == 200, answer.text
            self._tokens[scopes] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        return self._tokens[scopes]

    def design(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, path, headers=self.auth("definitions"), **kwargs)

    def platform(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.auth("assessments"), **kwargs.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kwargs)

    def published(self, key: str, **changes: Any) -> dict[str, Any]:
        body = {**copy.deepcopy(DEFINITION), "id": key, **changes}
        created = self.design("POST", "/microcredentials", json=body)
        assert created.status_code == 201, created.text
        for step, who in (("review", "Dr. Reviewer"), ("approve", "Committee"), ("publish", None)):
            moved = self.design("POST", f"/microcredentials/{key}/{step}", json={"by": who})
            assert moved.status_code == 200, moved.text
        answer: dict[str, Any] = moved.json()
        return answer

    def enrol(self, key: str, learner: str, **extra: Any) -> str:
        body = {"learner": {"id": learner, "name": "Somchai"}, **extra}
        answer = self.platform("POST", f"/microcredentials/{key}/enrolments", json=body)
        assert answer.status_code == 201, answer.text
        enrolment_id: str = answer.json()["id"]
        return enrolment_id

    def upload(self, eid: str, data: bytes = REPORT) -> httpx.Response:
        body = {
            "fileName": "report.pdf",
            "mediaType": "application/pdf",
            "content": base64.b64encode(data).decode(),
        }
        return self.platform("POST", f"/enrolments/{eid}/artifacts", json=body)

    def submit(self, eid: str, sha256: str, answer: str = "Which districts flood?") -> str:
        body = {
            "answers": {"question": answer},
            "artifacts": [{"requirement": "report", "sha256": sha256}],
            "reflections": {"next-time": "Check the gauges first."},
        }
        made = self.platform("POST", f"/enrolments/{eid}/submissions", json=body)
        assert made.status_code == 201, made.text
        submission_id: str = made.json()["id"]
        return submission_id

    def assess(self, sid: str, level: str = "proficient", **extra: Any) -> httpx.Response:
        body = {
            "assessor": {"name": "Aj. Assessor", "id": "https://kmutt.example/staff/7"},
            "questions": {"question": True},
            "rubric": {"story": level},
            "reflections": {"next-time": True},
            "feedback": {"strengths": "A sharp question.", "improvements": "Label the axes."},
            **extra,
        }
        return self.platform("POST", f"/submissions/{sid}/assessment", json=body)

    def passed(self, key: str, learner: str) -> str:
        """An enrolment that passed on its first attempt, not yet awarded."""
        eid = self.enrol(key, learner)
        sha = self.upload(eid).json()["sha256"]
        assert self.assess(self.submit(eid, sha)).json()["decision"] == "pass"
        return eid


@contextmanager
def serve(
    data: Path, *, port: int | None = None, uploads: bool = False, **settings: Any
) -> Iterator[Api]:
    """The service on ``data`` (and ``port``: the status lists keep their base URL);
    ``uploads``: with the body guard letting multipart artifact
    uploads through (the change app.py needs; see docs/microcredentials-api.md)."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(Settings(data_dir=data, base_url=base, rate_limit_per_s=0, **settings))
    if uploads:
        for middleware in app.user_middleware:
            if getattr(middleware, "cls", None) is BodyGuard:
                middleware.kwargs["form_paths"] = _UploadPaths({TOKEN_PATH})
    with running(app, port):
        api = Api(app, base, data)
        try:
            yield api
        finally:
            api.http.close()


class _UploadPaths(frozenset[str]):
    def __contains__(self, path: object) -> bool:
        return str(path).endswith("/artifacts") or super().__contains__(path)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with serve(tmp_path_factory.mktemp("mc") / "data") as served:
        yield served


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def _paths(response: httpx.Response, status: int = 422) -> list[str]:
    return [e["path"] for e in _problem(response, status).get("errors", [])]


# The journey ------------------------------------------------------------------------------


def test_definition_workflow_records_who_and_when(api: Api) -> None:
    created = api.design("POST", "/microcredentials", json={**DEFINITION, "id": "wf"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["state"] == "draft"
    assert body["achievementId"] == f"{api.base}/microcredentials/wf"
    assert body["rubric"][0]["passingLevel"] == "proficient"  # camelCase out, as in
    assert body["history"] == []
    reviewed = api.design("POST", "/microcredentials/wf/review", json={"by": "Dr. Reviewer"})
    assert reviewed.status_code == 200, reviewed.text
    approved = api.design("POST", "/microcredentials/wf/approve", json={"note": "minutes 4/26"})
    published = api.design("POST", "/microcredentials/wf/publish")  # no body at all
    assert published.status_code == 200, published.text
    history = published.json()["history"]
    assert [e["state"] for e in history] == ["reviewed", "approved", "published"]
    assert [e["role"] for e in history] == ["expert reviewer", "academic committee", "publisher"]
    assert history[0]["by"] == "Dr. Reviewer"
    assert history[1]["by"] == "LMS"  # no person given: the client's name
    assert history[1]["note"] == "minutes 4/26"
    client_id = history[0]["client"]["id"]
    assert client_id.startswith("omc-")
    assert history[0]["client"]["name"] == "LMS"
    assert all(datetime.fromisoformat(e["at"]).year == THIS_YEAR for e in history)
    assert approved.json()["state"] == "approved"
    listed = api.platform("GET", "/microcredentials", params={"state": "published"}).json()
    assert "wf" in [d["id"] for d in listed["microcredentials"]]
    assert api.platform("GET", "/microcredentials/wf").json()["history"] == history


def test_the_whole_journey_to_a_verified_badge(api: Api) -> None:
    api.published("journey")
    eid = api.enrol("journey", LEARNER)
    uploaded = api.upload(eid)
    assert uploaded.status_code == 201, uploaded.text
    artifact = uploaded.json()
    sha = hashlib.sha256(REPORT).hexdigest()
    assert artifact["sha256"] == sha
    assert artifact["size"] == len(REPORT)
    assert artifact["mediaType"] == "application/pdf"
    stored = api.data / "artifacts" / sha
    assert stored.read_bytes() == REPORT
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    downloaded = api.platform("GET", artifact["url"].removeprefix(api.base))
    assert downloaded.content == REPORT

    first = api.submit(eid, sha, answer="Flooding")
    revise = api.assess(first, level="developing")
    assert revise.status_code == 201, revise.text
    assert revise.json()["decision"] == "revise_and_resubmit"
    assert any("Narrative" in r for r in revise.json()["reasons"])
    assert _problem(api.platform("POST", f"/enrolments/{eid}/award"), 409)["detail"].startswith(
        "the learner has not passed"
    )
    second = api.submit(eid, sha, answer="Which districts flood, for the planners?")
    assert api.assess(second).json()["decision"] == "pass"

    history = api.platform("GET", f"/enrolments/{eid}").json()
    assert history["status"] == "pass"
    assert [a["submission"]["attempt"] for a in history["attempts"]] == [1, 2]
    assert [a["assessment"]["decision"] for a in history["attempts"]] == [
        "revise_and_resubmit",
        "pass",
    ]
    assert history["attempts"][0]["assessment"]["rubricLevels"] == {"story": "developing"}

    awarded = api.platform("POST", f"/enrolments/{eid}/award", json={"format": "di"})
    assert awarded.status_code == 201, awarded.text
    badge = awarded.json()
    vc = badge["verifiableCredential"]
    assert vc["credentialSubject"]["id"] == LEARNER
    assert vc["credentialSubject"]["achievement"]["id"] == f"{api.base}/microcredentials/journey"
    digests = [e.get("digestSRI") for e in vc["evidence"]]
    assert artifact["digestSRI"] in digests
    assert artifact["digestSRI"] == "sha256-" + base64.b64encode(bytes.fromhex(sha)).decode()
    assert "after revising and resubmitting" in vc["credentialSubject"]["narrative"]
    assert vc["credentialStatus"]["statusPurpose"] == "revocation"
    _check_formats(api, badge["id"], vc)

    again = api.platform("POST", f"/enrolments/{eid}/award")
    assert _problem(again, 409)["badge"] == badge["id"]
    assert api.platform("GET", f"/enrolments/{eid}").json()["status"] == "awarded"

    mine = api.platform("GET", f"/learners/{LEARNER}/badges").json()
    assert [b["id"] for b in mine["badges"]] == [badge["id"]]
    assert mine["badges"][0]["name"] == "Data Storytelling"
    # the public pages (another part of the service) find it in the credential store
    assert api.app.state.service.credentials.get(badge["id"]).subject == LEARNER


def _check_formats(api: Api, badge_id: str, vc: dict[str, Any]) -> None:
    path = f"/awards/{quote(badge_id, safe='')}"
    as_json = api.platform("GET", path, params={"format": "json"})
    assert as_json.json() == vc
    verified = api.http.post("/credentials/verify", json={"verifiableCredential": as_json.json()})
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified"] is True

    jwt = api.platform("GET", path, params={"format": "jwt"})
    assert jwt.headers["content-type"] == "application/vc+jwt"
    verified = api.http.post("/credentials/verify", json={"verifiableCredential": jwt.text})
    assert verified.status_code == 200, verified.text

    png = api.platform("GET", path, params={"format": "png"}).content
    assert png.startswith(b"\x89PNG")
    assert json.loads(unbake(png))["id"] == badge_id
    status_url = vc["credentialStatus"]["statusListCredential"]
    status_list = api.http.get(status_url.removeprefix(api.base)).content
    report = Verifier(fetcher=Fetcher(resources={status_url: status_list})).verify(png)
    assert report.verified, report.verdict
    assert report.verdict.value == "verified"
    assert [c.status for c in report.checks if c.name == "status"] == ["passed"]

    svg = api.platform("GET", path, params={"format": "svg"})
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert json.loads(unbake(svg.content))["proof"] == vc["proof"]

    qr = api.platform("GET", path, params={"format": "qr"})
    assert qr.headers["content-type"] == "image/png"
    assert qr.content.startswith(b"\x89PNG")

    html = api.platform("GET", path, params={"format": "html"}, follow_redirects=False)
    assert html.status_code == 303
    assert html.headers["location"] == f"/badges/{quote(badge_id, safe='')}"
    assert _paths(api.platform("GET", path, params={"format": "gif"})) == ["$.query.format"]


def test_a_jwt_award_hands_out_the_jwt(api: Api) -> None:
    api.published("jwt-award")
    eid = api.passed("jwt-award", "mailto:nok@example.org")
    awarded = api.platform("POST", f"/enrolments/{eid}/award", json={"format": "jwt"})
    assert awarded.status_code == 201, awarded.text
    enveloped = awarded.json()["verifiableCredential"]
    assert enveloped["type"] == "EnvelopedVerifiableCredential"
    verified = api.http.post("/credentials/verify", json={"verifiableCredential": enveloped})
    assert verified.status_code == 200, verified.text
    badge_id = awarded.json()["id"]
    png = api.platform("GET", f"/awards/{badge_id}", params={"format": "png"}).content
    assert unbake(png) == enveloped["id"].partition(",")[2]  # the JWT is baked
    # the Data Integrity form of the same credential is kept too
    as_json = api.platform("GET", f"/awards/{badge_id}").json()
    assert as_json["id"] == badge_id
    assert "proof" in as_json
    listed = api.platform("GET", "/learners/mailto:nok@example.org/badges").json()
    assert [b["format"] for b in listed["badges"]] == ["jwt"]


# Gates ------------------------------------------------------------------------------------


def test_no_enrolment_or_award_before_publication(api: Api) -> None:
    created = api.design("POST", "/microcredentials", json={**DEFINITION, "id": "gate"})
    assert created.status_code == 201
    body = {"learner": {"id": LEARNER}}
    refused = api.platform("POST", "/microcredentials/gate/enrolments", json=body)
    assert "draft" in _problem(refused, 409)["detail"]
    api.design("POST", "/microcredentials/gate/review")
    api.design("POST", "/microcredentials/gate/approve")
    refused = api.platform("POST", "/microcredentials/gate/enrolments", json=body)
    assert _problem(refused, 409)["state"] == "approved"
    wrong = api.design("POST", "/microcredentials/gate/review")
    assert "must be draft first" in _problem(wrong, 409)["detail"]


def test_a_definition_is_edited_only_as_a_draft(api: Api) -> None:
    api.design("POST", "/microcredentials", json={**DEFINITION, "id": "edit"})
    body = {**DEFINITION, "id": "edit", "version": "1.1"}
    edited = api.design("PUT", "/microcredentials/edit", json=body)
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == "1.1"
    api.published("edited-later")
    after = api.design("PUT", "/microcredentials/edited-later", json=DEFINITION)
    assert "only as a draft" in _problem(after, 409)["detail"]
    moved = api.design("PUT", "/microcredentials/edit", json={**DEFINITION, "id": "other"})
    assert _paths(moved) == ["$.id"]


def test_the_assessor_cannot_choose_the_decision(api: Api) -> None:
    api.published("force")
    eid = api.enrol("force", LEARNER)
    sid = api.submit(eid, api.upload(eid).json()["sha256"])
    assert _paths(api.assess(sid, level="beginning", decision="pass")) == ["$.decision"]
    scored = api.assess(sid, level="beginning")
    assert scored.json()["decision"] == "revise_and_resubmit"
    _problem(api.platform("POST", f"/enrolments/{eid}/award"), 409)
    assert _problem(api.assess(sid), 409)["detail"] == "this submission has been assessed already"
    assert api.platform("GET", f"/enrolments/{eid}").json()["award"] is None


def test_scopes_and_tokens(api: Api) -> None:
    api.published("scopes")
    issue_only = api.auth("issue")
    calls: list[tuple[str, str, Any]] = [
        ("POST", "/microcredentials", DEFINITION),
        ("POST", "/microcredentials/scopes/review", None),
        ("GET", "/microcredentials", None),
        ("POST", "/microcredentials/scopes/enrolments", {"learner": {"id": LEARNER}}),
        ("POST", "/enrolments/enr-x/award", None),
        ("GET", f"/learners/{LEARNER}/badges", None),
        ("GET", "/programme/figures", None),
    ]
    for method, path, body in calls:
        response = api.http.request(method, path, json=body)
        assert _problem(response, 401)["detail"].startswith("this endpoint needs a bearer token")
        assert _problem(api.http.request(method, path, headers=issue_only, json=body), 403)
    # the designer's token cannot enrol, the platform's cannot approve or read figures
    enrol = {"json": {"learner": {"id": "did:example:x"}}}
    _problem(api.design("POST", "/microcredentials/scopes/enrolments", **enrol), 403)
    _problem(api.platform("POST", "/microcredentials/scopes/review"), 403)
    _problem(api.platform("GET", "/programme/figures"), 403)


# Bad input --------------------------------------------------------------------------------


def test_unknown_ids_are_404(api: Api) -> None:
    for method, path in [
        ("GET", "/microcredentials/nope"),
        ("POST", "/microcredentials/nope/enrolments"),
        ("GET", "/enrolments/enr-nope"),
        ("POST", "/enrolments/enr-nope/award"),
        ("GET", "/awards/urn:uuid:nope"),
        ("GET", f"/enrolments/enr-nope/artifacts/{'0' * 64}"),
    ]:
        body = {"learner": {"id": LEARNER}} if path.endswith("/enrolments") else None
        response = api.platform(method, path, json=body)
        assert _problem(response, 404)["detail"].startswith("no ")
    _problem(api.design("POST", "/microcredentials/nope/review"), 404)
    _problem(api.assess("sub-nope"), 404)
    _problem(api.upload("enr-nope"), 404)
    submission: dict[str, Any] = {"answers": {}, "artifacts": [], "reflections": {}}
    _problem(api.platform("POST", "/enrolments/enr-nope/submissions", json=submission), 404)


def test_broken_json_is_400_and_wrong_shapes_422_naming_the_path(api: Api) -> None:
    headers = {**api.auth("definitions"), "Content-Type": "application/json"}
    broken = api.http.post("/microcredentials", content=b'{"name": ', headers=headers)
    _problem(broken, 400)
    headers = {**api.auth("assessments"), "Content-Type": "application/json"}
    broken = api.http.post("/enrolments/enr-x/artifacts", content=b"{", headers=headers)
    _problem(broken, 400)
    no_level = copy.deepcopy(DEFINITION)
    del no_level["rubric"][0]["passingLevel"]
    assert _paths(api.design("POST", "/microcredentials", json=no_level)) == [
        "$.rubric[0].passingLevel"
    ]
    snake = {**DEFINITION, "target_learners": "x"}
    assert "$.target_learners" in _paths(api.design("POST", "/microcredentials", json=snake))
    wrong_level = copy.deepcopy(DEFINITION)
    wrong_level["rubric"][0]["passingLevel"] = "expert"
    assert _paths(api.design("POST", "/microcredentials", json=wrong_level)) == ["$.rubric[0]"]
    unknown_issuer = {**DEFINITION, "issuer": "nobody"}
    assert _paths(api.design("POST", "/microcredentials", json=unknown_issuer)) == ["$.issuer"]

    api.published("shapes")
    bad_learner = {"learner": {"id": "not an id"}}
    response = api.platform("POST", "/microcredentials/shapes/enrolments", json=bad_learner)
    assert _paths(response) == ["$.learner.id"]
    eid = api.enrol("shapes", LEARNER)
    again = api.platform(
        "POST", "/microcredentials/shapes/enrolments", json={"learner": {"id": LEARNER}}
    )
    assert _problem(again, 409)["enrolment"] == eid
    not_b64 = {"fileName": "a.txt", "content": "***"}
    assert _paths(api.platform("POST", f"/enrolments/{eid}/artifacts", json=not_b64)) == [
        "$.content"
    ]
    missing = {
        "answers": {"question": "x", "extra": "y"},
        "artifacts": [{"requirement": "report", "sha256": "ab" * 32}],
        "reflections": {"next-time": "z"},
    }
    response = api.platform("POST", f"/enrolments/{eid}/submissions", json=missing)
    assert _paths(response) == ["$.answers.extra"]
    del missing["answers"]["extra"]  # type: ignore[attr-defined]
    response = api.platform("POST", f"/enrolments/{eid}/submissions", json=missing)
    assert _paths(response) == ["$.artifacts[0].sha256"]
    sid = api.submit(eid, api.upload(eid).json()["sha256"])
    assert _paths(api.assess(sid, level="expert")) == ["$.rubric.story"]
    assert _paths(api.assess(sid, rubric={})) == ["$.rubric.story"]
    missing["artifacts"] = [{"requirement": "report", "url": "https://example.org/report"}]
    pending = api.platform("POST", f"/enrolments/{eid}/submissions", json=missing)
    assert "has not been assessed yet" in _problem(pending, 409)["detail"]


# Figures ----------------------------------------------------------------------------------


def test_programme_figures_by_year_and_category(tmp_path: Path) -> None:
    with serve(tmp_path / "data") as api:
        api.published("tech")
        api.published("biz", category="Business")
        earlier = {"enrolledAt": "2025-06-01T09:00:00Z"}
        api.enrol("tech", "did:example:a", **earlier)
        eid = api.passed("tech", "did:example:b")
        api.platform("POST", f"/enrolments/{eid}/award")
        api.enrol("biz", "did:example:c")
        biz = api.enrol("biz", "did:example:d")
        api.submit(biz, api.upload(biz).json()["sha256"])
        admin = api.auth("admin")
        figures = api.http.get("/programme/figures", headers=admin).json()
        assert figures["totals"] == {"applied": 4, "submitted": 2, "awarded": 1}
        assert figures["byYear"] == [
            {"year": 2025, "applied": 1, "submitted": 0, "awarded": 0},
            {"year": THIS_YEAR, "applied": 3, "submitted": 2, "awarded": 1},
        ]
        assert figures["byCategory"] == [
            {"category": "Business", "applied": 2, "submitted": 1, "awarded": 0},
            {"category": "Technology", "applied": 2, "submitted": 1, "awarded": 1},
        ]
        only = api.http.get("/programme/figures", params={"year": 2025}, headers=admin).json()
        assert only["totals"] == {"applied": 1, "submitted": 0, "awarded": 0}
        assert only["byYearAndCategory"] == [
            {"year": 2025, "category": "Technology", "applied": 1, "submitted": 0, "awarded": 0}
        ]
        future = {"learner": {"id": "did:example:e"}, "enrolledAt": "2999-01-01T00:00:00Z"}
        response = api.platform("POST", "/microcredentials/tech/enrolments", json=future)
        assert _paths(response) == ["$.enrolledAt"]


# Persistence, atomicity, uploads ----------------------------------------------------------


def test_everything_persists_across_a_restart(tmp_path: Path) -> None:
    data, port = tmp_path / "data", free_port()
    with serve(data, port=port) as api:
        api.published("persist")
        eid = api.passed("persist", LEARNER)
        before = api.platform("GET", f"/enrolments/{eid}").json()
    with serve(data, port=port) as api:
        after = api.platform("GET", f"/enrolments/{eid}").json()
        assert after == {**before, "artifacts": after["artifacts"]}
        assert [a["sha256"] for a in after["artifacts"]] == [hashlib.sha256(REPORT).hexdigest()]
        assert api.platform("GET", "/microcredentials/persist").json()["state"] == "published"
        awarded = api.platform("POST", f"/enrolments/{eid}/award")
        assert awarded.status_code == 201, awarded.text
        badge_id = awarded.json()["id"]
    with serve(data, port=port) as api:
        got = api.platform("GET", f"/awards/{badge_id}")
        assert got.status_code == 200
        assert got.json()["id"] == badge_id
        verified = api.http.post("/credentials/verify", json={"verifiableCredential": got.json()})
        assert verified.status_code == 200, verified.text


def test_an_award_that_fails_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(tmp_path / "data") as api:
        api.published("atomic")
        eid = api.passed("atomic", LEARNER)
        credentials = api.app.state.service.credentials

        def broken(*args: Any, **kwargs: Any) -> None:
            raise OSError("disk full")

        monkeypatch.setattr(credentials, "put", broken)
        # (the server closes the connection after an unexpected error: do not reuse it)
        failed = api.platform("POST", f"/enrolments/{eid}/award", headers={"Connection": "close"})
        assert _problem(failed, 500)["detail"].startswith("internal error")
        with sqlite3.connect(api.data / "microcredentials.sqlite") as db:
            assert db.execute("SELECT count(*) FROM awards").fetchone() == (0,)
        assert api.platform("GET", f"/enrolments/{eid}").json()["award"] is None
        admin = api.auth("admin")
        figures = api.http.get("/programme/figures", headers=admin).json()
        assert figures["totals"]["awarded"] == 0
        monkeypatch.undo()
        awarded = api.platform("POST", f"/enrolments/{eid}/award")
        assert awarded.status_code == 201, awarded.text
        assert credentials.get(awarded.json()["id"]) is not None


def test_multipart_upload_once_the_body_guard_lets_it_through(tmp_path: Path) -> None:
    with serve(tmp_path / "data", uploads=True) as api:
        api.published("multipart")
        eid = api.enrol("multipart", LEARNER)
        files = {"file": ("photo.png", b"\x89PNG fake", "image/png")}
        answer = api.platform("POST", f"/enrolments/{eid}/artifacts", files=files)
        assert answer.status_code == 201, answer.text
        assert answer.json()["sha256"] == hashlib.sha256(b"\x89PNG fake").hexdigest()
        assert answer.json()["fileName"] == "photo.png"
        assert answer.json()["mediaType"] == "image/png"
        wrong = api.platform("POST", f"/enrolments/{eid}/artifacts", files={"other": files["file"]})
        assert _paths(wrong) == ["$.file"]


def test_learner_ids_that_are_urls(api: Api) -> None:
    api.published("url-learner")
    learner = "https://kmutt.example/students/6501"
    eid = api.passed("url-learner", learner)
    badge_id = api.platform("POST", f"/enrolments/{eid}/award").json()["id"]
    for path in (quote(learner, safe=""), learner):
        listed = api.platform("GET", f"/learners/{path}/badges").json()
        assert listed["learner"] == learner
        assert [b["id"] for b in listed["badges"]] == [badge_id]
    assert api.platform("GET", "/learners/did:example:nobody/badges").json()["badges"] == []


def test_an_oversized_upload_is_413(api: Api) -> None:
    api.published("big")
    eid = api.enrol("big", LEARNER)
    too_big = b"x" * 1_600_000  # 2.1 MB once in base64: over the 2 MB body limit
    _problem(api.upload(eid, too_big), 413)
    assert api.platform("GET", f"/enrolments/{eid}").json()["artifacts"] == []


def test_the_api_is_documented(api: Api) -> None:
    spec = api.http.get("/openapi.json").json()
    ours = {
        (method, path): op
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if "micro-credentials" in op.get("tags", [])
    }
    assert len(ours) == 18
    assert all(op.get("summary") and op.get("security") for op in ours.values())
    upload = ours[("post", "/enrolments/{eid}/artifacts")]["requestBody"]["content"]
    assert set(upload) == {"application/json", "multipart/form-data"}
    scopes = spec["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
    assert "(reserved)" not in scopes["scopes"]["definitions"]
    assert "(reserved)" not in scopes["scopes"]["assessments"]
    created = ours[("post", "/microcredentials")]["requestBody"]["content"]["application/json"]
    assert created["schema"]["$ref"].endswith("/DefinitionIn")
    fields = spec["components"]["schemas"]["DefinitionIn"]["properties"]
    assert {"submissionRequirements", "targetLearners", "achievementId"} <= set(fields)


def _at_once(call: Callable[[], httpx.Response], n: int = 4) -> list[int]:
    with ThreadPoolExecutor(n) as pool:
        return sorted(r.status_code for r in pool.map(lambda _: call(), range(n)))


def test_racing_requests_pass_each_gate_once(api: Api) -> None:
    api.design("POST", "/microcredentials", json={**DEFINITION, "id": "race"})
    assert _at_once(lambda: api.design("POST", "/microcredentials/race/review")) == [
        200,
        409,
        409,
        409,
    ]
    assert len(api.platform("GET", "/microcredentials/race").json()["history"]) == 1
    api.published("race-journey")
    eid = api.enrol("race-journey", LEARNER)
    sha = api.upload(eid).json()["sha256"]
    body = {
        "answers": {"question": "x"},
        "artifacts": [{"requirement": "report", "sha256": sha}],
        "reflections": {"next-time": "y"},
    }
    statuses = _at_once(lambda: api.platform("POST", f"/enrolments/{eid}/submissions", json=body))
    assert statuses == [201, 409, 409, 409]
    [attempt] = api.platform("GET", f"/enrolments/{eid}").json()["attempts"]
    assert api.assess(attempt["submission"]["id"]).json()["decision"] == "pass"
    statuses = _at_once(lambda: api.platform("POST", f"/enrolments/{eid}/award"))
    assert statuses == [201, 409, 409, 409]
    with sqlite3.connect(api.data / "microcredentials.sqlite") as db:
        rows = db.execute("SELECT badge_id FROM awards WHERE enrolment_id = ?", (eid,)).fetchall()
    assert len(rows) == 1
    stored = api.app.state.service.credentials.for_subject(LEARNER)
    assert rows[0][0] in [c.id for c in stored]
    awarded_here = {c.id for c in stored} & {
        b["id"] for b in api.platform("GET", f"/learners/{LEARNER}/badges").json()["badges"]
    }
    assert rows[0][0] in awarded_here


def test_a_definition_names_its_issuer(tmp_path: Path) -> None:
    issuers = (
        IssuerSettings(name="default"),
        IssuerSettings(name="science", profile={"name": "Faculty of Science"}),
    )
    with serve(tmp_path / "data", issuers=issuers) as api:
        science = api.app.state.service.issuer("science")
        api.published("named", issuer="science")
        eid = api.passed("named", LEARNER)
        badge = api.platform("POST", f"/enrolments/{eid}/award").json()
        vc = badge["verifiableCredential"]
        assert vc["issuer"]["id"] == science.issuer_id
        assert vc["issuer"]["name"] == "Faculty of Science"
        assert vc["proof"]["verificationMethod"] == science.verification_method
        assert vc["credentialStatus"]["statusListCredential"].startswith(
            f"{api.base}/status/science/"
        )
        verified = api.http.post("/credentials/verify", json={"verifiableCredential": vc})
        assert verified.status_code == 200, verified.text
        svg = api.platform("GET", f"/awards/{badge['id']}", params={"format": "svg"}).text
        assert "Faculty of Science" in svg
