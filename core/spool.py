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

RECENT_SHINGLE_SETS = 4096  # read back and kept: a document is verified against a few dozen others in a row


class Spool:
    """An append-only temporary file of byte strings."""

    def __init__(self):
        self._file = tempfile.TemporaryFile()
        self._end = 0

    def append(self, data: bytes) -> int:
        """Write ``data`` at the end; its offset."""
        offset = self._end
        os.pwrite(self._file.fileno(), data, offset)
        self._end += len(data)
        return offset

    def read(self, offset: int, length: int) -> bytes:
        return os.pread(self._file.fileno(), length, offset)


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
    """The fingerprints of a batch: shingles in a spool, signatures as the rows of one matrix."""

    def __init__(self, num_perm: int):
        self._signatures = np.empty((1024, num_perm), dtype=np.uint32)  # grown by half as needed
        self._spool = Spool()
        self._offsets, self._counts = array("q"), array("q")
        self._units: list[str] = []  # the same few strings, shared
        self._shingles = lru_cache(maxsize=RECENT_SHINGLE_SETS)(self._read_shingles)

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
        self._signatures[count] = print_.signature
        self._offsets.append(self._spool.append(print_.shingles.astype(np.uint32, copy=False).tobytes()))
        self._counts.append(len(print_.shingles))
        self._units.append(print_.unit)

    def __len__(self) -> int:
        return len(self._counts)

    def __getitem__(self, position):  # an int: the Sequence protocol's slices are not needed here
        return Fingerprint(self._shingles(position), self.signatures[position], self._units[position])

    def _read_shingles(self, position: int) -> np.ndarray:
        data = self._spool.read(self._offsets[position], 4 * self._counts[position])
        return np.frombuffer(data, dtype=np.uint32)
