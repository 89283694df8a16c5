"""Texts and shingles kept on disk while a big batch is clustered.

A 200,000-document batch holds about a gigabyte of clean text and 300 MB of
shingles. Clustering never reads the texts (they are needed again when the
clusters are written) and reads the shingles only of the candidate pairs, a few
at a time. So ``newsdedup.batch.Batch`` moves both to an unnamed temporary file
(in ``TMPDIR``, deleted when closed), and they are read back when asked for.
"""

from __future__ import annotations

import os
import tempfile
from array import array
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .fingerprint import Fingerprint

WRITE_BLOCK = 1 << 20  # one write call for many documents' strings
RECENT_FINGERPRINTS = 4096  # read back and kept: a document is verified against a few dozen others in a row


class Spool:
    """An append-only temporary file of byte strings, written a block at a time."""

    def __init__(self):
        self._file = tempfile.TemporaryFile()
        self._written = 0  # bytes in the file; the ones after it wait in ``_pending``
        self._pending = bytearray()

    def append(self, data: bytes) -> int:
        """Store ``data`` at the end; its offset."""
        offset = self._written + len(self._pending)
        self._pending += data
        if len(self._pending) >= WRITE_BLOCK:
            self._write_pending()
        return offset

    def _write_pending(self) -> None:
        done = 0
        with memoryview(self._pending) as pending:
            while done < len(pending):  # a write may take only part of it
                done += os.pwrite(self._file.fileno(), pending[done:], self._written + done)
        self._written += done
        self._pending.clear()

    def read(self, offset: int, length: int) -> bytes:
        """``length`` bytes from ``offset``: from the file, the block still pending, or both."""
        in_file = max(0, min(length, self._written - offset))
        data = os.pread(self._file.fileno(), in_file, offset) if in_file else b""
        if in_file == length:
            return data
        start = offset + in_file - self._written
        return data + bytes(self._pending[start : start + length - in_file])


class TextSpool(Spool):
    """A spool of UTF-8 texts."""

    def store(self, text: str) -> SpooledText:
        data = text.encode("utf-8")
        return SpooledText(self, self.append(data), len(data))


class SpooledText:
    """Where one text stands in a spool: read back on each access, never held in memory."""

    __slots__ = ("spool", "offset", "length")

    def __init__(self, spool: TextSpool, offset: int, length: int):
        self.spool, self.offset, self.length = spool, offset, length

    def read(self) -> str:
        return self.spool.read(self.offset, self.length).decode("utf-8")


class SpooledFingerprints(Sequence[Fingerprint]):
    """The fingerprints of a batch: shingles, figures and dates in a spool, signatures as the rows of
    one matrix."""

    def __init__(self, num_perm: int):
        self._signatures = np.empty((1024, num_perm), dtype=np.uint32)  # grown by half as needed
        self._spool = Spool()
        self._offsets, self._counts = array("q"), array("q")
        self._figure_counts, self._date_counts = array("l"), array("l")
        self._units: list[str] = []  # the same few strings, shared
        self._recent = lru_cache(maxsize=RECENT_FINGERPRINTS)(self._read)

    @property
    def signatures(self) -> np.ndarray:
        """The signatures added so far, one row each (a view: it does not grow with later additions)."""
        return self._signatures[: len(self)]

    def append(self, print_: Fingerprint) -> None:
        """The next document's fingerprint."""
        count = len(self)
        if count == len(self._signatures):
            self._signatures = np.concatenate(
                (self._signatures, np.empty_like(self._signatures[: count // 2]))
            )
        for column in (self._offsets, self._counts, self._figure_counts, self._date_counts):
            column.append(0)
        self._units.append("")
        self._store(count, print_)

    def replace(self, position: int, print_: Fingerprint) -> None:
        """Another fingerprint for the document at ``position`` (the spool keeps the old one unused)."""
        self._store(position, print_)
        self._recent.cache_clear()

    def _store(self, position: int, print_: Fingerprint) -> None:
        self._signatures[position] = print_.signature
        arrays = np.concatenate((print_.shingles, print_.figures, print_.dates)).astype(np.uint32, copy=False)
        self._offsets[position] = self._spool.append(arrays.tobytes())
        self._counts[position] = len(print_.shingles)
        self._figure_counts[position] = len(print_.figures)
        self._date_counts[position] = len(print_.dates)
        self._units[position] = print_.unit

    def __len__(self) -> int:
        return len(self._counts)

    def shingle_counts(self) -> np.ndarray:
        """How many shingles each document has, by position (read without touching the spool)."""
        return np.frombuffer(self._counts, dtype=np.int64).copy()

    def shingle_sets(self, positions: range) -> list[np.ndarray]:
        """The shingles of the documents at ``positions``, read in one call when they lie together in
        the spool (the containment probe reads every document's in order: one read each cost it half)."""
        offsets = [self._offsets[p] for p in positions]
        sizes = [4 * (self._counts[p] + self._figure_counts[p] + self._date_counts[p]) for p in positions]
        if not offsets:
            return []
        start, end = min(offsets), max(o + n for o, n in zip(offsets, sizes, strict=True))
        if end - start > 2 * sum(sizes):  # documents given another fingerprint lie elsewhere
            return [self[p].shingles for p in positions]
        values = np.frombuffer(self._spool.read(start, end - start), dtype=np.uint32)
        return [
            values[(o - start) // 4 : (o - start) // 4 + self._counts[p]]
            for o, p in zip(offsets, positions, strict=True)
        ]

    def __getitem__(self, position):  # an int: the Sequence protocol's slices are not needed here
        return self._recent(position)

    def _read(self, position: int) -> Fingerprint:
        shingles, figures = self._counts[position], self._figure_counts[position]
        total = shingles + figures + self._date_counts[position]
        values = np.frombuffer(self._spool.read(self._offsets[position], 4 * total), dtype=np.uint32)
        return Fingerprint(
            values[:shingles],
            self._signatures[position].copy(),  # a view would keep the matrix alive once it has grown
            self._units[position],
            values[shingles : shingles + figures],
            values[shingles + figures :],
        )
