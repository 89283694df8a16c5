"""Options shared by the commands, declared once (typer ``Annotated`` aliases).

Choices and help come from the library's registries (input formats, canonical
rules, index backends) and its settings; their values are checked by
:class:`newsdedup.settings.DedupSettings`, in one place. Every option a cron
job would set has an environment variable.
"""

from __future__ import annotations

import os
from enum import Enum
from typing import Annotated

import typer

from ..canonical import RULES as CANONICAL_RULES
from ..read import DEFAULT_MAX_BYTES, INPUT_FORMATS
from ..settings import MAX_TIMEOUT, DedupSettings
from .output import WRITERS
from .values import SIZE_HELP, byte_size, choice, format_size, not_empty, number, whole_number

DEFAULTS = DedupSettings()
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_SIZE = format_size(DEFAULT_MAX_BYTES)  # as the help shows it; the parser makes it bytes

Format = Enum("Format", {name: name for name in WRITERS}, type=str)
InputFormat = Enum("InputFormat", {name: name for name in INPUT_FORMATS}, type=str)
Canonical = Enum("Canonical", {name: name for name in CANONICAL_RULES}, type=str)


class Shape(str, Enum):
    cluster = "cluster"
    doc = "doc"


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class OutputFormat(str, Enum):  # the files of --output (OUTPUT_FORMATS of newsdedup.dask_engine.output)
    jsonl = "jsonl"
    parquet = "parquet"


Paths = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="PATH...",
        help="Files, directories (read recursively), glob patterns, WARC files, or - for a list of paths "
        "on stdin (with --input-format jsonl: JSON Lines files, - for records on stdin). None: one "
        "document piped to stdin (zcat page.html.gz | newsdedup clean).",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        envvar="NEWSDEDUP_FORMAT",
        parser=choice(Format),
        metavar="FORMAT",
        help=f"Output format: {', '.join(WRITERS)}. Default: table when stdout is a terminal, jsonl "
        "otherwise. csv and tsv put a nested field in parent_field columns and join the ids of a list "
        "with |; html is one self-contained page (docs/records.md has every record).",
        show_default=False,
    ),
]
Quiet = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        envvar="NEWSDEDUP_QUIET",
        help="No messages on stderr except errors; data is never silenced.",
    ),
]
NoColor = Annotated[
    bool, typer.Option("--no-color", help="No colours (the NO_COLOR environment variable does the same).")
]
InputFormatOpt = Annotated[
    InputFormat,
    typer.Option(
        "--input-format",
        "-i",
        envvar="NEWSDEDUP_INPUT_FORMAT",
        parser=choice(InputFormat),
        metavar="FORMAT",
        help="; ".join(f"{name}: {summary}" for name, summary in INPUT_FORMATS.items()) + ".",
    ),
]
Fields = Annotated[
    list[str] | None,
    typer.Option(
        "--field",
        metavar="NAME=KEY",
        help="With jsonl input, the record key of a field, as NAME=KEY (e.g. --field text=body --field id=uuid).",
        show_default=False,
    ),
]
Null = Annotated[
    bool,
    typer.Option("--null", "-0", help="With -, paths on stdin are separated by NUL bytes (find -print0)."),
]
MaxBytes = Annotated[
    int,
    typer.Option(
        "--max-bytes",
        envvar="NEWSDEDUP_MAX_BYTES",
        parser=byte_size,
        metavar="SIZE",
        help=f"Skip (and report) documents larger than this, before or after gzip decompression: {SIZE_HELP}.",
    ),
]
Jobs = Annotated[
    int,
    typer.Option(
        "--jobs",
        "-j",
        envvar="NEWSDEDUP_JOBS",
        parser=whole_number(minimum=0),
        metavar="N",
        help="Worker processes for cleaning and fingerprinting (with --engine dask, the workers of the "
        "local Dask cluster); 0 means one per core.",
    ),
]
Timeout = Annotated[
    float,
    typer.Option(
        "--timeout",
        envvar="NEWSDEDUP_TIMEOUT",
        parser=number(minimum=0.1, maximum=MAX_TIMEOUT),
        metavar="SECONDS",
        help="Seconds one document may take to clean before it is reported and skipped (at least 0.1, "
        "at most 1000000).",
    ),
]
INDEX_NAMED = "a SQLite file or a redis:// URL"
ErrorsFile = Annotated[
    str | None,
    typer.Option(
        "--errors",
        metavar="FILE",
        envvar="NEWSDEDUP_ERRORS",
        parser=not_empty("a file name"),
        help="Also write every failed input to this file as JSON Lines {source, reason}, for a retry.",
        show_default=False,
    ),
]
Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="NEWSDEDUP_DB",
        metavar="INDEX",
        parser=not_empty(INDEX_NAMED),
        help="Persistent index, a SQLite file or redis://[:password@]host:port/N: documents are clustered "
        "together with everything indexed by earlier runs, and added to it. It keeps the settings it was "
        "built with.",
        show_default=False,
    ),
]
EngineOpt = Annotated[
    Engine,
    typer.Option(
        "--engine",
        envvar="NEWSDEDUP_ENGINE",
        parser=choice(Engine),
        metavar="ENGINE",
        help="local: worker processes on this machine; dask: a Dask cluster, a local one of --jobs workers "
        "or the one at --scheduler, for more than one machine takes (pip install 'newsdedup\\[dask]'; "
        "same clusters as local; no --db).",
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        envvar="DASK_SCHEDULER_ADDRESS",
        metavar="ADDRESS",
        help="With --engine dask: the scheduler of an existing Dask cluster (tcp://host:8786) instead of "
        "a local one; its workers need newsdedup installed.",
        show_default=False,
    ),
]
OutputDir = Annotated[
    str | None,
    typer.Option(
        "--output",
        envvar="NEWSDEDUP_OUTPUT",
        metavar="DIR",
        help="With --engine dask: write the records into this new or empty directory (a path or a URL) "
        "as files part-NNNNNN.jsonl or .parquet, instead of stdout; DIR/_SUCCESS is written last, once "
        "every file is complete.",
        show_default=False,
    ),
]
OutputFormatOpt = Annotated[
    OutputFormat,
    typer.Option(
        "--output-format",
        envvar="NEWSDEDUP_OUTPUT_FORMAT",
        parser=choice(OutputFormat),
        metavar="FORMAT",
        help="The files of --output: jsonl or parquet.",
    ),
]
WorkDir = Annotated[
    str | None,
    typer.Option(
        "--work-dir",
        envvar="NEWSDEDUP_WORK_DIR",
        metavar="DIR",
        help="With --engine dask: where the workers keep the run's fingerprints until it ends (default a "
        "temporary directory; with --scheduler, storage every worker reaches: a shared disk or a URL).",
        show_default=False,
    ),
]
DbArgument = Annotated[
    str,
    typer.Argument(
        envvar="NEWSDEDUP_DB",
        metavar="INDEX",
        parser=not_empty(INDEX_NAMED),
        help="The index: a SQLite file or redis://host:port/N.",
        show_default=False,
    ),
]


def _setting(envvar: str, text: str, name: str, parser, metavar: str):
    """An option of the settings: unset, it is the default, or with --db the index's own setting.
    Only its form is checked here; :class:`DedupSettings` checks its value."""
    return typer.Option(
        envvar=envvar,
        parser=parser,
        metavar=metavar,
        help=f"{text} (default {getattr(DEFAULTS, name)}; with --db, the index's).",
        show_default=False,
    )


Threshold = Annotated[
    float | None,
    _setting(
        "NEWSDEDUP_THRESHOLD",
        "Containment (shared shingles / shingles of the shorter text) two documents must reach, "
        "as a 99% lower confidence bound, to be copies",
        "threshold",
        number(),
        "NUMBER",
    ),
]
ShingleSize = Annotated[
    int | None,
    _setting("NEWSDEDUP_SHINGLE_SIZE", "Words per shingle", "shingle_size", whole_number(), "N"),
]
NumPerm = Annotated[
    int | None, _setting("NEWSDEDUP_NUM_PERM", "MinHash permutations", "num_perm", whole_number(), "N")
]
Bands = Annotated[
    int | None,
    _setting(
        "NEWSDEDUP_BANDS",
        "LSH bands (must divide --num-perm); more bands, more candidates",
        "bands",
        whole_number(),
        "N",
    ),
]
MinShared = Annotated[
    int | None,
    _setting(
        "NEWSDEDUP_MIN_SHARED", "Shingles two copies must share at least", "min_shared", whole_number(), "N"
    ),
]
Templates = Annotated[
    bool | None,
    typer.Option(
        "--templates/--no-templates",
        envvar="NEWSDEDUP_TEMPLATES",
        help="Strip the lines that stand on most pages of a site (its template) before clustering, "
        "learned from the run's pages and, with --db, the latest 100 pages of each site the index "
        "has seen (default on; with --db, the index's setting).",
        show_default=False,
    ),
]
CanonicalOpt = Annotated[
    Canonical | None,
    _setting(
        "NEWSDEDUP_CANONICAL",
        "Which member stands for a cluster: "
        + "; ".join(f"{rule.name}, {rule.summary}" for rule in CANONICAL_RULES.values()),
        "canonical",
        choice(Canonical),
        "RULE",
    ),
]


def worker_count(jobs: int) -> int:
    """``--jobs 0`` means one worker per core."""
    return jobs or os.cpu_count() or 1
