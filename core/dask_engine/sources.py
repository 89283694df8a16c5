"""The inputs of a run cut into read tasks, in input order: each task is one partition of the run.

The client expands the inputs as the local engine does (directories walked,
patterns and URLs expanded, ``-`` as a list of paths) and cuts the files into
tasks; each task reads its files with the local read stage. Files of records
make one task each, and a Parquet file one task per few row groups. Standard
input, when it holds the data itself, is copied to the work directory first, so
that a worker can read it; so is a pipe named as an input (``<(zcat crawl.warc.gz)``, a FIFO, a
pipe of records), which only the client can open, read there under its own name. A document's
place in the run is its task's number and its row in the task: the local engine's input order.
"""

from __future__ import annotations

import math
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from ..document import Document
from ..errors import DocumentError
from ..read import RECORD_READERS, read_documents
from ..read.files import stream_documents
from ..read.jsonl import field_map
from ..read.parquet import parquet_file_documents, parquet_row_groups
from ..read.paths import Outputs, iter_sources, named_files, os_reason, record_files
from ..read.urls import is_url, open_input
from .storage import Place

ErrorHandler = Callable[[DocumentError], None]
FILES_PER_TASK = 1000  # pages of 2-20 KB: a task cleans for a few seconds
TASKS_PER_WORKER = 4  # at least, while there are files enough: the last tasks balance the workers
ROWS_PER_TASK = 20_000  # Parquet rows: a task takes whole row groups up to about this many
STDIN_COPY = "stdin"
PIPE_COPY = "pipe-"  # and the input's place in the list


@dataclass(frozen=True)
class ReadTask:
    """One partition's inputs, read on a worker with the local read stage."""

    number: int
    sources: tuple[str, ...]
    input_format: str  # "document" for files a path list was expanded to
    fields: tuple[tuple[str, str], ...] | None
    max_bytes: int
    stdin_copy: str | None = None  # where standard input was copied, when a source is "-"
    row_groups: tuple[int, int] | None = None  # of a Parquet file: [start, stop)
    pipe_copy: str | None = None  # where the one source, a pipe, was copied

    def documents(self, on_error: ErrorHandler) -> Iterator[Document]:
        fields = dict(self.fields) if self.fields is not None else field_map()
        if self.pipe_copy is not None:
            [source] = self.sources
            with open_input(self.pipe_copy) as handle:
                items = (
                    RECORD_READERS[self.input_format](source, handle, fields, self.max_bytes)
                    if self.input_format in RECORD_READERS
                    else stream_documents(handle, source, self.max_bytes)
                )
                yield from _handled(items, on_error)
            return
        if self.row_groups is not None:
            [source] = self.sources
            items = parquet_file_documents(source, None, fields, self.max_bytes, range(*self.row_groups))
            yield from _handled(items, on_error)
            return
        stdin = open_input(self.stdin_copy) if self.stdin_copy else None
        try:
            yield from read_documents(
                self.sources,
                input_format=self.input_format,
                fields=fields,
                stdin=stdin,
                max_bytes=self.max_bytes,
                on_error=on_error,
            )
        finally:
            if stdin is not None:
                stdin.close()


def read_tasks(
    inputs: Iterable[str],
    *,
    input_format: str,
    fields: dict[str, str] | None,
    null_separated: bool,
    stdin: IO[bytes] | None,
    max_bytes: int,
    workers: int,
    work: Place,
    on_error: ErrorHandler,
    outputs: Outputs | None = None,
) -> list[ReadTask]:
    """The read tasks of ``inputs``, numbered in input order; inputs that cannot be expanded go to
    ``on_error``, and so do the run's ``outputs`` (see ``read_documents``)."""
    fields_items = tuple(fields.items()) if fields is not None else None
    inputs = list(inputs)
    stdin_copy = None
    if "-" in inputs and input_format != "paths" and stdin is not None:
        work.write_bytes(STDIN_COPY, stdin.read())
        stdin_copy = (work / STDIN_COPY).location
    if input_format in ("paths", "document"):
        named = (
            iter_sources(inputs, stdin, null_separated, outputs)
            if input_format == "paths"
            else named_files(inputs, outputs)
        )
        files = list(_handled(named, on_error))
        groups = [
            (chunk, "document", None, copy) for chunk, copy in _file_groups(files, workers, work, on_error)
        ]
    else:
        records = _handled(record_files(inputs, outputs), on_error)
        groups = list(_record_tasks(records, input_format, work, on_error))
    return [
        ReadTask(
            number,
            tuple(sources),
            kind,
            fields_items,
            max_bytes,
            stdin_copy if "-" in sources else None,
            row_groups,
            pipe_copy,
        )
        for number, (sources, kind, row_groups, pipe_copy) in enumerate(groups)
    ]


def _record_tasks(
    sources: Iterable[str], input_format: str, work: Place, on_error: ErrorHandler
) -> Iterator[tuple[list[str], str, tuple | None, str | None]]:
    """The tasks of files of records (see ``_record_groups``); a pipe in a task of its own, with where
    it was copied."""
    for number, source in enumerate(sources):
        if not _is_pipe(source):
            yield from ((*group, None) for group in _record_groups(source, input_format))
        elif (copy := _pipe_copy(source, number, work, on_error)) is not None:
            yield [source], input_format, None, copy


def _record_groups(source: str, input_format: str) -> Iterator[tuple[list[str], str, tuple | None]]:
    """One task per file of records; Parquet files in runs of whole row groups."""
    if input_format != "parquet" or source == "-":
        yield [source], input_format, None
        return
    try:
        sizes = parquet_row_groups(source)
    except (OSError, ValueError):  # unreadable (pyarrow's errors are these): the task reports why
        yield [source], input_format, None
        return
    start, rows = 0, 0
    for group, size in enumerate(sizes):
        if rows and rows + size > ROWS_PER_TASK:
            yield [source], input_format, (start, group)
            start, rows = group, 0
        rows += size
    yield [source], input_format, (start, len(sizes))


def _file_groups(
    files: list[str], workers: int, work: Place, on_error: ErrorHandler
) -> Iterator[tuple[list[str], str | None]]:
    """The files in tasks of a size that balances the workers; a pipe in a task of its own, with where
    it was copied (a pipe that cannot be read goes to ``on_error``)."""
    size = max(1, min(FILES_PER_TASK, math.ceil(len(files) / (TASKS_PER_WORKER * max(1, workers)))))
    run: list[str] = []
    for number, source in enumerate(files):
        if not _is_pipe(source):
            run.append(source)
            continue
        yield from ((run[start : start + size], None) for start in range(0, len(run), size))
        run = []
        if (copy := _pipe_copy(source, number, work, on_error)) is not None:
            yield [source], copy
    yield from ((run[start : start + size], None) for start in range(0, len(run), size))


def _pipe_copy(source: str, number: int, work: Place, on_error: ErrorHandler) -> str | None:
    """Where the pipe ``source``, input number ``number``, was copied in the work directory; None when
    it cannot be read (``on_error`` is told why)."""
    name = f"{PIPE_COPY}{number}"
    try:
        with open(source, "rb") as pipe, work.fs.open(work.path(name), "wb") as copy:
            shutil.copyfileobj(pipe, copy, 1 << 20)
    except OSError as error:
        on_error(DocumentError(source, os_reason(error)))
        return None
    return (work / name).location


def _is_pipe(source: str) -> bool:
    """A pipe or FIFO named as an input (``/dev/fd/63`` of ``<(...)``): only this process can read it."""
    if source == "-" or is_url(source):
        return False
    try:
        return stat.S_ISFIFO(os.stat(source).st_mode)
    except (OSError, ValueError):
        return False


def _handled(items: Iterable, on_error: ErrorHandler) -> Iterator:
    for item in items:
        if isinstance(item, DocumentError):
            on_error(item)
        else:
            yield item
