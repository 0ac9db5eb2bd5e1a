"""Open Badges 2.0: read, verify and bring forward the badges most of the world still holds.

* :mod:`.models` (layer 1): typed, lossless models of OB 2.0 Assertions, BadgeClasses,
  Profiles, keys and revocation lists, and :func:`~.models.is_ob2`.
* :mod:`.baking`: OB 2.0 baked PNG (``openbadges`` iTXt or legacy tEXt) and SVG
  (``<openbadges:assertion>``).
* :mod:`.recipient`: the recipient check with plain and hashed identities.
* :mod:`.verify`: hosted and signed verification, as findings the verifier reports.
* :mod:`.upgrade`: an OB 2.0 assertion re-issued as an OB 3.0 AchievementCredential.
* :mod:`.clr`: upgraded OB 2.0 badges carried in one signed CLR 2.0 ClrCredential.
"""

from __future__ import annotations

__all__: list[str] = []
