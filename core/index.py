"""Index stage: MinHash LSH candidate search.

The bands/rows split decides which similarities become candidates. Because
verification (``core.similarity``) checks every candidate on the exact shingle
sets, the index is tuned to miss little: a low threshold costs only extra
verifications, while a missed pair is lost for good.

Two structures give the same candidates. ``CandidateIndex`` wraps datasketch's
``MinHashLSH`` and grows one document at a time (the persistent index and
incremental runs use it). ``BandIndex`` is for a batch, which it takes in
chunks, so that candidates are searched and verified while the documents are
still being cleaned: it keeps each band's values sorted, in numpy, so that a
chunk is looked up in a few numpy calls per band. datasketch's in-memory LSH
keeps a Python set and a bytes key per band and document (about 20 KB a
document, measured), the band index 0.8 KB.
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


class BandIndex:
    """LSH bands of a batch that arrives in chunks: which indexed documents share a band with a new one.

    Same answer as querying a ``MinHashLSH`` (same bands and rows) into which the
    documents the caller chose to index were inserted, in order. Per band, the
    indexed documents' band values are kept sorted next to their positions, so
    that a chunk is looked up with one ``searchsorted`` per band; inside a chunk,
    a ``BandTable`` finds the values its documents share.
    """

    def __init__(self, num_perm: int, bands: int):
        if bands < 1 or num_perm % bands:
            raise UsageError(f"bands ({bands}) must divide the number of permutations ({num_perm})")
        self.bands = bands
        self._values = [np.empty(0, dtype=np.uint64) for _ in range(bands)]
        self._positions = [np.empty(0, dtype=np.int32) for _ in range(bands)]

    def lookup(self, signatures: np.ndarray, first: int) -> ChunkLookup:
        """Prepare the answers for a chunk: documents ``first, first + 1, ...`` with these signatures."""
        keys = chunk_band_keys(signatures, self.bands)
        low = np.stack([np.searchsorted(v, k, side="left") for v, k in zip(self._values, keys, strict=True)])
        high = np.stack(
            [np.searchsorted(v, k, side="right") for v, k in zip(self._values, keys, strict=True)]
        )
        return ChunkLookup(self._positions, keys, first, low, high)

    def insert(self, lookup: ChunkLookup, rows: np.ndarray) -> None:
        """Index the chunk's documents at ``rows`` (row numbers within the chunk), once it is answered."""
        if not len(rows):
            return
        positions = (rows + lookup.first).astype(np.int32)
        for band in range(self.bands):
            values = lookup.keys[band, rows]
            order = np.argsort(values, kind="stable")
            # after the equal values already there: positions stay in order of arrival
            at = np.searchsorted(self._values[band], values[order], side="right")
            self._values[band] = np.insert(self._values[band], at, values[order])
            self._positions[band] = np.insert(self._positions[band], at, positions[order])


class ChunkLookup:
    """The band matches of one chunk of documents: with the indexed ones, and among themselves."""

    def __init__(
        self, indexed: list[np.ndarray], keys: np.ndarray, first: int, low: np.ndarray, high: np.ndarray
    ):
        self.keys, self.first = keys, first
        self._indexed, self._low, self._high = indexed, low, high
        self._within = BandTable(keys)

    def sharing(self, row: int) -> np.ndarray:
        """Sorted positions sharing a band with the chunk's document ``row``: indexed documents,
        and every earlier document of the chunk (indexed or not: the caller decides)."""
        low, high = self._low[:, row], self._high[:, row]
        parts = [self._indexed[b][low[b] : high[b]] for b in np.flatnonzero(high > low).tolist()]
        if self._within.has_earlier[row]:
            parts.append(self._within.earlier_sharing(row) + self.first)
        if not parts:
            return np.empty(0, dtype=np.int32)
        return np.unique(np.concatenate(parts))


class BandTable:
    """The band values of a set of documents whose values are all known: which earlier ones share one
    with document ``i`` (rows of ``keys`` are bands, columns documents, as ``chunk_band_keys`` makes them)."""

    def __init__(self, keys: np.ndarray):
        bands, count = keys.shape
        # Per band: documents ordered by band value (stable, so by position within equal values),
        # where each document stands in that order, and where its run of equal values starts.
        self._order = np.empty((bands, count), dtype=np.int32)
        self._rank = np.empty((bands, count), dtype=np.int32)
        self._start = np.empty((bands, count), dtype=np.int32)
        positions = np.arange(count, dtype=np.int32)
        for band in range(bands):
            order = np.argsort(keys[band], kind="stable").astype(np.int32)
            ordered = keys[band, order]
            run_starts = np.ones(count, dtype=bool)
            run_starts[1:] = ordered[1:] != ordered[:-1]
            starts = np.maximum.accumulate(np.where(run_starts, positions, 0))
            self._order[band] = order
            self._rank[band, order] = positions
            self._start[band, order] = starts
        # A document sharing no band value with an earlier one has no candidates: skip it fast.
        self.has_earlier = (self._rank > self._start).any(axis=0)

    def earlier_sharing(self, position: int) -> np.ndarray:
        """Positions ``< position`` that share at least one band value with ``position`` (repeats possible)."""
        if not self.has_earlier[position]:
            return np.empty(0, dtype=np.int32)
        rank, start = self._rank[:, position], self._start[:, position]
        bands = np.flatnonzero(rank > start)
        return np.concatenate([self._order[b, start[b] : rank[b]] for b in bands])


def chunk_band_keys(signatures: np.ndarray, bands: int) -> np.ndarray:
    """The band keys of a chunk of signatures (one row each): one row per band, one column per document."""
    count, num_perm = signatures.shape
    rows = num_perm // bands
    keys = np.empty((bands, count), dtype=np.uint64)
    for band in range(bands):
        keys[band] = band_keys(signatures[:, band * rows : (band + 1) * rows])
    return keys


def band_keys(band: np.ndarray) -> np.ndarray:
    """One uint64 per document for its values in one band: packed (exact for up to two rows), else mixed."""
    values = band.astype(np.uint64)
    keys = values[:, 0]
    for row in range(1, values.shape[1]):
        if values.shape[1] > 2:  # more than 64 bits to a band: mix, collisions are then 1 in 2**64
            keys = keys * np.uint64(0x9E3779B97F4A7C15)
        keys = (keys << np.uint64(32)) ^ values[:, row]
    return keys
