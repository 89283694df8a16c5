"""Record shapes, the writers for every format, and the messages channel.

stdout carries data only: JSON Lines (UTF-8, non-ASCII kept, one flushed object
per line), a JSON array, CSV/TSV, plain text, or rich tables for a terminal.
Everything meant for people goes through :class:`Messages` on stderr.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from ..document import Cluster, Document
from .options import Format, Shape

# ---------------------------------------------------------------- options


@dataclass
class OutputOptions:
    """Where and how a command writes."""

    format: Format
    quiet: bool = False
    no_color: bool = False

    @classmethod
    def resolve(
        cls, fmt: Format | None, quiet: bool, no_color: bool, stdout: IO[str] | None = None
    ) -> OutputOptions:
        if fmt is None:
            fmt = Format.table if _isatty(stdout or sys.stdout) else Format.jsonl
        return cls(format=fmt, quiet=quiet, no_color=no_color)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# ---------------------------------------------------------------- records


def document_record(doc: Document) -> dict:
    """``clean`` record: one per document."""
    record = doc.summary()
    record.update(kind=doc.kind, site=doc.site, text=doc.text)
    return record


def cluster_record(cluster: Cluster) -> dict:
    """``dedup --by cluster`` record: one per cluster, singletons included."""
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
                **({"status": m.document.meta["status"]} if "status" in m.document.meta else {}),
            }
            for m in cluster.members
        ],
    }


def doc_records(cluster: Cluster) -> Iterator[dict]:
    """``dedup --by doc`` records: one per document, with its cluster."""
    for member in cluster.members:
        record = member.document.summary()
        record.update(
            cluster=cluster.id,
            size=cluster.size,
            canonical=member.document is cluster.canonical,
            canonical_id=cluster.canonical.id,
            similarity=member.similarity,
            status=member.document.meta.get("status", "new"),
        )
        yield record


def unique_record(cluster: Cluster) -> dict:
    """``dedup --unique`` record: the canonical document of a cluster, with its text."""
    record = document_record(cluster.canonical)
    record.update(cluster=cluster.id, size=cluster.size, members=[m.document.id for m in cluster.members])
    return record


def explanation_record(result) -> dict:
    return {
        "first": result.first.summary(),
        "second": result.second.summary(),
        "first_shingles": result.first_shingles,
        "second_shingles": result.second_shingles,
        "shared_shingles": result.shared,
        "containment": round(result.containment, 4),
        "containment_lower_bound": round(result.containment_lower_bound, 4),
        "jaccard": round(result.jaccard, 4),
        "copies": result.copies,
        "passages": [
            {"start": p.start, "end": p.end, "words": p.words, "text": p.text} for p in result.passages
        ],
    }


# ---------------------------------------------------------------- writers


def write_json_lines(records: Iterable[dict], stream: IO[str]) -> None:
    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        stream.flush()


def write_json_array(records: Iterable[dict], stream: IO[str]) -> None:
    json.dump(list(records), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
    stream.flush()


def flat_row(record: dict) -> dict:
    """One CSV/TSV row: nested objects become ``parent_key`` columns, member lists ``a|b|c``."""
    row: dict = {}
    for key, value in record.items():
        if isinstance(value, dict):
            row.update({f"{key}_{inner}": inner_value for inner, inner_value in value.items()})
        elif isinstance(value, list):
            row[key] = "|".join(item["id"] if isinstance(item, dict) else str(item) for item in value)
        elif isinstance(value, bool):
            row[key] = "true" if value else "false"
        else:
            row[key] = value
    return row


def write_delimited(records: Iterable[dict], stream: IO[str], fmt: Format) -> None:
    """CSV (RFC 4180 quoting) or TSV (tabs and newlines inside values escaped as \\t, \\n)."""
    writer = None
    for record in records:
        row = flat_row(record)
        if fmt == Format.tsv:
            row = {k: _tsv_escape(v) for k, v in row.items()}
        if writer is None:
            if fmt == Format.csv:
                writer = csv.DictWriter(
                    stream, fieldnames=list(row), lineterminator="\n", extrasaction="ignore"
                )
            else:
                writer = csv.DictWriter(
                    stream,
                    fieldnames=list(row),
                    delimiter="\t",
                    quoting=csv.QUOTE_NONE,
                    escapechar=None,
                    lineterminator="\n",
                    extrasaction="ignore",
                    quotechar=None,
                )
            writer.writeheader()
        writer.writerow(row)
        stream.flush()


def _tsv_escape(value) -> str:
    if value is None:
        return ""
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_records(records: Iterable[dict], stream: IO[str], fmt: Format) -> None:
    if fmt == Format.jsonl:
        write_json_lines(records, stream)
    elif fmt == Format.json:
        write_json_array(records, stream)
    else:
        write_delimited(records, stream, fmt)


def write_text_documents(docs: Iterable[Document], stream: IO[str]) -> None:
    for doc in docs:
        stream.write(f"==> {doc.id} <==\n{doc.title}\n\n{doc.text}\n\n")
        stream.flush()


def write_text_clusters(clusters: Iterable[Cluster], stream: IO[str], shape: Shape) -> None:
    for cluster in clusters:
        if shape == Shape.doc:
            for record in doc_records(cluster):
                stream.write(
                    f"{record['cluster']}\t{record['similarity']:.3f}\t{record['status']}\t{record['id']}\n"
                )
            stream.flush()
            continue
        noun = "document" if cluster.size == 1 else "documents"
        stream.write(f"==> cluster {cluster.id}: {cluster.size} {noun} <==\n")
        for member in cluster.members:
            mark = "*" if member.document is cluster.canonical else " "
            stream.write(f"{mark} {member.similarity:.3f}  {member.document.id}  {member.document.title}\n")
        stream.write(f"\n{cluster.canonical.title}\n\n{cluster.canonical.text}\n\n")
        stream.flush()


def write_text_explanation(result, stream: IO[str]) -> None:
    verdict = "copies" if result.copies else "not copies"
    stream.write(
        f"{result.first.id} vs {result.second.id}: {verdict}\n"
        f"shared shingles {result.shared} of {result.first_shingles} / {result.second_shingles}; "
        f"containment {result.containment:.3f} (99% lower bound {result.containment_lower_bound:.3f}); "
        f"jaccard {result.jaccard:.3f}\n\n"
    )
    for passage in result.passages:
        stream.write(f"[{passage.words} words] {passage.text}\n")
    stream.flush()


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


# ---------------------------------------------------------------- messages


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
