"""The upkeep of an index: its figures, its export and its integrity check."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace

import numpy as np

from ..errors import StoreError
from ..records import iso_time
from .backend import chunked, store_errors
from .codec import band_buckets, choose_representatives
from .types import StoredDocument


def _reference_problems(store) -> list[str]:
    """What does not hold: documents findable by their key and every band, clusters that agree
    with their members (size, representatives, canonical)."""
    problems: list[str] = []
    clusters = store.clusters(store._all_cluster_ids())
    members: dict[int, list[StoredDocument]] = defaultdict(list)
    keys = store._all_document_keys()
    band_entries = 0
    for chunk in chunked(keys):
        try:
            docs = list(store.documents(chunk, fingerprints=True).values())
        except StoreError as error:
            problems.append(str(error).removeprefix(f"{store.location}: "))
            continue
        known = store._lookup([(doc.id, doc.digest) for doc in docs])
        for doc in docs:
            if known.get((doc.id, doc.digest)) != doc.key:
                problems.append(f"document {doc.id!r} (key {doc.key}) is not found by its id and content")
            if doc.cluster not in clusters:
                problems.append(f"document key {doc.key} is in cluster {doc.cluster}, which does not exist")
            members[doc.cluster].append(replace(doc, shingles=None, signature=None))
            band_entries += len(np.unique(band_buckets(doc.signature, store.bands)))
        problems.extend(store._lsh_problems(docs))
    problems.extend(store._lsh_total_problems(len(keys), band_entries))
    for site in store._all_sites():  # one at a time: a damaged site's pages fail only its own read
        try:
            store.site_pages([site])
        except StoreError as error:
            problems.append(str(error).removeprefix(f"{store.location}: "))
    existing = set(keys)
    for cluster in clusters.values():
        own = members.get(cluster.id, [])
        own_keys = {doc.key for doc in own}
        if cluster.size != len(own):
            problems.append(f"cluster {cluster.id} records size {cluster.size} but has {len(own)} documents")
        if cluster.representatives != choose_representatives(own):
            problems.append(f"cluster {cluster.id} has stale representatives")
        if cluster.canonical_key not in own_keys and cluster.canonical_key in existing:
            problems.append(f"the canonical of cluster {cluster.id} belongs to another cluster")
    return problems


class Maintenance:
    """The upkeep methods of :class:`~newsdedup.store.base.Store`."""

    @store_errors
    def stats(self) -> dict:
        """Counts, sizes and time range of the index.

        ``bytes`` is what the index occupies (SQLite: the database pages;
        Redis: memory of its keys), ``bytes_per_document`` the same without the
        canonical texts, per document; the first-seen times are ISO 8601 in UTC.
        """
        with self._consistent_reads():
            figures = self._stats()
        documents = figures["documents"]
        figures["bytes_per_document"] = (
            round((figures["bytes"] - figures["canonical_text_bytes"]) / documents, 1) if documents else 0.0
        )
        for name in ("oldest_first_seen", "newest_first_seen"):
            figures[name] = iso_time(figures[name])
        return {"backend": self.backend, "location": self.location, **figures}

    def export(self) -> Iterator[dict]:
        """One JSON-able record per document (id, path, url, title, date, language, first_seen, cluster), by key.

        The records are of one state of the index: a run that writes meanwhile is not seen in half
        of them (SQLite: it goes on meanwhile; Redis: it waits for the export, as for another run).
        """
        with self._consistent_reads():
            with self._errors_as_store_errors():
                keys = self._all_document_keys()
            for chunk in chunked(keys):
                for doc in self.documents(chunk, fingerprints=False).values():
                    yield doc.record()

    @store_errors
    def integrity_check(self) -> None:
        """Raise StoreError unless the storage is sound and every reference in it holds.

        Checks the storage itself (SQLite: ``PRAGMA integrity_check``), every
        shingle blob's and remembered site's checksum, that each document is in an existing cluster
        and findable by id and by every band of its signature, and that each
        cluster's size, representatives and canonical agree with its members.
        """
        with self._consistent_reads():
            problems = list(self._storage_problems())
            if not problems:
                problems = _reference_problems(self)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise StoreError(f"{self.location}: integrity check failed: {problems[0]}{more}")
