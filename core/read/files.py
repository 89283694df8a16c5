"""One input file -> its documents, the file read exactly once.

A pipe, a FIFO, ``/dev/stdin`` or a process substitution (``<(zcat a.gz)``)
can be read only once: the kind of file (a WARC archive or one page) is told
from a peek at its first bytes, and the same open handle is then read to the
end. Whole-file gzip is undone on the way (``page.html.gz``, ``crawl.warc.gz``
in per-record or whole-file gzip alike).
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from typing import IO

from ..document import Document
from ..errors import DocumentError, printable
from .decode import document_from_bytes, path_of, read_capped
from .paths import os_reason
from .urls import open_input
from .warc import WARC_MAGIC, warc_documents

GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 512  # enough to tell a WARC archive from a page, through a gzip header with a file name


def path_documents(path: str, max_bytes: int) -> Iterator[Document | DocumentError]:
    """The documents of the file at ``path``: one page, or the HTML responses of a WARC archive."""
    try:
        handle = open_input(path)  # closed below, after the generator is drained
    except OSError as exc:
        yield DocumentError(path, os_reason(exc))
        return
    with handle:
        yield from stream_documents(handle, printable(path), max_bytes)


def stream_documents(handle: IO[bytes], name: str, max_bytes: int) -> Iterator[Document | DocumentError]:
    """The documents of an open binary stream read once: a WARC archive's pages, else one page."""
    try:
        head = handle.read(HEAD_BYTES)  # a buffered read waits for this much, or the end
        if head[:2] == GZIP_MAGIC and _gunzipped_head(head).startswith(WARC_MAGIC):
            yield from warc_documents(
                _AsDecompressed(gzip.GzipFile(fileobj=rejoined(head, handle))), name, max_bytes
            )
        elif head.startswith(WARC_MAGIC):
            yield from warc_documents(rejoined(head, handle), name, max_bytes)
        else:
            data = head + read_capped(handle, max_bytes - len(head))
            yield document_from_bytes(name, data, path=path_of(name), max_bytes=max_bytes)
    except DocumentError as error:
        yield error
    except OSError as exc:
        yield DocumentError(name, os_reason(exc))


class _AsDecompressed:
    """A gzip stream whose reads give what is decompressed so far. A full read of a file cut short
    raises at the cut and drops what it had: warcio, reading ahead a block at a time, lost the
    whole records before the cut with it."""

    def __init__(self, stream: gzip.GzipFile):
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        return self._stream.read1(size) if size and size > 0 else self._stream.read()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def read_head(handle: IO[bytes], size: int) -> tuple[bytes, IO[bytes]]:
    """The first ``size`` bytes of a stream (fewer only at its end), and the stream as if unread."""
    head = handle.read(size)  # a buffered read waits for this much, or the end
    return head, rejoined(head, handle)


def rejoined(head: bytes, rest: IO[bytes]) -> IO[bytes]:
    """A stream of ``head``, then of what is left in ``rest``: the stream as if ``head`` was unread."""
    return io.BufferedReader(_Rejoined(head, rest))


class _Rejoined(io.RawIOBase):
    """The bytes already read from a stream, then the rest of it: the stream as if unread."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _gunzipped_head(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head)
    except zlib.error:
        return b""
