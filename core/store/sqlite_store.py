"""The index in one SQLite file.

WAL mode: readers never wait, and a batch is one ``BEGIN IMMEDIATE`` transaction,
so a second writer waits (up to the busy timeout) for the first to commit, and a
process killed mid-batch leaves only uncommitted WAL frames, which SQLite
ignores when the file is opened again. ``synchronous=FULL`` makes a committed
batch survive a power cut too (one fsync per batch).

An index opened to be read is never written. When this process may write the
file and its directory, it reads through the WAL as a writer does, with writes
refused (``query_only``). Someone else's index is opened read-only, creating no
``-wal`` and ``-shm`` files (this user's, they would keep the owner from
writing): through a writer's WAL when there is one, else as an immutable file,
read without locks, so closing the store or ending a read snapshot raises
StoreError if a writer changed the file meanwhile.

Size per document (see ``make store-size``): the LSH band rows are a
WITHOUT ROWID table holding only a 32-bit bucket (band number mixed in) and the
key, so each row is ~12 bytes; shingles (with the text's figures and dates) are Rice-coded blobs
(:mod:`core.store.codec`); the signature is not stored at all (it is
recomputed from the shingles). Canonical texts live in a table of their own so
that their share can be measured apart.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ..errors import StoreError
from ..settings import DedupSettings
from .backend import one_line
from .base import NoIndex, Store
from .codec import band_buckets
from .types import RECORD_FIELDS, ContentKey, StoredCluster, StoredDocument

_SCHEMA = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    """CREATE TABLE documents (
        key INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        digest TEXT NOT NULL,
        path TEXT,
        url TEXT,
        title TEXT NOT NULL,
        date TEXT,
        language TEXT,
        first_seen REAL NOT NULL,
        cluster INTEGER NOT NULL,
        similarity REAL NOT NULL,
        shingle_count INTEGER NOT NULL,
        unit TEXT NOT NULL,
        UNIQUE (id, digest)
    )""",
    "CREATE INDEX documents_by_cluster ON documents (cluster)",
    "CREATE INDEX documents_by_first_seen ON documents (first_seen)",
    "CREATE TABLE shingles (key INTEGER PRIMARY KEY, data BLOB NOT NULL)",
    # one row per band of each document; the bucket already tells the band apart
    "CREATE TABLE bands (bucket INTEGER NOT NULL, key INTEGER NOT NULL, PRIMARY KEY (bucket, key)) WITHOUT ROWID",
    """CREATE TABLE clusters (
        id INTEGER PRIMARY KEY,
        canonical_key INTEGER NOT NULL,
        title TEXT NOT NULL,
        size INTEGER NOT NULL,
        representatives TEXT NOT NULL,
        updated REAL NOT NULL
    )""",
    "CREATE TABLE canonical_texts (cluster INTEGER PRIMARY KEY, text TEXT NOT NULL)",
)
# Tables a newer release added: an index of an earlier one gets them when a dedup --db run next opens it.
_ADDED_TABLES = (
    # the lines of each site's latest pages (codec.encode_site_pages), for learning site templates
    "CREATE TABLE IF NOT EXISTS site_pages (site TEXT PRIMARY KEY, pages BLOB NOT NULL)",
)
WAL_RETRY_PAUSE, WAL_RETRY_PAUSE_MAX = 0.005, 0.1  # seconds between tries to switch a new file to WAL
LOCK_WAIT_SLICE = 0.2  # seconds SQLite waits for the write lock in one call (signals wait for its return)
_ISO = "'%Y-%m-%dT%H:%M:%SZ'"  # times in the views: ISO 8601, UTC, like the export records
# Views for people and tools (sqlite3, sqlite-utils, Datasette), documented in docs/records.md. They hold
# no data, so an index of the previous release gets them when it is next opened for writing.
_VIEWS = (
    f"""CREATE VIEW IF NOT EXISTS documents_view AS SELECT
        d.id, d.path, d.url, d.title, d.date, d.language,
        strftime({_ISO}, d.first_seen, 'unixepoch') AS first_seen,
        d.cluster, round(d.similarity, 4) AS similarity, d.key = c.canonical_key AS canonical,
        d.shingle_count AS shingles
    FROM documents d JOIN clusters c ON c.id = d.cluster""",
    f"""CREATE VIEW IF NOT EXISTS clusters_view AS SELECT
        c.id AS cluster, c.size, c.title, k.id AS canonical_id, k.url AS canonical_url,
        (SELECT strftime({_ISO}, min(m.first_seen), 'unixepoch') FROM documents m WHERE m.cluster = c.id)
            AS first_seen,
        strftime({_ISO}, c.updated, 'unixepoch') AS updated, t.text
    FROM clusters c JOIN canonical_texts t ON t.cluster = c.id
    LEFT JOIN documents k ON k.key = c.canonical_key""",
    f"""CREATE VIEW IF NOT EXISTS members_view AS SELECT
        c.id AS cluster, c.size AS cluster_size, c.title AS cluster_title,
        d.id, d.title, d.url, d.date, round(d.similarity, 4) AS similarity,
        d.key = c.canonical_key AS canonical, strftime({_ISO}, d.first_seen, 'unixepoch') AS first_seen
    FROM clusters c JOIN documents d ON d.cluster = c.id""",
)
_DOCUMENT_COLUMNS = "d.key, d.id, d.digest, d.path, d.url, d.title, d.date, d.language, d.first_seen, d.cluster, d.similarity, d.shingle_count, d.unit"
# SQLite's own words -> what they mean for an index
_REASONS = {
    "attempt to write a readonly database": "the index is read-only",
    "database or disk is full": "the disk is full",
    "file is not a database": "not an SQLite database, or a damaged one",
    "database disk image is malformed": "the index file is damaged",
    "unable to open database file": "cannot open the index file",
    "disk I/O error": "the index file could not be written (disk full, file size limit or failing storage)",
}


def _marks(count: int) -> str:
    return ",".join("?" * count)


def _file_state(path: Path) -> tuple[int, int, int]:
    """What a write to the file changes."""
    state = os.stat(path)
    return state.st_ino, state.st_size, state.st_mtime_ns


class SQLiteStore(Store):
    backend = "sqlite"
    _backend_errors = (sqlite3.Error, OSError)

    def __init__(
        self,
        path: str | os.PathLike,
        settings: DedupSettings | None = None,
        *,
        writable: bool = True,
        busy_timeout: float = 600.0,
        on_wait: Callable[[str], None] | None = None,
    ):
        super().__init__(os.fspath(path), busy_timeout=busy_timeout, on_wait=on_wait)
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise StoreError(f"{self.location}: directory {self.path.parent} does not exist")
        if self.path.is_dir():
            raise StoreError(f"{self.location}: is a directory")
        if settings is None and not self.path.is_file():
            raise NoIndex(f"{self.location}: no index here (it is created by dedup --db)")
        self._db: sqlite3.Connection | None = None
        self._unchanged: tuple | None = None  # the file as an immutable reader found it
        try:
            with self._errors_as_store_errors():
                self._db = self._connect(writable)
                if writable:  # an index opened to be read is left exactly as it is
                    self._set_up_for_writing()
            self._open_index(settings)
        except BaseException:
            self._close()
            raise

    def _connect(self, writable: bool) -> sqlite3.Connection:
        path = self.path.resolve()  # SQLite names the -wal and -shm files after the real file
        if writable or (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
            db = sqlite3.connect(path, timeout=self.busy_timeout, isolation_level=None)
            if not writable:
                # unlike mode=ro, the last connection to close removes the -wal and -shm it created
                db.execute("PRAGMA query_only=ON")
            return db
        if os.path.exists(f"{path}-wal"):
            mode = "ro"  # a writer has the index open, or died with it: its WAL holds committed batches
        else:
            # no writer has it open (its WAL would exist); one that starts meanwhile is not seen (no locks)
            mode = "ro&immutable=1"
            self._unchanged = _file_state(path)
        return sqlite3.connect(
            f"{path.as_uri()}?mode={mode}", uri=True, timeout=self.busy_timeout, isolation_level=None
        )

    def _check_unchanged(self) -> None:
        """After reads of an immutable file: StoreError if a writer changed it meanwhile."""
        if self._unchanged is not None and _file_state(self.path) != self._unchanged:
            raise StoreError(
                f"{self.location}: another run wrote to the index while it was read; read it again"
            )

    def _index_tables(self) -> set[str]:
        """The tables of the file (none when it is new); StoreError for another application's database."""
        names = {name for (name,) in self._db.execute("SELECT name FROM sqlite_master")}
        if names and "meta" not in names:
            raise StoreError(f"{self.location}: not a newsdedup index (an SQLite database with other tables)")
        return names

    def _set_up_for_writing(self) -> None:
        self._index_tables()  # another application's database is refused before anything changes it
        # a new file only (fixed once WAL is on): 8 KiB pages hold the ~1.6 KB shingle blobs with
        # little slack, where 4 KiB pages fit two and waste a quarter (measured: 2.9 vs 3.3 KB/doc)
        self._db.execute("PRAGMA page_size=8192")
        mode = self._switch_to_wal()
        if mode != "wal":
            raise StoreError(f"{self.location}: cannot switch the index to WAL mode (it stays {mode!r})")
        self._db.execute("PRAGMA synchronous=FULL")

    def _switch_to_wal(self) -> str:
        """``PRAGMA journal_mode=WAL``, tried again while another run holds the file: on a new file that
        several runs create at once, SQLite answers "database is locked" at once instead of waiting."""
        deadline = time.monotonic() + self.busy_timeout
        pause = WAL_RETRY_PAUSE
        while True:
            try:
                return self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            except sqlite3.OperationalError as error:
                if one_line(error) != "database is locked" or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(2 * pause, WAL_RETRY_PAUSE_MAX)

    def _reason(self, error: BaseException) -> str:
        message = one_line(error)
        if message == "database is locked":
            return f"the index is busy: another run kept it locked for more than {self.busy_timeout:g} s"
        meaning = _REASONS.get(message)
        return f"{meaning} ({message})" if meaning else message

    # --- batches ------------------------------------------------------------------------------

    def _begin(self) -> None:
        """BEGIN IMMEDIATE, at once if it can be, else said and waited for (up to the busy timeout), a
        ``LOCK_WAIT_SLICE`` at a time: SQLite waits in C, where a SIGTERM or a Ctrl-C is only handled
        once it returns (a run waiting for another's commit stopped 30 s after its SIGTERM)."""
        deadline = None
        try:
            while True:
                wait = (
                    0.0 if deadline is None else min(LOCK_WAIT_SLICE, max(0.0, deadline - time.monotonic()))
                )
                self._db.execute(f"PRAGMA busy_timeout = {round(wait * 1000)}")
                try:
                    self._db.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as error:
                    if one_line(error) != "database is locked" or (deadline and time.monotonic() >= deadline):
                        raise
                if deadline is None:
                    self._waiting_for("another run is writing to the index")
                    deadline = time.monotonic() + self.busy_timeout
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {round(self.busy_timeout * 1000)}")

    def _commit(self) -> None:
        self._db.execute("COMMIT")

    def _rollback(self) -> None:
        if self._db is not None and self._db.in_transaction:
            self._db.execute("ROLLBACK")

    @contextmanager
    def _read_snapshot(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            self._db.execute("ROLLBACK")
        self._check_unchanged()

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
            self._check_unchanged()

    def _prepare_schema(self) -> None:
        if "meta" not in self._index_tables():
            for statement in _SCHEMA:
                self._db.execute(statement)
        for statement in (*_ADDED_TABLES, *_VIEWS):
            self._db.execute(statement)

    def _read_meta(self) -> dict[str, str]:
        if "meta" not in self._index_tables():  # another application's database is named as such
            return {}
        return dict(self._db.execute("SELECT name, value FROM meta"))

    def _write_meta(self, values: dict[str, str]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", values.items())

    # --- reads --------------------------------------------------------------------------------

    def _lookup(self, keys: Sequence[ContentKey]) -> dict[ContentKey, int]:
        wanted = set(keys)
        ids = sorted({doc_id for doc_id, _ in wanted})
        rows = self._db.execute(
            f"SELECT id, digest, key FROM documents WHERE id IN ({_marks(len(ids))})", ids
        )
        return {(doc_id, digest): key for doc_id, digest, key in rows if (doc_id, digest) in wanted}

    def _candidate_keys(self, signature: np.ndarray, buckets: np.ndarray) -> set[int]:
        rows = self._db.execute(
            f"SELECT DISTINCT key FROM bands WHERE bucket IN ({_marks(len(buckets))})", buckets.tolist()
        )
        return {key for (key,) in rows}

    def _load_documents(self, keys: Sequence[int], fingerprints: bool) -> dict[int, StoredDocument]:
        if fingerprints:
            query = f"SELECT {_DOCUMENT_COLUMNS}, s.data FROM documents d JOIN shingles s ON s.key = d.key"
        else:
            query = f"SELECT {_DOCUMENT_COLUMNS}, NULL FROM documents d"
        found = {}
        for *fields, blob in self._db.execute(f"{query} WHERE d.key IN ({_marks(len(keys))})", keys):
            doc = StoredDocument(*fields)
            found[doc.key] = self._with_fingerprint(doc, blob) if fingerprints else doc
        return found

    def _load_clusters(self, ids: Sequence[int]) -> dict[int, StoredCluster]:
        rows = self._db.execute(
            "SELECT c.id, c.canonical_key, c.title, t.text, c.size, c.representatives, c.updated "
            "FROM clusters c JOIN canonical_texts t ON t.cluster = c.id "
            f"WHERE c.id IN ({_marks(len(ids))})",
            ids,
        )
        return {
            cluster_id: StoredCluster(
                cluster_id, canonical, title, text, size, json.loads(representatives), updated
            )
            for cluster_id, canonical, title, text, size, representatives, updated in rows
        }

    def _member_keys(self, cluster_id: int) -> list[int]:
        return [
            key
            for (key,) in self._db.execute(
                "SELECT key FROM documents WHERE cluster = ? ORDER BY key", (cluster_id,)
            )
        ]

    def _keys_first_seen_before(self, cutoff: float) -> list[int]:
        rows = self._db.execute("SELECT key FROM documents WHERE first_seen < ? ORDER BY key", (cutoff,))
        return [key for (key,) in rows]

    def _all_document_keys(self) -> list[int]:
        return [key for (key,) in self._db.execute("SELECT key FROM documents ORDER BY key")]

    def _all_cluster_ids(self) -> list[int]:
        return [cluster_id for (cluster_id,) in self._db.execute("SELECT id FROM clusters ORDER BY id")]

    def _load_site_pages(self, sites: Sequence[str]) -> dict[str, bytes]:
        rows = self._db.execute(
            f"SELECT site, pages FROM site_pages WHERE site IN ({_marks(len(sites))})", list(sites)
        )
        return dict(rows)

    def _all_sites(self) -> list[str]:
        if not self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'site_pages'").fetchone():
            return []  # an index of an earlier release that no dedup --db run of this one has opened
        return [site for (site,) in self._db.execute("SELECT site FROM site_pages ORDER BY site")]

    # --- writes -------------------------------------------------------------------------------

    def _write_site_pages(self, blobs: dict[str, bytes]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO site_pages (site, pages) VALUES (?, ?)", blobs.items())

    def _insert_document(self, doc: StoredDocument, shingle_blob: bytes, buckets: np.ndarray) -> None:
        self._db.execute(
            f"INSERT INTO documents (key, cluster, {', '.join(RECORD_FIELDS)}) "
            f"VALUES ({_marks(len(RECORD_FIELDS) + 2)})",
            (doc.key, doc.cluster, *doc.record_values()),
        )
        self._db.execute("INSERT INTO shingles (key, data) VALUES (?, ?)", (doc.key, shingle_blob))
        # two bands of one document may hash to one bucket; one row for it is enough
        self._db.executemany(
            "INSERT OR IGNORE INTO bands (bucket, key) VALUES (?, ?)",
            ((b, doc.key) for b in buckets.tolist()),
        )

    def _write_cluster(self, cluster: StoredCluster) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO clusters VALUES (?, ?, ?, ?, ?, ?)",
            (
                cluster.id,
                cluster.canonical_key,
                cluster.title,
                cluster.size,
                json.dumps(cluster.representatives),
                cluster.updated,
            ),
        )
        self._db.execute("INSERT OR REPLACE INTO canonical_texts VALUES (?, ?)", (cluster.id, cluster.text))

    def _delete_cluster(self, cluster_id: int) -> None:
        self._db.execute("DELETE FROM clusters WHERE id = ?", (cluster_id,))
        self._db.execute("DELETE FROM canonical_texts WHERE cluster = ?", (cluster_id,))

    def _set_document_cluster(self, docs: Sequence[StoredDocument], cluster_id: int) -> None:
        keys = [doc.key for doc in docs]
        self._db.execute(
            f"UPDATE documents SET cluster = ? WHERE key IN ({_marks(len(keys))})", [cluster_id, *keys]
        )

    def _delete_documents(self, docs: Sequence[StoredDocument]) -> None:
        self._db.executemany(
            "DELETE FROM bands WHERE bucket = ? AND key = ?",
            (
                (bucket, doc.key)
                for doc in docs
                for bucket in band_buckets(doc.signature, self.bands).tolist()
            ),
        )
        keys = [doc.key for doc in docs]
        self._db.execute(f"DELETE FROM documents WHERE key IN ({_marks(len(keys))})", keys)
        self._db.execute(f"DELETE FROM shingles WHERE key IN ({_marks(len(keys))})", keys)

    # --- maintenance --------------------------------------------------------------------------

    def _stats(self) -> dict:
        (documents, oldest, newest) = self._db.execute(
            "SELECT count(*), min(first_seen), max(first_seen) FROM documents"
        ).fetchone()
        (clusters,) = self._db.execute("SELECT count(*) FROM clusters").fetchone()
        largest = self._db.execute("SELECT id, size FROM clusters ORDER BY size DESC, id LIMIT 1").fetchone()
        page_size = self._db.execute("PRAGMA page_size").fetchone()[0]
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        breakdown = self._bytes_by_table()
        return {
            "documents": documents,
            "clusters": clusters,
            "largest_cluster": {"id": largest[0], "size": largest[1]} if largest else None,
            "bytes": pages * page_size,
            "bytes_on_disk": sum(
                os.path.getsize(f"{self.path}{suffix}")
                for suffix in ("", "-wal", "-shm")
                if os.path.exists(f"{self.path}{suffix}")
            ),
            "canonical_text_bytes": breakdown.get("canonical_texts", 0),
            "oldest_first_seen": oldest,
            "newest_first_seen": newest,
            "breakdown": breakdown,
        }

    def _bytes_by_table(self) -> dict[str, int]:
        """Bytes of the pages of each table and index (the dbstat virtual table)."""
        try:
            rows = self._db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY name")
            return dict(rows)
        except sqlite3.OperationalError:  # an SQLite built without dbstat: the texts' own length
            (texts,) = self._db.execute(
                "SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM canonical_texts"
            ).fetchone()
            return {"canonical_texts": texts}

    def _storage_problems(self) -> Iterable[str]:
        return [row for (row,) in self._db.execute("PRAGMA integrity_check") if row != "ok"]

    def _lsh_problems(self, docs: Sequence[StoredDocument]) -> Iterable[str]:
        for doc in docs:
            expected = np.unique(band_buckets(doc.signature, self.bands)).tolist()
            (found,) = self._db.execute(
                f"SELECT count(*) FROM bands WHERE key = ? AND bucket IN ({_marks(len(expected))})",
                [doc.key, *expected],
            ).fetchone()
            if found != len(expected):
                yield f"document key {doc.key} has {found} of its {len(expected)} LSH band rows"

    def _lsh_total_problems(self, documents: int, band_entries: int) -> Iterable[str]:
        (rows,) = self._db.execute("SELECT count(*) FROM bands").fetchone()
        if rows != band_entries:
            yield f"{rows} LSH band rows where the {documents} documents have {band_entries}"
