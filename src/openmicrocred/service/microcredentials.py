"""The micro-credential API: the KMUTT journey over JSON (being built)."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter()
