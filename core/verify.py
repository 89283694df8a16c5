"""Verify stage: the exact overlap of two shingle sets, and when it makes two texts copies.

This module is the one place that holds the similarity rule: candidate
verification, the explanation of a pair, the clustering's test that two groups
still share text, the canonical rule ``central`` and the similarity reported
for each member all ask it.

Syndicated copies are often trimmed, so the shorter copy is largely *contained*
in the longer one while their Jaccard similarity stays low (seed articles 000
and 002: word 3-gram Jaccard 0.19, containment 0.48). Pairs are therefore judged
by containment, ``|A & B| / min(|A|, |B|)``.

A short text gives weak evidence: 32 shared shingles out of 65 (one paragraph
that another article also quotes) is not the same as 137 out of 288. So the
test is on a lower confidence bound of the containment (Wilson score interval,
99%), treating the shorter text's shingles as the sample: a pair is a copy when
that bound reaches the threshold. Identical shingle sets are copies at any
length: two identical 15-word briefs share too few shingles to be judged as
near-duplicates, but they are the same text. A text with fewer shingles than
``min_shared`` can only ever be an exact copy; it is reported as too short to
judge (:func:`too_short`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import native
from .fingerprint import Fingerprint
from .settings import DedupSettings

CONFIDENCE_Z = 2.576  # two-sided 99% normal quantile
# Two groups of copies may merge only while their members still share this much of their text:
# on the labelled development set every member of a story shares at least 5% of its word
# 3-grams with every other member, even eight copies down the chain.
LINK_FLOOR = 0.05


@dataclass(frozen=True)
class Overlap:
    shared: int
    smaller: int  # shingles of the shorter text
    containment: float  # of the shorter text in the longer
    jaccard: float

    @cached_property  # the verification rule and the edge it makes both ask for it
    def containment_lower_bound(self) -> float:
        return wilson_lower_bound(self.containment, self.smaller)


@dataclass(frozen=True, slots=True)  # slots: a big batch holds millions
class Edge:
    """A verified pair of document positions, and how strongly they are copies."""

    strength: float  # the containment lower bound
    a: int
    b: int


def overlap(a: np.ndarray, b: np.ndarray) -> Overlap:
    """Exact overlap of two sorted unique shingle-hash arrays."""
    if len(a) == 0 or len(b) == 0:
        return Overlap(0, 0, 0.0, 0.0)
    shared = shared_count(a, b)
    smaller = min(len(a), len(b))
    return Overlap(shared, smaller, shared / smaller, shared / (len(a) + len(b) - shared))


def shared_count(a: np.ndarray, b: np.ndarray) -> int:
    """How many values two sorted unique arrays have in common.

    In the two arrays sorted together, a shared value is the only kind that
    appears twice in a row. A stable sort (timsort: two sorted runs, one merge)
    is about twice as fast as ``np.intersect1d`` for sets of a few hundred. The compiled twin merges.
    """
    if native.speedups is not None:
        return native.speedups.shared_count(
            np.ascontiguousarray(a, dtype=np.uint32), np.ascontiguousarray(b, dtype=np.uint32)
        )
    both = np.concatenate((a, b))
    both.sort(kind="stable")
    return int(np.count_nonzero(both[1:] == both[:-1]))


def wilson_lower_bound(proportion: float, n: int, z: float = CONFIDENCE_Z) -> float:
    """Lower end of the Wilson score interval of a proportion observed over ``n`` trials."""
    if n <= 0:
        return 0.0
    z2 = z * z
    centre = proportion + z2 / (2 * n)
    spread = z * math.sqrt(proportion * (1 - proportion) / n + z2 / (4 * n * n))
    return max(0.0, (centre - spread) / (1 + z2 / n))


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Shared shingles over the shingles of the shorter text."""
    return overlap(a, b).containment


def is_copy(pair: Overlap, settings: DedupSettings) -> bool:
    """The verification rule every candidate pair goes through."""
    return verdict(pair, settings)[0]


def verdict(pair: Overlap, settings: DedupSettings) -> tuple[bool, str]:
    """Whether the pair is a copy, and the rule that decided it (for ``explain``)."""
    if pair.shared and pair.jaccard == 1.0:
        return True, "identical texts"
    if pair.shared < settings.min_shared:
        return False, f"fewer than {settings.min_shared} shared shingles"
    if pair.containment_lower_bound < settings.threshold:
        return False, f"containment bound under the threshold {settings.threshold:g}"
    return True, f"containment bound reaches the threshold {settings.threshold:g}"


def too_short(shingle_count: int, settings: DedupSettings) -> bool:
    """Too few shingles to be judged as a near-duplicate: only an identical text is found as a copy."""
    return shingle_count < settings.min_shared


def verified_edges(
    pairs: Iterable[tuple[int, int]], prints: Sequence[Fingerprint], settings: DedupSettings
) -> Iterator[Edge]:
    """The candidate pairs whose exact shingle overlap makes them copies."""
    for a, b in pairs:
        pair = overlap(prints[a].shingles, prints[b].shingles)
        if is_copy(pair, settings):
            yield Edge(pair.containment_lower_bound, a, b)


def linked(a: np.ndarray, b: np.ndarray) -> bool:
    """The two texts still share some text (see ``LINK_FLOOR``)."""
    return containment(a, b) >= LINK_FLOOR


def similarity(canonical: np.ndarray, member: np.ndarray) -> float:
    """A member's similarity to its cluster's canonical, as reported."""
    return round(containment(canonical, member), 4)
