"""Everything a scraper brings home, through the installed command: nothing crashes, nothing is lost.

Every entry of the corpus either comes out as a document or gets exactly one
``newsdedup: SOURCE: reason`` line on stderr and one record in ``--errors``; the
exit code is 2 and the summary counts the failures.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.make_corpus import SIZE_CAP, build

COMMAND = shutil.which("newsdedup") or str(Path(sys.executable).parent / "newsdedup")


def run(*args, cwd=None, input=None):
    return subprocess.run([COMMAND, *map(str, args)], capture_output=True, timeout=300, cwd=cwd, input=input)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    directory = tmp_path_factory.mktemp("hostile")
    return directory, build(directory)


@pytest.fixture(scope="module")
def cleaned(corpus, tmp_path_factory):
    directory, _ = corpus
    errors = tmp_path_factory.mktemp("out") / "errors.jsonl"
    result = run("clean", directory, "--max-bytes", SIZE_CAP, "-f", "jsonl", "--errors", errors, "-j", "1")
    return result, [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]


def test_every_good_file_comes_out_and_every_bad_one_is_reported_once(corpus, cleaned):
    directory, expected = corpus
    result, error_records = cleaned
    out_ids = {
        os.path.relpath(json.loads(line)["id"], directory) for line in result.stdout.decode().splitlines()
    }
    stderr_lines = result.stderr.decode("utf-8", "replace").splitlines()
    for name, outcome in expected.items():
        if outcome == "ok":
            assert name in out_ids, name
        elif outcome == "warc":  # its image response is not an article: counted, not an error
            assert not any("crawl.warc.gz#" in line for line in stderr_lines)
            assert "1 non-article record skipped" in stderr_lines[-1]
        elif outcome != "jsonl":
            mentions = [line for line in stderr_lines if line.startswith(f"newsdedup: {directory / name}: ")]
            assert len(mentions) == 1 and outcome in mentions[0], (name, mentions)
    assert any("urn:uuid" in i for i in out_ids)  # the WARC's HTML response
    notices = [line for line in stderr_lines if line.endswith(": symbolic link to a directory, not followed")]
    failures = [line for line in stderr_lines if line.startswith("newsdedup: ") and line not in notices]
    assert len(error_records) == len(failures)
    assert "1 symbolic link to a directory not followed" in stderr_lines[-1]  # a notice: not a failure
    assert result.returncode == 2
    assert f"{len(failures)} failed" in stderr_lines[-1]


def test_no_local_file_is_read_through_an_entity(cleaned):
    result, _ = cleaned
    assert b"root:" not in result.stdout


def test_records_that_are_not_json_or_lack_fields(corpus):
    directory, _ = corpus
    result = run("clean", "-i", "jsonl", directory / "records.jsonl", "-f", "jsonl")
    assert [json.loads(line)["id"] for line in result.stdout.decode().splitlines()] == ["r1", "r5"]
    stderr = result.stderr.decode()
    assert "records.jsonl:2: not a JSON object" in stderr
    assert "records.jsonl:3: no 'id' field" in stderr
    assert "r4: " in stderr and result.returncode == 2


def test_paths_with_spaces_and_non_utf8_bytes_from_a_nul_separated_list(corpus):
    directory, _ = corpus
    names = [b"file with spaces.txt", b"latin1-name-\xe9.txt"]
    listing = b"\0".join(os.fsencode(directory) + b"/" + name for name in names) + b"\0"
    result = run("clean", "-0", "-", "-f", "jsonl", input=listing)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2
