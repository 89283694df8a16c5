"""Runs that remember: clustering against a persistent index, in SQLite and in a real Redis."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdedup.cli.app import app
from newsdedup.document import Document
from newsdedup.fingerprint import fingerprint_documents
from newsdedup.indexed import IndexedRun
from newsdedup.pipeline import clean_documents, cluster_documents, dedup_documents, read_documents
from newsdedup.settings import DedupSettings
from newsdedup.store import open_store
from tests.conftest import SAMPLES, article

COMMAND = shutil.which("newsdedup") or str(Path(sys.executable).parent / "newsdedup")
SETTINGS = DedupSettings()


def corpus() -> list[Document]:
    """The samples plus trimmed and edited copies, and unrelated stories."""
    docs = list(clean_documents(read_documents([str(SAMPLES)])))
    extra = []
    for doc in docs[:3]:
        paragraphs = doc.text.split("\n\n")
        extra.append(
            Document(
                id=f"{doc.id}#trim", title=doc.title, text="\n\n".join(paragraphs[: len(paragraphs) // 2])
            )
        )
        extra.append(
            Document(id=f"{doc.id}#edit", title=doc.title, text=doc.text.replace("Rusia", "Federasi Rusia"))
        )
    extra += [
        Document(id=f"story-{topic}", title=topic, text=article(topic, 16))
        for topic in ("harbour", "railway")
    ]
    return docs + extra


def partition(clusters) -> set[frozenset[str]]:
    return {frozenset(m.document.id for m in c.members) for c in clusters}


def locations(tmp_path, redis_url=None):
    yield str(tmp_path / "index.sqlite")
    if redis_url:
        yield redis_url


@pytest.fixture(params=["sqlite", "redis"])
def index_location(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "index.sqlite")
    return request.getfixturevalue("redis_url")


def dedup_with_index(docs, settings, store):
    return cluster_documents(fingerprint_documents(docs, settings), settings, IndexedRun(store, settings))


def run_batches(location: str, batches: list[list[Document]]):
    store = open_store(location, SETTINGS)
    try:
        results = [dedup_with_index(batch, SETTINGS, store) for batch in batches]
        store.integrity_check()
        everything = {c.id: c for result in results for c in result}
        members = {}
        for cluster_id in everything:
            for doc in store.cluster_members(cluster_id):
                members.setdefault(doc.cluster, set()).add(doc.id)
        return results, {frozenset(ids) for ids in members.values()}
    finally:
        store.close()


def test_batches_over_an_index_give_the_clusters_of_one_run(index_location):
    docs = corpus()
    one_run = partition(dedup_documents([replace(d) for d in docs]))
    batches = [docs[0::3], docs[1::3], docs[2::3]]
    _, stored = run_batches(index_location, [[replace(d) for d in b] for b in batches])
    assert stored == one_run


def central_story() -> dict[str, Document]:
    """Versions of one story: ``base`` shares most with the others, ``long`` is the longest."""
    texts = {
        "long": article("storm", 18) + "\n\n" + article("extra", 12),
        "brief": article("storm", 14) + "\n\n" + article("bee", 5),
        "later": article("storm", 14, start=6) + "\n\n" + article("cee", 5),
        "base": article("storm", 20),
    }
    return {name: Document(id=name, title="Storm", text=text) for name, text in texts.items()}


@pytest.mark.parametrize("last", ["base", "brief"])
def test_central_over_an_index_weighs_the_members_whose_text_it_does_not_keep(index_location, last):
    # Before: a run chose among its new members and the stored canonical, measured against each
    # other only: two versions tie, and the longer won, where one run over all chose "base".
    story = central_story()
    settings = replace(SETTINGS, canonical="central")
    [one_run] = dedup_documents([replace(d) for d in story.values()], settings)
    assert one_run.canonical.id == "base" and one_run.size == 4
    first = [replace(d) for name, d in story.items() if name != last]
    store = open_store(index_location, settings)
    try:
        dedup_with_index(first, settings, store)
        [joined] = dedup_with_index([replace(story[last])], settings, store)
    finally:
        store.close()
    assert joined.canonical.id == "base" and joined.indexed_size == 4


def test_a_copy_arriving_later_joins_the_remembered_cluster_as_a_duplicate(index_location):
    docs = {Path(d.id).name[:3]: d for d in clean_documents(read_documents([str(SAMPLES)]))}
    results, _ = run_batches(
        index_location, [[docs["000"], docs["001"]], [docs["002"], docs["003"], docs["000"]]]
    )
    first, second = results
    assert [c.size for c in first] == [1, 1]
    statuses = {Path(m.document.id).name[:3]: m.document.meta["status"] for c in second for m in c.members}
    assert statuses == {"002": "duplicate", "003": "new", "000": "seen"}
    [joined] = [c for c in second if c.size == 2]
    assert joined.id == first[0].id  # the remembered cluster keeps its id


def test_clusters_that_could_not_be_delivered_leave_the_index_as_it_was(index_location):
    docs = corpus()

    def failing_output(clusters):
        assert len(clusters) > 1  # delivered whole, before the commit
        raise OSError(28, "No space left on device")

    store = open_store(index_location, SETTINGS)
    try:
        printed = list(fingerprint_documents([replace(d) for d in docs], SETTINGS))
        with pytest.raises(OSError):
            cluster_documents(printed, SETTINGS, IndexedRun(store, SETTINGS), deliver=failing_output)
        assert store.stats()["documents"] == 0
        delivered = []
        cluster_documents(printed, SETTINGS, IndexedRun(store, SETTINGS), deliver=delivered.append)
        assert store.stats()["documents"] == len(docs) and len(delivered) == 1
    finally:
        store.close()


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_only_new_reports_just_the_stories_nobody_saw_before(tmp_path):
    db = tmp_path / "index.sqlite"
    first, second = sorted(SAMPLES.glob("00[01]_*.txt"))
    assert cli("dedup", first, "--db", db).exit_code == 0
    result = cli("dedup", SAMPLES, "--db", db, "--only-new", "--by", "doc", "-f", "jsonl")
    assert result.exit_code == 0
    new = [json.loads(line)["id"].rsplit("/", 1)[-1][:3] for line in result.stdout.splitlines()]
    assert new == ["001", "003", "004"]  # 000 was seen; 002 is a copy of it
    stats = json.loads(cli("index", "stats", db, "-f", "jsonl").stdout)
    assert stats["documents"] == 5 and stats["clusters"] == 4


def test_a_canonical_read_again_is_marked_canonical(tmp_path):
    db = tmp_path / "index.sqlite"
    assert cli("dedup", *sorted(SAMPLES.glob("00[01]_*.txt")), "--db", db).exit_code == 0
    for _ in range(2):  # the index's clusters read again in part, then whole
        records = [
            json.loads(line) for line in cli("dedup", SAMPLES, "--db", db, "--by", "doc").stdout.splitlines()
        ]
        assert len(records) == 5
        assert all(r["canonical"] == (r["id"] == r["canonical_id"]) for r in records)
        assert sorted(r["cluster"] for r in records if r["canonical"]) == sorted(
            {r["cluster"] for r in records}
        )


def test_index_export_and_prune(tmp_path):
    db = tmp_path / "index.sqlite"
    cli("dedup", SAMPLES, "--db", db)
    exported = [json.loads(line) for line in cli("index", "export", db).stdout.splitlines()]
    assert len(exported) == 5 and {"id", "cluster", "first_seen"} <= set(exported[0])
    assert cli("index", "prune", db, "--older-than", "1w").exit_code == 0
    assert len(cli("index", "export", db).stdout.splitlines()) == 5
    for bad_age in ("soon", "-5d", "nand", "infd"):  # a negative age would remove everything
        bad = cli("index", "prune", db, "--older-than", bad_age)
        assert bad.exit_code == 2 and "--older-than takes" in bad.stderr and bad.stdout == ""
    assert len(cli("index", "export", db).stdout.splitlines()) == 5


def test_an_index_built_with_other_settings_is_refused(tmp_path):
    db = tmp_path / "index.sqlite"
    cli("dedup", SAMPLES, "--db", db)
    result = cli("dedup", SAMPLES, "--db", db, "--shingle-size", "4")
    assert result.exit_code == 2 and "other settings" in result.stderr and result.stdout == ""


def test_settings_given_to_a_run_over_an_index_apply_to_that_run_only(tmp_path):
    db = tmp_path / "index.sqlite"
    original, copy = (sorted(SAMPLES.glob(f"{number}_*.txt"))[0] for number in ("000", "002"))
    assert cli("dedup", original, "--db", db).exit_code == 0
    strict = cli("dedup", copy, "--db", db, "--threshold", "0.99", "--by", "doc", "-f", "jsonl")
    assert strict.exit_code == 0, strict.stderr
    record = json.loads(strict.stdout)
    assert (record["status"], record["similarity"]) == ("new", 1.0)  # 0.48 of the original: no copy at 0.99
    with open_store(str(db)) as store:
        assert store.settings == SETTINGS


def test_a_read_only_index_is_a_clear_error_and_stays_unchanged(tmp_path):
    db = tmp_path / "index.sqlite"
    first = sorted(SAMPLES.glob("000_*.txt"))[0]
    cli("dedup", first, "--db", db)
    before = db.read_bytes()
    db.chmod(0o444)
    # root ignores file modes, so the command runs without that privilege when it can
    prefix = (
        ["setpriv", "--inh-caps=-all", "--bounding-set=-all"]
        if os.geteuid() == 0 and shutil.which("setpriv")
        else []
    )
    result = subprocess.run(
        [*prefix, COMMAND, "dedup", str(SAMPLES), "--db", str(db)], capture_output=True, text=True
    )
    assert result.returncode == 2, result.stderr
    assert str(db) in result.stderr and "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_two_runs_writing_one_index_at_once_both_succeed(tmp_path):
    db = tmp_path / "index.sqlite"
    halves = [tmp_path / "a", tmp_path / "b"]
    for number, half in enumerate(halves):
        half.mkdir()
        for i in range(40):
            (half / f"{i:03d}.txt").write_text(article(f"topic{number}-{i}", 10))
    runs = [
        subprocess.Popen(
            [COMMAND, "dedup", str(half), "--db", str(db), "-q", "-j", "1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for half in halves
    ]
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT count(*) FROM documents").fetchone()[0] == 80


def test_two_runs_of_the_same_documents_at_once_count_each_document_once(tmp_path):
    db = tmp_path / "index.sqlite"
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(60):
        (folder / f"{i:03d}.txt").write_text(article(f"topic{i}", 10))
    command = [COMMAND, "dedup", str(folder), "--db", str(db), "-j", "1"]
    runs = [
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in "ab"
    ]
    outputs = [run.communicate(timeout=300)[1].splitlines() for run in runs]
    summaries = [lines[-1] for lines in outputs]
    # a run that waited (each time they met: creating the index, then writing a batch) said so, and
    # the later one found its documents indexed by the other one: read 60, not 120
    waited = [line for lines in outputs for line in lines[:-1]]
    assert all("another run is writing to the index; waiting for it, up to 600 s" in line for line in waited)
    assert all(summary.startswith("60 documents read, ") for summary in summaries), summaries
    assert any("60 already indexed" in summary and " 0 cleaned" in summary for summary in summaries), (
        summaries
    )


@pytest.mark.parametrize("with_redis", [False, True])
def test_documents_pruned_while_a_run_reads_them_are_named_not_lost(tmp_path, with_redis, request):
    # Before: a run found them indexed before it cleaned, an index prune removed them, and the run
    # left them out of its output and of the index without a word.
    location = request.getfixturevalue("redis_url") if with_redis else str(tmp_path / "index.sqlite")
    raw = list(read_documents([str(SAMPLES)]))
    store = open_store(location, SETTINGS)
    try:
        dedup_with_index(list(clean_documents(raw)), SETTINGS, store)
        run = IndexedRun(store, SETTINGS)
        assert list(run.unseen(raw)) == []  # all read again
        with open_store(location, SETTINGS) as pruner:
            time.sleep(0.01)
            assert pruner.prune(0) == len(raw)
        failed = []
        assert cluster_documents([], SETTINGS, run, on_error=failed.append) == []
        assert sorted(error.source for error in failed) == sorted(doc.id for doc in raw)
        assert all("another process removed it since (index prune?)" in error.reason for error in failed)
    finally:
        store.close()


def samples_indexed_by_the_command(tmp_path) -> Path:
    """A SQLite index of the samples, written by the installed command."""
    db = tmp_path / "index.sqlite"
    first = subprocess.run([COMMAND, "dedup", str(SAMPLES), "--db", str(db), "-q"], capture_output=True)
    assert first.returncode == 0, first.stderr
    return db


def test_a_run_waiting_for_another_runs_write_lock_stops_at_once_on_sigterm(tmp_path):
    # Before: SQLite waited for the lock in C, where the signal handler could not run: the run stopped
    # only when the other run committed (30 s later here; up to the 600 s busy timeout).
    db = samples_indexed_by_the_command(tmp_path)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        waiting = subprocess.Popen(
            [COMMAND, "dedup", str(SAMPLES), "--db", str(db)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        told = waiting.stderr.readline()
        assert "another run is writing to the index; waiting for it" in told
        signalled = time.monotonic()
        waiting.send_signal(signal.SIGTERM)
        assert waiting.wait(timeout=20) == 143
        assert time.monotonic() - signalled < 5
        assert "Traceback" not in waiting.stderr.read()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_run_killed_mid_batch_leaves_an_index_that_a_rerun_completes(tmp_path):
    db = tmp_path / "index.sqlite"
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(400):
        (folder / f"{i:03d}.txt").write_text(article(f"story{i % 150}", 10, start=i % 4))
    process = subprocess.Popen(
        [COMMAND, "dedup", str(folder), "--db", str(db), "-q", "-j", "1"], stdout=subprocess.DEVNULL
    )
    deadline = time.time() + 60
    while not Path(f"{db}-wal").exists() and time.time() < deadline and process.poll() is None:
        time.sleep(0.01)  # the batch has begun writing once the write-ahead log exists
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    rerun = subprocess.run(
        [COMMAND, "dedup", str(folder), "--db", str(db), "-q", "-j", "1"], capture_output=True
    )
    assert rerun.returncode == 0, rerun.stderr
    store = open_store(str(db))
    try:
        store.integrity_check()
        assert store.stats()["documents"] == 400
    finally:
        store.close()


def test_a_rerun_over_pages_the_index_holds_does_not_load_the_cleaner(tmp_path):
    # A cron job re-reads its whole crawl directory: with nothing new, it only reads and looks up.
    db = samples_indexed_by_the_command(tmp_path)
    script = (
        "import sys\n"
        "from newsdedup.cli.app import main\n"
        "sys.argv = ['newsdedup', 'dedup', sys.argv[1], '--db', sys.argv[2], '-q', '-f', 'jsonl']\n"
        "try:\n    main()\nexcept SystemExit as stop:\n    assert not stop.code, stop.code\n"
        "print('preload' if 'newsdedup.preload' in sys.modules else 'cleaner not loaded', file=sys.stderr)\n"
    )
    rerun = subprocess.run(
        [sys.executable, "-c", script, str(SAMPLES), str(db)], capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr.strip() == "cleaner not loaded"
    assert [json.loads(line)["size"] for line in rerun.stdout.splitlines()] == [2, 1, 1, 1]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_output_that_cannot_be_written_leaves_the_index_as_it_was(tmp_path):
    # the cron recipe: new stories appended to a file; a full disk must not lose them for good
    db = tmp_path / "index.sqlite"
    recipe = [COMMAND, "dedup", str(SAMPLES), "--db", str(db), "--only-new", "--unique", "-q"]
    with open("/dev/full", "w") as full:
        failed = subprocess.run(recipe, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert failed.returncode == 2 and failed.stderr == "newsdedup: error: No space left on device\n"
    assert json.loads(cli("index", "stats", db, "-f", "jsonl").stdout)["documents"] == 0
    retried = subprocess.run(recipe, capture_output=True, text=True, timeout=120)
    assert retried.returncode == 0 and len(retried.stdout.splitlines()) == 4  # 000 and 002 are one story
    assert json.loads(cli("index", "stats", db, "-f", "jsonl").stdout)["documents"] == 5


def test_an_unreachable_redis_index_is_a_clear_error_without_its_password():
    result = cli("dedup", SAMPLES, "--db", "redis://:s3cret-pass@127.0.0.1:1/0")
    assert result.exit_code == 2 and result.stdout == ""
    assert "127.0.0.1:1" in result.stderr and "s3cret-pass" not in result.stderr


def test_a_redis_database_that_is_not_a_number_is_a_usage_error_without_the_password():
    result = cli("dedup", SAMPLES, "--db", "redis://:s3cret-pass@127.0.0.1:1/7x")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("newsdedup: error: redis://:***@127.0.0.1:1/7x: not a usable Redis URL")
    assert "must be a number" in result.stderr and "s3cret-pass" not in result.stderr


def test_redis_index_through_the_command(redis_url):
    first = cli("dedup", sorted(SAMPLES.glob("000_*.txt"))[0], "--db", redis_url, "--by", "doc")
    second = cli("dedup", SAMPLES, "--db", redis_url, "--by", "doc")
    assert first.exit_code == second.exit_code == 0
    statuses = {
        json.loads(line)["id"][-34:]: json.loads(line)["status"] for line in second.stdout.splitlines()
    }
    assert sorted(statuses.values()) == ["duplicate", "new", "new", "new", "seen"]
