"""Help and errors in plain words: no Python types, no pydantic phrasing, one line per usage error."""

import inspect
import json
import re

import pytest
import typer
from typer.testing import CliRunner

from newsdedup.cli.app import app
from newsdedup.cli.values import byte_size, format_size
from newsdedup.read.decode import size_text
from tests.conftest import SAMPLES

runner = CliRunner()
COMMANDS = [
    [],
    ["clean"],
    ["dedup"],
    ["explain"],
    ["index"],
    ["index", "stats"],
    ["index", "prune"],
    ["index", "export"],
]
PYTHON_WORDS = re.compile(r"<(bool|str|int|float|list\[[^]]*\])[^>]*>|\{\w+\}|int range|float range")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "newsdedup")
@pytest.mark.parametrize("columns", ["60", "100", "160"])
def test_help_reads_as_words(command, columns):
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": columns, "NO_COLOR": "1"})
    assert result.exit_code == 0
    assert not PYTHON_WORDS.search(result.stdout), PYTHON_WORDS.search(result.stdout)
    assert "Usage: " in result.stdout


def test_the_help_names_the_values_an_option_takes():
    help_text = runner.invoke(app, ["dedup", "--help"], env={"COLUMNS": "160"}).stdout
    assert "Usage: root dedup [OPTIONS] [PATH...]" in help_text
    for option, metavar in (
        ("--format", "FORMAT"),
        ("--jobs", "N"),
        ("--max-bytes", "SIZE"),
        ("--db", "INDEX"),
    ):
        assert re.search(rf"{option}\s+(-\w\s+)?{metavar}\s", help_text), option
    assert "[default: 20MiB]" in help_text


def command_callbacks(typer_app: typer.Typer):
    for info in typer_app.registered_commands:
        yield info.callback
    for group in typer_app.registered_groups:
        yield from command_callbacks(group.typer_instance)


def test_every_paragraph_of_a_docstring_is_one_line_so_help_wraps_it_at_any_width():
    for callback in command_callbacks(app):
        doc = inspect.getdoc(callback)
        assert doc, callback.__name__
        for paragraph in doc.split("\n\n"):
            assert "\n" not in paragraph, (callback.__name__, paragraph)


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--format", "xml"], {}, "--format / -f: 'xml' is not one of jsonl, json, csv, tsv, text, table"),
        (["--by", "foo"], {}, "--by: 'foo' is not one of cluster, doc"),
        (["--canonical", "foo"], {}, "--canonical: 'foo' is not one of longest, central, earliest"),
        (["--jobs", "-1"], {}, "--jobs / -j: must be at least 0, got -1"),
        (["--jobs", "two"], {}, "--jobs / -j: 'two' is not a whole number"),
        (["--timeout", "0"], {}, "--timeout: must be at least 0.1, got 0"),
        # before: every page failed, "cleaning failed (OverflowError: timestamp out of range ...)"
        (
            [],
            {"NEWSDEDUP_TIMEOUT": "1e10"},
            "--timeout (from NEWSDEDUP_TIMEOUT): must be at most 1e+06, got 10000000000",
        ),
        (["--num-perm", "x"], {}, "--num-perm: 'x' is not a whole number"),
        (["--threshold", "a lot"], {}, "--threshold: 'a lot' is not a number"),
        (["--threshold", "2"], {}, "the threshold must be more than 0 and at most 1, got 2.0"),
        (["--max-bytes", "20XB"], {}, "--max-bytes: '20XB' is not a size"),
        ([], {"NEWSDEDUP_JOBS": "many"}, "--jobs / -j (from NEWSDEDUP_JOBS): 'many' is not a whole number"),
        (
            [],
            {"NEWSDEDUP_QUIET": "maybe"},
            "--quiet / -q (from NEWSDEDUP_QUIET): 'maybe' is neither true nor false: use 1, true, yes or on; "
            "0, false, no or off",
        ),
        (["--no-such-option"], {}, "No such option: --no-such-option"),
    ],
)
def test_a_bad_value_is_one_plain_line_and_exit_2(args, env, says):
    result = runner.invoke(app, ["dedup", str(SAMPLES), *args], env=env)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("newsdedup: error: ")
    assert says in result.stderr
    assert not re.search(r"Value error|Input should|Traceback|╭", result.stderr)


def test_a_missing_argument_is_one_line():
    result = runner.invoke(app, ["index", "stats"])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "Missing argument 'INDEX'" in result.stderr


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("1048576", 1048576),
        ("512k", 512 * 1024),
        ("20M", 20 * 1024**2),
        ("20MiB", 20 * 1024**2),
        ("20MB", 20_000_000),
        ("1GiB", 1024**3),
        ("1.5k", 1536),
        ("2 kB", 2000),
        ("7B", 7),
    ],
)
def test_sizes_take_units(text, size):
    assert byte_size(text) == size


@pytest.mark.parametrize("text", ["", "MB", "-1k", "0", "20 XB", "1e6"])
def test_a_size_without_a_number_or_with_an_unknown_unit_is_refused(text):
    with pytest.raises(typer.BadParameter):
        byte_size(text)


def test_sizes_print_in_the_largest_whole_unit():
    assert [format_size(n) for n in (20 * 1024**2, 512 * 1024, 1000)] == ["20MiB", "512KiB", "1kB"]


def test_max_bytes_with_a_unit_reaches_the_reader():
    assert runner.invoke(app, ["dedup", str(SAMPLES), "--max-bytes", "20MB", "-q"]).exit_code == 0
    result = runner.invoke(app, ["dedup", str(SAMPLES), "--max-bytes", "1k", "-q"])
    assert result.exit_code == 2 and "larger than" in result.stderr and result.stdout == ""


def test_the_unique_record_lists_its_members_as_the_cluster_record_does():
    unique = runner.invoke(app, ["dedup", str(SAMPLES), "--unique", "-q"]).stdout.splitlines()
    clusters = runner.invoke(app, ["dedup", str(SAMPLES), "-q"]).stdout.splitlines()
    for unique_line, cluster_line in zip(unique, clusters, strict=True):
        assert json.loads(unique_line)["members"] == json.loads(cluster_line)["members"]


def test_an_os_error_without_a_file_name_is_its_reason_alone(capsys):
    import errno

    from newsdedup.cli.app import exit_for

    exit_for(OSError(errno.EPIPE, "Broken pipe"))
    exit_for(FileNotFoundError(errno.ENOENT, "No such file or directory", "news.db"))
    assert capsys.readouterr().err.splitlines() == [
        "newsdedup: error: Broken pipe",
        "newsdedup: error: news.db: No such file or directory",
    ]


@pytest.mark.parametrize(
    "limit, told",
    [("20MB", "20 MB"), ("20M", "20 MiB"), ("512k", "512 KiB"), ("1500", "1500 bytes"), ("2GiB", "2 GiB")],
)
def test_a_size_limit_is_told_in_the_unit_it_was_given_in(limit, told):
    # Before: 20MB was told as "the 19.1 MB limit", and 20MiB as "the 20.0 MB limit".
    assert size_text(byte_size(limit)) == told
