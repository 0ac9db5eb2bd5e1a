from __future__ import annotations

from pathlib import Path

import openmicrocred
import openmicrocred.models
import openmicrocred.status


def test_all_is_complete_and_unique() -> None:
    # The order of __all__ is enforced by ruff (RUF022).
    for module in (openmicrocred, openmicrocred.models, openmicrocred.status):
        names = module.__all__
        assert len(set(names)) == len(names), module.__name__
        for name in names:
            assert hasattr(module, name), name


def test_facade_exports_the_main_entry_points() -> None:
    for name in ("parse_credential", "AchievementCredential", "StaticLoader", "__version__"):
        assert name in openmicrocred.__all__


def test_version() -> None:
    assert openmicrocred.__version__.count(".") == 2


def test_every_lazy_export_resolves() -> None:
    import importlib

    fresh = importlib.reload(openmicrocred)
    for name in fresh.__all__:
        assert getattr(fresh, name) is not None
    assert set(dir(fresh)) >= set(fresh.__all__)


def test_import_and_help_are_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, openmicrocred.cli; "
        "heavy = [m for m in ('pyld', 'pydantic', 'cryptography', 'httpx', 'jsonschema') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_offline_verification_imports_no_network_or_jwt_code() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from openmicrocred import Ed25519Key, Verifier, add_proof\n"
        "from openmicrocred.fetch import Fetcher\n"
        "key = Ed25519Key.generate()\n"
        "badge = {'@context': ['https://www.w3.org/ns/credentials/v2',\n"
        "    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],\n"
        "    'id': 'urn:uuid:1', 'type': ['VerifiableCredential', 'OpenBadgeCredential'],\n"
        "    'issuer': {'id': key.did, 'type': ['Profile'], 'name': 'I'},\n"
        "    'validFrom': '2026-01-01T00:00:00Z', 'name': 'B',\n"
        "    'credentialSubject': {'id': 'did:example:l', 'type': ['AchievementSubject'],\n"
        "    'achievement': {\n"
        "        'id': 'urn:uuid:2', 'type': ['Achievement'], 'name': 'A',\n"
        "        'description': 'D', 'criteria': {'narrative': 'N'}}}}\n"
        "signed = add_proof(badge, key)\n"
        "with Fetcher.networked() as fetcher:\n"
        "    report = Verifier(fetcher=fetcher).verify(signed)\n"
        "print(report.verified, [m for m in ('httpx', 'jwt') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True []"


def test_facade_functions_are_not_shadowed_by_submodules() -> None:
    import importlib

    import openmicrocred.cli.demo

    fresh = importlib.reload(openmicrocred)
    assert callable(fresh.verify)
    assert callable(fresh.add_proof)


def test_facade_table_all_and_type_checking_imports_agree() -> None:
    from pathlib import Path

    imported = _type_checking_imports(Path(openmicrocred.__file__))
    exports = openmicrocred._EXPORTS
    assert imported == exports
    assert sorted(openmicrocred.__all__) == sorted([*exports, "__version__"])
    for name, module in exports.items():
        value = getattr(openmicrocred, name)
        assert getattr(importlib_module(module), name) is value


def _type_checking_imports(path: Path) -> dict[str, str]:
    """Name -> module of each ``from module import name`` under ``if TYPE_CHECKING:``."""
    import ast

    imported: dict[str, str] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom)
                for alias in statement.names:
                    imported[alias.name] = str(statement.module)
    return imported


def importlib_module(name: str) -> object:
    import importlib

    return importlib.import_module(f"openmicrocred.{name}")


def test_status_table_all_and_type_checking_imports_agree() -> None:
    import importlib
    from pathlib import Path

    status = openmicrocred.status
    imported = _type_checking_imports(Path(status.__file__ or ""))
    assert imported == status._EXPORTS
    assert status.__all__ == sorted(status._EXPORTS)
    for name, module in status._EXPORTS.items():
        submodule = importlib.import_module(f"openmicrocred.status.{module}")
        assert getattr(status, name) is getattr(submodule, name)
