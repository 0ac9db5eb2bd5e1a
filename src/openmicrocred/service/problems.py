"""RFC 9457 problem details (``application/problem+json``) and the request body guard."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["PROBLEM", "BodyGuard", "json_path", "problem"]

PROBLEM = "application/problem+json"
_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def json_path(location: Sequence[str | int]) -> str:
    """``("credential", "type", 0)`` as ``$.credential.type[0]``."""
    path = "$"
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def problem(
    status: int,
    detail: str,
    *,
    errors: Sequence[dict[str, Any]] = (),
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response; ``errors`` lists ``{"path", "message"}`` items."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = list(errors)
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class BodyGuard:
    """ASGI middleware: refuses a request body over ``max_bytes`` (413) and a POST whose body
    is not JSON (415), before the application reads any of it; the paths in ``form_paths``
    (the OAuth2 token endpoint) take a form-encoded body instead. The body is read here, up
    to the limit, and handed on whole."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, form_paths: frozenset[str] = frozenset()
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.form_paths = form_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        form = scope["path"] in self.form_paths
        refusal = self._size_refusal(headers) if form else self._refusal(headers)
        body = b"" if refusal else await self._read(receive)
        if body is None:
            refusal = self._too_large()
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, _replay(body or b"", receive), send)

    def _too_large(self) -> JSONResponse:
        return problem(413, f"the request body is larger than {self.max_bytes} bytes")

    def _size_refusal(self, headers: dict[str, str]) -> JSONResponse | None:
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            return self._too_large()
        return None

    def _refusal(self, headers: dict[str, str]) -> JSONResponse | None:
        too_large = self._size_refusal(headers)
        if too_large is not None:
            return too_large
        if not _is_json(headers.get("content-type", "application/json")):
            return problem(415, "send the request body as JSON (Content-Type: application/json)")
        return None

    async def _read(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _replay(body: bytes, original: Receive) -> Receive:
    """The body read already, then whatever the client sends next (its disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await original()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
