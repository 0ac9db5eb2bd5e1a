"""Build contexts/compiled.json: the fast path's compiled tables for the bundled contexts.

Usage: python contexts/compile.py [--check]

The tables answer, for the contexts in this folder, the questions the fast JSON-LD walk asks
(see ``openmicrocred.canon.fast``). They are compiled by pyld from the bundled contexts while
processing a corpus of typical documents: the 1EdTech spec examples (current and from earlier
builds of the spec, which use the older contexts), the W3C Data Integrity vectors and everything
the demo issues (badges, proofs, endorsement, CLR, status list), each
signed and verified as the library does. A new process then starts with them instead of
importing pyld and processing contexts. Anything a document needs beyond them is compiled
on first use, so the corpus decides only how much is precompiled, never what a document
means. The test suite checks that this file equals a fresh compilation.

Rerun after changing the bundled contexts (``contexts/update.py``) or the fast path;
``--check`` exits 1 if the file is out of date.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUTPUT = HERE / "compiled.json"
_CREATED = datetime(2026, 1, 1, tzinfo=UTC)
_SEED = bytes(range(32))


def _corpus() -> list[dict[str, Any]]:
    from openmicrocred.cli.demo import run_demo

    vectors = REPO / "tests" / "vectors"
    files = [
        path
        for folder in ("ob3-spec", "ob3-spec-history", "vc-di-eddsa")
        for path in sorted((vectors / folder).rglob("*.json"))
    ]
    documents: list[dict[str, Any]] = []
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "@context" in data:
            documents.append(data)
            documents.extend(_alias_variants(data))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        run_demo(out, stream=io.StringIO())
        for name in ("badge-somchai.json", "badge-malee.json", "clr-somchai.json"):
            documents.append(json.loads((out / name).read_text(encoding="utf-8")))
        for path in sorted((out / "status").glob("*.json")):
            documents.append(json.loads(path.read_text(encoding="utf-8")))
    return documents


_ALIASES = {
    # The spec text of 2021-11..2023-02 named this URL for the 3.0.0 context; 1EdTech's
    # validator serves the same file for both (see manifest.json).
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": (
        "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld"
    ),
}


def _alias_variants(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The document again under each other URL of a context it uses, if any."""
    contexts = document["@context"]
    if not isinstance(contexts, list):
        return []
    return [
        {**document, "@context": [alias if c == url else c for c in contexts]}
        for url, alias in _ALIASES.items()
        if url in contexts
    ]


def build() -> dict[str, Any]:
    """Compile the tables from the corpus, with a fresh loader (not the shipped snapshot)."""
    from openmicrocred.documents import StaticLoader, contexts_manifest_bytes
    from openmicrocred.errors import OpenMicrocredError
    from openmicrocred.jsonld import check_safe
    from openmicrocred.jsonld._compiled import compiled_for
    from openmicrocred.keys import Ed25519Key
    from openmicrocred.suites import add_proof, verify_proofs

    documents = _corpus()
    loader = StaticLoader()  # same documents as the default loader, compiled from scratch
    key = Ed25519Key.from_seed(_SEED)
    for document in documents:
        for step in (
            lambda d: check_safe(d, loader=loader),
            lambda d: verify_proofs(d, loader=loader),
            lambda d: add_proof(
                {k: v for k, v in d.items() if k != "proof"}, key, created=_CREATED, loader=loader
            ),
        ):
            try:
                step(document)
            except (OpenMicrocredError, ValueError, TypeError, KeyError):
                continue  # outside the fast path, or not signable: nothing to compile
    return {
        **compiled_for(loader).snapshot(),
        "contexts_manifest_sha256": hashlib.sha256(contexts_manifest_bytes()).hexdigest(),
    }


def render(snapshot: dict[str, Any]) -> str:
    """The file's text: one table row per line, so a change reads as a small diff."""
    lines = ["{"]
    scalars = {k: v for k, v in snapshot.items() if not isinstance(v, list)}
    tables = {k: v for k, v in snapshot.items() if isinstance(v, list)}
    for name, value in scalars.items():
        lines.append(f"  {json.dumps(name)}: {json.dumps(value)},")
    for i, (name, rows) in enumerate(tables.items()):
        lines.append(f"  {json.dumps(name)}: [")
        lines.extend(
            f"    {json.dumps(row, ensure_ascii=False)}{',' if j < len(rows) - 1 else ''}"
            for j, row in enumerate(rows)
        )
        lines.append("  ]" + ("," if i < len(tables) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = render(build())
    if "--check" in argv:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date: run python contexts/compile.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
