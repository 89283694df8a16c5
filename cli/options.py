"""Options shared by the commands, declared once (typer ``Annotated`` aliases).

Defaults come from :class:`core.settings.DedupSettings`; every option a cron job
would set has an environment variable.
"""

from __future__ import annotations

import os
from enum import Enum
from typing import Annotated

import typer

from ..readers import DEFAULT_MAX_BYTES  # noqa: F401  (re-exported for the commands)
from ..settings import CANONICAL_RULES, DedupSettings

DEFAULTS = DedupSettings()


class Format(str, Enum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    text = "text"
    table = "table"


class Shape(str, Enum):
    cluster = "cluster"
    doc = "doc"


class InputFormat(str, Enum):
    paths = "paths"
    jsonl = "jsonl"


Canonical = Enum("Canonical", {rule: rule for rule in CANONICAL_RULES}, type=str)

Paths = Annotated[
    list[str],
    typer.Argument(
        help="Files, directories (read recursively), glob patterns, WARC files, or - for a list of paths "
        "on stdin (with --input-format jsonl: JSON Lines files, - for records on stdin).",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        envvar="NEWSDEDUP_FORMAT",
        help="Output format. Default: table when stdout is a terminal, jsonl otherwise.",
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
        help="paths: files to read; jsonl: JSON Lines records with an id and html or text (url, title, date optional).",
    ),
]
Fields = Annotated[
    list[str] | None,
    typer.Option(
        "--field",
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
        min=1,
        help="Skip (and report) documents larger than this, before or after gzip decompression.",
    ),
]
Jobs = Annotated[
    int,
    typer.Option(
        "--jobs",
        "-j",
        envvar="NEWSDEDUP_JOBS",
        min=0,
        help="Worker processes for cleaning and fingerprinting; 0 means one per core.",
    ),
]
Timeout = Annotated[
    float,
    typer.Option(
        "--timeout",
        envvar="NEWSDEDUP_TIMEOUT",
        min=0.1,
        help="Seconds one document may take to clean before it is reported and skipped.",
    ),
]
ErrorsFile = Annotated[
    str | None,
    typer.Option(
        "--errors",
        envvar="NEWSDEDUP_ERRORS",
        help="Also write every failed input to this file as JSON Lines {source, reason}, for a retry.",
        show_default=False,
    ),
]
Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="NEWSDEDUP_DB",
        help="Persistent index, a SQLite file or redis://[:password@]host:port/N: documents are clustered "
        "together with everything indexed by earlier runs, and added to it.",
        show_default=False,
    ),
]
DbArgument = Annotated[
    str,
    typer.Argument(
        envvar="NEWSDEDUP_DB", help="The index: a SQLite file or redis://host:port/N.", show_default=False
    ),
]
Threshold = Annotated[
    float,
    typer.Option(
        envvar="NEWSDEDUP_THRESHOLD",
        min=0.01,
        max=1.0,
        help="Containment (shared shingles / shingles of the shorter text) two documents must reach, "
        "as a 99% lower confidence bound, to be copies.",
    ),
]
ShingleSize = Annotated[
    int, typer.Option(envvar="NEWSDEDUP_SHINGLE_SIZE", min=1, max=10, help="Words per shingle.")
]
NumPerm = Annotated[
    int, typer.Option(envvar="NEWSDEDUP_NUM_PERM", min=8, max=1024, help="MinHash permutations.")
]
Bands = Annotated[
    int,
    typer.Option(
        envvar="NEWSDEDUP_BANDS",
        min=1,
        help="LSH bands (must divide --num-perm); more bands, more candidates.",
    ),
]
MinShared = Annotated[
    int, typer.Option(envvar="NEWSDEDUP_MIN_SHARED", min=1, help="Shingles two copies must share at least.")
]
CanonicalOpt = Annotated[
    Canonical,
    typer.Option(
        envvar="NEWSDEDUP_CANONICAL",
        help="Which member stands for a cluster: longest (most complete text), central (shares most "
        "with the others) or earliest (date).",
    ),
]


DEFAULT_CANONICAL = Canonical(DEFAULTS.canonical)
DEFAULT_TIMEOUT = 60.0


def worker_count(jobs: int) -> int:
    """``--jobs 0`` means one worker per core."""
    return jobs or os.cpu_count() or 1
