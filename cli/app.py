"""The ``newsdedup`` command: a thin typer layer over :mod:`core`.

Exit codes: 0 success; 1 with ``--check`` when duplicates were found; 2 usage
error, or at least one input that could not be read or cleaned (the others are
still processed and written); 130 interrupted.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from typer.core import TyperGroup

from .options import (
    DEFAULT_CANONICAL,
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    DEFAULTS,
    Bands,
    CanonicalOpt,
    Db,
    DbArgument,
    ErrorsFile,
    Fields,
    Format,
    FormatOpt,
    InputFormat,
    InputFormatOpt,
    Jobs,
    MaxBytes,
    MinShared,
    NoColor,
    Null,
    NumPerm,
    Paths,
    Quiet,
    Shape,
    ShingleSize,
    Threshold,
    Timeout,
    worker_count,
)
from .output import (
    Messages,
    OutputOptions,
    closed_stdout_ends_quietly,
    cluster_record,
    doc_records,
    document_record,
    explanation_record,
    unique_record,
    write_records,
    write_text_clusters,
    write_text_documents,
    write_text_explanation,
)

EXIT_OK = 0
EXIT_DUPLICATES = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 duplicates found (only with --check); "
    "2 usage error or some input could not be read (the rest is still written); 130 interrupted."
)


class DefaultCommandGroup(TyperGroup):
    """``newsdedup PATH...`` means ``newsdedup dedup PATH...``."""

    default_command = "dedup"
    group_options = ("--help", "--version", "--install-completion", "--show-completion")

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in self.group_options:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=DefaultCommandGroup,
    no_args_is_help=True,
    add_completion=False,
    help=(
        "Strip boilerplate from scraped news articles (HTML or plain text) and cluster "
        "near-duplicate reprints with MinHash LSH.\n\n"
        "`newsdedup PATH...` is short for `newsdedup dedup PATH...`.\n\n" + EXIT_CODES_HELP
    ),
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(version("newsdedup"))
        except PackageNotFoundError:
            typer.echo("unknown")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Strip boilerplate from news articles and cluster near-duplicates."""


class Run:
    """One command run: messages, counts, the failures file and the exit code."""

    def __init__(self, options: OutputOptions, errors_path: str | None = None):
        self.options = options
        self.messages = Messages(options)
        self.failed = 0
        self.cleaned = 0
        self._errors = open(errors_path, "w", encoding="utf-8") if errors_path else None  # noqa: SIM115

    def on_error(self, error) -> None:
        self.failed += 1
        self.messages.error(f"{error.source}: {error.reason}")
        if self._errors:
            self._errors.write(
                json.dumps({"source": error.source, "reason": error.reason}, ensure_ascii=False) + "\n"
            )
            self._errors.flush()

    def count(self, docs: Iterator) -> Iterator:
        with self.messages.progress("documents") as advance:
            for doc in docs:
                self.cleaned += 1
                advance()
                yield doc

    def finish(self, summary: str, duplicates_found: bool = False, check: bool = False) -> typer.Exit:
        if self._errors:
            self._errors.close()
        self.messages.info(
            f"{self.cleaned + self.failed} documents read, {self.cleaned} cleaned, {self.failed} failed{summary}"
        )
        if self.failed:
            return typer.Exit(EXIT_ERROR)
        return typer.Exit(EXIT_DUPLICATES if check and duplicates_found else EXIT_OK)


def usage_error(message: str) -> typer.Exit:
    Messages(OutputOptions(Format.jsonl)).error(f"error: {message}")
    return typer.Exit(EXIT_ERROR)


def _clean_stream(
    run: Run, paths, input_format, fields, null, max_bytes, jobs, timeout, settings=None
) -> Iterator:
    """Clean documents; given dedup ``settings``, (document, fingerprint) pairs."""
    from ..errors import UsageError
    from ..pipeline import clean_and_fingerprint, clean_documents, read_documents
    from ..streams import field_map

    try:
        field_names = field_map(fields or ())
    except UsageError as error:
        raise usage_error(str(error)) from None
    raw = read_documents(
        paths,
        input_format=input_format.value,
        fields=field_names,
        stdin=sys.stdin.buffer,
        null_separated=null,
        max_bytes=max_bytes,
        on_error=run.on_error,
    )
    jobs = worker_count(jobs)
    if settings is None:
        return run.count(clean_documents(raw, jobs=jobs, timeout=timeout, on_error=run.on_error))
    return run.count(clean_and_fingerprint(raw, settings, jobs=jobs, timeout=timeout, on_error=run.on_error))


def _settings(**values):
    from ..errors import UsageError
    from ..settings import DedupSettings

    try:
        return DedupSettings(**values)
    except UsageError as error:
        raise usage_error(str(error)) from None


@app.command()
def clean(
    paths: Paths,
    fmt: FormatOpt = None,
    input_format: InputFormatOpt = InputFormat.paths,
    field: Fields = None,
    null: Null = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    jobs: Jobs = 0,
    timeout: Timeout = DEFAULT_TIMEOUT,
    errors: ErrorsFile = None,
    quiet: Quiet = False,
    no_color: NoColor = False,
) -> None:
    """Print each document's title and clean article text, boilerplate removed.

    One JSON record per document: id, path, kind (html or text), title, text, url, date, language, site.
    """
    options = OutputOptions.resolve(fmt, quiet, no_color)
    run = Run(options, errors)
    docs = _clean_stream(run, paths, input_format, field, null, max_bytes, jobs, timeout)
    with closed_stdout_ends_quietly():
        if options.format == Format.text:
            write_text_documents(docs, sys.stdout)
        elif options.format == Format.table:
            from .render import render_documents, stdout_console

            for _ in render_documents(docs, stdout_console(sys.stdout, options.no_color)):
                pass
        else:
            write_records((document_record(d) for d in docs), sys.stdout, options.format)
    raise run.finish("")


@app.command()
def dedup(
    paths: Paths,
    fmt: FormatOpt = None,
    by: Annotated[
        Shape,
        typer.Option(
            envvar="NEWSDEDUP_BY",
            help="cluster: one record per cluster; doc: one record per document with its cluster.",
        ),
    ] = Shape.cluster,
    unique: Annotated[
        bool,
        typer.Option(
            "--unique", help="Only each cluster's canonical document, with its text (a uniq for news)."
        ),
    ] = False,
    dupes_only: Annotated[
        bool, typer.Option("--dupes-only", help="Only clusters with more than one document.")
    ] = False,
    db: Db = None,
    only_new: Annotated[
        bool,
        typer.Option(
            "--only-new",
            help="With --db: only documents of stories no earlier run has seen (status new), and their clusters.",
        ),
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Exit with 1 when any duplicates were found (like diff or grep).")
    ] = False,
    threshold: Threshold = DEFAULTS.threshold,
    shingle_size: ShingleSize = DEFAULTS.shingle_size,
    num_perm: NumPerm = DEFAULTS.num_perm,
    bands: Bands = DEFAULTS.bands,
    min_shared: MinShared = DEFAULTS.min_shared,
    canonical: CanonicalOpt = DEFAULT_CANONICAL,
    input_format: InputFormatOpt = InputFormat.paths,
    field: Fields = None,
    null: Null = False,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    jobs: Jobs = 0,
    timeout: Timeout = DEFAULT_TIMEOUT,
    errors: ErrorsFile = None,
    quiet: Quiet = False,
    no_color: NoColor = False,
) -> None:
    """Cluster near-duplicate articles and print each cluster with its canonical text.

    --by cluster (default): one JSON record per cluster, singletons included: cluster, size, canonical
    (id, path, title, text, url, date, language) and members (id, path, title, similarity to the
    canonical). --by doc: one record per document: id, path, title, url, date, language, cluster, size,
    canonical (true/false), canonical_id, similarity, status. Status is "new" without --db; with
    --db it is "new" (a story no earlier run indexed), "duplicate" (a copy of one) or "seen" (a
    document indexed by an earlier run).
    """

    options = OutputOptions.resolve(fmt, quiet, no_color)
    settings = _settings(
        shingle_size=shingle_size,
        num_perm=num_perm,
        bands=bands,
        threshold=threshold,
        min_shared=min_shared,
        canonical=canonical.value,
    )
    run = Run(options, errors)
    printed = _clean_stream(run, paths, input_format, field, null, max_bytes, jobs, timeout, settings)
    clusters = _cluster(printed, settings, db)
    duplicates = sum(c.size - 1 for c in clusters)
    if dupes_only:
        clusters = [c for c in clusters if c.size > 1]
    if only_new:
        clusters = _only_new(clusters)
    with closed_stdout_ends_quietly():
        _write_clusters(clusters, options, by, unique)
    raise run.finish(f", {len(clusters)} clusters, {duplicates} duplicates", duplicates > 0, check)


def _cluster(printed, settings, db: str | None):
    """One-off clustering of fingerprinted documents, or clustering against the persistent index at ``db``."""
    if db is None:
        from ..pipeline import cluster_documents

        return cluster_documents(printed, settings)
    from ..incremental import cluster_with_index

    printed = list(printed)  # clean everything first: the index is locked only while clustering
    with _open_index(db, settings) as store:
        return cluster_with_index(printed, settings, store)


@contextmanager
def _open_index(db: str, settings):
    """The index at ``db``; an index that cannot be used is a usage error (exit 2), with its reason."""
    from ..errors import StoreError
    from ..incremental import settings_fingerprint
    from ..store import open_store

    try:
        store = open_store(db, settings_fingerprint(settings))
    except StoreError as error:
        raise usage_error(str(error)) from None
    try:
        yield store
    except StoreError as error:
        raise usage_error(str(error)) from None
    finally:
        store.close()


def _only_new(clusters):
    """Keep the documents of stories nobody indexed before (and the clusters that hold them)."""
    from dataclasses import replace

    kept = []
    for cluster in clusters:
        members = [m for m in cluster.members if m.document.meta.get("status", "new") == "new"]
        if members:
            kept.append(replace(cluster, members=members))
    return kept


def _write_clusters(clusters, options: OutputOptions, by: Shape, unique: bool) -> None:
    out = sys.stdout
    if unique:
        records = (unique_record(c) for c in clusters)
        if options.format == Format.text:
            write_text_documents((c.canonical for c in clusters), out)
        elif options.format == Format.table:
            from .render import render_documents, stdout_console

            for _ in render_documents((c.canonical for c in clusters), stdout_console(out, options.no_color)):
                pass
        else:
            write_records(records, out, options.format)
    elif options.format == Format.text:
        write_text_clusters(clusters, out, by)
    elif options.format == Format.table:
        from .render import render_clusters, render_doc_table, stdout_console

        console = stdout_console(out, options.no_color)
        render_doc_table(clusters, console) if by == Shape.doc else render_clusters(clusters, console)
    elif by == Shape.doc:
        write_records((record for c in clusters for record in doc_records(c)), out, options.format)
    else:
        write_records((cluster_record(c) for c in clusters), out, options.format)


@app.command()
def explain(
    first: Annotated[str, typer.Argument(help="A document (file path).", show_default=False)],
    second: Annotated[str, typer.Argument(help="The document to compare it with.", show_default=False)],
    fmt: FormatOpt = None,
    threshold: Threshold = DEFAULTS.threshold,
    shingle_size: ShingleSize = DEFAULTS.shingle_size,
    min_shared: MinShared = DEFAULTS.min_shared,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    quiet: Quiet = False,
    no_color: NoColor = False,
) -> None:
    """Show why two documents are or are not copies.

    The verification figures, and the passages of FIRST that SECOND also carries (highlighted on a
    terminal; one JSON object with --format json/jsonl or in a pipe).
    """
    from ..explain import explain as explain_pair

    options = OutputOptions.resolve(fmt, quiet, no_color)
    settings = _settings(threshold=threshold, shingle_size=shingle_size, min_shared=min_shared)
    run = Run(options)
    docs = list(
        _clean_stream(run, [first, second], InputFormat.paths, None, False, max_bytes, 1, DEFAULT_TIMEOUT)
    )
    if len(docs) != 2:
        raise typer.Exit(EXIT_ERROR)
    result = explain_pair(docs[0], docs[1], settings)
    with closed_stdout_ends_quietly():
        if options.format == Format.text:
            write_text_explanation(result, sys.stdout)
        elif options.format == Format.table:
            from .render import render_explanation, stdout_console

            render_explanation(result, stdout_console(sys.stdout, options.no_color))
        else:
            write_records([explanation_record(result)], sys.stdout, options.format)
    raise typer.Exit(EXIT_OK)


index_app = typer.Typer(no_args_is_help=True, help="Look after a persistent index (the --db of dedup).")
app.add_typer(index_app, name="index")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@index_app.command("stats")
def index_stats(
    db: DbArgument,
    fmt: FormatOpt = None,
    shingle_size: ShingleSize = DEFAULTS.shingle_size,
    num_perm: NumPerm = DEFAULTS.num_perm,
    bands: Bands = DEFAULTS.bands,
) -> None:
    """Print the index's size: documents, clusters, largest cluster, bytes, first and last run."""
    settings = _settings(shingle_size=shingle_size, num_perm=num_perm, bands=bands)
    options = OutputOptions.resolve(fmt, False, False)
    with _open_index(db, settings) as store, closed_stdout_ends_quietly():
        stats = store.stats()
        if options.format in (Format.text, Format.table):
            for name, value in stats.items():
                sys.stdout.write(f"{name}\t{value}\n")
        else:
            write_records([stats], sys.stdout, options.format)


@index_app.command("prune")
def index_prune(
    db: DbArgument,
    older_than: Annotated[
        str,
        typer.Option(
            "--older-than", help="Age of the documents to remove: a number and s, m, h, d or w (30d)."
        ),
    ],
    shingle_size: ShingleSize = DEFAULTS.shingle_size,
    num_perm: NumPerm = DEFAULTS.num_perm,
    bands: Bands = DEFAULTS.bands,
    quiet: Quiet = False,
) -> None:
    """Remove documents first seen longer ago than --older-than; clusters left empty go too."""
    seconds = _duration(older_than)
    settings = _settings(shingle_size=shingle_size, num_perm=num_perm, bands=bands)
    with _open_index(db, settings) as store:
        removed = store.prune(seconds)
    Messages(OutputOptions(Format.jsonl, quiet=quiet)).info(f"{removed} documents removed")


@index_app.command("export")
def index_export(
    db: DbArgument,
    fmt: FormatOpt = None,
    shingle_size: ShingleSize = DEFAULTS.shingle_size,
    num_perm: NumPerm = DEFAULTS.num_perm,
    bands: Bands = DEFAULTS.bands,
) -> None:
    """Print every indexed document: id, path, url, title, date, language, first_seen, cluster."""
    settings = _settings(shingle_size=shingle_size, num_perm=num_perm, bands=bands)
    options = OutputOptions.resolve(fmt, False, False)
    fmt_out = Format.jsonl if options.format in (Format.text, Format.table) else options.format
    with _open_index(db, settings) as store, closed_stdout_ends_quietly():
        write_records(store.export(), sys.stdout, fmt_out)


def _duration(text: str) -> float:
    number, unit = text[:-1], text[-1:].lower()
    try:
        return float(number) * DURATION_UNITS[unit]
    except (KeyError, ValueError):
        raise usage_error(
            f"--older-than takes a number and s, m, h, d or w (like 30d), got {text!r}"
        ) from None


def main() -> None:
    """Console-script entry point (Ctrl-C exits with 130, without a traceback)."""
    app()
