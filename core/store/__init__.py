"""The persistent index: documents, their fingerprints and clusters, kept across runs.

``open_store(location, settings_fingerprint)`` opens (or creates) an index in a
SQLite file or in Redis; both backends behave the same (:class:`Store`).
"""

from __future__ import annotations

from ..errors import StoreError
from .base import Store, mask_location
from .types import StoredCluster, StoredDocument

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")

__all__ = ["Store", "StoreError", "StoredCluster", "StoredDocument", "mask_location", "open_store"]


def open_store(location: str, settings_fingerprint: dict, *, busy_timeout: float = 600.0) -> Store:
    """Open the index at ``location``, creating it when missing.

    ``location`` is a file path (SQLite; its directory must exist) or a Redis
    URL (``redis://[:password@]host:port/N``, ``rediss://``, ``unix://``).
    ``settings_fingerprint`` (e.g. ``{"shingle_size": 3, "num_perm": 128,
    "bands": 64, "seed": 1, "schema": 1}``; ``num_perm`` and ``bands`` are
    required) is saved with a new index; an existing index built with a
    different one raises StoreError naming the differing keys. A batch waits up
    to ``busy_timeout`` seconds for another process's batch.
    """
    if location.startswith(REDIS_SCHEMES):
        from .redis_store import RedisStore

        return RedisStore(location, settings_fingerprint, busy_timeout=busy_timeout)
    from .sqlite_store import SQLiteStore

    return SQLiteStore(location, settings_fingerprint, busy_timeout=busy_timeout)
