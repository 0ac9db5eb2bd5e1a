"""The micro-credential API: the KMUTT journey over JSON (docs/microcredentials-api.md).

Definitions (scope ``definitions``): create a draft, edit it, review, approve, publish.
The learning platform (scope ``assessments``): enrol learners, upload artifacts, submit,
assess, award, fetch the badge in every format, list a learner's badges. The programme
figures need ``admin``. Everything is kept in ``microcredentials.sqlite`` (and
``artifacts/``) in the data directory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response, Security
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ..microcredential import DefinitionState
from ._mc_awards import award_json, figures, learner_badges, make_award, rendition
from ._mc_common import ApiProblemError, actor, not_found, service_state, store, validation_problem
from ._mc_definitions import STEPS, advance, create, definition_json, edit, load
from ._mc_journey import (
    add_artifact,
    artifact_json,
    assessment_json,
    decode_upload,
    enrol,
    enrolment_json,
    load_enrolment,
    record_assessment,
    submission_json,
    submit,
)
from ._mc_models import (
    ArtifactUpload,
    AssessmentIn,
    AwardIn,
    DefinitionIn,
    EnrolmentIn,
    StepIn,
    SubmissionIn,
)
from .clients import Grant
from .problems import problem
from .security import _grant, authorized

__all__ = ["router"]

router = APIRouter(tags=["micro-credentials"])

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid bearer token"},
    403: {"description": "the token lacks the scope"},
    404: {"description": "no such micro-credential, enrolment, submission or badge"},
    409: {"description": "the workflow does not allow it now (the message says why)"},
    422: {"description": "the body is wrong; `errors` name the JSON paths"},
}


def _base(request: Request) -> str:
    return service_state(request).settings.base_url.rstrip("/")


def _answer(make: Callable[[], Any], status: int = 200) -> JSONResponse:
    try:
        return JSONResponse(make(), status_code=status)
    except ApiProblemError as exc:
        return exc.response()


def _reading(grant: Grant) -> JSONResponse | None:
    """403 unless the token carries the ``definitions`` or the ``assessments`` scope."""
    if grant.scopes & {"definitions", "assessments"}:
        return None
    return problem(
        403,
        "the token carries neither the definitions nor the assessments scope",
        headers={"WWW-Authenticate": 'Bearer error="insufficient_scope", scope="definitions"'},
    )


# Any valid token, for the reads open to either of two scopes (checked by _reading):
# security.py has no public "one of these scopes" dependency yet.
Reader = Annotated[Grant, Security(_grant, scopes=[])]
Designer = Annotated[Grant, authorized("definitions")]
Platform = Annotated[Grant, authorized("assessments")]
Admin = Annotated[Grant, authorized("admin")]

# -- definitions ------------------------------------------------------------------------


@router.post(
    "/microcredentials",
    status_code=201,
    summary="Create a micro-credential definition (a draft)",
    responses=_PROBLEMS,
)
def create_definition(body: DefinitionIn, request: Request, grant: Designer) -> JSONResponse:
    """The designer's definition: competency, methods, requirements, target learners,
    category, alignments, and the three-part assessment (questions, artifacts with a
    rubric, reflections). It starts as ``draft``. Scope ``definitions``."""
    db, state, base = store(request), service_state(request), _base(request)
    return _answer(lambda: definition_json(create(db, state, body, base), base), 201)


@router.get("/microcredentials", summary="List the definitions", responses=_PROBLEMS)
def list_definitions(
    request: Request,
    grant: Reader,
    state: Annotated[DefinitionState | None, Query(description="only those in this state")] = None,
) -> JSONResponse:
    """Every definition, oldest first. Scope ``definitions`` or ``assessments``."""
    refused = _reading(grant)
    if refused:
        return refused
    base = _base(request)
    found = store(request).definitions(state.value if state else None)
    return JSONResponse({"microcredentials": [definition_json(d, base) for d in found]})


@router.get("/microcredentials/{key}", summary="A definition", responses=_PROBLEMS)
def get_definition(key: str, request: Request, grant: Reader) -> JSONResponse:
    """The definition, its state and its history (who took each step, and when).
    Scope ``definitions`` or ``assessments``."""
    refused = _reading(grant)
    if refused:
        return refused
    db, base = store(request), _base(request)
    return _answer(lambda: definition_json(load(db, key), base))


@router.put("/microcredentials/{key}", summary="Edit a draft definition", responses=_PROBLEMS)
def edit_definition(
    key: str, body: DefinitionIn, request: Request, grant: Designer
) -> JSONResponse:
    """Replace the fields of a draft (409 once it is reviewed). Scope ``definitions``."""
    db, state, base = store(request), service_state(request), _base(request)
    return _answer(lambda: definition_json(edit(db, state, key, body), base))


def _step_route(step: str) -> Callable[..., JSONResponse]:
    def route(
        key: str, request: Request, grant: Designer, body: StepIn | None = None
    ) -> JSONResponse:
        step_in = body or StepIn()
        db, base = store(request), _base(request)
        who = actor(request, grant, step_in.by)
        return _answer(lambda: definition_json(advance(db, key, step, step_in, who), base))

    route.__name__ = f"{step}_definition"
    return route


_STEP_DOCS = {
    "review": ("Record the expert review (draft → reviewed)", "draft"),
    "approve": ("Record the academic committee's approval (reviewed → approved)", "reviewed"),
    "publish": ("Publish the definition (approved → published)", "approved"),
}
for _step, (_summary, _before) in _STEP_DOCS.items():
    router.add_api_route(
        f"/microcredentials/{{key}}/{_step}",
        _step_route(_step),
        methods=["POST"],
        summary=_summary,
        description=f"Moves a {_before} definition to {STEPS[_step]}, recording who (`by`, "
        "default the API client's name, and the client's id) and when; 409 from any other "
        "state. Scope `definitions`.",
        responses=_PROBLEMS,
    )

# -- enrolments, artifacts, submissions, assessments -------------------------------------


@router.post(
    "/microcredentials/{key}/enrolments",
    status_code=201,
    summary="Enrol a learner",
    responses=_PROBLEMS,
)
def create_enrolment(
    key: str, body: EnrolmentIn, request: Request, grant: Platform
) -> JSONResponse:
    """Enrol (apply) a learner in a published micro-credential; 409 before it is
    published or when the learner is enrolled already. Scope ``assessments``."""
    db, base, who = store(request), _base(request), actor(request, grant)
    return _answer(lambda: enrolment_json(db, enrol(db, key, body, who), base), 201)


@router.get(
    "/microcredentials/{key}/enrolments", summary="A definition's enrolments", responses=_PROBLEMS
)
def list_enrolments(key: str, request: Request, grant: Platform) -> JSONResponse:
    """Every enrolment in the micro-credential, with its history. Scope ``assessments``."""
    db, base = store(request), _base(request)

    def make() -> dict[str, Any]:
        load(db, key)
        return {"enrolments": [enrolment_json(db, e, base) for e in db.enrolments(key)]}

    return _answer(make)


@router.get("/enrolments/{eid}", summary="An enrolment and its history", responses=_PROBLEMS)
def get_enrolment(eid: str, request: Request, grant: Platform) -> JSONResponse:
    """The learner, every attempt with its assessment (the revise-and-resubmit history),
    the uploaded artifacts and the award. Scope ``assessments``."""
    db, base = store(request), _base(request)
    return _answer(lambda: enrolment_json(db, load_enrolment(db, eid), base))


async def _upload(request: Request) -> tuple[bytes, str, str]:
    """The file of an upload: multipart ``file``, or JSON ``{fileName, mediaType,
    content}`` (base64)."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        async with request.form() as form:
            file = form.get("file")
            if not isinstance(file, UploadFile):
                errors = [{"path": "$.file", "message": "missing"}]
                raise ApiProblemError(422, "send the file as the part `file`", errors)
            data = await file.read()
        return data, file.content_type or "application/octet-stream", file.filename or "file"
    try:
        upload = ArtifactUpload.model_validate_json(await request.body())
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise ApiProblemError(400, "the request body is not valid JSON") from None
        raise validation_problem(exc) from None
    return decode_upload(upload), upload.media_type, upload.file_name


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ArtifactUpload.model_json_schema(by_alias=True)},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}


@router.post(
    "/enrolments/{eid}/artifacts",
    status_code=201,
    summary="Upload a work artifact",
    responses=_PROBLEMS,
    openapi_extra=_UPLOAD_BODY,
)
async def upload_artifact(eid: str, request: Request, grant: Platform) -> JSONResponse:
    """Keep a file for the learner's submission; answers its SHA-256 (which the badge's
    evidence carries as ``digestSRI``), size, media type and URL. Scope ``assessments``."""
    db, base = store(request), _base(request)
    try:
        data, media_type, name = await _upload(request)
        stored = await run_in_threadpool(
            add_artifact, db, eid, data, media_type=media_type, file_name=name
        )
    except ApiProblemError as exc:
        return exc.response()
    return JSONResponse(artifact_json(stored, base), status_code=201)


@router.get(
    "/enrolments/{eid}/artifacts/{sha256}",
    summary="Download an uploaded artifact",
    response_class=Response,
    responses=_PROBLEMS,
)
def get_artifact(eid: str, sha256: str, request: Request, grant: Platform) -> Response:
    """The file's bytes, as uploaded. Scope ``assessments``."""
    db = store(request)
    found = db.artifact(eid, sha256)
    if found is None:
        return not_found("artifact", sha256).response()
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.file_name)}"}
    return Response(db.artifact_bytes(sha256), media_type=found.media_type, headers=headers)


@router.post(
    "/enrolments/{eid}/submissions",
    status_code=201,
    summary="Submit (or resubmit) the three parts",
    responses=_PROBLEMS,
)
def create_submission(
    eid: str, body: SubmissionIn, request: Request, grant: Platform
) -> JSONResponse:
    """Part 1 answers, part 2 artifacts (uploaded ones by ``sha256``, hosted ones by
    ``url``), part 3 reflections. A resubmission only after "revise and resubmit" (409
    otherwise). Scope ``assessments``."""
    db, base = store(request), _base(request)
    return _answer(lambda: submission_json(submit(db, eid, body, base)), 201)


@router.post(
    "/submissions/{sid}/assessment",
    status_code=201,
    summary="Assess a submission",
    responses=_PROBLEMS,
)
def create_assessment(
    sid: str, body: AssessmentIn, request: Request, grant: Platform
) -> JSONResponse:
    """The assessor's scores: each question and reflection met or not, each rubric
    criterion's level, and feedback. The decision (``pass`` or ``revise_and_resubmit``,
    with reasons) follows from the definition's passing rules. Scope ``assessments``."""
    db, who = store(request), actor(request, grant)
    return _answer(lambda: assessment_json(record_assessment(db, sid, body, who)), 201)


# -- awards -----------------------------------------------------------------------------


@router.post(
    "/enrolments/{eid}/award", status_code=201, summary="Award the badge", responses=_PROBLEMS
)
def create_award(
    eid: str, request: Request, grant: Platform, body: AwardIn | None = None
) -> JSONResponse:
    """Sign the Open Badges 3.0 credential for a passing enrolment (with a revocation
    entry), as the definition's issuer; 409 if the learner has not passed or was awarded
    already. Scope ``assessments``."""
    db, state, base = store(request), service_state(request), _base(request)
    fmt = (body or AwardIn()).format
    who = actor(request, grant)
    return _answer(lambda: award_json(make_award(state, db, eid, fmt, who), base), 201)


@router.get(
    "/awards/{badge_id}",
    summary="An awarded badge, in one format",
    response_class=Response,
    responses=_PROBLEMS,
)
def get_award(
    badge_id: str,
    request: Request,
    grant: Platform,
    format: Annotated[Literal["json", "jwt", "png", "svg", "qr", "html"], Query()] = "json",
) -> Response:
    """``json``: the credential with its Data Integrity proof; ``jwt``: the same credential
    as a VC-JWT; ``png``/``svg``: a badge image with the credential baked in (as awarded);
    ``qr``: a QR code (PNG) of its verify URL; ``html``: 303 to the public badge page.
    Scope ``assessments``."""
    found = store(request).award(badge_id)
    if found is None:
        return not_found("badge", badge_id).response()
    base = _base(request)
    if format == "html":
        return RedirectResponse(f"/badges/{quote(badge_id, safe='')}", status_code=303)
    body, media_type, ext = rendition(found, format, base)
    name = f"badge-{badge_id.rsplit(':', 1)[-1]}.{ext}"
    return Response(
        body, media_type=media_type, headers={"Content-Disposition": f'inline; filename="{name}"'}
    )


@router.get("/learners/{learner_id:path}/badges", summary="A learner's badges", responses=_PROBLEMS)
def get_learner_badges(learner_id: str, request: Request, grant: Platform) -> JSONResponse:
    """Every micro-credential awarded to the learner (by the learner id given at
    enrolment), and other credentials this service issued to that subject. Scope
    ``assessments``."""
    state, base = service_state(request), _base(request)
    return JSONResponse(learner_badges(state, store(request), learner_id, base))


@router.get("/programme/figures", summary="The programme figures", responses=_PROBLEMS)
def get_figures(
    request: Request,
    grant: Admin,
    year: Annotated[int | None, Query(ge=1900, le=9999, description="one year only")] = None,
) -> JSONResponse:
    """Learners who applied (enrolled), submitted and were awarded, by enrolment year
    and by category, with totals: the figures the KMUTT study reports. Scope ``admin``."""
    return JSONResponse(figures(store(request), year))
