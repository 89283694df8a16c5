"""Clean texts kept on disk while a big batch is clustered.

Clustering needs only the fingerprints; the texts are needed again when the
clusters are written. A 200,000-document batch holds about a gigabyte of clean
text, so ``cluster_documents`` moves each text to an unnamed temporary file
(in ``TMPDIR``, deleted when closed) and a document reads it back when asked.
"""

from __future__ import annotations

import os
import tempfile


class TextSpool:
    """An append-only temporary file of UTF-8 texts."""

    def __init__(self):
        self._file = tempfile.TemporaryFile()
        self._end = 0

    def store(self, text: str) -> SpooledText:
        data = text.encode("utf-8")
        offset = self._end
        os.pwrite(self._file.fileno(), data, offset)
        self._end += len(data)
        return SpooledText(self, offset, len(data))

    def read(self, offset: int, length: int) -> str:
        return os.pread(self._file.fileno(), length, offset).decode("utf-8")


class SpooledText:
    """Where one text stands in a spool: read back on each access, never held in memory."""

    __slots__ = ("spool", "offset", "length")

    def __init__(self, spool: TextSpool, offset: int, length: int):
        self.spool, self.offset, self.length = spool, offset, length

    def read(self) -> str:
        return self.spool.read(self.offset, self.length)
