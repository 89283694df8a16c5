"""Verification: the exact overlap of two shingle sets.

Syndicated copies are often trimmed, so the shorter copy is largely *contained*
in the longer one while their Jaccard similarity stays low (seed articles 000
and 002: word 5-gram Jaccard ~0.15, containment ~0.4). Pairs are therefore
judged by containment, ``|A & B| / min(|A|, |B|)``, with a floor on the number of
shared shingles so that a very short text cannot be "contained" by accident.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Overlap:
    shared: int
    containment: float  # of the smaller set in the larger
    jaccard: float


def overlap(a: np.ndarray, b: np.ndarray) -> Overlap:
    """Exact overlap of two sorted unique shingle-hash arrays."""
    if len(a) == 0 or len(b) == 0:
        return Overlap(0, 0.0, 0.0)
    shared = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - shared
    return Overlap(shared, shared / min(len(a), len(b)), shared / union)
