"""Read stage: inputs -> uncleaned Documents, each source read exactly once.

Input formats (``input_format``), and what ``-`` means in each:

``paths``     files, directories (walked), glob patterns, WARC archives; ``-`` a list of paths on stdin
``document``  each input is one whole document (a page, or a WARC archive); ``-`` standard input
``jsonl``     JSON Lines files of records (``fields`` maps their keys); ``-`` records on stdin
``parquet``   Parquet files of records, columns mapped as ``jsonl`` keys are; ``-`` a file on stdin

Inputs may be URLs (``s3://``, ``gs://``, ``file://``) wherever they name files:
fsspec, installed with the dask extra, reads them (see :mod:`.urls`).

Every failure that concerns one input is handed to ``on_error`` as a
:class:`DocumentError`, and the stream goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import IO

from ..document import Document
from ..errors import DocumentError, RepeatedRecord, UsageError
from .decode import STDIN_NAME
from .files import path_documents, stream_documents
from .jsonl import field_map, jsonl_file_documents
from .parquet import parquet_file_documents
from .paths import iter_sources, named_files, record_files

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
ErrorHandler = Callable[[DocumentError], None]
INPUT_FORMATS = {
    "paths": "files, directories, glob patterns or WARC archives; - reads a list of paths from stdin",
    "document": "each input is one whole document; - reads one document from stdin",
    "jsonl": "JSON Lines records with an id and html or text (url, title, date optional); - reads stdin",
    "parquet": "Parquet files of records, columns as for jsonl (needs the dask extra); - reads stdin",
}
# the formats whose inputs are files of records, each read by a function(source, stdin, fields, max_bytes)
RECORD_READERS = {"jsonl": jsonl_file_documents, "parquet": parquet_file_documents}


def _raise(error: DocumentError) -> None:
    raise error


def read_documents(
    inputs: Iterable[str],
    *,
    input_format: str = "paths",
    fields: dict[str, str] | None = None,
    stdin: IO[bytes] | None = None,
    null_separated: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_error: ErrorHandler = _raise,
) -> Iterator[Document]:
    """Read stage: ``inputs`` in ``input_format`` (see the module) -> raw Documents."""
    if input_format not in INPUT_FORMATS:
        raise UsageError(f"unknown input format {input_format!r}; choose one of {', '.join(INPUT_FORMATS)}")
    if input_format in RECORD_READERS:
        names = field_map() if fields is None else fields
        items = _records(inputs, RECORD_READERS[input_format], stdin, names, max_bytes)
    elif input_format == "document":
        items = (item for source in named_files(inputs) for item in _one_document(source, stdin, max_bytes))
    else:
        items = (
            item
            for source in iter_sources(inputs, stdin, null_separated)
            for item in _read(source, max_bytes)
        )
    for item in items:
        if isinstance(item, DocumentError):
            on_error(item)
        else:
            yield item


def read_document(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """The one document of the file at ``path``; a :class:`DocumentError` if it cannot be read."""
    for item in read_documents([path], input_format="document", max_bytes=max_bytes):
        return item
    raise DocumentError(path, "no document in this file")


def first_of_each_id(docs: Iterable[Document], on_error: ErrorHandler = _raise) -> Iterator[Document]:
    """The documents, each id once: a run's output and its index know a document by its id.

    For records (:data:`RECORD_READERS`), whose ids are a field of their own: a file's id is its
    name, which is read once already (:func:`~.paths.iter_sources`). A record read again with the
    same content is a :class:`RepeatedRecord`; one whose id an earlier record with other content
    has taken is a failure, as only its source can tell which of the two is meant. Ids and digests
    are remembered as 64-bit Python hashes: two ids taken for one are a chance of about n² in 2⁶⁵.
    """
    digests: dict[int, int] = {}  # hash of a record's id -> hash of its content digest
    for doc in docs:
        key, digest = hash(doc.id), hash(doc.digest)
        first = digests.get(key)
        if first is None:
            digests[key] = digest
            yield doc
        elif first == digest:
            on_error(RepeatedRecord(doc.source, "read before in this run, with the same content: read once"))
        else:
            on_error(DocumentError(doc.source, "id read before in this run, with other content: left out"))


def _records(inputs, reader, stdin, fields, max_bytes) -> Iterator[Document | DocumentError]:
    for source in record_files(inputs):
        if isinstance(source, DocumentError):
            yield source
        else:
            yield from reader(source, stdin, fields, max_bytes)


def _read(source: str | DocumentError, max_bytes: int) -> Iterator[Document | DocumentError]:
    if isinstance(source, DocumentError):
        yield source
    else:
        yield from path_documents(source, max_bytes)


def _one_document(
    source: str | DocumentError, stdin: IO[bytes] | None, max_bytes: int
) -> Iterator[Document | DocumentError]:
    if isinstance(source, DocumentError):
        yield source
    elif source != STDIN_NAME:
        yield from path_documents(source, max_bytes)
    elif stdin is None:
        yield DocumentError(STDIN_NAME, "no standard input to read a document from")
    else:
        yield from stream_documents(stdin, STDIN_NAME, max_bytes)


__all__ = [
    "DEFAULT_MAX_BYTES",
    "INPUT_FORMATS",
    "RECORD_READERS",
    "field_map",
    "first_of_each_id",
    "read_document",
    "read_documents",
]
