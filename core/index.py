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
    documents ``0 .. i-1`` were inserted; the caller leaves out those it would not have inserted.
    """

    def __init__(self, signatures: np.ndarray, bands: int):
        count, num_perm = signatures.shape
        if bands < 1 or num_perm % bands:
            raise UsageError(f"bands ({bands}) must divide the number of permutations ({num_perm})")
        rows = num_perm // bands
        # Per band: documents ordered by band value (stable, so by position within equal values),
        # where each document stands in that order, and where its run of equal values starts.
        # One band at a time, so the temporary arrays stay one band wide.
        self._order = np.empty((bands, count), dtype=np.int32)
        self._rank = np.empty((bands, count), dtype=np.int32)
        self._start = np.empty((bands, count), dtype=np.int32)
        positions = np.arange(count, dtype=np.int32)
        for band in range(bands):
            keys = band_keys(signatures[:, band * rows : (band + 1) * rows])
            order = np.argsort(keys, kind="stable").astype(np.int32)
            ordered = keys[order]
            run_starts = np.ones(count, dtype=bool)
            run_starts[1:] = ordered[1:] != ordered[:-1]
            starts = np.maximum.accumulate(np.where(run_starts, positions, 0))
            self._order[band] = order
            self._rank[band, order] = positions
            self._start[band, order] = starts
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


def band_keys(band: np.ndarray) -> np.ndarray:
    """One uint64 per document for its values in one band: packed (exact for up to two rows), else mixed."""
    values = band.astype(np.uint64)
    keys = values[:, 0]
    for row in range(1, values.shape[1]):
        if values.shape[1] > 2:  # more than 64 bits to a band: mix, collisions are then 1 in 2**64
            keys = keys * np.uint64(0x9E3779B97F4A7C15)
        keys = (keys << np.uint64(32)) ^ values[:, row]
    return keys
