"""The SQLite index under failure: killed writers, read-only and damaged files, a full disk."""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newsdedup.errors import StoreError
from newsdedup.store import open_store
from tests.conftest import REPO
from tests.store_helpers import SETTINGS, batch_document, indexed_ids
from tools.store_size import fill

T0 = 1_700_000_000.0


def make_index(path: Path, batch: str = "committed", count: int = 30) -> list[str]:
    """An index with one committed batch, closed; the ids it holds."""
    store = open_store(str(path), SETTINGS)
    with store.transaction(now=T0):
        for number in range(count):
            store.add_document(*batch_document(batch, number))
    store.close()
    return [f"{batch}/{number:05d}.html" for number in range(count)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def python_command(code: str, *, privileged: bool = True) -> list[str]:
    """A command running ``code``; ``privileged=False`` makes file permissions bind even for root."""
    command = [sys.executable, "-c", code]
    if not privileged and os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot make file permissions bind")
        # root without these capabilities is held to the permission bits like anyone else
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    return command


def run_python(code: str, *, privileged: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """Run ``code`` in a child process (see :func:`python_command`)."""
    command = python_command(code, privileged=privileged)
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120, **kwargs)


OPEN_AND_ADD = """
from newsdedup.errors import StoreError
from newsdedup.store import open_store
from tests.store_helpers import SETTINGS, batch_document
from tools.store_size import fill
try:
    store = open_store({path!r}, SETTINGS)
    store.add_document(*batch_document("extra", 0))
    print("written")
except StoreError as error:
    print("StoreError:", error)
"""


def test_a_writer_killed_mid_batch_leaves_the_committed_batches_intact(tmp_path):
    path = tmp_path / "index.db"
    committed = make_index(path)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.store_worker", str(path), "killed", "4000", "--hang-after", "1500"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().startswith("began")
        assert child.stdout.readline().strip() == "ready"
        # 1500 documents do not fit SQLite's page cache: uncommitted pages are in the WAL already
        assert Path(f"{path}-wal").stat().st_size > 1_000_000
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    store = open_store(str(path), SETTINGS)
    store.integrity_check()
    assert indexed_ids(store, committed) == {doc_id: n + 1 for n, doc_id in enumerate(committed)}
    assert indexed_ids(store, [f"killed/{n:05d}.html" for n in range(1500)]) == {}
    assert store.stats()["documents"] == len(committed)
    with store.transaction():
        assert store.add_document(*batch_document("after", 0)) == len(committed) + 1
    store.integrity_check()
    store.close()


def test_a_read_only_index_file_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "index.db"
    make_index(path)
    before = digest(path)
    path.chmod(0o444)
    result = run_python(OPEN_AND_ADD.format(path=str(path)), privileged=False)
    assert result.stdout.startswith("StoreError:"), result.stdout + result.stderr
    assert "the index is read-only" in result.stdout and len(result.stdout.strip().splitlines()) == 1
    assert digest(path) == before
    path.chmod(0o644)
    open_store(str(path), SETTINGS).integrity_check()


def test_an_index_in_a_read_only_directory_is_refused_and_left_unchanged(tmp_path):
    directory = tmp_path / "ro"
    directory.mkdir()
    path = directory / "index.db"
    make_index(path)
    before = digest(path)
    directory.chmod(0o555)
    try:
        result = run_python(OPEN_AND_ADD.format(path=str(path)), privileged=False)
        new_index = run_python(OPEN_AND_ADD.format(path=str(directory / "new.db")), privileged=False)
    finally:
        directory.chmod(0o755)
    assert result.stdout.startswith("StoreError:") and "read-only" in result.stdout, (
        result.stdout + result.stderr
    )
    assert new_index.stdout.startswith("StoreError:"), new_index.stdout + new_index.stderr
    assert digest(path) == before and not (directory / "new.db").exists()


READ = """
from newsdedup.errors import StoreError
from newsdedup.store import open_store
from tests.store_helpers import batch_document
store = open_store({path!r})
print(store.stats()["documents"], len(list(store.export())))
try:
    store.add_document(*batch_document("extra", 0))
except StoreError as error:
    print("StoreError:", error)
store.close()
"""


def leftovers(path: Path) -> list[str]:
    return sorted(other.name for other in path.parent.iterdir() if other != path)


def test_an_index_opened_to_be_read_refuses_writes_and_leaves_no_files(tmp_path):
    path = tmp_path / "index.db"
    make_index(path)
    before = digest(path)
    reader = open_store(str(path))
    assert reader.stats()["documents"] == 30
    with pytest.raises(StoreError, match="the index is read-only"):
        reader.add_document(*batch_document("extra", 0))
    reader.close()
    assert digest(path) == before and leftovers(path) == []


@pytest.mark.parametrize("read_only", ["directory", "file"])
def test_someone_elses_index_is_read_without_creating_files(tmp_path, read_only):
    directory = tmp_path / "ro"
    directory.mkdir()
    path = directory / "index.db"
    make_index(path)
    before = digest(path)
    if read_only == "directory":
        directory.chmod(0o555)
    else:
        path.chmod(0o444)
    try:
        result = run_python(READ.format(path=str(path)), privileged=False)
    finally:
        directory.chmod(0o755)
    lines = result.stdout.splitlines()
    assert lines[0] == "30 30", result.stdout + result.stderr
    assert lines[1].startswith("StoreError:") and "the index is read-only" in lines[1]
    assert digest(path) == before and leftovers(path) == []


def test_someone_elses_index_is_read_through_the_wal_of_a_writer_that_has_it_open(tmp_path):
    directory = tmp_path / "ro"
    directory.mkdir()
    path = directory / "index.db"
    make_index(path)
    writer = open_store(str(path), SETTINGS)
    with writer.transaction(now=T0):  # committed to the WAL, not yet to the file
        writer.add_document(*batch_document("in-wal", 0))
    directory.chmod(0o555)
    try:
        result = run_python(READ.format(path=str(path)), privileged=False)
    finally:
        directory.chmod(0o755)
        writer.close()
    assert result.stdout.startswith("31 31\n"), result.stdout + result.stderr


READ_WHILE_WRITTEN = """
import sys
from newsdedup.errors import StoreError
from newsdedup.store import open_store
store = open_store({path!r})
print(store.stats()["documents"], flush=True)
sys.stdin.readline()
for step in (store.stats, store.close):
    try:
        step()
        print("unchanged")
    except StoreError as error:
        print("StoreError:", error)
"""


def test_a_reader_without_locks_reports_a_writer_that_changed_the_file_under_it(tmp_path):
    directory = tmp_path / "ro"
    directory.mkdir()
    path = directory / "index.db"
    make_index(path)
    directory.chmod(0o555)  # no WAL and no way to make one: the reader reads the file without locks
    try:
        child = subprocess.Popen(
            python_command(READ_WHILE_WRITTEN.format(path=str(path)), privileged=False),
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert child.stdout.readline() == "30\n"
            with open_store(str(path), SETTINGS) as writer:  # closing it writes its batch into the file
                writer.add_document(*batch_document("meanwhile", 0))
            output, _ = child.communicate("go\n", timeout=120)
        finally:
            child.kill()
            child.wait(timeout=60)
    finally:
        directory.chmod(0o755)
    message = f"StoreError: {path}: another run wrote to the index while it was read; read it again"
    assert output.splitlines() == [message, message]  # by the snapshot of stats, then by close


def test_a_missing_directory_is_named(tmp_path):
    with pytest.raises(StoreError, match="directory .*missing does not exist"):
        open_store(str(tmp_path / "missing" / "index.db"), SETTINGS)


def test_an_address_of_another_scheme_is_refused_as_such(tmp_path, monkeypatch):
    # Before: read as a path, "directory sqlite:/tmp/... does not exist".
    for location in (f"sqlite:///{tmp_path}/index.db", "http://user:secret@host/index"):
        with pytest.raises(StoreError, match=r"no index is served at (sqlite|http):// addresses") as raised:
            open_store(location, SETTINGS)
        assert "secret" not in str(raised.value)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "odd:").mkdir()
    open_store("./odd://index.db", SETTINGS).close()  # a path with :// in it, as the message says
    assert (tmp_path / "odd:" / "index.db").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd:"]


def test_a_file_that_is_not_an_index_is_refused_and_left_unchanged(tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(64 * 1024))
    before = digest(garbage)
    with pytest.raises(StoreError, match="not an SQLite database"):
        open_store(str(garbage), SETTINGS)
    assert digest(garbage) == before
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    before = digest(other)
    with pytest.raises(StoreError, match="not a newsdedup index"):
        open_store(str(other), SETTINGS)
    with pytest.raises(StoreError, match="not a newsdedup index"):  # before: "no index here", to be read
        open_store(str(other))
    assert digest(other) == before  # before: switched to WAL mode, then refused
    assert sorted(path.name for path in tmp_path.iterdir()) == ["garbage.db", "other.db"]


def test_a_damaged_index_fails_its_integrity_check(tmp_path):
    path = tmp_path / "index.db"
    make_index(path, count=200)
    size = path.stat().st_size
    with open(path, "r+b") as raw:  # scribble over a page in the middle of the file
        raw.seek(size // 2 // 8192 * 8192)
        raw.write(b"\xa5" * 8192)
    with pytest.raises(StoreError) as raised:
        open_store(str(path), SETTINGS).integrity_check()
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    "damage, problem",
    [
        (
            "UPDATE meta SET value = replace(value, '{\"bands', '{\"bandr') WHERE name = 'settings'",
            "cannot be read",
        ),
        ("UPDATE meta SET value = substr(value, 2) WHERE name = 'settings'", "cannot be read"),
        ("UPDATE meta SET value = '[]' WHERE name = 'settings'", "cannot be read"),
        ("UPDATE meta SET value = '{\"bands\": \"x\"}' WHERE name = 'settings'", "cannot be read"),
        ("DELETE FROM meta WHERE name = 'settings'", "holds no settings"),
    ],
)
@pytest.mark.parametrize("settings", [None, SETTINGS], ids=["read", "write"])
def test_damaged_settings_are_a_store_error_naming_the_index(tmp_path, damage, problem, settings):
    # Before: a JSONDecodeError, KeyError or AttributeError, which the command showed as a bug (exit 70).
    path = tmp_path / "index.db"
    make_index(path, count=3)
    with sqlite3.connect(path) as connection:
        connection.execute(damage)
    with pytest.raises(StoreError, match=f"index.db: the index file is damaged: .*{problem}") as raised:
        open_store(str(path), settings)
    assert "\n" not in str(raised.value)


def test_a_setting_each_run_gives_itself_stored_by_another_build_reads_as_its_default(tmp_path):
    # an index written by a build with a canonical rule of its own stays readable (it read as damaged)
    path = tmp_path / "index.db"
    make_index(path, count=3)
    with sqlite3.connect(path) as connection:
        connection.execute(
            "UPDATE meta SET value = replace(value, '\"longest\"', '\"shortest\"') WHERE name = 'settings'"
        )
    assert open_store(str(path)).settings == SETTINGS
    assert open_store(str(path), SETTINGS).settings == SETTINGS


def flip_a_shingle_bit(connection: sqlite3.Connection) -> None:
    (blob,) = connection.execute("SELECT data FROM shingles WHERE key = 4").fetchone()
    damaged = bytearray(blob)
    damaged[40] ^= 0x10
    connection.execute("UPDATE shingles SET data = ? WHERE key = 4", (bytes(damaged),))


@pytest.mark.parametrize(
    "damage, problem",
    [
        (
            "DELETE FROM bands WHERE key = 3 AND bucket = (SELECT min(bucket) FROM bands WHERE key = 3)",
            "63 of its 64",
        ),
        ("INSERT INTO bands VALUES (12345, 99)", "LSH band rows where"),
        ("UPDATE documents SET cluster = 99 WHERE key = 2", "cluster 99, which does not exist"),
        ("UPDATE clusters SET size = 7 WHERE id = 3", "records size 7 but has 1"),
        ("UPDATE clusters SET representatives = '[1]' WHERE id = 3", "stale representatives"),
        (flip_a_shingle_bit, "document key 4: shingle data"),
        (
            "INSERT INTO site_pages VALUES ('portal.example', x'0100000002000000')",
            "site 'portal.example': site template data fails its checksum",
        ),
    ],
)
def test_the_integrity_check_finds_broken_references(tmp_path, damage, problem):
    path = tmp_path / "index.db"
    make_index(path, count=5)
    open_store(str(path), SETTINGS).integrity_check()
    with sqlite3.connect(path) as connection:
        damage(connection) if callable(damage) else connection.execute(damage)
    with pytest.raises(StoreError, match=problem):
        open_store(str(path), SETTINGS).integrity_check()


def test_a_full_disk_fails_the_batch_with_a_store_error_and_keeps_the_index(tmp_path):
    path = tmp_path / "index.db"
    committed = make_index(path)
    limit = path.stat().st_size + 512 * 1024

    def small_files():  # the child may write files of at most `limit` bytes (EFBIG past it)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    child = subprocess.run(
        [sys.executable, "-m", "tests.store_worker", str(path), "toolarge", "2000"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=small_files,
    )
    assert child.returncode == 3, child.stdout + child.stderr
    message = child.stdout.strip().splitlines()[-1]
    assert message.startswith("StoreError: ") and "could not be written" in message
    store = open_store(str(path), SETTINGS)
    store.integrity_check()
    assert len(indexed_ids(store, committed)) == len(committed) and store.stats()["documents"] == len(
        committed
    )
    store.close()


def test_busy_timeout_is_reported_as_a_busy_index(tmp_path):
    path = tmp_path / "index.db"
    make_index(path, count=1)
    holder = open_store(str(path), SETTINGS)
    with holder.transaction():
        with pytest.raises(StoreError, match="the index is busy"):
            open_store(str(path), SETTINGS, busy_timeout=0.2)
    holder.close()


def _open_at_once(path: str, barrier, results) -> None:
    import faulthandler

    # a run that gives no result within the test's wait shows where it waits
    faulthandler.dump_traceback_later(50, exit=True)
    barrier.wait()
    try:
        open_store(path, SETTINGS).close()
        results.put("")
    except StoreError as error:
        results.put(str(error))


def open_together(directory: str, rounds: int) -> list[str]:
    """Rounds of six runs (forked processes) that open one new index each round at the same moment:
    the errors they met."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    errors = []
    for round_ in range(rounds):
        barrier, results = context.Barrier(6), context.Queue()
        path = os.path.join(directory, f"index-{round_}.db")
        runs = [context.Process(target=_open_at_once, args=(path, barrier, results)) for _ in range(6)]
        for run in runs:
            run.start()
        errors += [error for error in (results.get(timeout=60) for _ in runs) if error]
        for run in runs:
            run.join()
    return errors


def test_runs_that_create_one_index_at_the_same_moment_all_open_it(tmp_path):
    # Before: "database is locked" at once from the switch to WAL, reported as a wait of 600 s (in about
    # one round in fifteen to forty of six processes here; 150 rounds take about 10 s).
    # The runs are forked from a new interpreter: forked from the test process, a run could inherit a
    # mutex of SQLite held by another thread there, and wait on it for ever in sqlite3.connect (seen
    # once in CI, under load: two runs stuck there).
    script = (
        f"from tests.test_store_sqlite import open_together; print(open_together({str(tmp_path)!r}, 150))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=900
    )
    assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr


def test_bytes_per_document_stay_at_the_measured_figure(tmp_path):
    """2,000 documents of ~500 shingles: ~2.9 KB each beyond canonical texts (the 1 KB target is not met)."""
    stats, _ = fill(str(tmp_path / "index.db"), documents=2000, shingles=500, batch=500)
    per_document = {part: size / stats["documents"] for part, size in stats["breakdown"].items()}
    assert per_document["shingles"] < 1.1 * 1529  # the entropy of a random 500-element set of uint32
    assert per_document["bands"] < 64 * 14
    assert stats["bytes_per_document"] < 3100


VIEWS = ("documents_view", "clusters_view", "members_view")


def views(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}


def test_the_views_read_as_documented(tmp_path):
    path = tmp_path / "index.db"
    store = open_store(str(path), SETTINGS)
    with store.transaction(now=T0):
        first = store.add_document(*batch_document("views", 0))
        cluster = store.documents([first])[first].cluster
        store.add_document(*batch_document("views", 1), cluster=cluster, similarity=0.61234)
        store.add_document(*batch_document("views", 2))
    store.close()
    assert views(path) == set(VIEWS)
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        clusters = [dict(row) for row in db.execute("SELECT * FROM clusters_view ORDER BY cluster")]
        members = [
            dict(row) for row in db.execute("SELECT * FROM members_view WHERE cluster = ?", (cluster,))
        ]
        document = dict(db.execute("SELECT * FROM documents_view WHERE id = 'views/00001.html'").fetchone())
    assert [(c["cluster"], c["size"], c["title"]) for c in clusters] == [
        (cluster, 2, "views headline 0"),
        (cluster + 1, 1, "views headline 2"),
    ]
    assert (
        clusters[0]["canonical_id"] == "views/00000.html"
        and clusters[0]["text"] == "text of views/00000.html"
    )
    assert clusters[0]["first_seen"] == clusters[0]["updated"] == "2023-11-14T22:13:20Z"
    assert [(m["id"], m["canonical"], m["similarity"]) for m in members] == [
        ("views/00000.html", 1, 1.0),
        ("views/00001.html", 0, 0.6123),
    ]
    assert document["first_seen"] == "2023-11-14T22:13:20Z" and document["cluster"] == cluster
    assert document["canonical"] == 0 and document["shingles"] > 400


def test_an_index_without_views_gets_them_when_written_but_not_when_read(tmp_path):
    path = tmp_path / "index.db"
    make_index(path, count=2)
    with sqlite3.connect(path) as db:
        for view in VIEWS:
            db.execute(f"DROP VIEW {view}")
    before = digest(path)
    open_store(str(path)).close()  # read: left exactly as it is
    assert digest(path) == before and views(path) == set()
    open_store(str(path), SETTINGS).close()
    assert views(path) == set(VIEWS)
