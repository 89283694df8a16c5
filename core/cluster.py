"""Cluster stage: verified candidate pairs -> groups of documents.

A pair joins the graph only when its exact containment reaches the threshold;
clusters are the connected components of that graph, found with union-find,
so the partition does not depend on the order documents arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable


class UnionFind:
    """Disjoint sets over integer ids 0..n-1 (path halving, union by size)."""

    def __init__(self) -> None:
        self.parent: list[int] = []
        self.size: list[int] = []

    def add(self) -> int:
        self.parent.append(len(self.parent))
        self.size.append(1)
        return len(self.parent) - 1

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]


def components(count: int, edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Groups of ``0..count-1`` linked by ``edges``, each sorted, ordered by first member."""
    sets = UnionFind()
    for _ in range(count):
        sets.add()
    for a, b in edges:
        sets.union(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(count):
        groups.setdefault(sets.find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])
