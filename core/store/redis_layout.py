"""How a Redis index lays out its data: key names, record encodings, and a batch's pending writes.

The LSH part is in :mod:`newsdedup.store.redis_bands`; everything else is a few
hashes under ``newsdedup:``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from redis.backoff import ExponentialBackoff
from redis.connection import SSLConnection, parse_url
from redis.retry import Retry

from .types import RECORD_FIELDS, ContentKey, StoredCluster, StoredDocument

PREFIX = "newsdedup"
META = f"{PREFIX}:meta"
DOCUMENTS = f"{PREFIX}:doc"  # key -> JSON list of the RECORD_FIELDS (types.py)
SHINGLES = f"{PREFIX}:shingles"  # key -> shingle blob
CLUSTER_OF = f"{PREFIX}:cluster_of"  # key -> cluster id
IDS = f"{PREFIX}:ids"  # JSON [document id, digest] -> key
FIRST_SEEN = f"{PREFIX}:first_seen"  # sorted set of keys by first_seen
CLUSTERS = f"{PREFIX}:cluster"  # id -> JSON [canonical_key, title, size, representatives, updated]
TEXTS = f"{PREFIX}:text"  # cluster id -> canonical text
SITES = f"{PREFIX}:site"  # site -> its latest pages' lines (codec.encode_site_pages)
LOCK = f"{PREFIX}:lock"
LSH_BASENAME = f"{PREFIX}:lsh".encode()


def content_field(key: ContentKey) -> str:
    return json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))


def members_key(cluster_id: int) -> str:
    return f"{PREFIX}:members:{cluster_id}"


def client_options(url: str) -> dict:
    """``redis.Redis`` keyword arguments for a ``redis://``, ``rediss://`` or ``unix://`` URL (ValueError
    when it is not one)."""
    options = parse_url(url)
    parts = urlparse(url)
    # redis-py takes a database that is not a number (/7x) for no database, and writes to database 0
    if parts.scheme != "unix" and not re.fullmatch(r"/?|/[0-9]+", unquote(parts.path)):
        raise ValueError(f"the database after the port must be a number, like /0; got {parts.path[1:]!r}")
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


def document_json(doc: StoredDocument) -> str:
    return json.dumps(list(doc.record_values()), ensure_ascii=False, separators=(",", ":"))


def document_values(record: bytes) -> dict:
    """The ``RECORD_FIELDS`` of a stored document record, by name."""
    return dict(zip(RECORD_FIELDS, json.loads(record), strict=True))


def cluster_json(cluster: StoredCluster) -> str:
    return json.dumps(
        [cluster.canonical_key, cluster.title, cluster.size, cluster.representatives, cluster.updated],
        ensure_ascii=False,
        separators=(",", ":"),
    )


@dataclass
class Pending:
    """A batch's writes, not yet sent; reads lay them over the committed state."""

    documents: dict[int, StoredDocument] = field(default_factory=dict)  # added, with fingerprints
    blobs: dict[int, bytes] = field(default_factory=dict)
    buckets: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # of added documents
    ids: dict[ContentKey, int] = field(default_factory=dict)
    cluster_of: dict[int, int] = field(default_factory=dict)  # added or moved documents -> cluster
    joined: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # cluster -> those keys
    moved_from: dict[int, int] = field(default_factory=dict)  # stored documents moved -> stored cluster
    deleted: dict[int, StoredDocument] = field(default_factory=dict)  # stored documents, stored cluster
    clusters: dict[int, StoredCluster] = field(default_factory=dict)
    deleted_clusters: set[int] = field(default_factory=set)
    meta: dict[str, str] = field(default_factory=dict)
    sites: dict[str, bytes] = field(default_factory=dict)

    def gone(self, key: int) -> bool:
        return key in self.deleted
