"""Candidates stage: which documents of a batch may be copies, by MinHash LSH.

The bands/rows split decides which similarities become candidates. Because
verification (:mod:`newsdedup.verify`) checks every candidate on the exact
shingle sets, the search is tuned to miss little: a low threshold costs only
extra verifications, while a missed pair is lost for good.

A batch arrives in chunks, so that candidates are searched and verified while
the documents are still being cleaned. ``BandIndex`` keeps each band's values
sorted, in numpy, so that a chunk is looked up in a few numpy calls per band;
it gives the candidates datasketch's ``MinHashLSH`` gives (tested against it)
in about 0.8 KB a document instead of about 20 KB. A persistent index supplies
its own candidates (:mod:`newsdedup.store`); both kinds are capped together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property

import numpy as np

from . import native
from .shingles import sorted_unique
from .spool import SpooledFingerprints

MAX_VERIFIED = 32
TWIN_AGREEMENT = 0.9  # share of signature values a near-identical copy agrees on
# The containment probe: a text with at most this many shingles is looked for in every other text,
# and a shingle that more short texts share is looked for in the first this many of them only.
SHORT_TEXT_SHINGLES = 150
PROBE_COMMON = 64
PROBE_CHUNK = 1024
# a 4 MB table of which low bits the short texts' shingles have: most lookups end there
PROBE_FILTER_BITS = 22
_PROBE_MASK = (1 << PROBE_FILTER_BITS) - 1
PROBE_BUCKET_BITS = 18  # the compiled probe searches the values that share their top 18 bits


def candidate_pairs(
    chunks: Iterable[range],
    signatures: Callable[[], np.ndarray],
    keys: Sequence[str],
    bands: int,
    more: Callable[[int], np.ndarray] | None = None,
) -> Iterator[tuple[int, int]]:
    """``(earlier, later)`` positions whose signatures share an LSH band.

    ``chunks`` are the positions of the batch just gathered, chunk after chunk:
    each chunk's candidates are found as soon as it is in. ``signatures()``
    gives the signature matrix of every position so far, ``keys`` the document
    ids (for ties). ``more(position)``, when given, adds candidates found
    elsewhere (a persistent index). At most ``MAX_VERIFIED`` per document, the
    closest by signature (see :func:`closest_candidates`), so a story copied a
    thousand times costs linear work; its verbatim copies are not even indexed
    (their twin answers for them), and its near-verbatim ones are found through
    their indexed twin (see :func:`_with_twins`).
    """
    index = BandIndex(bands)
    indexed = np.zeros(0, dtype=bool)
    twins: dict[int, list[int]] = {}  # an indexed position -> its first twins left out of the index
    for chunk in chunks:
        matrix = signatures()
        twin_agreement = TWIN_AGREEMENT * matrix.shape[1]
        indexed = np.concatenate((indexed, np.zeros(chunk.stop - len(indexed), dtype=bool)))
        lookup = index.lookup(matrix[chunk.start : chunk.stop], chunk.start)
        for position in chunk:
            sharing = lookup.sharing(position - chunk.start)
            found = sharing[indexed[sharing]]
            agreement = (matrix[found] == matrix[position]).sum(axis=1) if found.size else _NO_AGREEMENT
            # A near-identical twin already stands in every bucket this document would join:
            # leaving it out keeps the buckets of a story copied a thousand times small.
            indexed[position] = not found.size or agreement.max() < twin_agreement
            if found.size and (not indexed[position] or twins):
                found, agreement = _with_twins(found, agreement, position, matrix, twins, twin_agreement)
            if more is not None:
                elsewhere = more(position)
                if elsewhere.size:
                    matrix = signatures()
                    found = np.concatenate((found, elsewhere))
                    agreement = (matrix[found] == matrix[position]).sum(axis=1)
            for other in closest_candidates(found.tolist(), agreement, keys):
                yield other, position
        index.insert(lookup, np.flatnonzero(indexed[chunk.start : chunk.stop]))


_NO_AGREEMENT = np.empty(0, dtype=np.intp)  # of a document that found no candidate


def _with_twins(
    found: np.ndarray,
    agreement: np.ndarray,
    position: int,
    matrix: np.ndarray,
    twins: dict[int, list[int]],
    twin_agreement: float,
) -> tuple[np.ndarray, np.ndarray]:
    """``found`` with the twins of its documents, and their agreement with ``position``; ``position``
    recorded as a twin of the documents it agrees with on ``twin_agreement``. A twin need not be a
    copy of what its twin is a copy of (another edition, by its dates, even with the same signature;
    a pair under the threshold): found through its twin, it is verified as every indexed document is,
    so that the input order does not decide which pairs are."""
    held = [twins[q] for q in found.tolist() if q in twins]
    more = sorted_unique(np.concatenate(held)) if held else None  # (ascending, and none of them indexed)
    for q in found[agreement >= twin_agreement].tolist():
        first = twins.setdefault(q, [])
        if len(first) < MAX_VERIFIED:  # a story in a thousand versions: its first few stand for all
            first.append(position)
    if more is None:
        return found, agreement
    found = np.concatenate((found, more))
    agreement = np.concatenate((agreement, (matrix[more] == matrix[position]).sum(axis=1)))
    order = np.argsort(found, kind="stable")  # in position order, as found alone is
    return found[order], agreement[order]


def containment_pairs(
    prints: Sequence, shingle_counts: np.ndarray, needed: Callable[[int], int]
) -> Iterator[tuple[int, int]]:
    """``(short, other)`` positions where ``other`` holds at least ``needed(len(short))`` of the short
    text's shingles: the pairs the LSH may miss when a brief is a small part of a long text (their
    Jaccard similarity is low while the brief is wholly contained).

    Every short text's shingles go into one sorted table (:class:`ShortTexts`); every text is then
    looked up in it, ``PROBE_CHUNK`` at a time, and the shared shingles counted per pair exactly.
    Order-free: it runs once every text is in. The pairs come chunk by chunk, in each by short text,
    then by the other text.
    """
    short = np.flatnonzero(is_short(shingle_counts))
    if not short.size:
        return
    table = ShortTexts(short, [prints[int(i)].shingles for i in short], needed)
    for first in range(0, len(shingle_counts), PROBE_CHUNK):
        rows = range(first, min(first + PROBE_CHUNK, len(shingle_counts)))
        yield from table.contained(
            np.arange(rows.start, rows.stop, dtype=np.int64), _shingle_sets(prints, rows)
        )


def _shingle_sets(prints: Sequence, rows: range) -> list[np.ndarray]:
    # a batch's spool reads a run of documents at once
    if isinstance(prints, SpooledFingerprints):
        return prints.shingle_sets(rows)
    return [prints[i].shingles for i in rows]


def is_short(shingle_counts: np.ndarray) -> np.ndarray:
    """Which texts the containment probe looks for in the others (not empty, ``SHORT_TEXT_SHINGLES`` at most)."""
    return (shingle_counts > 0) & (shingle_counts <= SHORT_TEXT_SHINGLES)


class ShortTexts:
    """The containment probe's table: the shingles of the short texts at ``positions`` (ascending), sorted,
    each with its owner. A shingle that more than ``PROBE_COMMON`` short texts share stays in the table
    for the first ``PROBE_COMMON`` of them only: every text that holds it would otherwise be counted
    towards each of them. A brief syndicated as is by more outlets than that still finds its article
    through its first copies, which its later ones join (dropped for all of them, as it once was, it
    left the article out of the cluster). The shared count of a pair found is exact over what is left."""

    def __init__(
        self, positions: np.ndarray, shingle_sets: Sequence[np.ndarray], needed: Callable[[int], int]
    ):
        self.positions = np.asarray(positions, dtype=np.int64)
        self.counts = np.array([len(s) for s in shingle_sets], dtype=np.int64)
        self.wanted = np.array([needed(int(n)) for n in self.counts], dtype=np.int64)
        values = np.concatenate(shingle_sets) if len(shingle_sets) else np.empty(0, dtype=np.uint32)
        owners = np.repeat(np.arange(len(self.positions), dtype=np.int64), self.counts)
        order = np.argsort(values, kind="stable")
        values, owners = values[order], owners[order]
        _, counts = np.unique(values, return_counts=True)  # per distinct value, in the sorted order
        keep = _ramp(counts) < PROBE_COMMON  # a value's owners ascend: the stable sort kept their order
        self.values, self.owners = values[keep], owners[keep]
        self.low_bits = np.zeros(1 << PROBE_FILTER_BITS, dtype=bool)
        self.low_bits[self.values & _PROBE_MASK] = True

    @cached_property
    def _compiled_table(self) -> tuple:
        """The table as the compiled twin reads it: with the same filter as bits (512 KB), and where the
        values of each high-bits bucket start (a binary search over the whole table cost it more than all else)."""
        high = np.bincount(self.values >> np.uint32(32 - PROBE_BUCKET_BITS), minlength=1 << PROBE_BUCKET_BITS)
        buckets = np.concatenate(([0], np.cumsum(high))).astype(np.int64)
        bits = np.packbits(self.low_bits, bitorder="little")
        return self.values, self.owners, self.positions, self.wanted, bits, buckets

    def contained(
        self, positions: np.ndarray, shingle_sets: Sequence[np.ndarray]
    ) -> Iterator[tuple[int, int]]:
        """``(short, other)`` for the texts at ``positions`` (ascending, any number of them: one lookup)
        that hold enough of a short text and are longer (or as long and later); by short, then other."""
        counts = np.array([len(s) for s in shingle_sets], dtype=np.int64)
        if not counts.sum():
            return
        found = self._enough_shared(positions, shingle_sets, counts)
        short_of, doc_of = found >> 32, found & 0xFFFFFFFF
        a, b = self.positions[short_of], positions[doc_of]
        count_a, count_b = self.counts[short_of], counts[doc_of]
        longer = (count_b > count_a) | ((count_b == count_a) & (b > a))
        yield from zip(a[longer].tolist(), b[longer].tolist(), strict=True)

    def _enough_shared(
        self, positions: np.ndarray, shingle_sets: Sequence[np.ndarray], counts: np.ndarray
    ) -> np.ndarray:
        """The pairs (short text, text) where the text holds enough of the short text's shingles (not the
        short text itself), as keys ``short << 32 | text`` (indices into the table and the sets), ascending."""
        if native.speedups is not None:
            sets = [np.ascontiguousarray(s, dtype=np.uint32) for s in shingle_sets]
            keys = native.speedups.enough_shared(
                *self._compiled_table, sets, np.ascontiguousarray(positions, dtype=np.int64)
            )
            return np.sort(np.array(keys, dtype=np.int64))
        query_values = np.concatenate(shingle_sets)
        query_owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        # a binary search per shingle costs ten times a look at the table, which rules most of them out
        maybe = self.low_bits[query_values & _PROBE_MASK]
        query_values, query_owner = query_values[maybe], query_owner[maybe]
        low = np.searchsorted(self.values, query_values, side="left")
        high = np.searchsorted(self.values, query_values, side="right")
        spans = high - low
        hit_doc = np.repeat(query_owner, spans)
        hit_short = self.owners[np.repeat(low, spans) + _ramp(spans)]
        itself = self.positions[hit_short] == positions[hit_doc]
        found, shared = np.unique((hit_short << 32 | hit_doc)[~itself], return_counts=True)
        return found[shared >= self.wanted[found >> 32]]


def _ramp(spans: np.ndarray) -> np.ndarray:
    """0, 1, ..., n-1 for each span of length n, concatenated."""
    total = int(spans.sum())
    starts = np.repeat(np.cumsum(spans) - spans, spans)
    return np.arange(total) - starts


def closest_candidates(candidates: list[int], agreement: np.ndarray, keys: Sequence[str]) -> list[int]:
    """At most ``MAX_VERIFIED`` candidates, those whose signatures agree most (ties by id).

    A story copied a thousand times makes every copy a candidate of every other;
    verifying the closest few dozen keeps the work linear and the cluster whole.
    """
    if len(candidates) <= MAX_VERIFIED:
        return candidates
    ranked = sorted(range(len(candidates)), key=lambda k: (-agreement[k], keys[candidates[k]]))
    return [candidates[k] for k in ranked[:MAX_VERIFIED]]


class BandIndex:
    """LSH bands of a batch that arrives in chunks: which indexed documents share a band with a new one.

    Same answer as querying a ``MinHashLSH`` (same bands and rows) into which the
    documents the caller chose to index were inserted, in order. The indexed
    documents' band values are kept sorted next to their positions, per band, in
    a few runs of doubling size (a run is merged into the one before it once it
    is as large), so that adding a chunk costs no more than a sort of the new
    values, and a chunk is looked up with one ``searchsorted`` per band and run.
    Inside a chunk, a ``BandTable`` finds the values its documents share.
    """

    def __init__(self, bands: int):
        self.bands = bands
        self._runs: list[_Run] = []  # oldest and largest first

    def lookup(self, signatures: np.ndarray, first: int) -> ChunkLookup:
        """Prepare the answers for a chunk: documents ``first, first + 1, ...`` with these signatures."""
        keys = chunk_band_keys(signatures, self.bands)
        # Looked up in ascending order, one band's keys walk the sorted values the way a merge does:
        # neighbouring searches share the cache lines they read (twice as fast on a 16k-document run).
        orders = np.argsort(keys, axis=1)
        ascending = np.take_along_axis(keys, orders, axis=1)
        rows, found = [], []  # the chunk's rows, and the indexed positions sharing a band value with them
        for run in self._runs:
            for values, positions, band_keys_, order in zip(
                run.values, run.positions, ascending, orders, strict=True
            ):
                starts = np.searchsorted(values, band_keys_, side="left")
                hits = np.flatnonzero(values[np.minimum(starts, len(values) - 1)] == band_keys_)
                if not hits.size:  # most keys are in no run
                    continue
                spans = np.searchsorted(values, band_keys_[hits], side="right") - starts[hits]
                rows.append(np.repeat(order[hits], spans))
                found.append(positions[np.repeat(starts[hits], spans) + _ramp(spans)])
        return ChunkLookup(keys, first, _by_row(rows, found, len(signatures)))

    def insert(self, lookup: ChunkLookup, rows: np.ndarray) -> None:
        """Index the chunk's documents at ``rows`` (row numbers within the chunk), once it is answered.

        The lookup is spent: it lets go of its answers (copies of the indexed
        positions), which nothing asks for once the chunk is indexed.
        """
        lookup.release()
        if not len(rows):
            return
        self._runs.append(_Run.of(lookup.keys[:, rows], (rows + lookup.first).astype(np.int32)))
        while len(self._runs) > 1 and self._runs[-2].size <= self._runs[-1].size:
            newer = self._runs.pop()
            self._runs[-1].absorb(newer)


_EMPTY = np.empty(0, dtype=np.int32)


class _Run:
    """Band values sorted per band, each next to the position of its document."""

    def __init__(self, values: list[np.ndarray], positions: list[np.ndarray]):
        self.values, self.positions = values, positions
        self.size = len(values[0])

    @classmethod
    def of(cls, keys: np.ndarray, positions: np.ndarray) -> _Run:
        orders = [np.argsort(band, kind="stable") for band in keys]
        return cls([band[o] for band, o in zip(keys, orders, strict=True)], [positions[o] for o in orders])

    def absorb(self, newer: _Run) -> None:
        """Take in a newer run; among equal values, this run's (earlier) positions stay first.

        Band by band, so that only one band is held twice meanwhile.
        """
        for band in range(len(self.values)):
            both = np.concatenate((self.values[band], newer.values[band]))
            order = np.argsort(both, kind="stable")
            self.values[band] = both[order]
            self.positions[band] = np.concatenate((self.positions[band], newer.positions[band]))[order]
            newer.values[band] = newer.positions[band] = _EMPTY
        self.size += newer.size


def _by_row(rows: list[np.ndarray], found: list[np.ndarray], count: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct positions found for each row, ascending, in one array; where each row's part starts."""
    if not rows:
        return np.empty(0, dtype=np.int32), np.zeros(count + 1, dtype=np.intp)
    pairs = sorted_unique(
        np.concatenate(rows).astype(np.int64) << 32 | np.concatenate(found).astype(np.int64)
    )
    bounds = np.searchsorted(pairs >> 32, np.arange(count + 1))
    return (pairs & 0xFFFFFFFF).astype(np.int32), bounds


class ChunkLookup:
    """The band matches of one chunk of documents: with the indexed ones, and among themselves."""

    def __init__(self, keys: np.ndarray, first: int, indexed: tuple[np.ndarray, np.ndarray]):
        self.keys, self.first = keys, first
        self._indexed, self._bounds = indexed
        self._within = BandTable(keys)

    def release(self) -> None:
        """Let go of the answers; ``sharing`` cannot be asked any more."""
        self._indexed = self._bounds = None

    def sharing(self, row: int) -> np.ndarray:
        """Sorted positions sharing a band with the chunk's document ``row``: indexed documents,
        and every earlier document of the chunk (indexed or not: the caller decides)."""
        indexed = self._indexed[self._bounds[row] : self._bounds[row + 1]]
        if not self._within.has_earlier[row]:
            return indexed
        return sorted_unique(np.concatenate((indexed, self._within.earlier_sharing(row) + self.first)))


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
