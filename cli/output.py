"""Output options shared by every command, record shapes, and the writers for each format.

stdout carries data only (one JSON object per line, flushed, UTF-8, non-ASCII
kept); everything for people goes through :class:`Messages` on stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import IO, Annotated

import typer

from core.document import Cluster, Document


class Format(str, Enum):
    jsonl = "jsonl"
    json = "json"
    text = "text"
    table = "table"


FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        envvar="NEWSDEDUP_FORMAT",
        help="Output format. Default: table when stdout is a terminal, jsonl otherwise.",
        show_default=False,
    ),
]
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        envvar="NEWSDEDUP_QUIET",
        help="No messages on stderr (errors excepted); data is never silenced.",
    ),
]
NoColorOption = Annotated[
    bool,
    typer.Option(
        "--no-color", help="Plain output without colours (NO_COLOR in the environment does the same)."
    ),
]


@dataclass
class OutputOptions:
    """What every command needs to know about where and how to write."""

    format: Format
    quiet: bool = False
    no_color: bool = False

    @classmethod
    def resolve(
        cls, fmt: Format | None, quiet: bool, no_color: bool, stdout: IO[str] | None = None
    ) -> OutputOptions:
        stdout = stdout or sys.stdout
        if fmt is None:
            fmt = Format.table if _isatty(stdout) else Format.jsonl
        return cls(format=fmt, quiet=quiet, no_color=no_color)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def document_record(doc: Document) -> dict:
    """``clean`` record: one per document."""
    record = doc.summary()
    record.update(kind=doc.kind, site=doc.site, text=doc.text)
    return record


def cluster_record(cluster: Cluster) -> dict:
    """``dedup`` record: one per cluster, singletons included."""
    canonical = cluster.canonical.summary()
    canonical["text"] = cluster.canonical.text
    return {
        "cluster": cluster.id,
        "size": cluster.size,
        "canonical": canonical,
        "members": [
            {
                "id": m.document.id,
                "path": m.document.path,
                "title": m.document.title,
                "similarity": m.similarity,
            }
            for m in cluster.members
        ],
    }


def write_json_lines(records: Iterable[dict], stream: IO[str]) -> int:
    count = 0
    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        stream.flush()
        count += 1
    return count


def write_json_array(records: Iterable[dict], stream: IO[str]) -> int:
    items = list(records)
    json.dump(items, stream, ensure_ascii=False, indent=2)
    stream.write("\n")
    stream.flush()
    return len(items)


def write_text_documents(docs: Iterable[Document], stream: IO[str]) -> Iterator[Document]:
    for doc in docs:
        stream.write(f"==> {doc.id} <==\n{doc.title}\n\n{doc.text}\n\n")
        stream.flush()
        yield doc


def write_text_clusters(clusters: Iterable[Cluster], stream: IO[str]) -> None:
    for cluster in clusters:
        noun = "document" if cluster.size == 1 else "documents"
        stream.write(f"==> cluster {cluster.id}: {cluster.size} {noun} <==\n")
        for member in cluster.members:
            mark = "*" if member.document is cluster.canonical else " "
            stream.write(f"{mark} {member.similarity:.3f}  {member.document.id}  {member.document.title}\n")
        stream.write(f"\n{cluster.canonical.title}\n\n{cluster.canonical.text}\n\n")
        stream.flush()


class Messages:
    """Human messages, warnings, errors and progress, all on stderr."""

    def __init__(self, options: OutputOptions, stderr: IO[str] | None = None):
        from rich.console import Console

        self.quiet = options.quiet
        self.console = Console(file=stderr or sys.stderr, no_color=options.no_color or None, highlight=False)

    def info(self, text: str) -> None:
        if not self.quiet:
            self.console.print(text, markup=False, soft_wrap=True, style="dim")

    def error(self, text: str) -> None:
        self.console.print(f"newsdedup: {text}", markup=False, soft_wrap=True, style="red")

    @contextmanager
    def progress(self, description: str):
        """Yield a callback that advances a live counter (only on a terminal, never when quiet)."""
        if self.quiet or not self.console.is_terminal:
            yield lambda: None
            return
        from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (
            SpinnerColumn(),
            TextColumn("{task.description}"),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task(description, total=None)
            yield lambda: bar.advance(task)
