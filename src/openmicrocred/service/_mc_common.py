"""What the micro-credential routes share: the store (made once per application), the
problem exception, who is acting, and the camelCase conversion of stored JSON."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from pydantic.alias_generators import to_camel
from starlette.responses import JSONResponse

from .._time import format_datetime
from ..storage import MicrocredentialStore
from .clients import Grant
from .problems import json_path, problem
from .state import ServiceState

__all__ = [
    "STORE_FILE",
    "Actor",
    "ApiProblemError",
    "actor",
    "camel",
    "new_id",
    "not_found",
    "now_text",
    "service_state",
    "store",
    "validation_problem",
]

STORE_FILE = "microcredentials.sqlite"
_lock = threading.Lock()


class ApiProblemError(Exception):
    """Raised by the workflow helpers; the route answers it as problem+json."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: Sequence[dict[str, Any]] = (),
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors, self.extra = status, detail, list(errors), extra

    def response(self) -> JSONResponse:
        return problem(self.status, self.detail, errors=self.errors, **self.extra)


def not_found(what: str, ident: str) -> ApiProblemError:
    return ApiProblemError(404, f"no {what} {ident}")


def service_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


def store(request: Request) -> MicrocredentialStore:
    """The application's micro-credential store, opened on first use."""
    found: MicrocredentialStore | None = getattr(request.app.state, "microcredentials", None)
    if found is None:
        with _lock:
            found = getattr(request.app.state, "microcredentials", None)
            if found is None:
                found = service_state(request).open_microcredentials()
                request.app.state.microcredentials = found
    return found


@dataclass(frozen=True)
class Actor:
    """Who acts: the API client (id and name) and, if given, the person."""

    client_id: str
    client_name: str | None
    person: str | None

    @property
    def label(self) -> str:
        """The person's name, else the client's name, else its id."""
        return self.person or self.client_name or self.client_id


def actor(request: Request, grant: Grant, person: str | None = None) -> Actor:
    names = {c.id: c.name for c in service_state(request).clients.clients()}
    return Actor(grant.client_id, names.get(grant.client_id) or None, person)


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(8)}"


def now_text(at: datetime | None = None) -> str:
    return format_datetime((at or datetime.now(UTC)).replace(microsecond=0))


def camel(value: Any, *, keep: frozenset[str] = frozenset()) -> Any:
    """Stored snake_case JSON as camelCase (the members named in ``keep`` are maps whose
    keys are ids, left alone)."""
    if isinstance(value, list):
        return [camel(v, keep=keep) for v in value]
    if isinstance(value, dict):
        return {to_camel(k): (v if k in keep else camel(v, keep=keep)) for k, v in value.items()}
    return value


def validation_problem(exc: ValidationError, prefix: Sequence[str | int] = ()) -> ApiProblemError:
    """A workflow model's validation error, its paths in the API's camelCase."""
    errors = [
        {
            "path": json_path(
                [*prefix, *(to_camel(p) if isinstance(p, str) else p for p in e["loc"])]
            ),
            "message": e["msg"],
        }
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"path": "$", "message": "invalid"}
    return ApiProblemError(422, f"invalid request: {first['path']}: {first['message']}", errors)
