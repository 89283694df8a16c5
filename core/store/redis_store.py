"""The index in a Redis database.

The LSH part is datasketch's ``MinHashLSH`` Redis layout (see
:mod:`newsdedup.store.redis_bands`). Everything else is a few hashes under
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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import cached_property

import numpy as np
import redis

from ..errors import StoreError, UsageError
from ..settings import DedupSettings
from .backend import one_line
from .base import Store
from .codec import band_buckets
from .redis_bands import RedisBands
from .redis_layout import (
    CLUSTER_OF,
    CLUSTERS,
    DOCUMENTS,
    FIRST_SEEN,
    IDS,
    LOCK,
    LSH_BASENAME,
    META,
    SHINGLES,
    SITES,
    TEXTS,
    Pending,
    client_options,
    cluster_json,
    content_field,
    document_json,
    document_values,
    members_key,
)
from .types import ContentKey, StoredCluster, StoredDocument


class RedisStore(Store):
    backend = "redis"
    _backend_errors = (redis.RedisError, OSError)

    def __init__(
        self,
        url: str,
        settings: DedupSettings | None = None,
        *,
        writable: bool = True,
        busy_timeout: float = 600.0,
        on_wait: Callable[[str], None] | None = None,
        lock_lease: float = 120.0,
    ):
        super().__init__(url, busy_timeout=busy_timeout, on_wait=on_wait)
        del writable  # reads never write to Redis: there is nothing to set up for writing
        try:
            options = client_options(url)
        except ValueError as error:
            raise UsageError(f"{self.location}: not a usable Redis URL ({one_line(error)})") from None
        self._password = options.get("password") or ""
        self.lock_lease = float(lock_lease)
        self._pending = Pending()
        self._client = None
        try:
            self._client = redis.Redis(**options)
        except TypeError as error:  # an unknown ?option= in the URL
            raise UsageError(f"{self.location}: not a usable Redis URL ({self._reason(error)})") from None
        self._lock = self._client.lock(LOCK, timeout=self.lock_lease, thread_local=False)
        self._lock_renewed = 0.0
        try:
            self._open_index(settings)
        except BaseException:
            self._close()
            raise

    @cached_property
    def _bands(self) -> RedisBands:
        return RedisBands(self._client, LSH_BASENAME, self.bands)

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
        if not self._lock.acquire(blocking=False):
            self._waiting_for(
                "another run holds the index's lock (a run that was killed holds it until its "
                f"{self.lock_lease:g} s lease ends)"
            )
            if not self._lock.acquire(blocking=True, blocking_timeout=self.busy_timeout):
                raise StoreError(
                    f"{self.location}: the index is busy: another run has held its lock "
                    f"for more than {self.busy_timeout:g} s"
                )
        self._lock_renewed = time.monotonic()
        self._pending = Pending()

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
            pipe.watch(LOCK)  # EXEC fails if the lock changes hands from here on
            if not self._lock.owned():
                raise self._lost_lock()
            removed = sorted(pending.deleted)
            added = sorted(pending.documents)
            pipe.multi()
            self._bands.queue_removals(pipe, removed)
            for key in removed:
                doc = pending.deleted[key]
                for name in (DOCUMENTS, SHINGLES, CLUSTER_OF):
                    pipe.hdel(name, key)
                pipe.hdel(IDS, content_field((doc.id, doc.digest)))
                pipe.zrem(FIRST_SEEN, key)
                pipe.srem(members_key(doc.cluster), key)
            for cluster_id in sorted(pending.deleted_clusters):
                pipe.hdel(CLUSTERS, cluster_id)
                pipe.hdel(TEXTS, cluster_id)
                pipe.delete(members_key(cluster_id))
            for cluster_id, cluster in sorted(pending.clusters.items()):
                pipe.hset(CLUSTERS, cluster_id, cluster_json(cluster))
                pipe.hset(TEXTS, cluster_id, cluster.text)
            for key in added:
                doc = pending.documents[key]
                pipe.hset(DOCUMENTS, key, document_json(doc))
                pipe.hset(SHINGLES, key, pending.blobs[key])
                pipe.hset(IDS, content_field((doc.id, doc.digest)), key)
                pipe.zadd(FIRST_SEEN, {key: doc.first_seen})
                self._bands.queue_insert(pipe, key, doc.signature)
            for key, cluster_id in sorted(pending.cluster_of.items()):
                if key in pending.moved_from:
                    pipe.srem(members_key(pending.moved_from[key]), key)
                pipe.hset(CLUSTER_OF, key, cluster_id)
                pipe.sadd(members_key(cluster_id), key)
            if pending.meta:
                pipe.hset(META, mapping=pending.meta)
            if pending.sites:
                pipe.hset(SITES, mapping=pending.sites)
            try:
                pipe.execute()
            except redis.WatchError:
                raise self._lost_lock() from None
        self._pending = Pending()
        self._release_lock()

    def _rollback(self) -> None:
        self._pending = Pending()
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
        stored = {name.decode(): value.decode() for name, value in self._client.hgetall(META).items()}
        return {**stored, **self._pending.meta}

    def _write_meta(self, values: dict[str, str]) -> None:
        self._pending.meta.update(values)

    # --- reads --------------------------------------------------------------------------------

    def _lookup(self, keys: Sequence[ContentKey]) -> dict[ContentKey, int]:
        pending = self._pending
        found = {}
        stored = self._client.hmget(IDS, [content_field(key) for key in keys])
        for content_key, key in zip(keys, stored, strict=True):
            if content_key in pending.ids:
                found[content_key] = pending.ids[content_key]
            elif key is not None and not pending.gone(int(key)):
                found[content_key] = int(key)
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
                found[key] = replace(doc, cluster=pending.cluster_of[key], signature=None)
                if not fingerprints:
                    found[key] = replace(found[key], shingles=None, figures=None, dates=None)
        if not stored_keys:
            return found
        read = self._client.pipeline(transaction=False)
        read.hmget(DOCUMENTS, stored_keys)
        read.hmget(CLUSTER_OF, stored_keys)
        if fingerprints:
            read.hmget(SHINGLES, stored_keys)
        records, clusters, *blobs = read.execute()
        blobs = blobs[0] if blobs else [None] * len(stored_keys)
        for key, record, cluster, blob in zip(stored_keys, records, clusters, blobs, strict=True):
            if record is None:
                continue
            cluster_id = pending.cluster_of.get(key, int(cluster))
            doc = StoredDocument(key=key, cluster=cluster_id, **document_values(record))
            found[key] = self._with_fingerprint(doc, blob) if fingerprints else doc
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
        read.hmget(CLUSTERS, stored_ids)
        read.hmget(TEXTS, stored_ids)
        records, texts = read.execute()
        for cluster_id, record, text in zip(stored_ids, records, texts, strict=True):
            if record is not None:
                canonical_key, title, size, representatives, updated = json.loads(record)
                found[cluster_id] = StoredCluster(
                    cluster_id, canonical_key, title, text.decode(), size, representatives, updated
                )
        return found

    def _load_site_pages(self, sites: Sequence[str]) -> dict[str, bytes]:
        pending = self._pending
        stored = [site for site in sites if site not in pending.sites]
        found = dict(zip(stored, self._client.hmget(SITES, stored), strict=True)) if stored else {}
        found.update((site, pending.sites[site]) for site in sites if site in pending.sites)
        return {site: blob for site, blob in found.items() if blob is not None}

    def _all_sites(self) -> list[str]:
        stored = {site.decode() for site in self._client.hkeys(SITES)}
        return sorted(stored | self._pending.sites.keys())

    def _write_site_pages(self, blobs: dict[str, bytes]) -> None:
        self._pending.sites.update(blobs)

    def _member_keys(self, cluster_id: int) -> list[int]:
        pending = self._pending
        stored = {int(key) for key in self._client.smembers(members_key(cluster_id))}
        staying = {
            key
            for key in stored
            if not pending.gone(key) and pending.cluster_of.get(key, cluster_id) == cluster_id
        }
        return sorted(staying | pending.joined.get(cluster_id, set()))

    def _keys_first_seen_before(self, cutoff: float) -> list[int]:
        pending = self._pending
        stored = {int(key) for key in self._client.zrangebyscore(FIRST_SEEN, "-inf", f"({cutoff!r}")}
        added = {key for key, doc in pending.documents.items() if doc.first_seen < cutoff}
        return sorted({key for key in stored if not pending.gone(key)} | added)

    def _all_document_keys(self) -> list[int]:
        pending = self._pending
        stored = {int(key) for key in self._client.hkeys(DOCUMENTS)}
        return sorted({key for key in stored if not pending.gone(key)} | set(pending.documents))

    def _all_cluster_ids(self) -> list[int]:
        pending = self._pending
        stored = {int(cluster_id) for cluster_id in self._client.hkeys(CLUSTERS)}
        return sorted((stored - pending.deleted_clusters) | set(pending.clusters))

    # --- writes (buffered until commit) -------------------------------------------------------

    def _insert_document(self, doc: StoredDocument, shingle_blob: bytes, buckets: np.ndarray) -> None:
        pending = self._pending
        pending.documents[doc.key] = doc
        pending.blobs[doc.key] = shingle_blob
        for bucket in buckets.tolist():
            pending.buckets[bucket].add(doc.key)
        pending.ids[doc.id, doc.digest] = doc.key
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
            del pending.ids[doc.id, doc.digest]
            for bucket in np.unique(band_buckets(added.signature, self.bands)).tolist():
                pending.buckets[bucket].discard(doc.key)

    # --- maintenance --------------------------------------------------------------------------

    def _stats(self) -> dict:
        client = self._client
        documents, clusters = client.hlen(DOCUMENTS), client.hlen(CLUSTERS)
        sizes = [
            (json.loads(record)[2], int(cluster_id)) for cluster_id, record in client.hscan_iter(CLUSTERS)
        ]
        largest = min(((-size, cluster_id) for size, cluster_id in sizes), default=None)
        oldest = client.zrange(FIRST_SEEN, 0, 0, withscores=True)
        newest = client.zrange(FIRST_SEEN, -1, -1, withscores=True)
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
            "documents": [DOCUMENTS, SHINGLES, CLUSTER_OF, IDS, FIRST_SEEN],
            "clusters": [CLUSTERS, META],
            "site_templates": [SITES],
            "canonical_texts": [TEXTS],
        }
        parts["clusters"] += list(self._client.scan_iter(match=members_key("*"), count=1000))
        parts["lsh"] = list(self._client.scan_iter(match=LSH_BASENAME + b"*", count=1000))
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
