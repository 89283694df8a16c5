import csv
import io
import json
import re

import pytest
from typer.testing import CliRunner

from newsdedup.cli.app import app
from tests.conftest import SAMPLES, article, warc_of_pages

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
    assert {"id", "path", "title", "similarity", "status"} == set(first["members"][0])
    assert "4 clusters, 1 duplicate" in result.stderr


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
    result = invoke("dedup", SAMPLES, "-f", "table", "--no-color", "--full")
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


def test_a_file_named_twice_is_not_its_own_duplicate():
    [lone] = SAMPLES.glob("001_*.txt")
    result = invoke("dedup", lone, lone, SAMPLES, "--check", "-j", "1")
    assert result.exit_code == 1  # 000 and 002 still are duplicates
    assert [c["size"] for c in records(result.stdout)] == [1, 2, 1, 1]  # 001 comes first
    warnings = [line for line in result.stderr.splitlines() if "read once" in line]
    assert warnings[:2] == [f"newsdedup: {lone}: the same file as {lone}, read once"] * 2
    assert "5 documents read, 5 cleaned, 0 failed, 2 files named again (read once)" in result.stderr
    assert invoke("dedup", lone, lone, "--check").exit_code == 0


def test_a_record_read_again_is_read_once_and_a_reused_id_is_told(tmp_path):
    story = article("harbour")
    feed = tmp_path / "feed.jsonl"
    lines = [{"id": "a", "text": story}, {"id": "b", "text": article("orchard")}, {"id": "a", "text": story}]
    feed.write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = invoke("dedup", feed, "-i", "jsonl", "--by", "doc")
    assert result.exit_code == 0
    assert [r["id"] for r in records(result.stdout)] == ["a", "b"]
    assert f"newsdedup: {feed}#a: read before in this run, with the same text: read once" in result.stderr
    assert "2 documents read, 2 cleaned, 0 failed, 1 record repeated (read once)" in result.stderr

    lines.append({"id": "b", "text": article("harbour", 10)})  # the page fetched again, trimmed
    feed.write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = invoke("dedup", feed, "-i", "jsonl", "--by", "doc", "--check")
    assert result.exit_code == 1  # both kept: the trimmed page is a near-duplicate of a
    assert [r["id"] for r in records(result.stdout)] == ["a", "b", "b"]
    assert f"newsdedup: {feed}#b: id read before in this run, with other text: both kept" in result.stderr
    assert (
        "3 documents read, 3 cleaned, 0 failed, 1 record repeated (read once), "
        "1 record id used again for other text (both kept)"
    ) in result.stderr

    piped = invoke("dedup", "-i", "jsonl", "--by", "doc", input=feed.read_bytes())  # records on stdin
    assert [r["id"] for r in records(piped.stdout)] == ["a", "b", "b"]
    assert "newsdedup: a: read before in this run, with the same text: read once" in piped.stderr

    index = tmp_path / "index.db"
    for _ in range(2):  # the index's runs take records once too, the second finding them indexed
        indexed = invoke("dedup", feed, "-i", "jsonl", "--db", index, "--by", "doc")
        assert indexed.exit_code == 0 and len(records(indexed.stdout)) == 3
        assert "1 record repeated (read once)" in indexed.stderr


def test_a_crawl_archived_twice_is_read_once(tmp_path):
    from tests.test_streams import make_warc

    pages = [
        (
            f"http://news.example/{topic}",
            "text/html",
            f"<html><body><p>{article(topic)}</p></body></html>".encode(),
        )
        for topic in ("harbour", "orchard")
    ]
    make_warc(tmp_path / "crawl.warc.gz", pages)
    (tmp_path / "copy.warc.gz").write_bytes((tmp_path / "crawl.warc.gz").read_bytes())
    result = invoke("dedup", tmp_path, "--by", "doc", "--check")
    assert result.exit_code == 0  # before: each page was a duplicate of itself
    assert len(records(result.stdout)) == 2
    assert "2 documents read, 2 cleaned, 0 failed, 2 records repeated (read once)" in result.stderr


def test_check_exits_1_only_when_duplicates_exist(tmp_path):
    assert invoke("dedup", SAMPLES, "--check").exit_code == 1
    [lone] = SAMPLES.glob("001_*.txt")
    assert invoke("dedup", lone, "--check").exit_code == 0
    # Before: a page that failed (a crawl's menu page: no article text) made it 2 whatever the answer
    (tmp_path / "menu.txt").write_text("Home\nNews\nSport\n")
    with_copies = invoke("dedup", SAMPLES, tmp_path / "menu.txt", "--check")
    assert with_copies.exit_code == 1 and "menu.txt: no article text found" in with_copies.stderr
    assert invoke("dedup", lone, tmp_path / "menu.txt", "--check").exit_code == 2


def test_quiet_silences_messages_but_never_data():
    result = invoke("dedup", SAMPLES, "-q")
    assert result.stderr == "" and len(records(result.stdout)) == 4


def test_an_empty_file_name_for_the_errors_file_or_the_index_is_a_usage_error():
    # Before: --errors '' was ignored, --db= failed as "index error: : is a directory", and an empty
    # INDEX argument crashed the usage message itself (exit 70).
    for args, named in (
        (["dedup", SAMPLES, "--errors", ""], "--errors: needs a file name"),
        (["dedup", SAMPLES, "--db="], "--db: needs a SQLite file or a redis:// URL"),
        (["index", "stats", " "], "INDEX: needs a SQLite file or a redis:// URL"),
    ):
        result = invoke(*args)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.startswith(f"newsdedup: error: {named}, got an empty value"), result.stderr


def test_usage_errors_exit_2_with_a_message():
    result = invoke("dedup", SAMPLES, "--num-perm", "100", "--bands", "64")
    assert result.exit_code == 2 and result.stdout == ""
    assert "and divide the number of permutations (100), got 64" in result.stderr
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


def test_by_doc_csv_and_tsv_are_flat_tables():
    csv_out = invoke("dedup", SAMPLES, "--by", "doc", "-f", "csv").stdout.splitlines()
    assert csv_out[0].startswith(
        "id,path,title,url,date,language,cluster,size,canonical,canonical_id,similarity"
    )
    assert len(csv_out) == 6 and ",true," in csv_out[1]
    tsv_out = invoke("dedup", SAMPLES, "-f", "tsv").stdout.splitlines()
    assert len(tsv_out) == 5 and "\t" in tsv_out[0] and "canonical_text" in tsv_out[0]


def test_an_id_holding_a_bar_is_escaped_in_the_joined_members_of_csv_and_a_backslash_kept():
    # Before: the members "x|y.txt" and "z.txt" were "x|y.txt|z.txt", three ids to a reader. A backslash
    # stays as it is, as in the id columns (Windows paths).
    text = article("harbour", 14)
    feed = "\n".join(json.dumps({"id": ident, "text": text}) for ident in ("x|y.txt", "z\\w.txt"))
    result = invoke("dedup", "-", "-i", "jsonl", "-f", "csv", input=feed)
    assert result.exit_code == 0, result.stderr
    [row] = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert row["members"] == "x\\|y.txt|z\\w.txt"
    members = [m.replace("\\|", "|") for m in re.split(r"(?<!\\)\|", row["members"])]
    assert members == ["x|y.txt", "z\\w.txt"] and row["canonical_id"] in members


def test_csv_quotes_a_value_holding_a_carriage_return_and_ends_rows_with_a_line_feed():
    # Before: a lone CR in a title or a file name went out unquoted, and other readers split the row.
    text = article("harbour", 14)
    feed = "\n".join(
        json.dumps({"id": ident, "title": "Judul\rdua", "text": text}) for ident in ("a\rb", "c")
    )
    result = invoke("dedup", "-", "-i", "jsonl", "--by", "doc", "-f", "csv", input=feed)
    assert result.exit_code == 0, result.stderr
    header, *rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert [(row[0], row[2]) for row in rows] == [("a\rb", "Judul\rdua"), ("c", "Judul\rdua")]
    assert result.stdout.count("\r\n") == 0 and result.stdout.endswith("\n")


@pytest.mark.parametrize(
    ("view", "fmt"),
    [([], "csv"), (["--by", "doc"], "tsv"), (["--unique"], "csv")],
)
def test_a_run_with_nothing_new_still_heads_its_table(tmp_path, view, fmt):
    # Before: a cron run that found nothing new wrote an empty file, which table readers refuse
    # (pandas: "No columns to parse from file"); the header is the one a run with records writes.
    db = tmp_path / "index.db"
    first = invoke("dedup", SAMPLES, "--db", db, *view, "-f", fmt)
    again = invoke("dedup", SAMPLES, "--db", db, "--only-new", *view, "-f", fmt, "-q")
    assert (again.exit_code, again.stderr) == (0, "")
    assert again.stdout == first.stdout.splitlines(keepends=True)[0]
    assert invoke("dedup", SAMPLES, "--db", db, "--only-new", *view, "-f", "jsonl").stdout == ""


def test_an_export_of_an_empty_index_still_heads_its_table(tmp_path):
    db = tmp_path / "index.db"
    invoke("dedup", SAMPLES, "--db", db, "-q")
    full = invoke("index", "export", db, "-f", "tsv").stdout
    assert invoke("index", "prune", db, "--older-than", "0s", "-q").exit_code == 0
    empty = invoke("index", "export", db, "-f", "tsv")
    assert empty.exit_code == 0 and empty.stdout == full.splitlines(keepends=True)[0]


def test_a_clean_run_where_every_page_fails_still_heads_its_table(tmp_path):
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01")
    result = invoke("clean", tmp_path, "-f", "csv")
    assert result.exit_code == 2 and "binary file" in result.stderr
    assert result.stdout == "id,path,title,url,date,language,kind,site,text\n"


def test_unique_emits_one_canonical_document_per_cluster_and_dupes_only_filters():
    unique = records(invoke("dedup", SAMPLES, "--unique").stdout)
    assert [r["size"] for r in unique] == [2, 1, 1, 1] and all(r["text"] for r in unique)
    dupes = records(invoke("dedup", SAMPLES, "--dupes-only", "--by", "doc").stdout)
    assert [r["id"].rsplit("/", 1)[-1][:3] for r in dupes] == ["000", "002"]
    assert [r["canonical"] for r in dupes] == [True, False]


def test_errors_file_lists_failures_for_a_retry(tmp_path):
    errors = tmp_path / "errors.jsonl"
    result = invoke("clean", SAMPLES, tmp_path / "missing.txt", "--errors", errors)
    assert result.exit_code == 2
    assert records(errors.read_text()) == [
        {"source": str(tmp_path / "missing.txt"), "reason": "no such file or directory"}
    ]


def test_jsonl_input_from_stdin_with_field_names(tmp_path):
    lines = []
    for path in sorted(SAMPLES.glob("*.txt")):
        lines.append(json.dumps({"uuid": path.name[:3], "body": path.read_text(encoding="utf-8")}))
    lines.append("{broken")
    result = invoke(
        "dedup", "-", "-i", "jsonl", "--field", "id=uuid", "--field", "text=body", input="\n".join(lines)
    )
    assert result.exit_code == 2 and "-:6: not a JSON object" in result.stderr
    assert [[m["id"] for m in c["members"]] for c in records(result.stdout)] == [
        ["000", "002"],
        ["001"],
        ["003"],
        ["004"],
    ]


def test_jsonl_record_with_half_an_emoji_is_kept_with_a_replacement_character():
    # "\\ud83d" without its low half: what a scraper writes when it cuts a string inside an emoji
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("00[02]_*.txt"))]
    lines = [
        json.dumps({"id": "cut\ud83d", "text": texts[0] + " \ud83d", "title": "Judul \udc00"}),
        json.dumps({"id": "whole", "text": texts[1]}),
    ]
    for command in (["dedup", "--by", "doc"], ["clean"]):
        result = invoke(*command, "-", "-i", "jsonl", input="\n".join(lines))
        assert result.exit_code == 0, result.stderr
        assert sorted(r["id"] for r in records(result.stdout)) == ["cut\ufffd", "whole"]
        assert "\ufffd" in result.stdout and "\ud83d" not in result.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_record_with_a_broken_address_is_cleaned_and_the_batch_goes_on(jobs):
    # Before: urlsplit's ValueError ("Invalid IPv6 URL") on the record's url stopped the whole run
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("00*.txt"))]
    lines = [json.dumps({"id": "broken", "url": "https://[news.example/a", "text": texts[0]})]
    lines += [
        json.dumps({"id": f"doc{i}", "url": f"https://news.example/{i}", "text": t})
        for i, t in enumerate(texts)
    ]
    result = invoke("dedup", "-", "-i", "jsonl", "--by", "doc", "-j", jobs, input="\n".join(lines))
    assert result.exit_code == 0, result.stderr
    rows = {r["id"]: r for r in records(result.stdout)}
    assert set(rows) == {"broken", *(f"doc{i}" for i in range(len(texts)))}
    assert (
        rows["broken"]["url"] == "https://[news.example/a"
        and rows["broken"]["cluster"] == rows["doc0"]["cluster"]
    )


def test_a_page_that_meets_a_bug_in_cleaning_fails_alone_with_its_name(monkeypatch):
    import newsdedup.workers

    clean_document = newsdedup.workers.clean_document

    class Unprintable(Exception):
        def __str__(self):
            raise RuntimeError("no message")

    def failing(doc, rules):
        if doc.id == "bad":
            raise ValueError("something\nunexpected")
        if doc.id == "worse":
            raise Unprintable
        return clean_document(doc, rules)

    monkeypatch.setattr(newsdedup.workers, "clean_document", failing)
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("00*.txt"))]
    names = ["bad", "a", "worse", "b"]
    lines = [json.dumps({"id": name, "text": text}) for name, text in zip(names, texts, strict=False)]
    result = invoke("dedup", "-", "-i", "jsonl", "--by", "doc", "-j", "1", input="\n".join(lines))
    assert result.exit_code == 2
    assert sorted(r["id"] for r in records(result.stdout)) == ["a", "b"]
    assert (
        "newsdedup: bad: cleaning failed (ValueError: something unexpected); please report it"
        in result.stderr
    )
    assert "newsdedup: worse: cleaning failed (Unprintable); please report it" in result.stderr


def test_an_id_from_the_page_cannot_forge_error_lines_or_drive_the_terminal(tmp_path):
    forged = "evil\nnewsdedup: other.txt: forged line"
    ids = [forged, "x\x1b[31mred\x1b]0;title\x07", "rtl\u202eexe.txt"]
    lines = [json.dumps({"id": doc_id, "text": ""}) for doc_id in ids]
    errors = tmp_path / "errors.jsonl"
    result = invoke("dedup", "-", "-i", "jsonl", "--errors", errors, input="\n".join(lines))
    assert result.exit_code == 2 and result.stdout == ""
    shown = result.stderr.splitlines()
    assert len(shown) == 4 and shown[-1].startswith("3 documents read")  # one line each, then the summary
    assert shown[0].startswith("newsdedup: evil\\x0anewsdedup: other.txt: forged line: -:1: ")
    assert "\x1b" not in result.stderr and "\\x1b[31mred\\x1b]0;title\\x07" in shown[1]
    assert "rtl\\u202eexe.txt" in shown[2]
    # the file for a retry keeps each id as it is
    assert [r["source"] for r in records(errors.read_text(encoding="utf-8"))] == ids


def test_page_content_cannot_drive_the_terminal_in_the_views_for_people():
    text = next(SAMPLES.glob("000_*.txt")).read_text(encoding="utf-8")
    record = {
        "id": "a\x1b]0;pwned\x07",
        "title": "Judul \x1b[2J\u202etxt.exe",
        "text": text + "\n\x1b[31m merah",
    }
    views = [
        (command, fmt)
        for command in (["clean"], ["dedup", "--full"], ["dedup", "--by", "doc"])
        for fmt in ("table", "text")
    ]
    for command, fmt in views:  # text: before, it passed them on as they were
        result = invoke(*command, "-", "-i", "jsonl", "-f", fmt, input=json.dumps(record))
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout and "\x07" not in result.stdout
        if fmt == "table":
            assert "Judul \ufffd[2J\ufffdtxt.exe" in result.stdout.replace("\n", "")
        elif command != ["dedup", "--by", "doc"]:  # the text format's by-doc lines have no title
            assert "Judul \\x1b[2J\\u202etxt.exe" in result.stdout


def test_an_id_or_title_holding_a_line_break_or_a_tab_stays_on_its_line_in_the_text_format():
    # Before: the line break split the record over two lines, the tab added a column.
    text = next(SAMPLES.glob("000_*.txt")).read_text(encoding="utf-8")
    records = [{"id": f"a\nb{i}", "title": "Judul\tdua\nbaris", "text": text} for i in range(2)]
    feed = "".join(json.dumps(record) + "\n" for record in records)
    by_doc = invoke("dedup", "-", "-i", "jsonl", "-f", "text", "--by", "doc", input=feed)
    assert by_doc.stdout.splitlines() == ["1\t1.000\tnew\ta\\x0ab0", "1\t1.000\tnew\ta\\x0ab1"]
    for command in (["dedup"], ["dedup", "--full"], ["clean"]):
        result = invoke(*command, "-", "-i", "jsonl", "-f", "text", input=feed)
        assert "Judul\\x09dua\\x0abaris" in result.stdout and "Judul\tdua" not in result.stdout, command


def test_explain_reports_figures_and_shared_passages():
    first, second = sorted(SAMPLES.glob("00[02]_*.txt"))
    result = invoke("explain", first, second, "-f", "json")
    [report] = json.loads(result.stdout)
    assert report["copies"] is True and report["shared_shingles"] > 100
    assert any("menarik pasukan mereka dari Rusia" in p["text"] for p in report["passages"])
    other = sorted(SAMPLES.glob("001_*.txt"))[0]
    assert json.loads(invoke("explain", first, other, "-f", "json").stdout)[0]["copies"] is False
    assert "copies" in invoke("explain", first, second, "-f", "table", "--no-color").stdout


def test_explain_of_one_document_twice_is_a_usage_error():
    # Before: the file was read once and the command ended, exit 2, with only that warning; "- -" said
    # that standard input was an empty file.
    first = sorted(SAMPLES.glob("000_*.txt"))[0]
    result = invoke("explain", first, first)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"newsdedup: error: explain compares two documents: {first} was given as both\n"
    piped = invoke("explain", "-", "-", input=first.read_text(encoding="utf-8"))
    assert piped.exit_code == 2 and "- was given as both" in piped.stderr


def test_explain_of_an_archive_of_several_documents_is_a_usage_error(tmp_path):
    # Before: a WARC of two pages beside an empty file compared the two pages and exited 0; a WARC of
    # more beside one page exited 2 saying nothing.
    (tmp_path / "two.warc").write_bytes(warc_of_pages(2))
    (tmp_path / "empty.txt").write_bytes(b"")
    page = sorted(SAMPLES.glob("000_*.txt"))[0]
    for other in (tmp_path / "empty.txt", page):
        result = invoke("explain", tmp_path / "two.warc", other)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr == (
            f"newsdedup: error: explain compares two documents: {tmp_path / 'two.warc'} holds 2 "
            "(a WARC archive, a directory?)\n"
        )
    failed = invoke("explain", page, tmp_path / "empty.txt")
    assert failed.exit_code == 2 and failed.stdout == ""
    assert failed.stderr.startswith(f"newsdedup: {tmp_path / 'empty.txt'}: empty file\n")


def test_explain_of_an_archive_without_a_page_says_so(tmp_path):
    # Before: exit 2 with nothing on stderr (its records were passed over, as a dedup run counts them).
    archive = warc_of_pages(1).replace(b"Content-Type: text/html", b"Content-Type: image/gif")
    (tmp_path / "images.warc").write_bytes(archive)
    page = sorted(SAMPLES.glob("000_*.txt"))[0]
    result = invoke("explain", page, tmp_path / "images.warc")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"newsdedup: {tmp_path / 'images.warc'}: no page in it to compare\n"


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_explain_as_a_flat_table_keeps_its_passages_as_a_json_array(fmt):
    import csv
    import io

    first, second = sorted(SAMPLES.glob("00[02]_*.txt"))
    result = invoke("explain", first, second, "-f", fmt)
    assert result.exit_code == 0 and result.stderr == ""
    [row] = csv.DictReader(io.StringIO(result.stdout), delimiter="," if fmt == "csv" else "\t")
    assert row["copies"] == "true" and row["first_id"] == str(first)
    cell = row["passages"]
    if fmt == "tsv":  # undo the TSV escapes
        cell = re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r"}.get(m[1], m[1]), cell)
    passages = json.loads(cell)
    assert any("menarik pasukan mereka dari Rusia" in p["text"] for p in passages)


def test_workers_give_the_same_output_as_one_process(tmp_path):
    for i in range(70):
        (tmp_path / f"{i:03d}.txt").write_text(article(f"topic{i % 7}", 8, start=i % 3))
    serial = invoke("dedup", tmp_path, "-j", "1", "--by", "doc").stdout
    parallel = invoke("dedup", tmp_path, "-j", "2", "--by", "doc").stdout
    assert serial == parallel and len(records(serial)) == 70


def test_field_without_record_input_is_a_usage_error():
    result = invoke("dedup", SAMPLES, "--field", "text=body")  # the .txt files would be read as pages
    assert (result.exit_code, result.stdout) == (2, "")
    [line] = result.stderr.splitlines()
    assert line.startswith("newsdedup: error: --field maps the keys of records") and "-i jsonl" in line


def test_cleaned_records_cleaned_again_keep_their_text_and_their_copies():
    # `clean` now, `dedup -i jsonl` later: the record's title is the headline, so the first
    # paragraph is not taken for one (it was, and 000 and 002 were no longer copies)
    cleaned = invoke("clean", SAMPLES).stdout
    again = invoke("clean", "-i", "jsonl", "-", input=cleaned).stdout
    assert [r["text"] for r in records(again)] == [r["text"] for r in records(cleaned)]
    clusters = records(invoke("dedup", "-i", "jsonl", "-", input=cleaned).stdout)
    assert [c["size"] for c in clusters] == [2, 1, 1, 1]


def test_failures_past_the_fifth_of_one_reason_are_counted_in_one_line(tmp_path):
    # Before: the sixth and later were never named, and nothing said they had been left out.
    for number in range(8):
        (tmp_path / f"empty{number}.txt").write_bytes(b"")
    (tmp_path / "article.txt").write_text(article("harbour"))
    result = invoke("clean", tmp_path, "-q")
    assert result.exit_code == 2 and len(result.stdout.splitlines()) == 1
    named = [line for line in result.stderr.splitlines() if line.endswith(".txt: empty file")]
    assert len(named) == 5
    assert result.stderr.splitlines()[-1] == "newsdedup: 3 more failures not named: empty file"


@pytest.mark.parametrize(
    ("env", "option"),
    [
        ({"NEWSDEDUP_THRESHOLD": "2"}, "--threshold (from NEWSDEDUP_THRESHOLD)"),
        ({"NEWSDEDUP_BANDS": "7"}, "--bands (from NEWSDEDUP_BANDS)"),
        ({}, "--threshold"),
    ],
)
def test_a_setting_out_of_range_names_its_option_and_variable(env, option):
    # Before: "error: the threshold must be ..." named neither, though a value that does not parse did.
    args = ("dedup", SAMPLES) if env else ("dedup", SAMPLES, "--threshold", "2")
    result = invoke(*args, env=env)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"newsdedup: error: {option}: the ")


@pytest.mark.parametrize("fmt", ["table", "jsonl"])
@pytest.mark.parametrize(
    "env", [{"COLUMNS": "0"}, {"COLUMNS": "\u00b2", "LINES": "\u0663"}, {"COLUMNS": "abc"}]
)
def test_odd_digits_in_columns_or_lines_hide_no_message_and_no_table(fmt, env):
    # Before: rich took COLUMNS=0 as the width, and every message (errors too) and the table were
    # empty; "²" (a digit to str.isdigit) made it fail.
    result = invoke("dedup", "no-such-file.txt", SAMPLES, "-f", fmt, env=env)
    assert result.exit_code == 2 and "no-such-file.txt: no such file or directory" in result.stderr
    assert "AS dan Korsel" in result.stdout
