"""``openmicrocred serve``: a W3C CCG VC-API issuer, verifier and status service.

:func:`create_app` builds the ASGI application (FastAPI) from :class:`Settings`; the command
line serves it with uvicorn. See docs/service.md.
"""

from __future__ import annotations

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
