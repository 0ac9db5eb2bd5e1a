"""The package version, in a leaf module so the command line reads it without the facade."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
