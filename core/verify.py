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
that bound reaches the threshold, and they share ``min_shared`` shingles, or
half of the shorter text when it is a brief (:func:`shared_needed`).
Identical shingle sets are copies at any length; a text with fewer than
``SHORT_MIN_SHARED`` shingles can only ever be an identical copy, and is
reported as too short to judge (:func:`too_short`).

Editions of a recurring report (a daily market close, a prayer-time notice)
share their template wording but not their figures or their date
(:func:`other_edition`, :mod:`newsdedup.figures`): they are not copies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

import numpy as np

from . import native
from .fingerprint import Fingerprint
from .settings import DedupSettings

CONFIDENCE_Z = 2.576  # two-sided 99% normal quantile
# Two groups of copies may merge only while their members still share this much of their text:
# on the labelled development set every member of a story shares at least 5% of its word
# 3-grams with every other member, even eight copies down the chain.
LINK_FLOOR = 0.05
# A brief shares fewer shingles than min_shared with its source: half of its own, at least this many.
SHORT_MIN_SHARED = 15
SHORT_SHARE = 0.5
# A text stating this many figures is report-like; copies share at least this share of them.
EDITION_FIGURES = 6
EDITION_SHARED_FIGURES = 0.5


# Named tuples, not dataclasses: a batch verifies millions of pairs, and a frozen dataclass costs
# about 2 us more to make (measured: verification took 13 us a pair with them, 4 without).
class Overlap(NamedTuple):
    shared: int
    smaller: int  # shingles of the shorter text
    containment: float  # of the shorter text in the longer
    jaccard: float

    @property
    def containment_lower_bound(self) -> float:
        return wilson_lower_bound(self.containment, self.smaller)


class Edge(NamedTuple):
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


def verdict(
    pair: Overlap, first: Fingerprint, second: Fingerprint, settings: DedupSettings
) -> tuple[bool, str]:
    """Whether two texts whose shingles overlap as ``pair`` are copies, and the rule that decided it."""
    if pair.shared and pair.jaccard == 1.0:
        return True, "identical texts"
    needed = shared_needed(pair.smaller, settings)
    if pair.shared < needed:
        return False, f"fewer than {needed} shared shingles"
    if pair.containment_lower_bound < settings.threshold:
        return False, f"containment bound under the threshold {settings.threshold:g}"
    edition = other_edition(first, second)
    if edition:
        return False, f"another edition of a recurring report: {edition}"
    return True, f"containment bound reaches the threshold {settings.threshold:g}"


def shared_needed(smaller: int, settings: DedupSettings) -> int:
    """Shingles a pair must share: ``min_shared``, or half of a shorter text (a brief), at least
    ``SHORT_MIN_SHARED``. The Wilson bound still asks more of a short text than of a long one."""
    return min(settings.min_shared, max(SHORT_MIN_SHARED, math.ceil(SHORT_SHARE * smaller)))


def too_short(shingle_count: int) -> bool:
    """Too few shingles to be judged as a near-duplicate: only an identical text is found as a copy."""
    return shingle_count < SHORT_MIN_SHARED


def other_edition(first: Fingerprint, second: Fingerprint) -> str | None:
    """Why two texts are editions of one recurring report, or None: they state different dates, or
    (texts that state ``EDITION_FIGURES`` figures or more) most of their figures differ. A reprint that
    brings one figure up to date keeps its date and most of its figures."""
    if len(first.dates) and len(second.dates) and not shared_count(first.dates, second.dates):
        return "the texts state different dates"
    smaller = min(len(first.figures), len(second.figures))
    if smaller < EDITION_FIGURES:
        return None
    shared = shared_count(first.figures, second.figures)
    if shared < EDITION_SHARED_FIGURES * smaller:
        return f"{shared} of {smaller} figures shared"
    return None


def verified_edges(
    pairs: Iterable[tuple[int, int]], prints: Sequence[Fingerprint], settings: DedupSettings
) -> Iterator[Edge]:
    """The candidate pairs whose exact shingle overlap makes them copies."""
    for a, b in pairs:
        first, second = prints[a], prints[b]
        pair = overlap(first.shingles, second.shingles)
        if verdict(pair, first, second, settings)[0]:
            yield Edge(pair.containment_lower_bound, a, b)


def linked(a: np.ndarray, b: np.ndarray) -> bool:
    """The two texts still share some text (see ``LINK_FLOOR``)."""
    return containment(a, b) >= LINK_FLOOR


def similarity(canonical: np.ndarray, member: np.ndarray) -> float:
    """A member's similarity to its cluster's canonical, as reported."""
    return round(containment(canonical, member), 4)
