"""``dedup --engine dask`` through the command: the local engine's output byte for byte, files with
``--output``, Parquet, URL and stdin inputs, and the mistakes a user can make."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdedup.cli.app import app
from tests.conftest import SAMPLES, shared_path, slow_page
from tests.dask_cluster import need_dask

runner = CliRunner()


def invoke(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], **kwargs)


def on_dask(scheduler: str, *args, **kwargs):
    return invoke("dedup", *args, "--engine", "dask", "--scheduler", scheduler, **kwargs)


def story_copied_1000_times(out: Path, others: int = 1500) -> Path:
    """A directory of ``others`` + 1,000 generated pages: tools.corpus's story printed 1,000 times among
    the first other documents of the same corpus, in their corpus order."""
    from tools.corpus import BIG_CLUSTER_FROM, generate_corpus, plan_corpus

    plan = plan_corpus(BIG_CLUSTER_FROM)
    big = [position for position, (story, _) in enumerate(plan) if story == 0]
    rest = [position for position, (story, _) in enumerate(plan) if story != 0][:others]
    docs = out / "docs"
    docs.mkdir(parents=True)
    for doc in generate_corpus(BIG_CLUSTER_FROM, positions=sorted(big + rest)):
        (docs / doc.name).write_text(doc.text, encoding="utf-8")
    return docs


def test_a_local_cluster_of_two_gives_the_local_output_with_a_story_copied_1000_times(tmp_path):
    need_dask()
    docs = story_copied_1000_times(tmp_path)
    local = invoke("dedup", docs, "-q", "--jobs", "2")
    dask = invoke("dedup", docs, "--engine", "dask", "--jobs", "2")
    assert local.exit_code == dask.exit_code == 0, dask.stderr
    assert dask.stdout == local.stdout
    assert max(json.loads(line)["size"] for line in dask.stdout.splitlines()) == 1000
    assert "Dask dashboard: http://" in dask.stderr
    assert "2500 documents read" in dask.stderr and "2 Dask workers: peak memory" in dask.stderr


@pytest.mark.parametrize(
    "view", [["--by", "cluster"], ["--by", "doc"], ["--unique"], ["--dupes-only", "-f", "csv"]]
)
def test_samples_give_the_local_output(dask_scheduler, view):
    local = invoke("dedup", SAMPLES, "-q", *view)
    dask = on_dask(dask_scheduler, SAMPLES, "-q", *view)
    assert dask.exit_code == 0 and dask.stderr == ""
    assert dask.stdout == local.stdout


def _failures(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("newsdedup: ")]


def test_templates_recurring_reports_and_a_brief_give_the_local_output(dask_scheduler, tmp_path):
    """The stages after the LSH: a portal's template learned across read tasks and stripped (two index
    pages are nothing else and fail), editions of recurring reports kept apart by their dates and figures
    while a reprint joins, a brief found inside a long article by the containment probe alone."""
    from tools.reuse_cases import write_cases

    write_cases(tmp_path)
    docs = tmp_path / "docs"
    outputs = {}
    for view in (["--by", "doc"], ["--by", "cluster"], ["--unique"], ["--by", "doc", "--no-templates"]):
        local = invoke("dedup", docs, "-f", "jsonl", *view)
        dask = on_dask(dask_scheduler, docs, "-f", "jsonl", *view)
        assert dask.exit_code == local.exit_code
        assert dask.stdout == local.stdout
        assert _failures(dask.stderr) == _failures(local.stderr)
        outputs[" ".join(view)] = dask
    with_templates = outputs["--by doc"]
    assert with_templates.exit_code == 2
    assert (
        "75 documents read, 73 cleaned, 2 failed, 5 pages stripped of template lines that only pages"
        in with_templates.stderr
    )
    assert "56 clusters, 17 duplicates" in with_templates.stderr
    assert _failures(with_templates.stderr) == [
        f"newsdedup: {docs / f'template-index-{n}.txt'}: no article text besides its site's template"
        for n in range(2)
    ] + [
        f"newsdedup: {docs / f'template-versions-{n}.txt'}: 3 of its 4 lines, held only by pages under its "
        "headline, were stripped as its site's template: versions of one story?"
        for n in range(5)
    ]
    cluster = {
        Path(row["id"]).name: row["cluster"] for row in map(json.loads, with_templates.stdout.splitlines())
    }
    assert cluster["short-brief.txt"] == cluster["short-long-original.txt"]
    assert len({cluster[f"recurring-market-close-id-day{day}.txt"] for day in range(5)}) == 5
    assert cluster["recurring-market-reprint-a.txt"] == cluster["recurring-market-reprint-b.txt"]
    assert len({cluster[f"template-photo-{n}.txt"] for n in range(4)}) == 4
    assert len({cluster[f"template-copies-{v}.txt"] for v in ("page", "amp", "print", "mobile")}) == 1
    assert len({cluster[f"template-versions-{n}.txt"] for n in range(5)}) == 1
    assert outputs["--by doc --no-templates"].stdout != with_templates.stdout


@pytest.mark.shared
def test_the_development_set_gives_the_local_output(dask_scheduler):
    docs = shared_path("eval", "dedup", "dev", "docs")
    for view in (["--by", "cluster"], ["--by", "doc"]):
        local = invoke("dedup", docs, "-q", "--jobs", "2", *view)
        assert on_dask(dask_scheduler, docs, "-q", *view).stdout == local.stdout


def test_output_writes_files_then_success_and_they_hold_the_stdout_records(dask_scheduler, tmp_path):
    import pyarrow.parquet as pq

    expected = [
        json.loads(line) for line in invoke("dedup", SAMPLES, "-q", "--by", "doc").stdout.splitlines()
    ]
    jsonl, parquet = tmp_path / "jsonl", tmp_path / "parquet"
    result = on_dask(dask_scheduler, SAMPLES, "--by", "doc", "--output", jsonl)
    assert result.exit_code == 0 and result.stdout == ""
    assert (jsonl / "_SUCCESS").exists() and not (jsonl / "_temporary").exists()
    lines = [line for part in sorted(jsonl.glob("part-*.jsonl")) for line in part.read_text().splitlines()]
    assert [json.loads(line) for line in lines] == expected
    result = on_dask(
        dask_scheduler, SAMPLES, "--by", "doc", "--output", parquet, "--output-format", "parquet"
    )
    assert result.exit_code == 0
    assert pq.read_table(sorted(parquet.glob("part-*.parquet"))).to_pylist() == expected
    one = next(SAMPLES.glob("000_*.txt"))  # one file, one partition (it crashed, writing nothing)
    result = on_dask(dask_scheduler, one, "--output", tmp_path / "one")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "one" / "part-000000.jsonl").read_text() == invoke("dedup", one, "-q").stdout


def test_output_refuses_a_directory_that_holds_anything(dask_scheduler, tmp_path):
    (tmp_path / "old.jsonl").write_text("{}\n")
    result = on_dask(dask_scheduler, SAMPLES, "--output", tmp_path)
    assert result.exit_code == 2 and result.stdout == ""
    assert "is not empty" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.jsonl"]
    result = on_dask(dask_scheduler, SAMPLES, "--output", tmp_path / "old.jsonl")  # before: "is not empty"
    assert result.exit_code == 2 and "old.jsonl is a file: give a new or empty directory" in result.stderr
    assert (tmp_path / "old.jsonl").read_text() == "{}\n"


def _records(path: Path) -> list[dict]:
    return [{"uuid": p.stem, "body": p.read_text(encoding="utf-8")} for p in sorted(SAMPLES.glob("*.txt"))]


def test_parquet_records_read_by_both_engines_alike(dask_scheduler, tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from newsdedup.dask_engine import sources

    pq.write_table(pa.Table.from_pylist(_records(SAMPLES)), tmp_path / "news.parquet", row_group_size=2)
    monkeypatch.setattr(sources, "ROWS_PER_TASK", 2)  # one row group a task: three tasks for one file
    args = ["--input-format", "parquet", "--field", "id=uuid", "--field", "text=body", "-q"]
    local = invoke("dedup", tmp_path / "news.parquet", *args)
    dask = on_dask(dask_scheduler, tmp_path / "news.parquet", *args)
    assert local.exit_code == dask.exit_code == 0
    assert dask.stdout == local.stdout
    assert [json.loads(line)["size"] for line in dask.stdout.splitlines()] == [2, 1, 1, 1]


def test_urls_and_records_on_stdin(dask_scheduler, tmp_path):
    url = SAMPLES.resolve().as_uri()
    local = invoke("dedup", url, "-q")
    assert local.exit_code == 0 and '"id": "file://' in local.stdout
    assert on_dask(dask_scheduler, url, "-q").stdout == local.stdout
    lines = "".join(json.dumps(record) + "\n" for record in _records(SAMPLES))
    args = ["-i", "jsonl", "--field", "id=uuid", "--field", "text=body", "-q"]
    local = invoke("dedup", *args, input=lines)
    dask = on_dask(dask_scheduler, *args, input=lines)
    assert dask.exit_code == 0 and dask.stdout == local.stdout


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
def test_a_pipe_named_as_an_input_is_read_as_the_local_engine_reads_it(dask_scheduler):
    # Before: `<(zcat page.gz)`, a /dev/fd/N of the client's, failed on the workers, which cannot open
    # it: the page was lost with "no such file or directory".
    first, *others = sorted(SAMPLES.glob("*.txt"))
    outputs = _both_engines_reading_a_pipe(
        dask_scheduler, first.read_bytes(), *others, "--by", "doc", "-f", "tsv"
    )
    assert outputs[0] == outputs[1] and "PIPE\tPIPE\t" in outputs[0]


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
@pytest.mark.parametrize("input_format", ["jsonl", "parquet"])
def test_a_pipe_of_records_is_read_as_the_local_engine_reads_it(dask_scheduler, input_format):
    # Before: `-i jsonl <(zcat feed.jsonl.gz)` was lost on the workers ("no such file or directory").
    records = _records(SAMPLES)
    if input_format == "jsonl":
        data = "".join(json.dumps(record) + "\n" for record in records).encode()
    else:
        import io

        import pyarrow as pa
        import pyarrow.parquet as pq

        buffer = io.BytesIO()
        pq.write_table(pa.Table.from_pylist(records), buffer)
        data = buffer.getvalue()
    args = ["-i", input_format, "--field", "id=uuid", "--field", "text=body"]
    outputs = _both_engines_reading_a_pipe(dask_scheduler, data, *args)
    assert outputs[0] == outputs[1]
    assert [json.loads(line)["size"] for line in outputs[0].splitlines()] == [2, 1, 1, 1]


def _both_engines_reading_a_pipe(dask_scheduler, data: bytes, *args) -> list[str]:
    """The local engine's output, then the Dask engine's, of a run whose first input is a pipe that
    ``data`` is written to (named PIPE in the outputs)."""
    outputs = []
    for engine in ("local", "dask"):
        read_end, write_end = os.pipe()
        writer = threading.Thread(target=_write_and_close, args=(write_end, data))
        writer.start()
        run = [f"/dev/fd/{read_end}", *args, "-q"]
        try:
            result = invoke("dedup", *run) if engine == "local" else on_dask(dask_scheduler, *run)
        finally:
            writer.join(timeout=60)
            os.close(read_end)
        assert result.exit_code == 0, result.stderr
        outputs.append(result.stdout.replace(f"/dev/fd/{read_end}", "PIPE"))
    return outputs


def _write_and_close(fd: int, data: bytes) -> None:
    with open(fd, "wb") as pipe:
        pipe.write(data)


def test_records_read_again_are_read_once_as_the_local_engine_does(dask_scheduler, tmp_path):
    # Records repeated in one feed and across feeds, which are read by different tasks; an id used
    # again for other text (both kept).
    records = _records(SAMPLES)
    feed = records + records[:1]
    (tmp_path / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in feed), encoding="utf-8")
    again = [records[2], {"uuid": records[1]["uuid"], "body": records[3]["body"]}]
    (tmp_path / "again.jsonl").write_text("".join(json.dumps(r) + "\n" for r in again), encoding="utf-8")
    args = [tmp_path / "feed.jsonl", tmp_path / "again.jsonl", "-i", "jsonl"]
    args += ["--field", "id=uuid", "--field", "text=body", "--by", "doc"]
    local = invoke("dedup", *args)
    dask = on_dask(dask_scheduler, *args)
    assert local.exit_code == dask.exit_code == 0
    assert dask.stdout == local.stdout
    assert len(dask.stdout.splitlines()) == 6  # five samples, and the other text under a used id
    summary = "6 documents read, 6 cleaned, 0 failed, 2 records repeated (read once), "
    summary += "1 record id used again for other text (both kept)"
    assert summary in local.stderr and summary in dask.stderr
    for name, reason in [
        (f"feed.jsonl#{records[0]['uuid']}", "read before in this run, with the same text: read once"),
        (f"again.jsonl#{records[2]['uuid']}", "read before in this run, with the same text: read once"),
        (f"again.jsonl#{records[1]['uuid']}", "id read before in this run, with other text: both kept"),
    ]:
        assert f"{tmp_path / name}: {reason}" in dask.stderr


def test_failed_inputs_are_reported_in_input_order_and_exit_2(dask_scheduler, tmp_path):
    for path in SAMPLES.glob("*.txt"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "002_broken.txt").write_bytes(b"%PDF-1.7 not a page")
    local = invoke("dedup", tmp_path, "--format", "jsonl")
    dask = on_dask(dask_scheduler, tmp_path, "--format", "jsonl")
    assert local.exit_code == dask.exit_code == 2
    assert dask.stdout == local.stdout
    assert "002_broken.txt: " in dask.stderr and "6 documents read, 5 cleaned, 1 failed" in dask.stderr


def test_a_page_over_the_time_limit_is_reported_as_the_local_engine_does(dask_scheduler, tmp_path):
    # Dask runs tasks in worker threads, where the local engine's alarm signal never arrives.
    for path in SAMPLES.glob("*.txt"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "huge.txt").write_text(slow_page(), encoding="utf-8")
    # The language model's first load (0.6 s from an empty cache) counts against the page that needs it.
    assert invoke("dedup", SAMPLES, "-q").exit_code == 0
    local = invoke("dedup", tmp_path, "--timeout", "1", "--format", "jsonl")
    dask = on_dask(dask_scheduler, tmp_path, "--timeout", "1", "--format", "jsonl")
    assert local.exit_code == dask.exit_code == 2
    assert dask.stdout == local.stdout
    assert f"{tmp_path / 'huge.txt'}: cleaning took longer than the 1 s limit" in dask.stderr
    assert "6 documents read, 5 cleaned, 1 failed" in dask.stderr


def test_without_the_extra_one_line_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    result = invoke("dedup", SAMPLES, "--engine", "dask")
    assert result.exit_code == 2 and result.stdout == ""
    assert (
        result.stderr
        == "newsdedup: error: --engine dask needs the dask extra: pip install 'newsdedup[dask]'\n"
    )


def test_an_unreachable_scheduler_is_a_clear_error():
    need_dask()
    result = invoke("dedup", SAMPLES, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 2 and result.stdout == ""
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_malformed_scheduler_address_is_a_usage_error():
    need_dask()
    result = invoke("dedup", SAMPLES, "--engine", "dask", "--scheduler", "notaurl")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "newsdedup: error: notaurl: not a Dask scheduler address such as tcp://host:8786 "
        "(missing port number in address 'notaurl')\n"
    )
    tls = invoke("dedup", SAMPLES, "--engine", "dask", "--scheduler", "tls://127.0.0.1:1")  # no TLS settings
    assert tls.exit_code == 2 and tls.stdout == ""
    assert tls.stderr.startswith("newsdedup: error: tls://127.0.0.1:1: cannot connect with this protocol (")
    assert len(tls.stderr.splitlines()) == 1
    empty = invoke("dedup", SAMPLES, "--engine", "dask", "--scheduler", " ")  # before: a local cluster
    assert empty.exit_code == 2 and empty.stdout == ""
    assert empty.stderr == (
        "newsdedup: error: an empty Dask scheduler address: give one such as tcp://host:8786, or no --scheduler\n"
    )


def test_a_server_that_never_answers_as_a_scheduler_is_a_clear_error_within_the_connect_timeout():
    need_dask()
    from newsdedup.dask_engine.cluster import CONNECT_TIMEOUT

    # Listening, the kernel accepts connections; nothing is ever read or answered on them.
    with socket.create_server(("127.0.0.1", 0)) as server:
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        command = [sys.executable, "-m", "newsdedup", "dedup", SAMPLES, "--engine", "dask"]
        started = time.monotonic()
        result = subprocess.run(
            [*command, "--scheduler", address], capture_output=True, text=True, timeout=CONNECT_TIMEOUT + 30
        )
        elapsed = time.monotonic() - started
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        f"newsdedup: error: cannot reach the Dask scheduler at {address}: "
        f"no Dask scheduler answered within {CONNECT_TIMEOUT} s\n"
    )
    assert CONNECT_TIMEOUT <= elapsed < CONNECT_TIMEOUT + 10


def test_options_of_the_dask_engine_need_it_and_db_is_refused(tmp_path):
    for option in (
        ["--output", tmp_path / "out"],
        ["--scheduler", "tcp://127.0.0.1:9"],
        ["--work-dir", tmp_path],
    ):
        result = invoke("dedup", SAMPLES, *option)
        assert result.exit_code == 2 and "needs --engine dask" in result.stderr
    result = invoke("dedup", SAMPLES, "--engine", "dask", "--db", tmp_path / "index.db")
    assert result.exit_code == 2 and "--db does not work with --engine dask" in result.stderr
    # before: the files were JSON Lines, and the html asked for was ignored without a word
    result = invoke("dedup", SAMPLES, "--engine", "dask", "--output", tmp_path / "out", "-f", "html")
    assert (result.exit_code, result.stdout) == (2, "")
    assert "with --output nothing does: choose the files' format with --output-format" in result.stderr
    assert not (tmp_path / "out").exists()
    # Dask's own variable, set for other programs, does not turn the local engine into a Dask client
    result = invoke("dedup", SAMPLES, "-q", env={"DASK_SCHEDULER_ADDRESS": "tcp://127.0.0.1:9"})
    assert result.exit_code == 0


def test_help_does_not_import_dask():
    code = "import sys; from newsdedup.cli.app import main; sys.argv = ['newsdedup', '--help']\n"
    code += "try:\n    main()\nexcept SystemExit:\n    pass\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'pyarrow')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
