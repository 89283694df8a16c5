"""The ``newsdedup`` command: a thin typer layer over the library.

Exit codes: 0 success; 1 with ``--check`` when duplicates were found; 2 usage
error, or at least one input that could not be read or cleaned (the others are
still processed and written); 130 interrupted; 143 terminated; 129 hung up. Library exceptions
become one line on stderr and an exit code in one place, :data:`EXIT_CODES`.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import sys
import traceback
from collections import Counter
from collections.abc import Generator, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import replace
from functools import partial
from typing import Annotated

import typer

from ..collector import collect_less
from ..errors import (
    DocumentError,
    LinkedDirectory,
    NewsdedupError,
    NotAnArticle,
    OwnOutput,
    RepeatedFile,
    RepeatedRecord,
    ReusedId,
    SpecialFile,
    StoreError,
    UsageError,
    printable,
)
from ..records import ClusterTally
from ..templates import StoryAsTemplate, TemplateOnly
from . import EXIT_INTERRUPTED
from .commands import PlainCommand, PlainGroup, run_settings
from .options import (
    DEFAULT_MAX_SIZE,
    DEFAULT_TIMEOUT,
    Bands,
    CanonicalOpt,
    Db,
    DbArgument,
    Engine,
    EngineOpt,
    ErrorsFile,
    Fields,
    FormatOpt,
    InputFormat,
    InputFormatOpt,
    Jobs,
    MaxBytes,
    MinShared,
    NoColor,
    Null,
    NumPerm,
    OutputDir,
    OutputFormat,
    OutputFormatOpt,
    Paths,
    Quiet,
    Scheduler,
    Shape,
    ShingleSize,
    Templates,
    Threshold,
    Timeout,
    WorkDir,
    worker_count,
)
from .output import ClusterView, Messages, OutputOptions, closed_stdout_ends_quietly
from .values import choice

EXIT_OK = 0
EXIT_DUPLICATES = 1
EXIT_ERROR = 2
EXIT_INTERNAL_ERROR = 70  # sysexits' EX_SOFTWARE
EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 duplicates found (only with --check, even when some input failed); "
    "2 usage error or some input could not be read (the rest is still written); 70 internal error "
    "(a bug: please report its traceback); 130 interrupted; 143 terminated (SIGTERM); 129 hung up "
    "(SIGHUP, unless ignored, as nohup does)."
)
# What a library exception means for the command: its exit code and how its one line starts.
EXIT_CODES: tuple[tuple[type[BaseException], int, str], ...] = (
    (StoreError, EXIT_ERROR, "index error: "),
    (UsageError, EXIT_ERROR, "error: "),
    (NewsdedupError, EXIT_ERROR, "error: "),
    (OSError, EXIT_ERROR, "error: "),
)
# Inputs read once or kept, with a warning each (up to FAILURES_SHOWN), counted in the summary
NOTICES = {
    RepeatedFile: lambda n: f"{plural(n, 'file')} named again (read once)",
    OwnOutput: lambda n: f"{plural(n, 'file')} of the run's own output not read",
    SpecialFile: lambda n: (
        f"{plural(n, 'FIFO, socket or device', 'FIFOs, sockets or devices')} met in a directory or by a pattern not read"
    ),
    LinkedDirectory: lambda n: f"{plural(n, 'symbolic link')} to a directory not followed",
    RepeatedRecord: lambda n: f"{plural(n, 'record')} repeated (read once)",
    ReusedId: lambda n: f"{plural(n, 'record id')} used again for other text (both kept)",
    StoryAsTemplate: lambda n: (
        f"{plural(n, 'page')} stripped of template lines that only pages under their headline hold "
        "(versions of one story? --no-templates keeps them whole)"
    ),
}
FAILURES_SHOWN = 5  # failures with the same reason printed before the rest are only counted
INDEX_FILE_SUFFIXES = ("", "-wal", "-shm", "-journal")  # a SQLite index and the files beside it


def exit_for(error: BaseException) -> typer.Exit:
    """Report ``error`` in one line on stderr; the exit that says what kind it was."""
    for kind, code, prefix in EXIT_CODES:
        if isinstance(error, kind):
            text = str(error)
            if isinstance(error, OSError):  # "FILE: reason", or the reason alone ("None: ..." is no message)
                text = f"{error.filename}: {error.strerror}" if error.filename else error.strerror or text
            Messages().error(prefix + " ".join(text.split()))
            return typer.Exit(code)
    raise error


class NewsdedupGroup(PlainGroup):
    """The command group: ``newsdedup PATH...`` means ``newsdedup dedup PATH...``, and library
    errors end the command with one line and an exit code (:data:`EXIT_CODES`)."""

    default_command = "dedup"
    group_options = ("--help", "--version", "--install-completion", "--show-completion")

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in self.group_options:
            close = difflib.get_close_matches(args[0], list(self.commands), n=1, cutoff=0.75)
            if close and not os.path.lexists(args[0]):
                ctx.fail(f"no such command {args[0]!r}; did you mean {close[0]!r}?")
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except (
            OSError
        ) as error:  # the group's --help or --version into a full disk (was a traceback, exit 70)
            raise exit_for(error) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except tuple(kind for kind, _, _ in EXIT_CODES) as error:
            raise exit_for(error) from None


app = typer.Typer(
    cls=NewsdedupGroup,
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


def _descriptor(stream) -> int | None:
    try:
        return stream.fileno() if stream is not None else None
    except (OSError, ValueError):  # a stream of the test runner, with no descriptor
        return None


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 document``, ``2 documents``."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


class Run:
    """One command run: messages, counts, the failures file and the exit code."""

    def __init__(self, options: OutputOptions, errors_path: str | None = None):
        self.options = options
        self.messages = Messages(options.quiet, options.no_color)
        self.failed = self.cleaned = self.skipped = self.seen = 0
        self.notices: Counter[type] = Counter()  # by kind (NOTICES)
        self._by_reason: dict[str, int] = {}
        self._errors = open(errors_path, "w", encoding="utf-8") if errors_path else None  # noqa: SIM115
        self.index_path: str | None = None  # a local --db index, which a directory the run reads may hold

    def written_files(self) -> dict:
        """The files this run writes that an input directory may hold, by their keys (see
        ``read_documents``): stdout and stderr sent to files, the --errors file, the index and its
        journal files (``index_path``)."""
        from ..read import file_key, written_file_key

        streams = {"output": sys.stdout, "messages": sys.stderr, "--errors file": self._errors}
        keys = [
            (written_file_key(fd), name)
            for name, stream in streams.items()
            if (fd := _descriptor(stream)) is not None
        ]
        if self.index_path is not None:
            keys += [(file_key(self.index_path + suffix), "index") for suffix in INDEX_FILE_SUFFIXES]
        return {key: name for key, name in keys if key is not None}

    def on_error(self, error: DocumentError) -> None:
        if isinstance(error, NotAnArticle):
            self.skipped += 1
            return
        notice = next((kind for kind in NOTICES if isinstance(error, kind)), None)
        if notice is not None:
            self.notices[notice] += 1
            if self.notices[notice] <= FAILURES_SHOWN:
                self.messages.warning(f"{error.source}: {error.reason}")
            return
        if isinstance(error, TemplateOnly):  # counted as cleaned when it was
            self.cleaned -= 1
        self.failed += 1
        seen = self._by_reason[error.reason] = self._by_reason.get(error.reason, 0) + 1
        if seen <= FAILURES_SHOWN:
            self.messages.error(f"{error.source}: {error.reason}")
        if seen == FAILURES_SHOWN and getattr(error, "hint", None):
            self.messages.error(f"{error.hint}; more failures like these are only counted")
        if self._errors:
            self._record_failure(error)

    def _record_failure(self, error: DocumentError) -> None:
        """Add the failure to the --errors file; a file that cannot take it is said once, and the run
        goes on (its exit code says that documents failed)."""
        try:
            self._errors.write(
                json.dumps({"source": error.source, "reason": error.reason}, ensure_ascii=False) + "\n"
            )
            self._errors.flush()
        except OSError as problem:
            self.messages.error(
                f"{self._errors.name}: {problem.strerror or problem}: failures are no longer written there"
            )
            with suppress(OSError):
                self._errors.close()
            self._errors = None

    def count(self, docs: Iterator) -> Iterator:
        with self.messages.progress("documents") as advance:
            for doc in docs:
                self.cleaned += 1
                advance()
                yield doc

    def finish(
        self, figures: tuple[str, ...] = (), duplicates_found: bool = False, check: bool = False
    ) -> typer.Exit:
        """Close the run with its summary line (the reading, then ``figures``); the exit to take."""
        if self._errors:
            with suppress(OSError):  # a full disk: what was flushed is there
                self._errors.close()
        for reason, count in self._by_reason.items():
            if count > FAILURES_SHOWN:  # one line for the failures not named (all are in --errors)
                self.messages.error(f"{plural(count - FAILURES_SHOWN, 'more failure')} not named: {reason}")
        read = self.cleaned + self.failed + self.seen
        if read == 0 and not self.skipped:
            self.messages.warning("no documents found in the inputs")
        parts = [f"{plural(read, 'document')} read", f"{self.cleaned} cleaned", f"{self.failed} failed"]
        if self.seen:
            parts.append(f"{self.seen} already indexed (not cleaned again)")
        if self.skipped:
            parts.append(f"{plural(self.skipped, 'non-article record')} skipped")
        parts += [summary(count) for kind, summary in NOTICES.items() if (count := self.notices[kind])]
        self.messages.info(", ".join(parts + list(figures)))
        # the answer --check asked for comes first, as grep -q's does: a crawl where a page fails (a
        # page of menus only: "no article text") still says that it holds copies
        if check and duplicates_found:
            return typer.Exit(EXIT_DUPLICATES)
        return typer.Exit(EXIT_ERROR if self.failed else EXIT_OK)


def _inputs(paths, input_format: InputFormat) -> tuple[list[str], InputFormat]:
    """The inputs to read; no paths means one document piped to stdin (records, with record input)."""
    if paths:
        return paths, input_format
    if _isatty(sys.stdin):
        raise UsageError("no input: give files or directories, or pipe a document in (see --help)")
    records = input_format in (InputFormat.jsonl, InputFormat.parquet)
    return ["-"], input_format if records else InputFormat.document


def _raw_documents(run: Run, paths, input_format, fields, null, max_bytes, records_once=False) -> Iterator:
    """Read the inputs (see :func:`_inputs`); with ``records_once``, a record read again passed on once
    (clusters name their members by id; ``clean`` passes records through as they come)."""
    from ..read import each_record_once, field_map, read_documents

    _refuse_fields_without_records(fields, input_format)
    paths, input_format = _inputs(paths, input_format)
    docs = read_documents(
        paths,
        input_format=input_format.value,
        fields=field_map(fields or ()),
        stdin=sys.stdin.buffer,
        null_separated=null,
        max_bytes=max_bytes,
        on_error=run.on_error,
        outputs=run.written_files,
    )
    return each_record_once(docs, run.on_error) if records_once else docs


def _cleaned(run: Run, raw, jobs: int, timeout: float, settings=None) -> Generator:
    """Clean documents; given dedup ``settings``, (document, fingerprint) pairs.

    A caller that may stop early closes it (``contextlib.closing``): closing shuts the worker pool
    down there and then (its workers finish the chunks already handed to them), where an interrupted
    run would otherwise keep it going until the interpreter is torn down.
    """
    from ..pipeline import clean_and_fingerprint, clean_documents

    jobs = worker_count(jobs)
    if settings is None:
        return run.count(clean_documents(raw, jobs=jobs, timeout=timeout, on_error=run.on_error))
    return run.count(clean_and_fingerprint(raw, settings, jobs=jobs, timeout=timeout, on_error=run.on_error))


@app.command(cls=PlainCommand)
def clean(
    paths: Paths = None,
    fmt: FormatOpt = None,
    input_format: InputFormatOpt = InputFormat.paths,
    field: Fields = None,
    null: Null = False,
    max_bytes: MaxBytes = DEFAULT_MAX_SIZE,
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
    raw = _raw_documents(run, paths, input_format, field, null, max_bytes)
    with closed_stdout_ends_quietly():
        with closing(_cleaned(run, raw, jobs, timeout)) as cleaned:
            options.writer().documents(cleaned, sys.stdout)
    raise run.finish()


def _refuse_fields_without_records(fields, input_format: InputFormat) -> None:
    # a .jsonl file read as one page, its --field mapping silently unused, is no run the user meant
    if fields and input_format not in (InputFormat.jsonl, InputFormat.parquet):
        raise UsageError("--field maps the keys of records: it needs -i jsonl or -i parquet")


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _given_settings(**values) -> dict:
    """The settings options given on the command line (unset ones are None)."""
    return {name: getattr(value, "value", value) for name, value in values.items() if value is not None}


@app.command(cls=PlainCommand)
def dedup(
    ctx: typer.Context,
    paths: Paths = None,
    fmt: FormatOpt = None,
    by: Annotated[
        Shape,
        typer.Option(
            envvar="NEWSDEDUP_BY",
            parser=choice(Shape),
            metavar="SHAPE",
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
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Table and text formats: every cluster with its members and canonical text, instead of one "
            "line per cluster with copies (the other formats always carry everything).",
        ),
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
        bool,
        typer.Option(
            "--check",
            help="Exit with 1 when any duplicates were found, even if some input failed (like grep -q); else 2 when some input failed, 0 when none did.",
        ),
    ] = False,
    threshold: Threshold = None,
    shingle_size: ShingleSize = None,
    num_perm: NumPerm = None,
    bands: Bands = None,
    min_shared: MinShared = None,
    canonical: CanonicalOpt = None,
    templates: Templates = None,
    input_format: InputFormatOpt = InputFormat.paths,
    field: Fields = None,
    null: Null = False,
    max_bytes: MaxBytes = DEFAULT_MAX_SIZE,
    jobs: Jobs = 0,
    timeout: Timeout = DEFAULT_TIMEOUT,
    engine: EngineOpt = Engine.local,
    scheduler: Scheduler = None,
    output: OutputDir = None,
    output_format: OutputFormatOpt = OutputFormat.jsonl,
    work_dir: WorkDir = None,
    errors: ErrorsFile = None,
    quiet: Quiet = False,
    no_color: NoColor = False,
) -> None:
    """Cluster near-duplicate articles and print each cluster with its canonical text.

    --by cluster (default): one record per cluster, singletons included: cluster, size (with --db also indexed_size), canonical (id, path, title, text, url, date, language) and members (id, path, title, similarity to the canonical, status). --by doc: one record per document: id, path, title, url, date, language, cluster, size, canonical (true/false), canonical_id, similarity, status, too_short. --unique: one record per cluster, its canonical document as clean writes it (with its text) plus cluster, size and members (as in --by cluster).

    Status is "new" without --db; with --db it is "new" (a story no earlier run indexed), "duplicate" (a copy of one) or "seen" (a document indexed by an earlier run). docs/records.md shows every record with an example.
    """

    given = _given_settings(
        threshold=threshold,
        shingle_size=shingle_size,
        num_perm=num_perm,
        bands=bands,
        min_shared=min_shared,
        canonical=canonical,
        templates=templates,
    )
    if only_new and db is None:
        raise UsageError("--only-new needs --db: new means not seen by an earlier run of that index")
    options = OutputOptions.resolve(fmt, quiet, no_color)
    view = ClusterView(by.value, unique, full, indexed=db is not None)
    if engine is Engine.dask:
        from .dask_run import DaskRequest, dedup_on_dask

        request = DaskRequest(jobs, scheduler, work_dir, output, output_format.value, view, dupes_only, check)
        _refuse_stdout_format_with_output(ctx, output)
        _refuse_fields_without_records(field, input_format)
        inputs, input_format = _inputs(paths, input_format)
        read = {
            "input_format": input_format.value,
            "fields": field,
            "null_separated": null,
            "max_bytes": max_bytes,
        }
        raise dedup_on_dask(_dedup_run(options, errors, db), request, inputs, read, timeout, given, db)
    _refuse_without_dask(ctx, "scheduler", "output", "work_dir")
    run = _dedup_run(options, errors, db)
    raw = _raw_documents(run, paths, input_format, field, null, max_bytes, records_once=True)
    tally = ClusterTally()

    def deliver(clusters: list, settings) -> None:
        # with --db this runs before the index commits: output that fails (a full disk, a closed
        # pipe) leaves the index as it was, and the next run gives these stories again
        nonlocal tally
        tally = ClusterTally.of(clusters)
        if dupes_only:
            clusters = [c for c in clusters if c.size > 1]
        if only_new:
            clusters = _only_new(clusters)
        options.writer().clusters(clusters, replace(view, settings=settings), sys.stdout)
        sys.stdout.flush()

    with closed_stdout_ends_quietly():
        if db is None:
            from ..pipeline import cluster_documents

            settings = run_settings(given)
            with closing(_cleaned(run, raw, jobs, timeout, settings)) as printed:
                cluster_documents(
                    printed, settings, on_error=run.on_error, deliver=partial(deliver, settings=settings)
                )
        else:
            _cluster_with_index(run, raw, db, given, jobs, timeout, deliver)
    raise run.finish(summary_figures(tally), tally.duplicates > 0, check)


def _dedup_run(options: OutputOptions, errors: str | None, db: str | None) -> Run:
    run = Run(options, errors)
    run.index_path = db if db and "://" not in db else None  # a SQLite file: not an input
    return run


def summary_figures(tally: ClusterTally) -> tuple[str, ...]:
    """The run's figures for its summary line (counted before --dupes-only or --only-new filter the output)."""
    found = [plural(tally.clusters, "cluster"), plural(tally.duplicates, "duplicate")]
    if tally.statuses:
        found.append(
            f"{tally.statuses['new']} new, {tally.statuses['duplicate']} repeating earlier runs' stories"
        )
    if tally.too_short:
        found.append(
            f"{tally.too_short} too short to judge as near-duplicates (only identical copies are found)"
        )
    return tuple(found)


def _refuse_stdout_format_with_output(ctx: typer.Context, output: str | None) -> None:
    """``-f`` given on the command line with ``--output``, which sends nothing to stdout (it was ignored)."""
    source = ctx.get_parameter_source("fmt")
    if output and source is not None and source.name == "COMMANDLINE":
        raise UsageError(
            "--format is what goes to stdout, and with --output nothing does: choose the files' "
            "format with --output-format"
        )


def _refuse_without_dask(ctx: typer.Context, *names: str) -> None:
    """Options of the Dask engine given on the command line without it (their environment variables, such
    as Dask's own DASK_SCHEDULER_ADDRESS, only count with --engine dask)."""
    for name in names:
        source = ctx.get_parameter_source(name)
        if source is not None and source.name == "COMMANDLINE":  # typer may carry its own click
            option = "--" + name.replace("_", "-")
            raise UsageError(f"{option} needs --engine dask")


def _cluster_with_index(run: Run, raw, db: str, given: dict, jobs: int, timeout: float, deliver) -> None:
    """Cluster against the index at ``db`` with its settings, ``given`` ones in their place for this run, and
    ``deliver(clusters, settings)`` before the index commits."""
    from ..indexed import IndexedRun
    from ..pipeline import cluster_documents

    with _index_for_writing(db, given, run.messages.warning) as store:
        indexed = IndexedRun(store, store.settings)
        # clean everything first: the index is locked only while clustering
        printed = list(_cleaned(run, indexed.unseen(raw), jobs, timeout, store.settings))
        cluster_documents(
            printed,
            store.settings,
            indexed,
            on_error=run.on_error,
            deliver=partial(deliver, settings=store.settings),
        )
        run.seen = len(indexed.seen)
        run.cleaned -= indexed.indexed_meanwhile  # counted as already indexed, not twice


@contextmanager
def _index_for_writing(db: str, given: dict, on_wait):
    """The index at ``db`` for writing: an existing one with ``given`` over its settings for this run (it
    keeps its own; those of its identity must agree), a new one built with the defaults and ``given``.
    ``on_wait`` is told when the run has to wait for another's batch."""
    from ..store import NoIndex, open_store

    try:
        with open_store(db) as existing:
            settings = run_settings({**existing.settings.as_dict(), **given})
    except NoIndex:
        settings = run_settings(given)
    with open_store(db, settings, on_wait=on_wait) as store:
        yield store


@contextmanager
def _index_for_reading(db: str, *, writable: bool = False, on_wait=None):
    from ..store import open_store

    with open_store(db, writable=writable, on_wait=on_wait) as store:
        yield store


def _only_new(clusters):
    """Keep the documents of stories nobody indexed before (and the clusters that hold them)."""
    kept = []
    for cluster in clusters:
        members = [m for m in cluster.members if m.document.meta.get("status", "new") == "new"]
        if members:
            kept.append(replace(cluster, members=members))
    return kept


@app.command(cls=PlainCommand)
def explain(
    first: Annotated[
        str,
        typer.Argument(metavar="FIRST", help="A document (a file path, or - for stdin).", show_default=False),
    ],
    second: Annotated[
        str, typer.Argument(metavar="SECOND", help="The document to compare it with.", show_default=False)
    ],
    fmt: FormatOpt = None,
    threshold: Threshold = None,
    shingle_size: ShingleSize = None,
    min_shared: MinShared = None,
    max_bytes: MaxBytes = DEFAULT_MAX_SIZE,
    quiet: Quiet = False,
    no_color: NoColor = False,
) -> None:
    """Show why two documents are or are not copies.

    The verification figures, and the passages of FIRST that SECOND also carries (highlighted on a terminal; one JSON object with --format json/jsonl or in a pipe).
    """
    from ..explain import explain as explain_pair

    if first == second:  # a file is read once, standard input can be read once
        raise UsageError(f"explain compares two documents: {printable(first)} was given as both")
    settings = run_settings(
        _given_settings(threshold=threshold, shingle_size=shingle_size, min_shared=min_shared)
    )
    options = OutputOptions.resolve(fmt, quiet, no_color)
    run = Run(options)
    raw = [_one_document(run, name, max_bytes) for name in (first, second)]
    docs = list(_cleaned(run, [doc for doc in raw if doc is not None], 1, DEFAULT_TIMEOUT))
    if len(docs) != 2:  # each failure was reported
        raise typer.Exit(EXIT_ERROR)
    with closed_stdout_ends_quietly():
        options.writer().explanation(explain_pair(docs[0], docs[1], settings), sys.stdout)
    raise typer.Exit(EXIT_OK)


def _one_document(run: Run, name: str, max_bytes: int):
    """The one document ``name`` holds (None when it could not be read: reported); a WARC archive or a
    directory of several is refused, as comparing some other pair would answer a question not asked."""
    failed = run.failed
    docs = list(_raw_documents(run, [name], InputFormat.document, None, False, max_bytes))
    if not docs and run.failed == failed:  # records passed over only (a WARC archive of images, redirects)
        run.on_error(DocumentError(name, "no page in it to compare"))
    if len(docs) > 1:
        raise UsageError(
            f"explain compares two documents: {printable(name)} holds {len(docs)} (a WARC archive, a directory?)"
        )
    return docs[0] if docs else None


index_app = typer.Typer(
    cls=PlainGroup, no_args_is_help=True, help="Look after a persistent index (the --db of dedup)."
)
app.add_typer(index_app, name="index")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@index_app.command("stats", cls=PlainCommand)
def index_stats(db: DbArgument, fmt: FormatOpt = None) -> None:
    """Print the index's size: documents, clusters, largest cluster, bytes, first and last run."""
    options = OutputOptions.resolve(fmt, False, False)
    with _index_for_reading(db, on_wait=Messages().warning) as store, closed_stdout_ends_quietly():
        options.writer().records([store.stats()], sys.stdout)


@index_app.command("prune", cls=PlainCommand)
def index_prune(
    db: DbArgument,
    older_than: Annotated[
        str,
        typer.Option(
            "--older-than",
            metavar="AGE",
            help="Age of the documents to remove: a number and s, m, h, d or w (30d).",
        ),
    ],
    quiet: Quiet = False,
) -> None:
    """Remove documents first seen longer ago than --older-than; clusters left empty go too."""
    seconds = _duration(older_than)
    messages = Messages(quiet)
    with _index_for_reading(db, writable=True, on_wait=messages.warning) as store:
        removed = store.prune(seconds)
    messages.info(f"{removed} documents removed")


@index_app.command("export", cls=PlainCommand)
def index_export(db: DbArgument, fmt: FormatOpt = None) -> None:
    """Print every indexed document: id, path, url, title, date, language, first_seen, cluster."""
    from ..store.types import StoredDocument

    options = OutputOptions.resolve(fmt, False, False)
    if options.format in ("text", "table"):
        options = replace(options, format="jsonl")
    with _index_for_reading(db, on_wait=Messages().warning) as store, closed_stdout_ends_quietly():
        with closing(store.export()) as records:  # ended while the index is open (a reader gone away)
            options.writer().records(records, sys.stdout, StoredDocument.empty().record())


def _duration(text: str) -> float:
    number, unit = text[:-1], text[-1:].lower()
    try:
        seconds = float(number) * DURATION_UNITS[unit]
    except (KeyError, ValueError):
        seconds = math.nan
    if not 0 <= seconds < math.inf:  # a negative age would remove everything, even this hour's documents
        raise UsageError(
            f"--older-than takes a number of 0 or more and s, m, h, d or w (like 30d), got {text!r}"
        )
    return seconds


def main() -> None:
    """The command, once loaded (:func:`newsdedup.cli.main`, the console script, has set SIGTERM to end
    it with 143 as Ctrl-C does with 130, without a traceback)."""
    collect_less()  # this process runs one batch and exits (see newsdedup.collector)
    try:
        app()
    except KeyboardInterrupt:  # before typer took charge of it (while it builds the command)
        raise SystemExit(EXIT_INTERRUPTED) from None
    except Exception as error:  # a bug: exit 1 would read as --check's "duplicates found"
        try:
            sys.excepthook(type(error), error, error.__traceback__)  # typer's, in colour
        except Exception:
            traceback.print_exception(error)
        raise SystemExit(EXIT_INTERNAL_ERROR) from None
