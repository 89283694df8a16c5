"""The index in a Redis database.

The LSH part is datasketch's ``MinHashLSH`` Redis layout (basename
``newsdedup:lsh``), so a plain ``MinHashLSH(storage_config={"type": "redis",
"basename": b"newsdedup:lsh", ...}, prepickle=False)`` queries it; document
keys are stored as their decimal bytes. Everything else is a few hashes under
``newsdedup:``.

A batch holds a redis-py ``Lock`` (so a second process's batch waits for it)
and buffers its writes in memory; reads inside the batch see the committed
state with the buffer laid over it. At commit the buffer goes out as one
MULTI/EXEC, which WATCHes the lock: if the lock expired and another process
took it, nothing is written. A server that goes away mid-batch therefore
leaves nothing of the batch behind.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import numpy as np
import redis
from datasketch import MinHashLSH
from redis.backoff import ExponentialBackoff
from redis.connection import SSLConnection, parse_url
from redis.retry import Retry

from ..errors import StoreError
from ..index import minhash
from .base import Store, one_line
from .codec import band_buckets
from .types import StoredCluster, StoredDocument

PREFIX = "newsdedup"
_META = f"{PREFIX}:meta"
_DOCUMENTS = f"{PREFIX}:doc"  # key -> JSON [id, path, url, title, date, language, first_seen, similarity, shingle_count]
_SHINGLES = f"{PREFIX}:shingles"  # key -> shingle blob
_CLUSTER_OF = f"{PREFIX}:cluster_of"  # key -> cluster id
_IDS = f"{PREFIX}:ids"  # document id -> key
_FIRST_SEEN = f"{PREFIX}:first_seen"  # sorted set of keys by first_seen
_CLUSTERS = f"{PREFIX}:cluster"  # id -> JSON [canonical_key, title, size, representatives, updated]
_TEXTS = f"{PREFIX}:text"  # cluster id -> canonical text
_LOCK = f"{PREFIX}:lock"
_LSH_BASENAME = f"{PREFIX}:lsh".encode()


def _members(cluster_id: int) -> str:
    return f"{PREFIX}:members:{cluster_id}"


def client_options(url: str) -> dict:
    """``redis.Redis`` keyword arguments for a ``redis://``, ``rediss://`` or ``unix://`` URL."""
    options = parse_url(url)
    connection_class = options.pop("connection_class", None)
    if "path" in options:
        options["unix_socket_path"] = options.pop("path")
    if connection_class is SSLConnection:
        options["ssl"] = True
    options.setdefault("socket_connect_timeout", 5.0)
    options.setdefault("socket_timeout", 30.0)
    # two quick retries ride out a dropped connection; the default backoff would take ~10 s to
    # report a server that is down. A commit is never retried (its EXEC runs under WATCH).
    options.setdefault("retry", Retry(ExponentialBackoff(cap=0.5, base=0.05), 2))
    return options


def _document_json(doc: StoredDocument) -> str:
    return json.dumps(
        [
            doc.id,
            doc.path,
            doc.url,
            doc.title,
            doc.date,
            doc.language,
            doc.first_seen,
            doc.similarity,
            doc.shingle_count,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _cluster_json(cluster: StoredCluster) -> str:
    return json.dumps(
        [cluster.canonical_key, cluster.title, cluster.size, cluster.representatives, cluster.updated],
        ensure_ascii=False,
        separators=(",", ":"),
    )


class _DatasketchBands:
    """datasketch's ``MinHashLSH`` on Redis, with writes queued on the batch's MULTI/EXEC pipeline.

    Reads go through one pipelined round trip (``MinHashLSH.query`` would make
    one per band); writes use datasketch's own insert and storage methods, so
    the layout is exactly datasketch's.
    """

    def __init__(self, client: redis.Redis, options: dict, num_perm: int, bands: int, seed: int):
        self._client = client
        self._num_perm, self._seed = num_perm, seed
        self.lsh = MinHashLSH(
            num_perm=num_perm,
            params=(bands, num_perm // bands),
            storage_config={"type": "redis", "basename": _LSH_BASENAME, "redis": options},
            prepickle=False,
        )
        self._storages = [self.lsh.keys, *self.lsh.hashtables]

    @staticmethod
    def member(key: int) -> bytes:
        return str(key).encode()

    def band_hashes(self, signature: np.ndarray) -> list[bytes]:
        """The bucket name of each band, as datasketch computes it."""
        values = minhash(signature, self._num_perm, self._seed).hashvalues
        return [self.lsh._H(values[start:end]) for start, end in self.lsh.hashranges]

    def query(self, signature: np.ndarray) -> set[int]:
        pipe = self._client.pipeline(transaction=False)
        for band_hash, table in zip(self.band_hashes(signature), self.lsh.hashtables, strict=True):
            pipe.smembers(table.redis_key(band_hash))
        return {int(member) for found in pipe.execute() for member in found}

    @contextmanager
    def _writing_to(self, pipe: redis.client.Pipeline) -> Iterator[None]:
        # datasketch's storages queue "buffered" writes on a pipeline of their own each, and flush
        # them one storage at a time. Pointed at the batch's pipeline, they become part of its
        # single MULTI/EXEC instead.
        saved = [storage._buffer for storage in self._storages]
        for storage in self._storages:
            storage._buffer = pipe
        try:
            yield
        finally:
            for storage, buffer in zip(self._storages, saved, strict=True):
                storage._buffer = buffer

    def queue_insert(self, pipe: redis.client.Pipeline, key: int, signature: np.ndarray) -> None:
        with self._writing_to(pipe):
            self.lsh._insert(
                self.member(key),
                minhash(signature, self._num_perm, self._seed),
                check_duplication=False,
                buffer=True,
            )

    def queue_removals(self, pipe: redis.client.Pipeline, keys: Sequence[int]) -> None:
        """Queue the removal of ``keys``' entries; a bucket they leave empty goes too (the lock is held)."""
        if not keys:
            return
        members = [self.member(key) for key in keys]
        read = self._client.pipeline(transaction=False)
        for member in members:
            read.lrange(self.lsh.keys.redis_key(member), 0, -1)
        leaving: dict[tuple[int, bytes], set[bytes]] = defaultdict(set)
        for member, band_hashes in zip(members, read.execute(), strict=True):
            for band, band_hash in enumerate(band_hashes):
                leaving[band, band_hash].add(member)
        buckets = list(leaving)
        for band, band_hash in buckets:
            read.smembers(self.lsh.hashtables[band].redis_key(band_hash))
        with self._writing_to(pipe):
            for (band, band_hash), present in zip(buckets, read.execute(), strict=True):
                table = self.lsh.hashtables[band]
                for member in leaving[band, band_hash]:
                    table.remove_val(band_hash, member, buffer=True)
                if present <= leaving[band, band_hash]:
                    table.remove(band_hash, buffer=True)
            self.lsh.keys.remove(*members, buffer=True)

    def problems(self, docs: Sequence[StoredDocument]) -> Iterator[str]:
        read = self._client.pipeline(transaction=False)
        expected = []
        for doc in docs:
            member = self.member(doc.key)
            band_hashes = self.band_hashes(doc.signature)
            expected.append(band_hashes)
            read.lrange(self.lsh.keys.redis_key(member), 0, -1)
            for band_hash, table in zip(band_hashes, self.lsh.hashtables, strict=True):
                read.sismember(table.redis_key(band_hash), member)
        replies = iter(read.execute())
        for doc, band_hashes in zip(docs, expected, strict=True):
            stored = next(replies)
            found = sum(bool(next(replies)) for _ in band_hashes)
            if stored != band_hashes or found != len(band_hashes):
                yield f"document key {doc.key} has {found} of its {len(band_hashes)} LSH bucket entries"

    def indexed_count(self) -> int:
        return self.lsh.keys.size()


@dataclass
class _Pending:
    """A batch's writes, not yet sent; reads lay them over the committed state."""

    documents: dict[int, StoredDocument] = field(default_factory=dict)  # added, with fingerprints
    blobs: dict[int, bytes] = field(default_factory=dict)
    buckets: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # of added documents
    ids: dict[str, int] = field(default_factory=dict)
    cluster_of: dict[int, int] = field(default_factory=dict)  # added or moved documents -> cluster
    joined: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # cluster -> those keys
    moved_from: dict[int, int] = field(default_factory=dict)  # stored documents moved -> stored cluster
    deleted: dict[int, StoredDocument] = field(default_factory=dict)  # stored documents, stored cluster
    clusters: dict[int, StoredCluster] = field(default_factory=dict)
    deleted_clusters: set[int] = field(default_factory=set)
    meta: dict[str, str] = field(default_factory=dict)

    def gone(self, key: int) -> bool:
        return key in self.deleted


class RedisStore(Store):
    backend = "redis"
    _backend_errors = (redis.RedisError, OSError)

    def __init__(
        self, url: str, settings_fingerprint: dict, *, busy_timeout: float = 600.0, lock_lease: float = 120.0
    ):
        super().__init__(url, settings_fingerprint, busy_timeout=busy_timeout)
        try:
            options = client_options(url)
        except ValueError as error:
            raise StoreError(f"{self.location}: not a usable Redis URL ({one_line(error)})") from None
        self._password = options.get("password") or ""
        self.lock_lease = float(lock_lease)
        self._pending = _Pending()
        self._client = None
        try:
            self._client = redis.Redis(**options)
        except TypeError as error:  # an unknown ?option= in the URL
            raise StoreError(f"{self.location}: not a usable Redis URL ({self._reason(error)})") from None
        self._bands = _DatasketchBands(self._client, options, self.num_perm, self.bands, self.seed)
        self._lock = self._client.lock(_LOCK, timeout=self.lock_lease, thread_local=False)
        self._lock_renewed = 0.0
        try:
            self._open_index()
        except BaseException:
            self._close()
            raise

    def _reason(self, error: BaseException) -> str:
        if isinstance(error, redis.AuthenticationError):
            message = f"Redis refused the credentials ({one_line(error)})"
        elif isinstance(error, redis.ConnectionError):
            message = f"cannot reach Redis ({one_line(error)})"
        elif isinstance(error, redis.TimeoutError):
            message = f"Redis did not answer in time ({one_line(error)})"
        else:
            message = one_line(error)
        return message.replace(self._password, "***") if self._password else message

    # --- batches ------------------------------------------------------------------------------

    def _begin(self) -> None:
        if not self._lock.acquire(blocking=True, blocking_timeout=self.busy_timeout):
            raise StoreError(
                f"{self.location}: the index is busy: another run has held its lock "
                f"for more than {self.busy_timeout:g} s"
            )
        self._lock_renewed = time.monotonic()
        self._pending = _Pending()

    def _heartbeat(self) -> None:
        # a batch renews its lock as it goes, so only a stalled or dead process loses it
        if self._batch is not None and time.monotonic() - self._lock_renewed > self.lock_lease / 3:
            self._renew_lock()

    def _renew_lock(self) -> None:
        try:
            self._lock.reacquire()
        except redis.exceptions.LockNotOwnedError:
            raise self._lost_lock() from None
        self._lock_renewed = time.monotonic()

    def _lost_lock(self) -> StoreError:
        return StoreError(
            f"{self.location}: the batch lost the index lock (no call for more than the {self.lock_lease:g} s "
            "lease, and another run took it); nothing of it was written"
        )

    def _commit(self) -> None:
        pending = self._pending
        with self._client.pipeline(transaction=True) as pipe:
            self._renew_lock()  # before WATCH: renewing touches the lock key
            pipe.watch(_LOCK)  # EXEC fails if the lock changes hands from here on
            if not self._lock.owned():
                raise self._lost_lock()
            removed = sorted(pending.deleted)
            added = sorted(pending.documents)
            pipe.multi()
            self._bands.queue_removals(pipe, removed)
            for key in removed:
                doc = pending.deleted[key]
                for name in (_DOCUMENTS, _SHINGLES, _CLUSTER_OF):
                    pipe.hdel(name, key)
                pipe.hdel(_IDS, doc.id)
                pipe.zrem(_FIRST_SEEN, key)
                pipe.srem(_members(doc.cluster), key)
            for cluster_id in sorted(pending.deleted_clusters):
                pipe.hdel(_CLUSTERS, cluster_id)
                pipe.hdel(_TEXTS, cluster_id)
                pipe.delete(_members(cluster_id))
            for cluster_id, cluster in sorted(pending.clusters.items()):
                pipe.hset(_CLUSTERS, cluster_id, _cluster_json(cluster))
                pipe.hset(_TEXTS, cluster_id, cluster.text)
            for key in added:
                doc = pending.documents[key]
                pipe.hset(_DOCUMENTS, key, _document_json(doc))
                pipe.hset(_SHINGLES, key, pending.blobs[key])
                pipe.hset(_IDS, doc.id, key)
                pipe.zadd(_FIRST_SEEN, {key: doc.first_seen})
                self._bands.queue_insert(pipe, key, doc.signature)
            for key, cluster_id in sorted(pending.cluster_of.items()):
                if key in pending.moved_from:
                    pipe.srem(_members(pending.moved_from[key]), key)
                pipe.hset(_CLUSTER_OF, key, cluster_id)
                pipe.sadd(_members(cluster_id), key)
            if pending.meta:
                pipe.hset(_META, mapping=pending.meta)
            try:
                pipe.execute()
            except redis.WatchError:
                raise self._lost_lock() from None
        self._pending = _Pending()
        self._release_lock()

    def _rollback(self) -> None:
        self._pending = _Pending()
        self._release_lock()

    def _release_lock(self) -> None:
        # after a commit the batch is written whatever happens here; a lock that cannot be
        # released (server gone, lease over) expires by itself
        try:
            self._lock.release()
        except (redis.RedisError, OSError):
            pass

    @contextmanager
    def _read_snapshot(self) -> Iterator[None]:
        with self.transaction():
            yield

    def _close(self) -> None:
        if self._client is not None:
            self._client.close()

    def _read_meta(self) -> dict[str, str]:
        stored = {name.decode(): value.decode() for name, value in self._client.hgetall(_META).items()}
        return {**stored, **self._pending.meta}

    def _write_meta(self, values: dict[str, str]) -> None:
        self._pending.meta.update(values)

    # --- reads --------------------------------------------------------------------------------

    def _lookup_ids(self, ids: Sequence[str]) -> dict[str, int]:
        pending = self._pending
        found = {}
        for doc_id, key in zip(ids, self._client.hmget(_IDS, list(ids)), strict=True):
            if doc_id in pending.ids:
                found[doc_id] = pending.ids[doc_id]
            elif key is not None and not pending.gone(int(key)):
                found[doc_id] = int(key)
        return found

    def _candidate_keys(self, signature: np.ndarray, buckets: np.ndarray) -> set[int]:
        pending = self._pending
        found = {key for key in self._bands.query(signature) if not pending.gone(key)}
        for bucket in buckets.tolist():
            found.update(pending.buckets.get(bucket, ()))
        return found

    def _load_documents(self, keys: Sequence[int], fingerprints: bool) -> dict[int, StoredDocument]:
        pending = self._pending
        stored_keys = [key for key in keys if key not in pending.documents and not pending.gone(key)]
        found = {}
        for key in keys:
            if key in pending.documents:
                doc = pending.documents[key]
                found[key] = replace(
                    doc,
                    cluster=pending.cluster_of[key],
                    shingles=doc.shingles if fingerprints else None,
                    signature=None,
                )
        if not stored_keys:
            return found
        read = self._client.pipeline(transaction=False)
        read.hmget(_DOCUMENTS, stored_keys)
        read.hmget(_CLUSTER_OF, stored_keys)
        if fingerprints:
            read.hmget(_SHINGLES, stored_keys)
        records, clusters, *blobs = read.execute()
        blobs = blobs[0] if blobs else [None] * len(stored_keys)
        for key, record, cluster, blob in zip(stored_keys, records, clusters, blobs, strict=True):
            if record is None:
                continue
            doc_id, path, url, title, date, language, first_seen, similarity, shingle_count = json.loads(
                record
            )
            found[key] = StoredDocument(
                key=key,
                id=doc_id,
                path=path,
                url=url,
                title=title,
                date=date,
                language=language,
                first_seen=first_seen,
                cluster=pending.cluster_of.get(key, int(cluster)),
                similarity=similarity,
                shingle_count=shingle_count,
                shingles=self._decode(key, blob) if fingerprints else None,
            )
        return found

    def _load_clusters(self, ids: Sequence[int]) -> dict[int, StoredCluster]:
        pending = self._pending
        found = {
            cluster_id: replace(pending.clusters[cluster_id])
            for cluster_id in ids
            if cluster_id in pending.clusters
        }
        stored_ids = [i for i in ids if i not in pending.clusters and i not in pending.deleted_clusters]
        if not stored_ids:
            return found
        read = self._client.pipeline(transaction=False)
        read.hmget(_CLUSTERS, stored_ids)
        read.hmget(_TEXTS, stored_ids)
        records, texts = read.execute()
        for cluster_id, record, text in zip(stored_ids, records, texts, strict=True):
            if record is not None:
                canonical_key, title, size, representatives, updated = json.loads(record)
                found[cluster_id] = StoredCluster(
                    cluster_id, canonical_key, title, text.decode(), size, representatives, updated
                )
        return found

    def _member_keys(self, cluster_id: int) -> list[int]:
        pending = self._pending
        stored = {int(key) for key in self._client.smembers(_members(cluster_id))}
        staying = {
            key
            for key in stored
            if not pending.gone(key) and pending.cluster_of.get(key, cluster_id) == cluster_id
        }
        return sorted(staying | pending.joined.get(cluster_id, set()))

    def _keys_first_seen_before(self, cutoff: float) -> list[int]:
        pending = self._pending
        stored = {int(key) for key in self._client.zrangebyscore(_FIRST_SEEN, "-inf", f"({cutoff!r}")}
        added = {key for key, doc in pending.documents.items() if doc.first_seen < cutoff}
        return sorted({key for key in stored if not pending.gone(key)} | added)

    def _all_document_keys(self) -> list[int]:
        pending = self._pending
        stored = {int(key) for key in self._client.hkeys(_DOCUMENTS)}
        return sorted({key for key in stored if not pending.gone(key)} | set(pending.documents))

    def _all_cluster_ids(self) -> list[int]:
        pending = self._pending
        stored = {int(cluster_id) for cluster_id in self._client.hkeys(_CLUSTERS)}
        return sorted((stored - pending.deleted_clusters) | set(pending.clusters))

    # --- writes (buffered until commit) -------------------------------------------------------

    def _insert_document(self, doc: StoredDocument, shingle_blob: bytes, buckets: np.ndarray) -> None:
        pending = self._pending
        pending.documents[doc.key] = doc
        pending.blobs[doc.key] = shingle_blob
        for bucket in buckets.tolist():
            pending.buckets[bucket].add(doc.key)
        pending.ids[doc.id] = doc.key
        pending.cluster_of[doc.key] = doc.cluster
        pending.joined[doc.cluster].add(doc.key)

    def _write_cluster(self, cluster: StoredCluster) -> None:
        self._pending.clusters[cluster.id] = replace(cluster)
        self._pending.deleted_clusters.discard(cluster.id)

    def _delete_cluster(self, cluster_id: int) -> None:
        self._pending.clusters.pop(cluster_id, None)
        self._pending.deleted_clusters.add(cluster_id)

    def _set_document_cluster(self, docs: Sequence[StoredDocument], cluster_id: int) -> None:
        pending = self._pending
        for doc in docs:
            if doc.key not in pending.documents:
                pending.moved_from.setdefault(doc.key, doc.cluster)
            pending.joined[doc.cluster].discard(doc.key)
            pending.joined[cluster_id].add(doc.key)
            pending.cluster_of[doc.key] = cluster_id

    def _delete_documents(self, docs: Sequence[StoredDocument]) -> None:
        pending = self._pending
        for doc in docs:
            pending.joined[doc.cluster].discard(doc.key)
            pending.cluster_of.pop(doc.key, None)
            added = pending.documents.pop(doc.key, None)
            if added is None:  # a stored document: removed at commit, from the cluster it is stored in
                pending.deleted[doc.key] = replace(doc, cluster=pending.moved_from.pop(doc.key, doc.cluster))
                continue
            del pending.blobs[doc.key]
            del pending.ids[doc.id]
            for bucket in np.unique(band_buckets(added.signature, self.bands)).tolist():
                pending.buckets[bucket].discard(doc.key)

    # --- maintenance --------------------------------------------------------------------------

    def _stats(self) -> dict:
        client = self._client
        documents, clusters = client.hlen(_DOCUMENTS), client.hlen(_CLUSTERS)
        sizes = [
            (json.loads(record)[2], int(cluster_id)) for cluster_id, record in client.hscan_iter(_CLUSTERS)
        ]
        largest = min(((-size, cluster_id) for size, cluster_id in sizes), default=None)
        oldest = client.zrange(_FIRST_SEEN, 0, 0, withscores=True)
        newest = client.zrange(_FIRST_SEEN, -1, -1, withscores=True)
        breakdown = self._memory_by_part()
        return {
            "documents": documents,
            "clusters": clusters,
            "largest_cluster": {"id": largest[1], "size": -largest[0]} if largest else None,
            "bytes": sum(breakdown.values()),
            "canonical_text_bytes": breakdown["canonical_texts"],
            "oldest_first_seen": oldest[0][1] if oldest else None,
            "newest_first_seen": newest[0][1] if newest else None,
            "breakdown": breakdown,
        }

    def _memory_by_part(self) -> dict[str, int]:
        """Redis's own ``MEMORY USAGE`` of every key of the index, summed by part (exact, so O(keys))."""
        parts = {
            "documents": [_DOCUMENTS, _SHINGLES, _CLUSTER_OF, _IDS, _FIRST_SEEN],
            "clusters": [_CLUSTERS, _META],
            "canonical_texts": [_TEXTS],
        }
        parts["clusters"] += list(self._client.scan_iter(match=_members("*"), count=1000))
        parts["lsh"] = list(self._client.scan_iter(match=_LSH_BASENAME + b"*", count=1000))
        usage = {}
        for part, names in parts.items():
            read = self._client.pipeline(transaction=False)
            for name in names:
                read.memory_usage(name, samples=0)
            usage[part] = sum(size or 0 for size in read.execute())
        return usage

    def _lsh_problems(self, docs: Sequence[StoredDocument]) -> Iterable[str]:
        return self._bands.problems(docs)

    def _lsh_total_problems(self, documents: int, band_entries: int) -> Iterable[str]:
        indexed = self._bands.indexed_count()
        if indexed != documents:
            yield f"{indexed} documents in the LSH index where {documents} are stored"
