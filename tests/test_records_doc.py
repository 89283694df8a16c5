"""Every example of docs/records.md against the real output of the command it names."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

from newsdedup.cli.app import app
from tests.conftest import REPO, SAMPLES

EXAMPLE = re.compile(r"<!-- example: (?P<spec>.*?) -->\n```(?P<kind>\w+)\n(?P<body>.*?)```", re.DOTALL)
OPTION = re.compile(r"\s*\((?P<option>shape|the file (?P<file>\S+))\)$")
ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
MORE = "…"
runner = CliRunner()


def examples() -> list[tuple[str, str, str]]:
    text = (REPO / "docs" / "records.md").read_text(encoding="utf-8")
    return [(m["spec"], m["kind"], m["body"]) for m in EXAMPLE.finditer(text)]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("records")
    shutil.copytree(SAMPLES, root / "crawl")
    (root / "empty.txt").write_text("  \n")
    return root


def real_output(spec: str, workdir, monkeypatch) -> str:
    """What the example's command writes (its stdout, or the file it names)."""
    monkeypatch.chdir(workdir)
    if not (workdir / "index.sqlite").exists():
        assert runner.invoke(app, ["dedup", "crawl", "--db", "index.sqlite", "-q"]).exit_code == 0
    option = OPTION.search(spec)
    command = OPTION.sub("", spec)
    if command.startswith("sql "):
        with sqlite3.connect(workdir / "index.sqlite") as db:
            db.row_factory = sqlite3.Row
            return json.dumps(dict(db.execute(command.removeprefix("sql ")).fetchone()))
    result = runner.invoke(app, shlex.split(command))
    assert result.exit_code in (0, 2), result.stderr
    if option and option["file"]:
        return (workdir / option["file"]).read_text(encoding="utf-8")
    return result.stdout


def matches(example, real, shape_only: bool, where: str = "record") -> None:
    """The example has the real output's fields, in its order, with its types and (unless only its shape
    counts) its values; a string ending in … is a start, a list ending in "…" goes on."""
    if isinstance(example, dict):
        assert isinstance(real, dict) and list(example) == list(real), (where, list(example), real)
        for key in example:
            matches(example[key], real[key], shape_only, f"{where}.{key}")
    elif isinstance(example, list):
        more = bool(example) and example[-1] == MORE
        listed = example[:-1] if more else example
        assert isinstance(real, list) and (len(real) >= len(listed) if more else len(real) == len(listed)), (
            where
        )
        for n, (shown, found) in enumerate(zip(listed, real, strict=False)):
            matches(shown, found, shape_only, f"{where}[{n}]")
    elif isinstance(example, str) and ISO_TIME.match(example):
        assert isinstance(real, str) and ISO_TIME.match(real), (where, real)
    elif isinstance(example, str) and example.endswith(MORE):
        assert isinstance(real, str) and real.startswith(example[: -len(MORE)]), (where, real[:80])
    elif shape_only and example is not None:
        assert type(real) is type(example), (where, real)
    else:
        assert real == example and type(real) is type(example), (where, real)


@pytest.mark.parametrize(("spec", "kind", "body"), examples(), ids=[spec for spec, _, _ in examples()])
def test_the_example_is_what_the_command_writes(spec, kind, body, workdir, monkeypatch):
    output = real_output(spec, workdir, monkeypatch)
    if kind == "csv":
        lines = body.splitlines()
        assert output.splitlines()[: len(lines)] == lines
        return
    assert kind == "json"
    matches(json.loads(body), json.loads(output.splitlines()[0]), shape_only=bool(OPTION.search(spec)))


def test_every_command_and_format_is_documented():
    specs = " ".join(spec for spec, _, _ in examples())
    for command in (
        "clean",
        "dedup crawl --by doc",
        "--unique",
        "explain",
        "index stats",
        "index export",
        "--errors",
        "-f csv",
    ):
        assert command in specs, command
    for view in ("clusters_view", "members_view", "documents_view"):
        assert f"from {view}" in specs, view
