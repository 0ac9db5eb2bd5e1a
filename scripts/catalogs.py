"""Refresh the Thai and English message catalogs of the pages, the CLI's plain words and the
service's problems (``src/openmicrocred/present/locale/``; see its README.md).

Run from anywhere, with the project's virtual environment::

    .venv/bin/python scripts/catalogs.py update    # extract, merge into en/th .po, compile .mo
    .venv/bin/python scripts/catalogs.py check     # exit 1: a message lacks Thai, a .mo is stale
    .venv/bin/python scripts/catalogs.py compile   # only .po -> .mo (after editing Thai words)

``update`` runs Babel's extraction with ``babel.cfg`` (keyword ``N_`` as well as ``_`` and
``gettext``, no source locations, sorted), merges the template into each language without
fuzzy matching (a changed English sentence gets no stale guess), drops obsolete entries,
writes the English words as their own translation, then compiles. It lists every message
that still has no Thai words and exits 1 if there is one: write them in
``locale/th/LC_MESSAGES/messages.po`` and run ``compile``. The script is not part of the
package (it needs Babel's extraction and the source tree).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "openmicrocred" / "present" / "locale"
TEMPLATE = LOCALE / "messages.pot"
LANGUAGES = ("en", "th")
EXTRACT = [
    *("-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "N_"),
    *("--no-location", "--sort-output", "--project", "openmicrocred"),
]


def _po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "messages.po"


def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, no_location=True, sort_output=True, ignore_obsolete=True, width=100)


def extract(output: Path = TEMPLATE) -> Catalog:
    """The messages of the code and templates now (written to ``output``)."""
    command = [sys.executable, *EXTRACT, "-o", str(output), "."]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)  # noqa: S603 (our argv)
    return _read(output)


def merge(template_path: Path, lang: str) -> Catalog:
    """``lang``'s catalog updated to the template; English translates itself. (The template
    is read anew for each language: Babel's update shares its new messages with the catalog.)"""
    template, path = _read(template_path), _po_path(lang)
    catalog = _read(path, lang) if path.exists() else Catalog(locale=lang, project="openmicrocred")
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    for message in catalog:
        if message.id and lang == "en":
            message.string = message.id
    _write(catalog, path)
    return catalog


def missing(catalog: Catalog) -> list[str]:
    """The messages with no words (or only fuzzy ones) in ``catalog``."""
    return [str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]


def compile_catalogs() -> None:
    for lang in LANGUAGES:
        catalog = _read(_po_path(lang), lang)
        with _po_path(lang).with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)


def _compiled_is_current(lang: str) -> bool:
    with _po_path(lang).with_suffix(".mo").open("rb") as f:
        compiled = {str(m.id): str(m.string) for m in read_mo(f) if m.id}
    written = {str(m.id): str(m.string) for m in _read(_po_path(lang), lang) if m.id}
    return compiled == written


def _report(problems: list[str]) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def check() -> int:
    """Every extracted message in both languages, and .mo files that match the .po files."""
    known = {m.id for m in _read(_po_path("th"), "th") if m.id}
    with tempfile.TemporaryDirectory() as scratch:
        extracted = {m.id for m in extract(Path(scratch) / "messages.pot") if m.id}
    problems = [f"not in the catalogs (run update): {m!r}" for m in sorted(extracted - known)]
    problems += [f"no longer used (run update): {m!r}" for m in sorted(known - extracted)]
    for lang in LANGUAGES:
        catalog = _read(_po_path(lang), lang)
        problems += [f"{lang}: no words for {m!r}" for m in missing(catalog)]
        if not _compiled_is_current(lang):
            problems.append(f"{lang}: messages.mo is older than messages.po (run compile)")
    return _report(problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["update", "check", "compile"])
    action = parser.parse_args(argv).action
    if action == "check":
        return check()
    if action == "update":
        extract()
        catalogs = {lang: merge(TEMPLATE, lang) for lang in LANGUAGES}
        compile_catalogs()
        return _report([f"th: no Thai words yet for {m!r}" for m in missing(catalogs["th"])])
    compile_catalogs()
    return 0


if __name__ == "__main__":
    sys.exit(main())
