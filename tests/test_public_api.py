from __future__ import annotations

import openmicrocred
import openmicrocred.models


def test_all_is_complete_and_unique() -> None:
    # The order of __all__ is enforced by ruff (RUF022).
    for module in (openmicrocred, openmicrocred.models):
        names = module.__all__
        assert len(set(names)) == len(names), module.__name__
        for name in names:
            assert hasattr(module, name), name


def test_facade_exports_the_main_entry_points() -> None:
    for name in ("parse_credential", "AchievementCredential", "StaticLoader", "__version__"):
        assert name in openmicrocred.__all__


def test_version() -> None:
    assert openmicrocred.__version__.count(".") == 2
