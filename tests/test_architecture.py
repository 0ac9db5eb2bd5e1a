"""The layout keeps its shape: layers, no import cycles, small functions (docs/architecture.md).

The import graph is read from the source with :mod:`ast` (every import, at module level or
inside a function, type-checking ones included), so a new module that reaches upwards or
closes a cycle fails here rather than in review.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "openmicrocred"

LAYERS: dict[str, float] = {
    "errors": -1,
    "_version": 0,
    "types": 0,
    "_json": 0,
    "_time": 0,
    "vcdm": 2,
    "_encoding": 0,
    "keys": 1,
    "signers": 2,
    "documents": 1,
    "fetch": 1,
    "bake": 1,
    "models": 2,
    "schema": 2,
    "rdf": 2,
    "jsonld": 3,
    "canon": 4,
    "did": 4,
    "suites": 5,
    "issuance": 6,
    "status": 7,
    "storage": 7,
    "storage.backend": 6,
    "ob2": 7,
    "ob2.models": 1,
    "ob2.detect": 0.5,
    "verification": 8,
    "microcredential": 9,
    "present": 9,
    "batch": 9,
    "service": 10,
    "cli": 11,
    "__main__": 12,
}
"""Each top-level part and its layer: a part imports only from lower layers (and from within
itself). The facade (``__init__``) imports lazily and stands above everything. A module
listed as ``part.module`` has a layer of its own: ``ob2.models`` sits low enough for
``models.parse`` to read OB 2.0 (on ``ob2.detect``, pure JSON checks the verifier asks of
every input), while the rest of ``ob2`` sits below ``verification``;
``storage.backend`` (the SQLite/PostgreSQL dialect layer) sits below ``status``, whose
registry keeps its lists in it."""

MAX_FUNCTION_LINES = 60
EXEMPT_FUNCTIONS = {"cli/demo.py:run_demo", "cli/demo.py:demo_definition"}
"""The demo's story (its steps, and the KMUTT-style definition it tells about) reads best
as one sequence."""
MAX_VERIFIER_LINES = 250


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(("openmicrocred", *parts)), path


def _imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("openmicrocred")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if not target.startswith("openmicrocred"):
                continue
            for alias in node.names:  # "from . import x" may name a submodule
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    return {m for m in found if m != module}


MODULES = dict(_modules())
GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def _part(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 2 and ".".join(parts[1:3]) in LAYERS:
        return ".".join(parts[1:3])  # a module with a layer of its own (ob2.models)
    return parts[1] if len(parts) > 1 else "__init__"


def _cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH.get(node, ()):
            if nxt not in MODULES:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for module in MODULES:
        if module not in index:
            visit(module)
    return components


def test_every_part_has_a_layer() -> None:
    assert {_part(m) for m in MODULES} - {"__init__"} <= set(LAYERS)


def test_no_import_cycle_but_the_models_recursion() -> None:
    # The only cycle allowed: the OB 3.0 classes refer to each other (an Achievement has
    # endorsements, which are credentials about achievements), with type-only imports.
    cycles = _cycles()
    assert all(all(m.startswith("openmicrocred.models.") for m in c) for c in cycles), cycles
    assert len(cycles) <= 1


def test_no_module_imports_a_higher_layer() -> None:
    wrong = []
    for module, targets in GRAPH.items():
        part = _part(module)
        if part == "__init__":
            continue
        for target in targets:
            other = _part(target)
            if other != part and (other == "__init__" or LAYERS[other] >= LAYERS[part]):
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def _functions() -> Iterator[tuple[str, int]]:
    for path in MODULES.values():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(SRC).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                yield f"{rel}:{node.name}", node.end_lineno - node.lineno + 1


def test_functions_are_short() -> None:
    long = {name: n for name, n in _functions() if n > MAX_FUNCTION_LINES}
    assert {k: v for k, v in long.items() if k not in EXEMPT_FUNCTIONS} == {}


def test_verifier_class_is_small() -> None:
    tree = ast.parse((SRC / "verification" / "verifier.py").read_text(encoding="utf-8"))
    [verifier] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Verifier"]
    assert verifier.end_lineno is not None
    assert verifier.end_lineno - verifier.lineno + 1 < MAX_VERIFIER_LINES


@pytest.mark.parametrize("copy", ["def _as_list(", "def _issuer_id(", "def _json_copy("])
def test_small_helpers_are_not_copied(copy: str) -> None:
    holders = [p.name for p in MODULES.values() if copy in p.read_text(encoding="utf-8")]
    assert holders == []


def test_report_architecture() -> None:
    """Not an assertion: prints the figures the closing note quotes (run with -s)."""
    longest = sorted(_functions(), key=lambda item: -item[1])[:5]
    print(f"\nmodules: {len(MODULES)}, cycles: {len(_cycles())}, longest functions: {longest}")
