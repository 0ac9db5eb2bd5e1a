"""openmicrocred: issue, sign, verify and revoke Open Badges 3.0 micro-credentials."""

from __future__ import annotations

__version__ = "0.1.0"
