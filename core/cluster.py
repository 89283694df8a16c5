"""Cluster stage: verified pairs -> groups of copies, without chaining.

Verified pairs are taken strongest first (Kruskal order, ties by document id,
so input order does not matter). A pair joins its two groups only when the
groups are *compatible*: most pairs between their representatives (the longest
members) still share some text (:func:`newsdedup.verify.linked`). Copies of
copies pass; a roundup that quotes two different stories does not glue them
together: the two stories share nothing.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from .fingerprint import Fingerprint
from .spool import SpooledFingerprints
from .verify import LINK_FLOOR, Edge, linked

REPRESENTATIVES = 4


class EdgeColumns:
    """Verified pairs held in three flat columns: a batch of 200,000 documents has nearly two million."""

    def __init__(self, edges: Iterable[Edge] = ()):
        self.a, self.b, self.strength = array("q"), array("q"), array("d")
        self.extend(edges)

    def __len__(self) -> int:
        return len(self.a)

    def edge(self, i: int) -> Edge:
        return Edge(self.strength[i], self.a[i], self.b[i])

    def extend(self, edges: Iterable[Edge]) -> None:
        for edge in edges:
            self.a.append(edge.a)
            self.b.append(edge.b)
            self.strength.append(edge.strength)


def kruskal_order(edges: EdgeColumns, keys: Sequence[str]) -> Iterator[tuple[int, int, float]]:
    """The pairs and their strengths, strongest first, ties by their document ids (so input order does
    not matter)."""
    if not len(edges):
        return
    a, b = edges.a, edges.b
    rank = _dense_rank(keys)
    rank_a, rank_b = rank[np.frombuffer(a, dtype=np.int64)], rank[np.frombuffer(b, dtype=np.int64)]
    low, high = np.minimum(rank_a, rank_b), np.maximum(rank_a, rank_b)
    for k in np.lexsort((high, low, -np.frombuffer(edges.strength))).tolist():
        yield a[k], b[k], edges.strength[k]


def _dense_rank(keys: Sequence[str]) -> np.ndarray:
    """Each key's place among the distinct keys in sorted order (equal keys, equal rank)."""
    distinct = sorted(set(keys))
    place = {key: i for i, key in enumerate(distinct)}
    return np.fromiter((place[key] for key in keys), dtype=np.int64, count=len(keys))


class _Groups:
    """Union-find over documents that remembers each group's longest members."""

    def __init__(self, sizes: Sequence[int], keys: Sequence[str]):
        self.parent = list(range(len(sizes)))
        self.count = [1] * len(sizes)
        self.sizes, self.keys = sizes, keys
        self._representatives: dict[int, list[int]] = {}  # of groups with more than one member

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, ra: int, rb: int) -> None:
        if self.count[ra] < self.count[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.count[ra] += self.count[rb]
        merged = self._representatives.pop(rb, [rb]) + self.representatives(ra)
        merged.sort(key=lambda i: (-self.sizes[i], self.keys[i]))
        self._representatives[ra] = merged[:REPRESENTATIVES]

    def representatives(self, root: int) -> list[int]:
        """The longest members of the group ``root`` stands for (ties by key)."""
        return self._representatives.get(root, [root])


def _shingle_counts(prints: Sequence[Fingerprint]) -> list[int]:
    # a batch's spool knows its counts without reading each fingerprint back
    if isinstance(prints, SpooledFingerprints):
        return prints.shingle_counts().tolist()
    return [len(p.shingles) for p in prints]


def compatible(
    left: list[int],
    right: list[int],
    prints: Sequence[Fingerprint],
    linked_pair: tuple[int, int] | None = None,
) -> bool:
    """Most representative pairs across the two groups share some text (``linked_pair``, one of those
    pairs, is known to: its shingles are not read)."""
    pairs = sum(
        (a, b) == linked_pair or linked(prints[a].shingles, prints[b].shingles) for a in left for b in right
    )
    return pairs * 2 > len(left) * len(right)


def cluster_groups(
    prints: Sequence[Fingerprint],
    keys: Sequence[str],
    edges: EdgeColumns,
    joined: Sequence[tuple[int, int]] = (),
) -> list[list[int]]:
    """Groups of document positions, each sorted, ordered by first member.

    ``keys`` (document ids) only break ties, so that the result does not depend
    on the order documents arrived in. ``joined`` pairs are together already (the
    members of a cluster a persistent index remembers) and are joined first.
    """
    groups = _Groups(_shingle_counts(prints), keys)
    for a, b in joined:
        ra, rb = groups.find(a), groups.find(b)
        if ra != rb:
            groups.union(ra, rb)
    for a, b, strength in kruskal_order(edges, keys):
        ra, rb = groups.find(a), groups.find(b)
        if ra == rb:
            continue
        # An edge's strength is a lower bound of its pair's containment: at LINK_FLOOR or more, the
        # pair is linked without reading its shingles again (two singletons: the whole test).
        known = (a, b) if strength >= LINK_FLOOR else None
        if compatible(groups.representatives(ra), groups.representatives(rb), prints, known):
            groups.union(ra, rb)
    members: dict[int, list[int]] = {}
    for i in range(len(prints)):
        members.setdefault(groups.find(i), []).append(i)
    return sorted(members.values(), key=lambda g: g[0])
