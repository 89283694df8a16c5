"""The LSH part of a Redis index, in datasketch's ``MinHashLSH`` Redis layout.

A plain ``MinHashLSH(num_perm, params=(bands, rows), storage_config={"type":
"redis", "basename": b"newsdedup:lsh", "redis": {...}}, prepickle=False)``
queries it (a test checks this against the installed datasketch). The layout,
written here with plain Redis commands so that no private part of datasketch
is relied on:

* ``{basename}_keys`` is a hash from each member to the name of its list,
  ``{basename}_keys{member}``, which holds the member's band hashes in band order;
* band ``i`` is a hash ``{basename}_bucket_{i}`` (``i`` as two big-endian
  bytes) from each band hash to the name of its set, ``{table}{band hash}``,
  which holds the members;
* a band hash is the band's MinHash values as 32-bit big-endian integers; a
  member is the document's store key in decimal.
"""

from __future__ import annotations

import struct
from collections import defaultdict
from collections.abc import Iterator, Sequence

import numpy as np
import redis

from .types import StoredDocument


class RedisBands:
    """The members of each LSH band bucket, read directly and written on a batch's MULTI/EXEC pipeline."""

    def __init__(self, client: redis.Redis, basename: bytes, bands: int):
        self._client = client
        self.bands = bands
        self.keys_table = basename + b"_keys"
        self.tables = [basename + b"_bucket_" + struct.pack(">H", band) for band in range(bands)]

    @staticmethod
    def member(key: int) -> bytes:
        return str(key).encode()

    def band_hashes(self, signature: np.ndarray) -> list[bytes]:
        """The bucket name of each band, as datasketch computes it from the signature's values."""
        return [band.tobytes() for band in np.asarray(signature, dtype=">u4").reshape(self.bands, -1)]

    def query(self, signature: np.ndarray) -> set[int]:
        read = self._client.pipeline(transaction=False)
        for table, band_hash in zip(self.tables, self.band_hashes(signature), strict=True):
            read.smembers(table + band_hash)
        return {int(member) for found in read.execute() for member in found}

    def queue_insert(self, pipe: redis.client.Pipeline, key: int, signature: np.ndarray) -> None:
        member = self.member(key)
        band_hashes = self.band_hashes(signature)
        pipe.hset(self.keys_table, member, self.keys_table + member)
        pipe.rpush(self.keys_table + member, *band_hashes)
        for table, band_hash in zip(self.tables, band_hashes, strict=True):
            pipe.hset(table, band_hash, table + band_hash)
            pipe.sadd(table + band_hash, member)

    def queue_removals(self, pipe: redis.client.Pipeline, keys: Sequence[int]) -> None:
        """Queue the removal of ``keys``' entries; a bucket they leave empty goes too (the lock is held)."""
        if not keys:
            return
        members = [self.member(key) for key in keys]
        read = self._client.pipeline(transaction=False)
        for member in members:
            read.lrange(self.keys_table + member, 0, -1)
        leaving: dict[tuple[int, bytes], set[bytes]] = defaultdict(set)
        for member, band_hashes in zip(members, read.execute(), strict=True):
            for band, band_hash in enumerate(band_hashes):
                leaving[band, band_hash].add(member)
        buckets = list(leaving)
        for band, band_hash in buckets:
            read.smembers(self.tables[band] + band_hash)
        for (band, band_hash), present in zip(buckets, read.execute(), strict=True):
            bucket = self.tables[band] + band_hash
            pipe.srem(bucket, *leaving[band, band_hash])
            if present <= leaving[band, band_hash]:
                pipe.hdel(self.tables[band], band_hash)
                pipe.delete(bucket)
        pipe.hdel(self.keys_table, *members)
        pipe.delete(*[self.keys_table + member for member in members])

    def problems(self, docs: Sequence[StoredDocument]) -> Iterator[str]:
        read = self._client.pipeline(transaction=False)
        expected = []
        for doc in docs:
            member = self.member(doc.key)
            band_hashes = self.band_hashes(doc.signature)
            expected.append(band_hashes)
            read.lrange(self.keys_table + member, 0, -1)
            for table, band_hash in zip(self.tables, band_hashes, strict=True):
                read.sismember(table + band_hash, member)
        replies = iter(read.execute())
        for doc, band_hashes in zip(docs, expected, strict=True):
            stored = next(replies)
            found = sum(bool(next(replies)) for _ in band_hashes)
            if stored != band_hashes or found != len(band_hashes):
                yield f"document key {doc.key} has {found} of its {len(band_hashes)} LSH bucket entries"

    def indexed_count(self) -> int:
        return self._client.hlen(self.keys_table)
