"""Real crawls, the way a cron job meets them: through the installed command, real worker processes,
real pipes, FIFOs and process substitution, and a real SQLite index."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, article

COMMAND = shutil.which("newsdedup") or str(Path(sys.executable).parent / "newsdedup")
MENU_PAGE = (
    "xNews\nBerita · Internasional · Kolom · Foto · Video · Indeks\nHome > Indeks\n"
    "Tentang Kami · Redaksi · Pedoman Media Siber · Karir · Kontak\nCopyright © 2024 xNews.\n"
)


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([COMMAND, *map(str, args)], capture_output=True, text=True, timeout=300, **kwargs)


def records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def sample(number: str) -> Path:
    return next(SAMPLES.glob(f"{number}_*.txt"))


# ---- 1. failures cross the process boundary with their own reason


def test_pages_without_an_article_fail_in_workers_with_their_own_reason(tmp_path):
    for i in range(220):
        (tmp_path / f"a{i:03d}.txt").write_text(f"Story {i}\n\n" + article(f"topic{i}", 8))
    for i in range(24):
        (tmp_path / f"menu{i:02d}.txt").write_text(MENU_PAGE)
    (tmp_path / "empty.txt").write_text("")
    result = run("dedup", tmp_path, "-j", "2", "--by", "doc", "-f", "jsonl")
    assert result.returncode == 2
    assert len(records(result.stdout)) == 220
    errors = [line for line in result.stderr.splitlines() if line.startswith("newsdedup: ")]
    assert "crash" not in result.stderr and "Traceback" not in result.stderr
    assert sum(line.endswith(".txt: no article text found") for line in errors) == 5  # then counted:
    assert "newsdedup: 19 more failures not named: no article text found" in errors
    assert any("empty.txt: empty file" in line for line in errors)
    assert "245 documents read, 220 cleaned, 25 failed" in result.stderr


def test_a_failure_survives_pickling_as_itself():
    import pickle

    from newsdedup.errors import DocumentError, NotAnArticle
    from newsdedup.read.jsonl import MissingFields

    for error in (
        DocumentError("a.html", "no article text found"),
        NotAnArticle("w#1", "image"),
        MissingFields("r", "no 'text'"),
    ):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and (copy.source, copy.reason) == (error.source, error.reason)


# ---- 2. input that can be read only once is read once, in full


def test_one_document_piped_in_is_cleaned_whole():
    page = sample("000")
    whole = records(run("clean", page, "-f", "jsonl").stdout)[0]
    piped = records(run("clean", "-f", "jsonl", input=page.read_text()).stdout)[0]
    assert (piped["title"], piped["text"]) == (whole["title"], whole["text"]) and piped["id"] == "-"
    via_dev_stdin = subprocess.run(
        f"cat '{page}' | '{COMMAND}' clean /dev/stdin -f jsonl", shell=True, capture_output=True, text=True
    )
    assert json.loads(via_dev_stdin.stdout)["text"] == whole["text"]


def test_a_gzipped_html_page_piped_in_is_cleaned(tmp_path):
    html = (
        "<html><head><title>Harbour story</title></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in article("harbour", 10).split("\n\n"))
        + "</article></body></html>"
    )
    compressed = gzip.compress(html.encode())
    result = subprocess.run(
        [COMMAND, "clean", "-f", "jsonl"], input=compressed, capture_output=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    [doc] = records(result.stdout.decode())
    assert doc["kind"] == "html" and doc["title"] == "Harbour story"
    assert doc["text"].split("\n\n") == article("harbour", 10).split("\n\n")


def test_a_fifo_is_read_once_and_whole(tmp_path):
    fifo = tmp_path / "page.fifo"
    os.mkfifo(fifo)
    text = sample("002").read_text()
    writer = threading.Thread(target=lambda: fifo.write_text(text))
    writer.start()
    result = run("clean", "-i", "document", fifo, "-f", "jsonl")
    writer.join(timeout=30)
    expected = records(run("clean", sample("002"), "-f", "jsonl").stdout)[0]
    assert records(result.stdout)[0]["text"] == expected["text"]


def test_explain_reads_process_substitutions_whole():
    script = f"'{COMMAND}' explain <(cat '{sample('000')}') <(cat '{sample('002')}') -f json"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["copies"] is True


# ---- 3. the persistent index knows documents by their content too


def test_a_file_rewritten_under_its_name_is_a_new_document(tmp_path):
    db, crawl = tmp_path / "index.db", tmp_path / "crawl"
    crawl.mkdir()
    latest = crawl / "latest.txt"
    latest.write_text("Harbour reopens\n\n" + article("harbour", 12))
    run("dedup", crawl, "--db", db)
    latest.write_text("Railway strike ends\n\n" + article("railway", 12))
    result = run("dedup", crawl, "--db", db, "--by", "doc", "-f", "jsonl", "--only-new")
    [row] = records(result.stdout)
    assert (row["status"], row["title"]) == ("new", "Railway strike ends")


def test_an_unchanged_rerun_skips_cleaning_and_lists_only_its_own_documents(tmp_path):
    db = tmp_path / "index.db"
    first = run("dedup", sample("000"), sample("001"), "--db", db)
    assert first.returncode == 0
    result = run("dedup", SAMPLES, "--db", db, "--by", "doc", "-f", "jsonl")
    rows = records(result.stdout)
    assert len(rows) == 5  # this run's documents, nothing else
    assert "2 already indexed (not cleaned again)" in result.stderr and "3 cleaned" in result.stderr
    assert sorted(r["status"] for r in rows) == ["duplicate", "new", "new", "seen", "seen"]


# ---- 4. identical texts always cluster; short ones are said to be short


def test_identical_short_briefs_and_unspaced_pages_are_one_cluster(tmp_path):
    brief = "Gempa magnitudo 5,1 mengguncang Sukabumi pada Minggu pagi tanpa menimbulkan kerusakan berarti."
    japanese = "東京都は十九日、新しい防災計画を発表した。" * 3
    for name, text in (("b1", brief), ("b2", brief), ("j1", japanese), ("j2", japanese)):
        (tmp_path / f"{name}.txt").write_text(text)
    result = run("dedup", tmp_path, "--by", "doc", "-f", "jsonl")
    rows = {Path(r["id"]).stem: r for r in records(result.stdout)}
    assert rows["b1"]["cluster"] == rows["b2"]["cluster"] != rows["j1"]["cluster"] == rows["j2"]["cluster"]
    # a 13-word brief is too short to be judged as a near-duplicate; Japanese is judged by characters
    assert [rows[name]["too_short"] for name in ("b1", "b2", "j1", "j2")] == [True, True, False, False]
    assert "2 too short to judge as near-duplicates" in result.stderr


# ---- 5. navigation is never an article


def test_menus_are_never_an_article_and_caption_pages_stay_apart(tmp_path):
    template = "xNews\nBerita · Internasional · Kolom · Foto · Video · Indeks · Lainnya\nHome > Foto\n{body}\nBagikan\nTentang Kami · Redaksi · Pedoman Media Siber · Karir · Kontak\n"
    captions = [
        "Warga melintasi banjir yang merendam permukiman di Kecamatan Karanganyar, Demak, Senin (18/11/2024). Banjir akibat luapan Sungai Wulan merendam ribuan rumah warga. (ANTARA FOTO/Aji Styawan)",
        "Seorang pejalan kaki memotret salju pertama musim ini di kawasan Shibuya, Tokyo, Selasa (19/11/2024). Badan meteorologi memperkirakan suhu terus turun hingga akhir pekan. (REUTERS/Kim Kyung-Hoon)",
    ]
    for i, caption in enumerate(captions):
        (tmp_path / f"photo{i}.txt").write_text(template.format(body=caption))
    (tmp_path / "menu.txt").write_text(MENU_PAGE)
    cleaned = run("clean", tmp_path, "-f", "jsonl")
    texts = {Path(r["id"]).stem: r["text"] for r in records(cleaned.stdout)}
    assert texts == {"photo0": captions[0], "photo1": captions[1]}
    assert "menu.txt: no article text found" in cleaned.stderr
    clusters = records(run("dedup", tmp_path, "-f", "jsonl").stdout)
    assert [c["size"] for c in clusters] == [1, 1]


# ---- 6. errors in one place, one line, exit 2


def test_bad_settings_and_missing_indexes_are_one_line_errors(tmp_path):
    db = tmp_path / "x.db"
    bands = run("dedup", SAMPLES, "--db", db, "--bands", "1")
    assert bands.returncode == 2 and "Traceback" not in bands.stderr
    assert bands.stderr.strip().endswith("got 1 (see newsdedup dedup --help)") and "--bands" in bands.stderr
    assert len(bands.stderr.strip().splitlines()) == 1
    missing = run("index", "stats", tmp_path / "missing.db")
    assert missing.returncode == 2 and "no index here" in missing.stderr
    assert not (tmp_path / "missing.db").exists()
    only_new = run("dedup", SAMPLES, "--only-new")
    assert only_new.returncode == 2 and "--only-new needs --db" in only_new.stderr


def test_index_commands_read_the_settings_from_the_index_and_leave_it_unchanged(tmp_path):
    db = tmp_path / "x.db"
    assert run("dedup", SAMPLES, "--db", db, "--bands", "32").returncode == 0
    before = db.read_bytes()
    stats = run("index", "stats", db, "-f", "json")
    assert stats.returncode == 0 and json.loads(stats.stdout)[0]["documents"] == 5
    assert db.read_bytes() == before
    again = run("dedup", SAMPLES, "--db", db, "-f", "jsonl")  # no --bands: the index's own
    assert again.returncode == 0 and "5 already indexed" in again.stderr


# ---- 7. smaller cases


def test_a_whole_file_gzipped_warc_gives_every_record(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for i in range(5):
        body = f"<html><body><article><p>{article(f'topic{i}', 8)}</p></article></body></html>".encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                f"http://x.example/{i}", "response", payload=io.BytesIO(body), http_headers=headers
            )
        )
    (tmp_path / "crawl.warc.gz").write_bytes(gzip.compress(buffer.getvalue()))
    result = run("clean", tmp_path / "crawl.warc.gz", "-f", "jsonl")
    assert result.returncode == 0, result.stderr
    assert len(records(result.stdout)) == 5 and "5 documents read, 5 cleaned, 0 failed" in result.stderr


def test_records_with_other_field_names_say_once_how_to_map_them(tmp_path):
    lines = [json.dumps({"uuid": f"r{i}", "body": article(f"t{i}", 6)}) for i in range(40)]
    (tmp_path / "records.jsonl").write_text("\n".join(lines) + "\n")
    result = run("clean", "-i", "jsonl", tmp_path / "records.jsonl")
    errors = [line for line in result.stderr.splitlines() if line.startswith("newsdedup: ")]
    assert len(errors) == 7 and "--field" in errors[5] and "35 more failures not named" in errors[-1]
    assert "40 failed" in result.stderr and result.returncode == 2
    mapped = run(
        "clean", "-i", "jsonl", tmp_path / "records.jsonl", "--field", "id=uuid", "--field", "text=body"
    )
    assert mapped.returncode == 0 and len(records(mapped.stdout)) == 40


def test_messages_read_as_english(tmp_path):
    typo = run("dedpu", SAMPLES)
    assert typo.returncode == 2 and "no such command 'dedpu'; did you mean 'dedup'?" in typo.stderr
    (tmp_path / "empty").mkdir()
    empty = run("dedup", tmp_path / "empty")
    assert empty.returncode == 0 and "no documents found" in empty.stderr
    one = run("clean", sample("001"))
    assert "1 document read," in one.stderr


@pytest.mark.parametrize("flag", ["--dupes-only", "--only-new"])
def test_the_summary_counts_what_the_run_found(tmp_path, flag):
    db = tmp_path / "x.db"
    run("dedup", sample("000"), "--db", db)
    result = run("dedup", SAMPLES, "--db", db, flag)
    assert "4 clusters, 1 duplicate, 3 new, 1 repeating earlier runs' stories" in result.stderr
