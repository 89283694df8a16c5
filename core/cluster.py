"""Cluster stage: verified pairs -> groups of copies, without chaining.

Verified pairs are taken strongest first (Kruskal order, ties by document id,
so input order does not matter). A pair joins its two groups only when the
groups are *compatible*: most pairs between their representatives (the longest
members) still share some text (``LINK_FLOOR``), and no document between them
holds two texts (:func:`joins_two_stories`). Copies of copies pass; a roundup
that quotes two different stories does not glue them together: the two stories
share little, and what the roundup shares with one is apart from what it shares
with the other.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from .fingerprint import Fingerprint
from .spool import SpooledFingerprints
from .verify import LINK_FLOOR, Edge, containment, shared_count

REPRESENTATIVES = 4
# A document whose text shared with one group and text shared with the other have less than this
# in common (of the smaller) holds two texts. Copies of one story share what they took from it (on
# the labelled development set, 0.38 at the least); a roundup of two reports of one event shares
# only their common quotes and names (0.26).
BRIDGE_OVERLAP = 0.5
# A document that holds this much of a text is where it comes from, not a roundup that took a part:
# a full article and its brief, trim, update or heavy rewrite. A page that holds two whole reports
# is such a source too, and still joins them.
SOURCE_SHARE = 0.5
# Away from the pair, representatives this alike make the two groups copies by themselves.
COPY_CONTAINMENT = 0.37


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


def cross_containments(
    left: list[int],
    right: list[int],
    prints: Sequence[Fingerprint],
    linked_pair: tuple[int, int] | None = None,
) -> dict[tuple[int, int], float]:
    """The containment of each representative pair across two groups (``linked_pair``, one of those
    pairs, is known to be linked: its shingles are not read, and it stands at ``LINK_FLOOR``)."""
    return {
        (a, b): LINK_FLOOR if (a, b) == linked_pair else containment(prints[a].shingles, prints[b].shingles)
        for a in left
        for b in right
    }


def compatible(shares: dict[tuple[int, int], float]) -> bool:
    """Most representative pairs across the two groups share some text (``LINK_FLOOR``)."""
    return sum(share >= LINK_FLOOR for share in shares.values()) * 2 > len(shares)


def joins_two_stories(
    a: int,
    b: int,
    left: list[int],
    right: list[int],
    shares: dict[tuple[int, int], float],
    prints: Sequence[Fingerprint],
) -> bool:
    """The pair ``a``-``b`` would join two stories through a document that took a part of each: what
    it shares with the other group is apart from what it shares with its own (``BRIDGE_OVERLAP``), it
    holds under half of every one of those texts (``SOURCE_SHARE``: a full text that trims, briefs or
    rewrites of it come from holds most of one of them), and no representatives of the two groups
    away from the pair are copies by themselves (``COPY_CONTAINMENT``)."""
    away = [share for (x, y), share in shares.items() if x != a and y != b]
    if max(away, default=0.0) >= COPY_CONTAINMENT:
        return False
    return _took_a_part_of_each(a, b, left, prints) or _took_a_part_of_each(b, a, right, prints)


def _took_a_part_of_each(
    member: int, other: int, representatives: list[int], prints: Sequence[Fingerprint]
) -> bool:
    mates = [prints[m].shingles for m in representatives if m != member]
    if not mates:
        return False
    shingles, theirs = prints[member].shingles, prints[other].shingles
    # the cheap test first: most documents between two groups hold most of one of their texts
    if any(shared_count(shingles, text) >= SOURCE_SHARE * len(text) for text in (theirs, *mates)):
        return False
    with_other = np.isin(shingles, theirs, assume_unique=True)
    with_group = np.isin(shingles, np.concatenate(mates))
    smaller = min(int(with_other.sum()), int(with_group.sum()))
    return smaller > 0 and int((with_other & with_group).sum()) < BRIDGE_OVERLAP * smaller


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
        left, right = groups.representatives(ra), groups.representatives(rb)
        shares = cross_containments(left, right, prints, known)
        if compatible(shares) and not joins_two_stories(a, b, left, right, shares, prints):
            groups.union(ra, rb)
    members: dict[int, list[int]] = {}
    for i in range(len(prints)):
        members.setdefault(groups.find(i), []).append(i)
    return sorted(members.values(), key=lambda g: g[0])
