"""Index stage: MinHash LSH candidate search (datasketch ``MinHashLSH``).

The bands/rows split decides which similarities become candidates. Because
verification (``core.similarity``) checks every candidate on the exact shingle
sets, the index is tuned to miss little: a low threshold costs only extra
verifications, while a missed pair is lost for good.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from core.errors import UsageError
from core.fingerprint import SEED


def minhash(signature: np.ndarray, num_perm: int, seed: int = SEED) -> LeanMinHash:
    """A datasketch MinHash holding ``signature``: a frozen LeanMinHash, built without permutation tables."""
    if len(signature) != num_perm:
        raise ValueError(f"signature has {len(signature)} values, expected {num_perm}")
    return LeanMinHash(seed=seed, hashvalues=signature, scheme="affine32")


def candidate_probability(jaccard: float, bands: int, rows: int) -> float:
    """Probability that a pair of this Jaccard similarity shares at least one band."""
    return 1.0 - (1.0 - jaccard**rows) ** bands


class CandidateIndex:
    """An LSH index that answers "which earlier documents may be near-duplicates of this one"."""

    def __init__(self, num_perm: int, bands: int, storage_config: dict | None = None):
        if bands < 1 or num_perm % bands:
            raise UsageError(f"bands ({bands}) must divide the number of permutations ({num_perm})")
        self.num_perm = num_perm
        self.bands = bands
        self.rows = num_perm // bands
        self._lsh = MinHashLSH(num_perm=num_perm, params=(bands, self.rows), storage_config=storage_config)

    def _minhash(self, signature: np.ndarray) -> LeanMinHash:
        return minhash(signature, self.num_perm)

    def query(self, signature: np.ndarray) -> list[Hashable]:
        return self._lsh.query(self._minhash(signature))

    def insert(self, key: Hashable, signature: np.ndarray) -> None:
        self._lsh.insert(key, self._minhash(signature), check_duplication=False)

    def add(self, key: Hashable, signature: np.ndarray) -> list[Hashable]:
        """Insert ``key`` and return the keys already indexed that share a band with it."""
        minhash = self._minhash(signature)
        found = self._lsh.query(minhash)
        self._lsh.insert(key, minhash, check_duplication=False)
        return found
