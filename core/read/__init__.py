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
from ..errors import DocumentError, RepeatedRecord, ReusedId, UsageError
from .decode import STDIN_NAME
from .files import path_documents, stream_documents
from .jsonl import field_map, jsonl_file_documents
from .parquet import parquet_file_documents
from .paths import Outputs, file_key, iter_sources, named_files, record_files, written_file_key

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
    outputs: Outputs | None = None,
) -> Iterator[Document]:
    """Read stage: ``inputs`` in ``input_format`` (see the module) -> raw Documents.

    ``outputs``: asked for the files the run writes, by their keys (:func:`.paths.file_key`,
    :func:`.paths.written_file_key`) -> what each is, which an input directory may hold: they are
    not read (see :func:`.paths.iter_sources`).
    """
    if input_format not in INPUT_FORMATS:
        raise UsageError(f"unknown input format {input_format!r}; choose one of {', '.join(INPUT_FORMATS)}")
    if input_format in RECORD_READERS:
        names = field_map() if fields is None else fields
        items = _records(record_files(inputs, outputs), RECORD_READERS[input_format], stdin, names, max_bytes)
    elif input_format == "document":
        items = (
            item
            for source in named_files(inputs, outputs)
            for item in _one_document(source, stdin, max_bytes)
        )
    else:
        items = (
            item
            for source in iter_sources(inputs, stdin, null_separated, outputs)
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


def each_record_once(docs: Iterable[Document], on_error: ErrorHandler = _raise) -> Iterator[Document]:
    """The documents, a record read again passed on once: clusters name their members by id.

    A record is a document with an id of its own (a JSON Lines, Parquet or WARC record, records
    piped in); a whole file's id is its name, which is read once already (:func:`.paths.iter_sources`).
    A record with the id and the text of one before it is a :class:`RepeatedRecord`, not passed on;
    one with its id and other text is passed on with a :class:`ReusedId` notice, as a page fetched
    again is a document of its own to a persistent index.
    """
    digests: dict[str, str] = {}  # a record's id -> the digest of its text
    for doc in docs:
        if doc.path is not None and doc.path == doc.id:
            yield doc
            continue
        doc_id, digest = doc.content_key()
        first = digests.get(doc_id)
        if first is None:
            digests[doc_id] = digest
            yield doc
        elif first == digest:
            on_error(RepeatedRecord(doc.source, "read before in this run, with the same text: read once"))
        else:
            on_error(ReusedId(doc.source, "id read before in this run, with other text: both kept"))
            yield doc


def _records(sources, reader, stdin, fields, max_bytes) -> Iterator[Document | DocumentError]:
    for source in sources:
        if isinstance(source, DocumentError):
            yield source
        else:
            yield from reader(source, stdin if source == "-" else None, fields, max_bytes)


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
    "each_record_once",
    "read_document",
    "file_key",
    "read_documents",
    "written_file_key",
]
