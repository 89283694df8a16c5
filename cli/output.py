"""Writers, one per output format in one table, and the messages channel.

stdout carries data only: JSON Lines (UTF-8, non-ASCII kept, one flushed object
per line), a JSON array, CSV/TSV, plain text, or rich views for a terminal.
Every writer answers the same four calls (documents, clusters, an explanation,
plain records, given a record of their shape when there may be none), so a new
format is one class and one entry in :data:`WRITERS`.
Everything meant for people goes through :class:`Messages` on stderr.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import IO

from ..document import Cluster, Document, Member
from ..records import (
    cluster_record,
    doc_records,
    document_record,
    explanation_record,
    unique_record,
    write_json_lines,
)
from ..settings import DedupSettings
from .overview import (
    cluster_lines,
    figures,
    largest_first,
    one_line,
    readable_fields,
    short_names,
    shown_as_text,
    singletons_line,
)


@dataclass(frozen=True)
class ClusterView:
    """What ``dedup`` writes of its clusters: one record per cluster or per document, or canonicals only."""

    by: str = "cluster"  # "cluster" or "doc"
    unique: bool = False
    full: bool = False  # views for people: every cluster with its members and text, not one line each
    settings: DedupSettings | None = None  # of the run: the report finds shared passages with its shingles
    indexed: bool = False  # with a persistent index (its cluster records give indexed_size)


def example_record(view: ClusterView) -> dict:
    """A record of the view's shape, its values empty: the columns a delimited format heads even an
    output without records with (a cron run that found nothing new)."""
    doc = Document(id="")
    cluster = Cluster(0, doc, [Member(doc, 1.0)], indexed_size=0 if view.indexed else None)
    return next(view_records([cluster], view))


def view_records(clusters: Iterable[Cluster], view: ClusterView) -> Iterator[dict]:
    if view.unique:
        return (unique_record(c) for c in clusters)
    if view.by == "doc":
        return (record for c in clusters for record in doc_records(c))
    return (cluster_record(c) for c in clusters)


def output_records(clusters: Iterable[Cluster], view: ClusterView, dupes_only: bool) -> Iterator[dict]:
    """``dedup``'s records of these clusters (only those of several documents, ``dupes_only``), for files
    that workers write (``--output``)."""
    return view_records((c for c in clusters if c.size > 1) if dupes_only else clusters, view)


# ---------------------------------------------------------------- machine formats


def write_json_array(records: Iterable[dict], stream: IO[str]) -> None:
    json.dump(list(records), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
    stream.flush()


def flat_row(record: dict) -> dict:
    """One CSV/TSV row: nested objects become ``parent_key`` columns, member lists ``a|b|c`` (their ids),
    other lists (``explain``'s passages) one JSON array."""
    row: dict = {}
    for key, value in record.items():
        if isinstance(value, dict):
            row.update({f"{key}_{inner}": inner_value for inner, inner_value in value.items()})
        elif isinstance(value, list):
            row[key] = _flat_list(value)
        elif isinstance(value, bool):
            row[key] = "true" if value else "false"
        else:
            row[key] = value
    return row


def _flat_list(items: list) -> str:
    """Records' ids joined with ``|``, a ``|`` in an id written ``\\|`` (as it was, the id ``x|y.txt`` read
    as two; a backslash is left as it is, as in the id columns, so Windows paths match them); other
    lists as JSON."""
    if all(isinstance(item, dict) and "id" in item for item in items):
        return "|".join(str(item["id"]).replace("|", "\\|") for item in items)
    return json.dumps(items, ensure_ascii=False)


def _delimited(tsv: bool) -> Callable[[Iterable[dict], IO[str]], None]:
    """CSV (RFC 4180 quoting) or TSV (tabs and newlines inside values escaped as \\t, \\n)."""

    def write(records: Iterable[dict], stream: IO[str]) -> None:
        writer = None
        for record in records:
            row = flat_row(record)
            if tsv:
                row = {k: _tsv_escape(v) for k, v in row.items()}
            if writer is None:
                writer = _headed(list(row), stream, tsv)
            writer.writerow(row)
            stream.flush()

    return write


def _header_only(tsv: bool) -> Callable[[dict, IO[str]], None]:
    """The header of an output without records, from a record of its shape."""

    def write(example: dict, stream: IO[str]) -> None:
        _headed(list(flat_row(example)), stream, tsv)
        stream.flush()

    return write


def _headed(columns: list[str], stream: IO[str], tsv: bool) -> csv.DictWriter:
    """A writer of these columns, their header written."""
    dialect = (
        {"delimiter": "\t", "quoting": csv.QUOTE_NONE, "escapechar": None, "quotechar": None} if tsv else {}
    )
    writer = csv.DictWriter(
        stream if tsv else _LineFeedEndings(stream),
        fieldnames=columns,
        lineterminator="\n" if tsv else "\r\n",
        extrasaction="ignore",
        **dialect,
    )
    writer.writeheader()
    return writer


class _LineFeedEndings:
    """A stream that ends each CSV row with LF, not the CRLF it was written with. The csv module
    quotes a value holding a character of the row ending only: with LF endings, a lone CR in a value
    (a title, a file name) went out unquoted and split the row for other readers."""

    def __init__(self, stream: IO[str]):
        self.stream = stream

    def write(self, row: str) -> int:  # the csv writer writes a row, its ending included, at once
        return self.stream.write(row.removesuffix("\r\n") + "\n")


def _tsv_escape(value) -> str:
    if value is None:
        return ""
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class RecordWriter:
    """A machine format: every kind of output becomes records (:mod:`newsdedup.records`), serialised one way.

    ``empty``: what the format writes when there is no record, given a record of the output's shape
    (CSV and TSV: their header; JSON Lines: nothing; a JSON array writes ``[]`` by itself).
    """

    def __init__(
        self,
        serialise: Callable[[Iterable[dict], IO[str]], None],
        empty: Callable[[dict, IO[str]], None] | None = None,
    ):
        self.serialise, self.empty = serialise, empty

    def documents(self, docs: Iterable[Document], out: IO[str]) -> None:
        self._shaped((document_record(d) for d in docs), document_record(Document(id="")), out)

    def clusters(self, clusters: Iterable[Cluster], view: ClusterView, out: IO[str]) -> None:
        self._shaped(view_records(clusters, view), example_record(view), out)

    def _shaped(self, records: Iterable[dict], example: dict | None, out: IO[str]) -> None:
        counted = _Counted(records)
        self.serialise(counted, out)
        if not counted.count and self.empty is not None and example is not None:
            self.empty(example, out)

    def explanation(self, result, out: IO[str]) -> None:
        self.serialise([explanation_record(result)], out)

    def records(self, records: Iterable[dict], out: IO[str], example: dict | None = None) -> None:
        self._shaped(records, example, out)


class _Counted:
    """An iterable that counts what it gave."""

    def __init__(self, items: Iterable):
        self.items, self.count = items, 0

    def __iter__(self) -> Iterator:
        for item in self.items:
            self.count += 1
            yield item


# ---------------------------------------------------------------- formats for people


class _ShownAsText:
    """A stream that shows page content's control characters and bidirectional overrides as U+FFFD
    (an escape sequence in a title would drive the terminal that reads the text format)."""

    def __init__(self, stream: IO[str]):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(shown_as_text(text))

    def flush(self) -> None:
        self.stream.flush()


class TextWriter:
    """Plain text for people reading a pipe or a file (``less``, ``head``): no colours, no boxes. An id,
    a title or a file name is one line of it: its line breaks and tabs are shown escaped (``\\x0a``)."""

    def documents(self, docs: Iterable[Document], out: IO[str]) -> None:
        self._documents(docs, _ShownAsText(out))

    def _documents(self, docs: Iterable[Document], out: _ShownAsText) -> None:
        for doc in docs:
            out.write(f"==> {one_line(doc.id)} <==\n{one_line(doc.title or '')}\n\n{doc.text}\n\n")
            out.flush()

    def clusters(self, clusters: Iterable[Cluster], view: ClusterView, out: IO[str]) -> None:
        out = _ShownAsText(out)
        if view.unique:
            self._documents((c.canonical for c in clusters), out)
        elif view.by == "doc":
            for cluster in clusters:
                for record in doc_records(cluster):
                    out.write(
                        f"{record['cluster']}\t{record['similarity']:.3f}\t{record['status']}\t{one_line(record['id'])}\n"
                    )
                out.flush()
        elif view.full:
            self._full_clusters(list(clusters), out)
        else:
            self._overview(list(clusters), out)

    def _overview(self, clusters: list[Cluster], out: IO[str]) -> None:
        """One line per cluster with copies (size, cluster id, title, source), largest first; then the figures."""
        names = short_names(c.canonical.id for c in clusters)
        run = figures(clusters)
        lines = cluster_lines([c for c in largest_first(clusters) if c.size > 1], names)
        if lines:
            out.write(f"{'size':>5}  {'cluster':>7}  canonical title  [site · date, or file]\n")
        for line in lines:
            out.write(
                f"{line.cluster.size:>5}  {line.cluster.id:>7}  {one_line(line.title or '(no title)')}  "
                f"[{one_line(line.source)}]\n"
            )
            if line.excerpt:
                out.write(f"{'':16}“{one_line(line.excerpt)}”\n")
        if run.singletons:
            out.write(singletons_line(run) + "\n")
        out.write(run.sentence() + "\n")
        out.flush()

    def _full_clusters(self, clusters: list[Cluster], out: IO[str]) -> None:
        names = short_names(m.document.id for c in clusters for m in c.members)
        for cluster in clusters:
            noun = "document" if cluster.size == 1 else "documents"
            out.write(f"==> cluster {cluster.id}: {cluster.size} {noun} <==\n")
            for member in cluster.members:
                mark = "*" if member.document is cluster.canonical else " "
                out.write(
                    f"{mark} {member.similarity:.3f}  {one_line(names[member.document.id])}  "
                    f"{one_line(member.document.title or '')}\n"
                )
            out.write(f"\n{one_line(cluster.canonical.title or '')}\n\n{cluster.canonical.text}\n\n")
            out.flush()
        out.write(figures(clusters).sentence() + "\n")
        out.flush()

    def explanation(self, result, out: IO[str]) -> None:
        out = _ShownAsText(out)
        verdict = "copies" if result.copies else "not copies"
        out.write(
            f"{one_line(result.first.id)} vs {one_line(result.second.id)}: {verdict} ({result.reason})\n"
            f"shared shingles {result.shared} of {result.first_shingles} / {result.second_shingles}; "
            f"containment {result.containment:.3f} (99% lower bound {result.containment_lower_bound:.3f}); "
            f"jaccard {result.jaccard:.3f}\n\n"
        )
        for passage in result.passages:
            out.write(f"[{passage.words} words] {passage.text}\n")
        out.flush()

    def records(self, records: Iterable[dict], out: IO[str], example: dict | None = None) -> None:
        out = _ShownAsText(out)
        for record in records:
            for label, value in readable_fields(record):
                out.write(f"{label}: {value}\n")
            out.write("\n")
        out.flush()


class TableWriter:
    """Rich views for a terminal (see :mod:`newsdedup.cli.render`)."""

    def __init__(self, no_color: bool = False):
        self.no_color = no_color

    def _console(self, out: IO[str]):
        from .render import stdout_console

        return stdout_console(out, self.no_color)

    def documents(self, docs: Iterable[Document], out: IO[str]) -> None:
        from .render import render_documents

        render_documents(docs, self._console(out))

    def clusters(self, clusters: Iterable[Cluster], view: ClusterView, out: IO[str]) -> None:
        from .render import render_clusters, render_doc_table, render_documents, render_overview

        console = self._console(out)
        if view.unique:
            render_documents((c.canonical for c in clusters), console)
        elif view.by == "doc":
            render_doc_table(clusters, console)
        elif view.full:
            render_clusters(clusters, console)
        else:
            render_overview(list(clusters), console)

    def explanation(self, result, out: IO[str]) -> None:
        from .render import render_explanation

        render_explanation(result, self._console(out))

    def records(self, records: Iterable[dict], out: IO[str], example: dict | None = None) -> None:
        from .render import render_records

        render_records(list(records), self._console(out))


# format name -> the writer, given whether colours are off
WRITERS: dict[str, Callable[[bool], object]] = {
    "jsonl": lambda _no_color: RecordWriter(write_json_lines),
    "json": lambda _no_color: RecordWriter(write_json_array),
    "csv": lambda _no_color: RecordWriter(_delimited(tsv=False), _header_only(tsv=False)),
    "tsv": lambda _no_color: RecordWriter(_delimited(tsv=True), _header_only(tsv=True)),
    "text": lambda _no_color: TextWriter(),
    "table": TableWriter,
    "html": lambda no_color: html_writer(no_color),
}


def html_writer(no_color: bool):
    from .report import HtmlWriter  # imported when used: it needs numpy and the fingerprint code

    return HtmlWriter(no_color)


# ---------------------------------------------------------------- options and channels


@dataclass
class OutputOptions:
    """Where and how a command writes."""

    format: str
    quiet: bool = False
    no_color: bool = False

    @classmethod
    def resolve(cls, fmt, quiet: bool, no_color: bool, stdout: IO[str] | None = None) -> OutputOptions:
        """``fmt`` (a Format or None: table on a terminal, jsonl otherwise)."""
        name = fmt.value if fmt is not None else ("table" if _isatty(stdout or sys.stdout) else "jsonl")
        return cls(format=name, quiet=quiet, no_color=no_color or bool(os.environ.get("NO_COLOR")))

    def writer(self):
        return WRITERS[self.format](self.no_color)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def closed_stdout_ends_quietly():
    """The reader went away (``newsdedup ... | head -1``): stop writing, exit 0, no traceback."""
    import typer

    try:
        yield
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # later flushes (interpreter exit) go nowhere
        raise typer.Exit(0) from None


class LossyStream:
    """stderr as messages see it: a message that cannot be written (a full log disk, a log reader that
    went away) is lost, never the run's data. After the first failure nothing more is tried, and the
    descriptor goes to /dev/null, so that the interpreter's last flush at exit cannot fail either."""

    def __init__(self, stream: IO[str]):
        self._stream = stream
        self.broken = False

    def write(self, text: str) -> int:
        return self._guarded(self._stream.write, text) or len(text)

    def flush(self) -> None:
        self._guarded(self._stream.flush)

    def _guarded(self, call, *args):
        if self.broken:
            return None
        try:
            return call(*args)
        except (OSError, ValueError):  # ValueError: the stream was closed
            self.broken = True
            with suppress(OSError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, self._stream.fileno())
                os.close(devnull)
            return None

    def __getattr__(self, name: str):  # isatty, fileno, encoding: rich asks them
        return getattr(self._stream, name)


FALLBACK_WIDTH = 80
FALLBACK_HEIGHT = 25


def console_size() -> dict[str, int]:
    """The width and height rich is to take when COLUMNS or LINES would mislead it, else nothing (its own
    choice: those, or the terminal's). It takes any digits there as they are: COLUMNS=0 emptied every
    line it printed, error messages too, and "²" made it fail (it reads both unless given both)."""
    columns, lines = os.environ.get("COLUMNS", ""), os.environ.get("LINES", "")
    if not any(value.isdigit() and _positive(value) is None for value in (columns, lines)):
        return {}
    return {"width": _positive(columns) or FALLBACK_WIDTH, "height": _positive(lines) or FALLBACK_HEIGHT}


def _positive(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and int(value) > 0 else None


class Messages:
    """Human messages, warnings, errors and progress, all on stderr (each one line, escaped)."""

    def __init__(self, quiet: bool = False, no_color: bool = False, stderr: IO[str] | None = None):
        from rich.console import Console

        self.quiet = quiet
        stream = stderr or sys.stderr
        self.console = Console(
            file=stream if isinstance(stream, LossyStream) else LossyStream(stream),
            no_color=no_color or None,
            highlight=False,
            **console_size(),
        )

    def info(self, text: str) -> None:
        if not self.quiet:
            self.console.print(one_line(text), markup=False, soft_wrap=True, style="dim")

    def warning(self, text: str) -> None:
        if not self.quiet:
            self.console.print(f"newsdedup: {one_line(text)}", markup=False, soft_wrap=True, style="yellow")

    def error(self, text: str) -> None:
        self.console.print(f"newsdedup: {one_line(text)}", markup=False, soft_wrap=True, style="red")

    @contextmanager
    def _live(self):
        """A live display of progress on stderr, or None (not a terminal, or quiet)."""
        if self.quiet or not self.console.is_terminal:
            yield None
            return
        from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (
            SpinnerColumn(),
            TextColumn("{task.description}"),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=self.console, transient=True) as bar:
            yield bar

    @contextmanager
    def stages(self):
        """Yield a callback ``(stage, done, total)`` showing one line per stage of a run (only on a
        terminal, never when quiet); ``total`` None is a stage without steps to count."""
        with self._live() as bar:
            if bar is None:
                yield lambda stage, done, total: None
                return
            shown: dict[str, int] = {}

            def show(stage: str, done: int, total: int | None) -> None:
                if stage not in shown:
                    for task in shown.values():
                        bar.stop_task(task)
                    shown[stage] = bar.add_task(stage, total=total)
                bar.update(shown[stage], completed=done, total=total)

            yield show

    @contextmanager
    def progress(self, description: str):
        """Yield a callback that advances a live counter (only on a terminal, never when quiet)."""
        with self._live() as bar:
            if bar is None:
                yield lambda: None
                return
            task = bar.add_task(description, total=None)
            yield lambda: bar.advance(task)
