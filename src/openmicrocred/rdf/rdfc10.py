"""RDFC-1.0: RDF Dataset Canonicalization (W3C Recommendation, 2024).

https://www.w3.org/TR/rdf-canon/ — the functions below follow the spec's algorithms
(section 4) and are named after them. All state lives in one call, so concurrent calls
never share anything.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..errors import CanonicalizationError
from .nquads import Quad, serialize_term, serialized_terms

__all__ = ["DEFAULT_MAX_CALLS", "CanonicalizationResult", "canonicalize"]

DEFAULT_MAX_CALLS = 2000
"""Default work limit: calls of the Hash N-Degree Quads algorithm per canonicalization.

Ordinary credentials need none (every blank node has a unique first-degree hash); graphs of
interlinked, look-alike blank nodes need a few per node. A "poison" graph (a clique of
blank nodes) needs factorially many, and is refused (RDFC-1.0 §4.4.2, "Security
considerations" of the spec).
"""

_HASHES: dict[str, Callable[[bytes], hashlib._Hash]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
}


class _IdentifierIssuer:
    """Issues ``prefix0``, ``prefix1``, ... in order (RDFC-1.0 §4.3)."""

    __slots__ = ("counter", "issued", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.counter = 0
        self.issued: dict[str, str] = {}

    def issue(self, existing: str) -> str:
        issued = self.issued.get(existing)
        if issued is None:
            issued = f"{self.prefix}{self.counter}"
            self.counter += 1
            self.issued[existing] = issued
        return issued

    def copy(self) -> _IdentifierIssuer:
        other = _IdentifierIssuer(self.prefix)
        other.counter = self.counter
        other.issued = dict(self.issued)
        return other


@dataclass(frozen=True)
class CanonicalizationResult:
    """The canonical N-Quads and the map from input blank-node labels to canonical ones."""

    nquads: str
    issued: dict[str, str] = field(default_factory=dict)
    hash_n_degree_calls: int = 0


class _State:
    def __init__(self, quads: list[Quad], algorithm: str, max_calls: int) -> None:
        try:
            self.hasher = _HASHES[algorithm.lower().replace("-", "")]
        except KeyError:
            raise ValueError(
                f"hash algorithm must be sha256 or sha384, not {algorithm!r}"
            ) from None
        self.max_calls = max_calls
        self.calls = 0
        # A dataset is a set of quads: a quad with blank nodes is kept once here (below); the
        # others are lines, and identical lines are kept once at the end.
        self.quads = quads
        self.bnode_quads: dict[str, list[Quad]] = {}
        # The N-Quads line of each quad without blank nodes (most of a credential's), and
        # of each other quad its pieces: the serialized term, or for a blank node its label
        # (serialized later, masked or relabelled), so that no term is serialized twice.
        self.ground: list[str] = []
        self.pieces: dict[Quad, tuple[tuple[str, bool], ...]] = {}
        # (serialize_term's memo read inline: this loop runs once a quad)
        known = serialized_terms().get
        for quad in self.quads:
            s, p, o, g = quad
            if (
                s[0] != "blank"
                and o[0] != "blank"
                and p[0] != "blank"
                and (g is None or g[0] != "blank")
            ):
                line = (
                    f"{known(s) or serialize_term(s)} {known(p) or serialize_term(p)} "
                    f"{known(o) or serialize_term(o)}"
                )
                self.ground.append(
                    f"{line} .\n" if g is None else f"{line} {known(g) or serialize_term(g)} .\n"
                )
                continue
            if quad in self.pieces:
                continue
            for term in (s, o, g):
                if term is not None and term[0] == "blank":
                    self.bnode_quads.setdefault(term[1], []).append(quad)
            self.pieces[quad] = tuple(
                (t[1], True) if t[0] == "blank" else (known(t) or serialize_term(t), False)
                for t in quad
                if t is not None
            )
        self.canonical = _IdentifierIssuer("c14n")
        self.first_degree_cache: dict[str, str] = {}

    def hash(self, data: str) -> str:
        return self.hasher(data.encode("utf-8")).hexdigest()

    # RDFC-1.0 §4.6 Hash First Degree Quads
    def hash_first_degree_quads(self, reference: str) -> str:
        cached = self.first_degree_cache.get(reference)
        if cached is not None:
            return cached
        pieces = self.pieces
        lines = []
        for quad in self.bnode_quads[reference]:
            parts = pieces[quad]
            if len(parts) == 3:  # the default graph: written out, the hot case
                (s, s_blank), (p, p_blank), (o, o_blank) = parts
                if s_blank:
                    s = "_:a" if s == reference else "_:z"
                if p_blank:
                    p = "_:a" if p == reference else "_:z"
                if o_blank:
                    o = "_:a" if o == reference else "_:z"
                lines.append(f"{s} {p} {o} .\n")
            else:
                masked = (("_:a" if t == reference else "_:z") if b else t for t, b in parts)
                lines.append(" ".join(masked) + " .\n")
        lines.sort()
        result = self.hash("".join(lines))
        self.first_degree_cache[reference] = result
        return result

    # RDFC-1.0 §4.7 Hash Related Blank Node
    def hash_related_blank_node(
        self, related: str, quad: Quad, issuer: _IdentifierIssuer, position: str
    ) -> str:
        if related in self.canonical.issued:
            identifier = "_:" + self.canonical.issued[related]
        elif related in issuer.issued:
            identifier = "_:" + issuer.issued[related]
        else:
            identifier = self.hash_first_degree_quads(related)
        data = position
        if position != "g":
            data += f"<{quad.predicate[1]}>"
        return self.hash(data + identifier)

    # RDFC-1.0 §4.8 Hash N-Degree Quads
    def hash_n_degree_quads(
        self, identifier: str, issuer: _IdentifierIssuer
    ) -> tuple[str, _IdentifierIssuer]:
        self.calls += 1
        if self.calls > self.max_calls:
            raise CanonicalizationError(
                f"canonicalization exceeded its work limit ({self.max_calls} Hash N-Degree "
                "Quads calls); the graph has too many interlinked look-alike blank nodes "
                "(possibly a deliberately costly 'poison' graph)"
            )
        # Steps 1-3: the map from related hashes to related blank nodes.
        hash_to_related = self._hash_to_related(identifier, issuer)
        # Steps 4-5: data to hash, from the chosen path of each related hash.
        data_to_hash, issuer = self._chosen_paths(hash_to_related, issuer)
        # Step 6: the hash of data to hash, and the issuer.
        return self.hash(data_to_hash), issuer

    # RDFC-1.0 §4.8.3 steps 1-3
    def _hash_to_related(self, identifier: str, issuer: _IdentifierIssuer) -> dict[str, list[str]]:
        # Step 1: a map from related hashes to related blank nodes.
        hash_to_related: dict[str, list[str]] = {}
        # Steps 2-3: for each quad of identifier, and each blank node component (subject,
        # object, graph name) other than identifier itself:
        for quad in self.bnode_quads[identifier]:
            for position, term in (("s", quad.subject), ("o", quad.object), ("g", quad.graph)):
                if term is not None and term[0] == "blank" and term[1] != identifier:
                    # Step 3.1.1: Hash Related Blank Node; step 3.1.2: add it to the map.
                    related_hash = self.hash_related_blank_node(term[1], quad, issuer, position)
                    hash_to_related.setdefault(related_hash, []).append(term[1])
        return hash_to_related

    # RDFC-1.0 §4.8.3 steps 4-5
    def _chosen_paths(
        self, hash_to_related: dict[str, list[str]], issuer: _IdentifierIssuer
    ) -> tuple[str, _IdentifierIssuer]:
        """Data to hash, and the issuer as step 5.6 leaves it. The permutation search is the
        hot loop of canonicalization: it is kept in this one function."""
        canonical = self.canonical.issued  # not changed while Hash N-Degree Quads runs
        # Step 4: data to hash.
        data_to_hash = ""
        # Step 5: for each related hash (code point order) and its blank node list:
        for related_hash in sorted(hash_to_related):
            # Step 5.1: append the related hash.
            data_to_hash += related_hash
            # Steps 5.2-5.3: the chosen path, and an unset chosen issuer.
            chosen_path = ""
            chosen_issuer: _IdentifierIssuer | None = None
            # Step 5.4: for each permutation of the blank node list:
            for permutation in itertools.permutations(hash_to_related[related_hash]):
                # Steps 5.4.1-5.4.3: issuer copy, path, recursion list.
                issuer_copy = issuer.copy()
                path = ""
                recursion_list: list[str] = []
                # Step 5.4.4: for each related in the permutation:
                for related in permutation:
                    if related in canonical:  # step 5.4.4.1
                        path += "_:" + canonical[related]
                    else:  # step 5.4.4.2
                        if related not in issuer_copy.issued:
                            recursion_list.append(related)
                        path += "_:" + issuer_copy.issue(related)
                    # Step 5.4.4.3: skip to the next permutation.
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        break
                else:
                    if recursion_list:  # step 5.4.5
                        found = self._recursion_path(recursion_list, path, issuer_copy, chosen_path)
                        if found is None:  # step 5.4.5.5: skip to the next permutation
                            continue
                        path, issuer_copy = found
                    # Step 5.4.6: keep the least path, and its issuer.
                    if not chosen_path or path < chosen_path:
                        chosen_path = path
                        chosen_issuer = issuer_copy
            # Step 5.5: append the chosen path.
            data_to_hash += chosen_path
            # Step 5.6: replace issuer with the chosen issuer.
            if chosen_issuer is not None:
                issuer = chosen_issuer
        return data_to_hash, issuer

    # RDFC-1.0 §4.8.3 step 5.4.5
    def _recursion_path(
        self,
        recursion_list: list[str],
        path: str,
        issuer_copy: _IdentifierIssuer,
        chosen_path: str,
    ) -> tuple[str, _IdentifierIssuer] | None:
        """``path`` extended by the recursion list's results, and the issuer copy; ``None``
        as soon as the path cannot beat ``chosen_path``."""
        # Step 5.4.5: for each related in the recursion list:
        for related in recursion_list:
            # Steps 5.4.5.1-5.4.5.4: recurse, append the identifier and the hash, and take
            # the result's issuer.
            result_hash, result_issuer = self.hash_n_degree_quads(related, issuer_copy)
            path += "_:" + issuer_copy.issue(related)
            path += f"<{result_hash}>"
            issuer_copy = result_issuer
            # Step 5.4.5.5: skip to the next permutation.
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None
        return path, issuer_copy

    def _relabelled(self, issued: dict[str, str]) -> list[str]:
        """Every line of the dataset, blank nodes named by their canonical labels (unsorted)."""
        relabelled = list(self.ground)

        for parts in self.pieces.values():
            if len(parts) == 3:
                (s, s_blank), (p, p_blank), (o, o_blank) = parts
                if s_blank:
                    s = "_:" + issued[s]
                if p_blank:
                    p = "_:" + issued[p]
                if o_blank:
                    o = "_:" + issued[o]
                relabelled.append(f"{s} {p} {o} .\n")
            else:
                named = ("_:" + issued[t] if b else t for t, b in parts)
                relabelled.append(" ".join(named) + " .\n")
        return relabelled

    # RDFC-1.0 §4.4 Canonicalization Algorithm
    def run(self) -> CanonicalizationResult:
        hash_to_bnodes: dict[str, list[str]] = {}
        for bnode in self.bnode_quads:
            hash_to_bnodes.setdefault(self.hash_first_degree_quads(bnode), []).append(bnode)
        non_unique: list[tuple[str, list[str]]] = []
        for first_hash in sorted(hash_to_bnodes):
            bnodes = hash_to_bnodes[first_hash]
            if len(bnodes) == 1:
                self.canonical.issue(bnodes[0])
            else:
                non_unique.append((first_hash, bnodes))
        for _, bnodes in non_unique:
            results: list[tuple[str, _IdentifierIssuer]] = []
            for bnode in bnodes:
                if bnode in self.canonical.issued:
                    continue
                temporary = _IdentifierIssuer("b")
                temporary.issue(bnode)
                results.append(self.hash_n_degree_quads(bnode, temporary))
            for _, issuer in sorted(results, key=lambda r: r[0]):
                for existing in issuer.issued:
                    self.canonical.issue(existing)
        issued = self.canonical.issued
        relabelled = self._relabelled(issued)
        relabelled.sort()
        # A dataset is a set: identical quads appear once.
        lines = [line for i, line in enumerate(relabelled) if i == 0 or line != relabelled[i - 1]]
        return CanonicalizationResult("".join(lines), dict(self.canonical.issued), self.calls)


def canonicalize(
    quads: Iterable[Quad],
    *,
    hash_algorithm: str = "sha256",
    max_calls: int = DEFAULT_MAX_CALLS,
) -> CanonicalizationResult:
    """Canonicalize an RDF dataset with RDFC-1.0.

    :param quads: the dataset's quads (blank-node labels are the input's own).
    :param hash_algorithm: ``"sha256"`` (default) or ``"sha384"``.
    :param max_calls: work limit, in Hash N-Degree Quads calls.
    :raises CanonicalizationError: the work limit was exceeded.
    :return: the canonical N-Quads (sorted lines, each ending in ``\\n``) and the issued
        canonical labels.
    """
    return _State(list(quads), hash_algorithm, max_calls).run()
