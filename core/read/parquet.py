"""Parquet files of records -> Documents, one per row, columns named as JSON Lines keys are (``--field``).

Read in batches, row group by row group (pyarrow, installed with the dask
extra), so a large file never sits in memory whole. A row that cannot be used
is a :class:`DocumentError` naming ``source:row``, and the stream goes on. The
distributed engine reads the row groups of one file in several tasks
(``row_groups``); rows are numbered within the whole file all the same.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from contextlib import nullcontext
from typing import IO

from ..document import Document
from ..errors import DocumentError, MissingExtra
from .decode import size_text
from .jsonl import record_document
from .paths import os_reason
from .urls import open_input

BATCH_ROWS = 1024  # rows converted to Python objects at a time


def parquet_file_documents(
    source: str,
    opened: IO[bytes] | None,
    fields: dict[str, str],
    max_bytes: int,
    row_groups: range | None = None,
) -> Iterator[Document | DocumentError]:
    """The rows of a Parquet file; ``opened``: the file, open already (standard input, which ``-``
    names; a pipe's copy). Parquet is read from its end: standard input and a pipe are read whole first."""
    pyarrow, parquet = _pyarrow()
    if source == "-" and opened is None:
        yield DocumentError("-", "no standard input to read records from")
        return
    try:
        with nullcontext(opened) if opened is not None else open_input(source) as handle:
            whole = source == "-" or not handle.seekable()  # standard input is read once, as records are
            file = parquet.ParquetFile(io.BytesIO(handle.read()) if whole else handle)
            groups = range(file.num_row_groups) if row_groups is None else row_groups
            columns = [key for key in dict.fromkeys(fields.values()) if key in file.schema_arrow.names]
            row = sum(file.metadata.row_group(group).num_rows for group in range(groups.start))
            for batch in file.iter_batches(BATCH_ROWS, row_groups=list(groups), columns=columns):
                for record in batch.to_pylist():
                    row += 1
                    yield _row_document(record, f"{source}:{row}", source, fields, max_bytes)
    except OSError as error:
        yield DocumentError(source, os_reason(error))
    except pyarrow.ArrowException as error:
        yield DocumentError(source, f"not a readable Parquet file ({str(error).splitlines()[0]})")


def parquet_row_groups(source: str) -> list[int]:
    """The number of rows in each row group of a Parquet file."""
    _, parquet = _pyarrow()
    with open_input(source) as handle:
        metadata = parquet.ParquetFile(handle).metadata
        return [metadata.row_group(group).num_rows for group in range(metadata.num_row_groups)]


def _row_document(
    record: dict, where: str, source: str, fields: dict[str, str], max_bytes: int
) -> Document | DocumentError:
    date = record.get(fields["date"])
    if isinstance(date, datetime.date):  # a typed date or timestamp column: its ISO form, as in JSON Lines
        record = {**record, fields["date"]: date.isoformat()}
    try:
        doc = record_document(record, where, source, fields)
    except DocumentError as error:
        return error
    if len(doc.raw.encode("utf-8", "surrogatepass")) > max_bytes:
        return DocumentError(where, f"record larger than the {size_text(max_bytes)} limit")
    return doc


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise MissingExtra("reading Parquet", "dask") from None
    return pyarrow, pyarrow.parquet
