"""Index stage: MinHash LSH candidate search.

The bands/rows split decides which similarities become candidates. Because
verification (``core.similarity``) checks every candidate on the exact shingle
sets, the index is tuned to miss little: a low threshold costs only extra
verifications, while a missed pair is lost for good.

Two structures give the same candidates. ``CandidateIndex`` wraps datasketch's
``MinHashLSH`` and grows one document at a time (the persistent index and
incremental runs use it). ``BandTable`` is for a batch whose signatures are all
known: it sorts each band's values once, in numpy, so that documents sharing a
band sit next to each other. datasketch's in-memory LSH keeps a Python set and
a bytes key per band and document (about 20 KB a document, measured), the
table about 0.8 KB, and answers a query in a few numpy calls.
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


class BandTable:
    """The LSH bands of a whole batch: which earlier documents share a band with document ``i``.

    Same answer as querying a ``MinHashLSH`` (same bands and rows) into which
    documents ``0 .. i-1`` were inserted, then filtering by ``present``.
    """

    def __init__(self, signatures: np.ndarray, bands: int):
        count, num_perm = signatures.shape
        if bands < 1 or num_perm % bands:
            raise UsageError(f"bands ({bands}) must divide the number of permutations ({num_perm})")
        keys = band_keys(signatures, bands)  # (bands, count)
        # Per band: documents ordered by band value (stable, so by position within equal values),
        # where each document stands in that order, and where its run of equal values starts.
        self._order = np.argsort(keys, axis=1, kind="stable").astype(np.int32)
        ordered = np.take_along_axis(keys, self._order, axis=1)
        run_starts = np.ones(ordered.shape, dtype=bool)
        run_starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        starts = np.where(run_starts, np.arange(count, dtype=np.int32), 0)
        np.maximum.accumulate(starts, axis=1, out=starts)
        self._rank = np.empty_like(self._order)
        np.put_along_axis(self._rank, self._order, np.arange(count, dtype=np.int32)[None, :], axis=1)
        self._start = np.take_along_axis(starts, self._rank, axis=1)
        # A document sharing no band value with an earlier one has no candidates: skip it fast.
        self.has_earlier = (self._rank > self._start).any(axis=0)

    def earlier_sharing(self, position: int) -> np.ndarray:
        """Sorted positions ``< position`` that share at least one band value with ``position``."""
        if not self.has_earlier[position]:
            return np.empty(0, dtype=np.int32)
        rank, start = self._rank[:, position], self._start[:, position]
        bands = np.flatnonzero(rank > start)
        found = np.concatenate([self._order[b, start[b] : rank[b]] for b in bands])
        return np.unique(found)


def band_keys(signatures: np.ndarray, bands: int) -> np.ndarray:
    """One uint64 per (band, document): the band's values packed (exact for up to two rows), else mixed."""
    count, num_perm = signatures.shape
    rows = num_perm // bands
    values = signatures.reshape(count, bands, rows).astype(np.uint64)
    keys = values[:, :, 0]
    for row in range(1, rows):
        if rows > 2:  # more than 64 bits to a band: mix, collisions are then 1 in 2**64
            keys = keys * np.uint64(0x9E3779B97F4A7C15)
        keys = (keys << np.uint64(32)) ^ values[:, :, row]
    return np.ascontiguousarray(keys.T)
