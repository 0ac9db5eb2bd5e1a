"""Definitions: create and edit drafts, then review, approve and publish, each step
recorded with who (person and API client) and when; the workflow model decides which
step may follow which."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..errors import WorkflowError
from ..microcredential import ApprovalEvent, DefinitionState, MicroCredential
from ..storage import MicrocredentialStore, StoreConflictError
from ..storage.microcredentials import StoredDefinition, StoredEvent
from ._mc_common import (
    Actor,
    ApiProblemError,
    camel,
    new_id,
    not_found,
    now_text,
    validation_problem,
)
from ._mc_models import DefinitionIn, StepIn
from .state import ServiceState, UnknownIssuerError

__all__ = ["STEPS", "advance", "create", "definition_json", "edit", "load", "workflow_model"]

STEPS = {"review": "reviewed", "approve": "approved", "publish": "published"}
_SERVER_FIELDS = {"id", "achievement_id", "issuer"}


def workflow_model(stored: StoredDefinition) -> MicroCredential:
    """The stored definition as the workflow's model."""
    return MicroCredential.model_validate(stored.body)


def load(db: MicrocredentialStore, key: str) -> StoredDefinition:
    found = db.definition(key)
    if found is None:
        raise not_found("micro-credential", key)
    return found


def _event_json(event: StoredEvent) -> dict[str, Any]:
    return {
        "state": event.state,
        "by": event.by,
        "role": event.role,
        "at": event.at,
        "note": event.note,
        "client": {"id": event.client_id, "name": event.client_name},
    }


def definition_json(stored: StoredDefinition, base: str) -> dict[str, Any]:
    """The definition as the API answers it: the designer's fields, camelCase, and the
    service's (id, achievementId, issuer, state, history, timestamps, links)."""
    body = {k: v for k, v in stored.body.items() if k not in {"id", "state", "history"}}
    path = f"/microcredentials/{stored.key}"
    return {
        "id": stored.key,
        "achievementId": stored.achievement_id,
        "issuer": stored.issuer,
        "state": stored.state,
        **camel(body),
        "history": [_event_json(e) for e in stored.events],
        "createdAt": stored.created_at,
        "updatedAt": stored.updated_at,
        "links": {"self": f"{base}{path}", "enrolments": f"{base}{path}/enrolments"},
    }


def _check_issuer(state: ServiceState, name: str | None) -> None:
    try:
        state.issuer(name)
    except UnknownIssuerError as exc:
        names = ", ".join(state.issuers)
        errors = [{"path": "$.issuer", "message": f"one of {names}"}]
        raise ApiProblemError(422, str(exc), errors) from None


def _check_languages(body: DefinitionIn) -> None:
    """One translation per language, none in the definition's own (each becomes a
    ``related`` achievement of that language)."""
    seen = {body.language.lower()} if body.language else set()
    for n, translation in enumerate(body.translations):
        tag = translation.language.lower()
        if tag in seen:
            path = f"$.translations[{n}].language"
            why = (
                "the definition's own language"
                if body.language and tag == body.language.lower()
                else "a language translated already"
            )
            raise ApiProblemError(422, f"{path}: {why}", [{"path": path, "message": why}])
        seen.add(tag)


def _build(body: DefinitionIn, achievement_id: str) -> MicroCredential:
    _check_languages(body)
    fields = body.model_dump(exclude=_SERVER_FIELDS)
    try:
        return MicroCredential.model_validate({"id": achievement_id, **fields})
    except ValidationError as exc:
        raise validation_problem(exc) from None


def create(
    db: MicrocredentialStore, state: ServiceState, body: DefinitionIn, base: str
) -> StoredDefinition:
    """A new draft."""
    _check_issuer(state, body.issuer)
    key = body.id or new_id("mc")
    achievement_id = body.achievement_id or f"{base}/microcredentials/{key}"
    model = _build(body, achievement_id)
    at = now_text()
    stored = StoredDefinition(
        key=key,
        achievement_id=achievement_id,
        version=model.version,
        state=model.state.value,
        issuer=body.issuer,
        category=model.category,
        body=model.model_dump(mode="json"),
        created_at=at,
        updated_at=at,
    )
    try:
        db.create_definition(stored)
    except StoreConflictError as exc:
        raise ApiProblemError(409, str(exc)) from None
    return load(db, key)


def edit(
    db: MicrocredentialStore, state: ServiceState, key: str, body: DefinitionIn
) -> StoredDefinition:
    """Replace a draft's fields (its id and achievement id stay)."""
    stored = load(db, key)
    if stored.state != DefinitionState.DRAFT.value:
        raise ApiProblemError(
            409,
            f"{key} is {stored.state}: a definition can be edited only as a draft",
            state=stored.state,
        )
    for name in ("id", "achievement_id"):
        given = getattr(body, name)
        if given is not None and given != (key if name == "id" else stored.achievement_id):
            path = "$.id" if name == "id" else "$.achievementId"
            raise ApiProblemError(
                422, f"{path} cannot change", [{"path": path, "message": "fixed"}]
            )
    _check_issuer(state, body.issuer)
    model = _build(body, stored.achievement_id)
    _update(db, stored, model, None, issuer=body.issuer)
    return load(db, key)


def _update(
    db: MicrocredentialStore,
    stored: StoredDefinition,
    model: MicroCredential,
    event: StoredEvent | None,
    issuer: str | None,
) -> None:
    try:
        db.update_definition(
            stored.key,
            expected_state=stored.state,
            body=model.model_dump(mode="json"),
            state=model.state.value,
            version=model.version,
            category=model.category,
            at=now_text(),
            event=event,
            issuer=issuer,
        )
    except StoreConflictError as exc:
        raise ApiProblemError(409, f"{stored.key}: {exc}; reload and retry") from None


def _step(model: MicroCredential, step: str, who: str, note: str | None) -> MicroCredential:
    try:
        if step == "review":
            return model.review(who, note=note)
        if step == "approve":
            return model.approve(who, note=note)
        return model.publish(who)
    except WorkflowError as exc:
        raise ApiProblemError(409, str(exc), state=model.state.value) from None


def advance(db: MicrocredentialStore, key: str, step: str, body: StepIn, who: Actor) -> Any:
    """Review, approve or publish: the next state, with the event recorded."""
    stored = load(db, key)
    model = _step(workflow_model(stored), step, who.label, body.note)
    last: ApprovalEvent = model.history[-1]
    event = StoredEvent(
        seq=0,
        state=last.state.value,
        by=last.by,
        role=last.role,
        client_id=who.client_id,
        client_name=who.client_name,
        at=now_text(last.at),
        note=body.note,
    )
    _update(db, stored, model, event, issuer=stored.issuer)
    return load(db, key)
