"""``python -m openmicrocred``."""

from .cli import console

console()
