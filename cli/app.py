"""The ``newsdedup`` command: thin typer layer over :mod:`core`.

Exit codes: 0 success; 1 with ``--check`` when duplicates were found; 2 usage
error or at least one input that could not be read or cleaned (the others are
still processed and written); 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from enum import Enum
from typing import Annotated

import typer
from typer.core import TyperGroup

from cli.output import (
    Format,
    FormatOption,
    Messages,
    NoColorOption,
    OutputOptions,
    QuietOption,
    cluster_record,
    document_record,
    write_json_array,
    write_json_lines,
    write_text_clusters,
    write_text_documents,
)
from core.canonical import RULES as CANONICAL_RULES
from core.readers import DEFAULT_MAX_BYTES

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


Canonical = Enum("Canonical", {rule: rule for rule in CANONICAL_RULES}, type=str)

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

PathsArgument = Annotated[
    list[str],
    typer.Argument(
        help="Files, directories (read recursively), glob patterns, or - to read a list of paths from stdin.",
        show_default=False,
    ),
]
NullOption = Annotated[
    bool,
    typer.Option("--null", "-0", help="With -, paths on stdin are separated by NUL bytes (find -print0)."),
]
MaxBytesOption = Annotated[
    int,
    typer.Option(
        "--max-bytes",
        envvar="NEWSDEDUP_MAX_BYTES",
        min=1,
        help="Skip (and report) files larger than this, before or after gzip decompression.",
    ),
]


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
    """Bookkeeping of one command run: messages, failures, the exit code."""

    def __init__(self, options: OutputOptions):
        self.options = options
        self.messages = Messages(options)
        self.failed = 0
        self.read = 0

    def on_error(self, error) -> None:
        self.failed += 1
        self.messages.error(f"{error.source}: {error.reason}")

    def count(self, docs: Iterator) -> Iterator:
        with self.messages.progress("documents") as advance:
            for doc in docs:
                self.read += 1
                advance()
                yield doc

    def exit_code(self, duplicates_found: bool = False, check: bool = False) -> int:
        if self.failed:
            return EXIT_ERROR
        return EXIT_DUPLICATES if check and duplicates_found else EXIT_OK


def _documents(run: Run, paths: list[str], null: bool, max_bytes: int) -> Iterator:
    from core.pipeline import clean_documents, read_documents

    raw = read_documents(
        paths, stdin=sys.stdin, null_separated=null, max_bytes=max_bytes, on_error=run.on_error
    )
    return run.count(clean_documents(raw, on_error=run.on_error))


def _usage_error(message: str) -> typer.Exit:
    Messages(OutputOptions(Format.jsonl)).error(f"error: {message}")
    return typer.Exit(EXIT_ERROR)


@app.command()
def clean(
    paths: PathsArgument,
    fmt: FormatOption = None,
    null: NullOption = False,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    quiet: QuietOption = False,
    no_color: NoColorOption = False,
) -> None:
    """Print each document's title and clean article text, boilerplate removed.

    One JSON record per document: id, path, kind (html or text), title, text, url, date, language, site.
    """
    options = OutputOptions.resolve(fmt, quiet, no_color)
    run = Run(options)
    docs = _documents(run, paths, null, max_bytes)
    out = sys.stdout
    if options.format == Format.jsonl:
        write_json_lines((document_record(d) for d in docs), out)
    elif options.format == Format.json:
        write_json_array((document_record(d) for d in docs), out)
    elif options.format == Format.text:
        for _ in write_text_documents(docs, out):
            pass
    else:
        from cli.render import render_documents, stdout_console

        for _ in render_documents(docs, stdout_console(out, options.no_color)):
            pass
    run.messages.info(f"{run.read} documents cleaned, {run.failed} failed")
    raise typer.Exit(run.exit_code())


@app.command()
def dedup(
    paths: PathsArgument,
    fmt: FormatOption = None,
    threshold: Annotated[
        float,
        typer.Option(
            envvar="NEWSDEDUP_THRESHOLD",
            min=0.01,
            max=1.0,
            help="Containment (shared shingles / shingles of the shorter text) two documents must reach, "
            "as a 99% lower confidence bound, to be copies.",
        ),
    ] = 0.37,
    shingle_size: Annotated[
        int, typer.Option(envvar="NEWSDEDUP_SHINGLE_SIZE", min=1, max=10, help="Words per shingle.")
    ] = 3,
    num_perm: Annotated[
        int, typer.Option(envvar="NEWSDEDUP_NUM_PERM", min=8, max=1024, help="MinHash permutations.")
    ] = 128,
    bands: Annotated[
        int,
        typer.Option(
            envvar="NEWSDEDUP_BANDS",
            min=1,
            help="LSH bands (must divide --num-perm); more bands, more candidates.",
        ),
    ] = 64,
    min_shared: Annotated[
        int,
        typer.Option(envvar="NEWSDEDUP_MIN_SHARED", min=1, help="Shingles two copies must share at least."),
    ] = 25,
    canonical: Annotated[
        Canonical,
        typer.Option(
            envvar="NEWSDEDUP_CANONICAL",
            help="Which member stands for a cluster: longest (most complete text), central "
            "(shares most with the others) or earliest (date).",
        ),
    ] = Canonical.longest,
    check: Annotated[
        bool, typer.Option("--check", help="Exit with 1 when any duplicates were found (like diff or grep).")
    ] = False,
    null: NullOption = False,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    quiet: QuietOption = False,
    no_color: NoColorOption = False,
) -> None:
    """Cluster near-duplicate articles and print each cluster with its canonical text.

    One JSON record per cluster, singletons included: cluster, size, canonical (id, path, title, text,
    url, date, language) and members (id, path, title, similarity to the canonical).
    """
    from core.errors import UsageError
    from core.pipeline import DedupSettings, dedup_documents

    options = OutputOptions.resolve(fmt, quiet, no_color)
    try:
        settings = DedupSettings(
            shingle_size=shingle_size,
            num_perm=num_perm,
            bands=bands,
            threshold=threshold,
            min_shared=min_shared,
            canonical=canonical.value,
        )
    except UsageError as error:
        raise _usage_error(str(error)) from None
    run = Run(options)
    clusters = dedup_documents(_documents(run, paths, null, max_bytes), settings)
    out = sys.stdout
    if options.format == Format.jsonl:
        write_json_lines((cluster_record(c) for c in clusters), out)
    elif options.format == Format.json:
        write_json_array((cluster_record(c) for c in clusters), out)
    elif options.format == Format.text:
        write_text_clusters(clusters, out)
    else:
        from cli.render import render_clusters, stdout_console

        render_clusters(clusters, stdout_console(out, options.no_color))
    duplicates = sum(c.size - 1 for c in clusters)
    run.messages.info(
        f"{run.read} documents, {run.failed} failed, {len(clusters)} clusters, {duplicates} duplicates"
    )
    raise typer.Exit(run.exit_code(duplicates_found=duplicates > 0, check=check))


def main() -> None:
    """Console-script entry point: quiet on a closed pipe and on Ctrl-C."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("newsdedup: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (`newsdedup ... | head -1`): stop without a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
