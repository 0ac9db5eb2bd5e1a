"""The pages for people: ``/verify`` and ``/badges/{id}`` (being built)."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter()
