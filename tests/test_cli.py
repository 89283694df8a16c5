import json

import pytest
from typer.testing import CliRunner

from cli.app import app
from tests.conftest import SAMPLES, article

runner = CliRunner()


def invoke(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], **kwargs)


def records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_dedup_jsonl_schema_and_clusters_on_samples():
    result = invoke("dedup", SAMPLES, "--format", "jsonl")
    assert result.exit_code == 0
    clusters = records(result.stdout)
    assert [c["size"] for c in clusters] == [2, 1, 1, 1]
    first = clusters[0]
    assert set(first) == {"cluster", "size", "canonical", "members"}
    assert {"id", "path", "title", "text"} <= set(first["canonical"])
    assert [m["id"].rsplit("/", 1)[-1][:3] for m in first["members"]] == ["000", "002"]
    assert {"id", "path", "title", "similarity"} == set(first["members"][0])
    assert "4 clusters, 1 duplicates" in result.stderr


def test_bare_paths_mean_dedup():
    assert records(invoke(SAMPLES).stdout) == records(invoke("dedup", SAMPLES).stdout)


def test_default_format_off_a_terminal_is_jsonl_and_json_is_one_array():
    assert len(records(invoke("clean", SAMPLES).stdout)) == 5
    result = invoke("clean", SAMPLES, "-f", "json")
    assert [d["id"].rsplit("/", 1)[-1][:3] for d in json.loads(result.stdout)] == [
        "000",
        "001",
        "002",
        "003",
        "004",
    ]


def test_clean_002_drops_the_headline_tail():
    [path] = SAMPLES.glob("002_*.txt")
    result = invoke("clean", path, "-f", "text")
    assert result.exit_code == 0
    assert "Terkini Lainnya" not in result.stdout and "Baca berita tanpa iklan." not in result.stdout
    assert "AS-Korsel Meminta Korut agar Tarik Pasukannya dari Rusia" in result.stdout


def test_table_format_renders_for_people():
    result = invoke("dedup", SAMPLES, "-f", "table", "--no-color")
    assert result.exit_code == 0 and "cluster 1 · 2 documents" in result.stdout


@pytest.mark.parametrize("command", ["clean", "dedup"])
def test_bad_inputs_get_one_line_each_and_the_rest_is_still_written(tmp_path, command):
    (tmp_path / "good.txt").write_text(article("harbour"))
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.pdf").write_bytes(b"%PDF-1.4 \x00\x01")
    result = invoke(command, tmp_path, tmp_path / "missing.txt")
    assert result.exit_code == 2
    assert len(records(result.stdout)) == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("newsdedup:")]
    assert len(errors) == 3
    assert any("empty.txt: empty file" in e for e in errors)
    assert any("binary.pdf: binary file (a PDF file)" in e for e in errors)
    assert any("missing.txt: no such file or directory" in e for e in errors)


def test_check_exits_1_only_when_duplicates_exist(tmp_path):
    assert invoke("dedup", SAMPLES, "--check").exit_code == 1
    [lone] = SAMPLES.glob("001_*.txt")
    assert invoke("dedup", lone, "--check").exit_code == 0


def test_quiet_silences_messages_but_never_data():
    result = invoke("dedup", SAMPLES, "-q")
    assert result.stderr == "" and len(records(result.stdout)) == 4


def test_usage_errors_exit_2_with_a_message():
    result = invoke("dedup", SAMPLES, "--num-perm", "100", "--bands", "64")
    assert result.exit_code == 2 and result.stdout == ""
    assert "must divide" in result.stderr
    assert invoke("dedup", SAMPLES, "--format", "xml").exit_code == 2


def test_options_read_their_environment_variables():
    result = invoke("dedup", SAMPLES, env={"NEWSDEDUP_FORMAT": "json", "NEWSDEDUP_THRESHOLD": "0.99"})
    assert len(json.loads(result.stdout)) == 5


def test_paths_from_stdin_with_dash():
    paths = "\n".join(str(p) for p in sorted(SAMPLES.glob("*.txt")))
    result = invoke("dedup", "-", input=paths)
    assert [c["size"] for c in records(result.stdout)] == [2, 1, 1, 1]


def test_help_documents_exit_codes_and_version_prints():
    assert "Exit codes" in invoke("--help").stdout
    assert invoke("--version").exit_code == 0
