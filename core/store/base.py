"""The index API, and everything about it that does not depend on where the index lives.

:class:`Store` implements the public methods once: argument checks, batches,
the cluster bookkeeping done at commit, prune, stats, export and the
referential part of the integrity check. A backend supplies the primitives
(the ``_``-prefixed abstract methods): read and write rows, find LSH buckets,
begin / commit / roll back.
"""

from __future__ import annotations

import functools
import json
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from typing import ClassVar

import numpy as np

from ..document import Document
from ..errors import StoreError, UsageError
from ..fingerprint import SEED, Fingerprint, signature
from .codec import (
    CorruptData,
    band_buckets,
    choose_representatives,
    decode_shingles,
    encode_shingles,
    normalised_settings,
    settings_difference,
    settings_json,
)
from .types import StoredCluster, StoredDocument

STORE_FORMAT = "1"  # layout of the stored data; a different one cannot be read
CHUNK = 500  # keys per query (SQLite parameter lists, Redis pipelines)
_FIRST = 1  # first document key and cluster id


def mask_location(location: str) -> str:
    """``location`` with the password of a URL (``scheme://user:password@...`` or ``?password=``) masked."""
    scheme, separator, rest = location.partition("://")
    if not separator:
        return location
    at = rest.rfind("@")
    if at >= 0:
        user, colon, _password = rest[:at].partition(":")
        if colon:
            rest = f"{user}:***{rest[at:]}"
    head, question, query = rest.partition("?")
    if question:
        query = "&".join(
            "password=***" if part.startswith("password=") else part for part in query.split("&")
        )
    return f"{scheme}://{head}{question}{query}"


def one_line(text: object) -> str:
    """``text`` with its whitespace runs (newlines included) made single spaces."""
    return " ".join(str(text).split())


def _chunks(values: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class _Batch:
    """What the store remembers while a batch is open."""

    now: float
    # clusters whose members changed: their size and representatives are recomputed at commit
    touched: set[int] = field(default_factory=set)
    counters: dict[str, int] = field(default_factory=dict)  # next key / cluster id, saved at commit


def _store_errors(method):
    """Turn the backend's exceptions raised by ``method`` into one-line StoreErrors."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._errors_as_store_errors():
            self._heartbeat()
            return method(self, *args, **kwargs)

    return wrapper


class Store(ABC):
    """A persistent MinHash LSH index of documents and their clusters.

    Every write belongs to a batch (:meth:`transaction`); a write method called
    outside one runs as a batch of its own. A batch is applied completely or
    not at all, and two processes' batches on one index run one after the
    other. Reads outside a batch see the last committed state.
    """

    backend: ClassVar[str]
    _backend_errors: ClassVar[tuple[type[BaseException], ...]]

    def __init__(self, location: str, settings_fingerprint: dict, *, busy_timeout: float):
        self.location = mask_location(location)  # safe to show: never holds a password
        self.settings = normalised_settings(settings_fingerprint)
        self.num_perm, self.bands, self.seed = self._geometry(self.settings)
        self.busy_timeout = float(busy_timeout)
        self._batch: _Batch | None = None

    @staticmethod
    def _geometry(settings: dict) -> tuple[int, int, int]:
        num_perm, bands, seed = settings.get("num_perm"), settings.get("bands"), settings.get("seed", SEED)
        if not all(isinstance(value, int) for value in (num_perm, bands, seed)):
            raise UsageError("the settings fingerprint must give num_perm and bands (and seed) as integers")
        if bands < 2 or num_perm % bands:
            raise UsageError(f"bands ({bands}) must be at least 2 and divide num_perm ({num_perm})")
        return num_perm, bands, seed

    # --- batches ------------------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, now: float | None = None) -> Iterator[Store]:
        """One batch: everything read and written inside it is one atomic step.

        ``now`` is the batch's time (default: the clock when it starts): the
        ``first_seen`` of the documents it adds and the ``updated`` of the
        clusters it changes. Waits up to ``busy_timeout`` seconds for another
        process's batch to finish. On an exception nothing of the batch is applied.
        """
        if self._batch is not None:
            raise StoreError(f"{self.location}: a batch is already open (batches do not nest)")
        with self._errors_as_store_errors():
            self._begin()
        batch = self._batch = _Batch(now=time.time() if now is None else float(now))
        try:
            yield self
            with self._errors_as_store_errors():
                self._heartbeat()
                self._settle_clusters(batch)
                self._write_meta({name: str(value) for name, value in batch.counters.items()})
                self._commit()
        except BaseException:
            self._batch = None
            self._rollback_quietly()
            raise
        finally:
            self._batch = None

    def _rollback_quietly(self) -> None:
        # the error that ended the batch is the one to report, not a failed clean-up after it
        try:
            self._rollback()
        except Exception:
            pass

    @contextmanager
    def _writing(self) -> Iterator[_Batch]:
        """The open batch, or a batch of its own for this one call."""
        with nullcontext() if self._batch is not None else self.transaction():
            yield self._batch

    @contextmanager
    def _consistent_reads(self) -> Iterator[None]:
        """Reads that must see one state: inside the open batch, or a snapshot of their own."""
        with nullcontext() if self._batch is not None else self._read_snapshot():
            yield

    @contextmanager
    def _errors_as_store_errors(self) -> Iterator[None]:
        try:
            yield
        except StoreError:
            raise
        except CorruptData as error:
            raise StoreError(f"{self.location}: {error}") from error
        except self._backend_errors as error:
            raise StoreError(f"{self.location}: {self._reason(error)}") from error

    def _open_index(self) -> None:
        """Create the index, or check that it was built with the same settings (called by backends)."""
        with self.transaction(), self._errors_as_store_errors():
            self._prepare_schema()
            meta = self._read_meta()
            # always a write: an index that cannot be written fails here, before a run does any work
            self._write_meta({"format": STORE_FORMAT})
            if not meta:
                self._write_meta({"settings": settings_json(self.settings)})
                return
            if meta.get("format") != STORE_FORMAT:
                raise StoreError(
                    f"{self.location}: index format {meta.get('format')!r} cannot be read "
                    f"(this version reads format {STORE_FORMAT})"
                )
            stored = json.loads(meta.get("settings", "{}"))
            if stored != self.settings:
                raise StoreError(
                    f"{self.location}: the index was built with other settings: "
                    f"{settings_difference(stored, self.settings)}; signatures cannot be compared across them"
                )

    def _next(self, counter: str) -> int:
        batch = self._batch
        if counter not in batch.counters:
            batch.counters[counter] = int(self._read_meta().get(counter, _FIRST))
        value = batch.counters[counter]
        batch.counters[counter] = value + 1
        return value

    # --- reads --------------------------------------------------------------------------------

    @_store_errors
    def lookup_ids(self, ids: Iterable[str]) -> dict[str, int]:
        """The keys of those ``ids`` that are indexed already."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, int] = {}
        for chunk in _chunks(wanted):
            found.update(self._lookup_ids(chunk))
        return found

    @_store_errors
    def candidates(self, signature: np.ndarray) -> set[int]:
        """Keys of the stored documents that share at least one LSH band with ``signature``."""
        signature = self._checked_signature(signature)
        return self._candidate_keys(signature, band_buckets(signature, self.bands))

    @_store_errors
    def documents(self, keys: Iterable[int], *, fingerprints: bool = True) -> dict[int, StoredDocument]:
        """The stored documents among ``keys``, by key; with shingles and signature when ``fingerprints``."""
        found: dict[int, StoredDocument] = {}
        for chunk in _chunks(sorted({int(key) for key in keys})):
            found.update(self._load_documents(chunk, fingerprints))
        if fingerprints:
            for doc in found.values():
                doc.signature = signature(doc.shingles, self.num_perm, self.seed)
        return dict(sorted(found.items()))

    @_store_errors
    def clusters(self, ids: Iterable[int]) -> dict[int, StoredCluster]:
        found: dict[int, StoredCluster] = {}
        for chunk in _chunks(sorted({int(cluster_id) for cluster_id in ids})):
            found.update(self._load_clusters(chunk))
        return dict(sorted(found.items()))

    @_store_errors
    def cluster_members(self, cluster_id: int, *, fingerprints: bool = False) -> list[StoredDocument]:
        """The documents of a cluster, by key; without shingles and signature unless ``fingerprints``."""
        return list(self.documents(self._member_keys(int(cluster_id)), fingerprints=fingerprints).values())

    # --- writes -------------------------------------------------------------------------------

    @_store_errors
    def add_document(
        self,
        document: Document,
        fingerprint: Fingerprint,
        *,
        cluster: int | None = None,
        similarity: float = 1.0,
        first_seen: float | None = None,
    ) -> int:
        """Index a new document and return its key.

        With ``cluster=None`` the document starts a cluster of its own, with
        itself as canonical (its id is the returned document's ``cluster``).
        ``first_seen`` defaults to the batch's time.
        """
        shingles = np.asarray(fingerprint.shingles)
        doc_signature = self._checked_signature(fingerprint.signature)
        blob = encode_shingles(shingles)
        if not np.array_equal(signature(shingles, self.num_perm, self.seed), doc_signature):
            raise StoreError(
                f"{self.location}: the signature of {document.id!r} does not belong to its shingles under "
                f"the index's settings (num_perm {self.num_perm}, seed {self.seed})"
            )
        with self._writing() as batch:
            if self._lookup_ids([document.id]):
                raise StoreError(f"{self.location}: document {document.id!r} is indexed already")
            if cluster is not None and not self._load_clusters([int(cluster)]):
                raise StoreError(f"{self.location}: no cluster {cluster}")
            key = self._next("next_key")
            if cluster is None:
                cluster = self._next("next_cluster")
                self._write_cluster(
                    StoredCluster(cluster, key, document.title, document.text, 1, [key], batch.now)
                )
            else:
                batch.touched.add(int(cluster))
            stored = StoredDocument(
                key=key,
                id=document.id,
                path=document.path,
                url=document.url,
                title=document.title,
                date=document.date,
                language=document.language,
                first_seen=batch.now if first_seen is None else float(first_seen),
                cluster=int(cluster),
                similarity=float(similarity),
                shingle_count=len(shingles),
                shingles=shingles,
                signature=doc_signature,
            )
            self._insert_document(stored, blob, band_buckets(doc_signature, self.bands))
            return key

    @_store_errors
    def set_cluster(self, *, cluster_id: int | None = None, canonical_key: int, title: str, text: str) -> int:
        """Write a cluster's canonical (``cluster_id=None``: a new cluster) and return the cluster's id.

        ``size``, ``representatives`` and ``updated`` follow from its members
        when the batch commits; at that point the canonical must be one of them.
        """
        with self._writing() as batch:
            if cluster_id is None:
                current = StoredCluster(
                    self._next("next_cluster"), canonical_key, title, text, 0, [], batch.now
                )
            else:
                current = self._load_clusters([int(cluster_id)]).get(int(cluster_id))
                if current is None:
                    raise StoreError(f"{self.location}: no cluster {cluster_id}")
            self._write_cluster(replace(current, canonical_key=int(canonical_key), title=title, text=text))
            batch.touched.add(current.id)
            return current.id

    @_store_errors
    def move_documents(self, keys: Iterable[int], cluster_id: int) -> None:
        """Put stored documents into another (existing) cluster, as when two clusters merge."""
        with self._writing() as batch:
            if not self._load_clusters([int(cluster_id)]):
                raise StoreError(f"{self.location}: no cluster {cluster_id}")
            wanted = sorted({int(key) for key in keys})
            docs = [doc for chunk in _chunks(wanted) for doc in self._load_documents(chunk, False).values()]
            if len(docs) != len(wanted):
                missing = sorted(set(wanted) - {doc.key for doc in docs})
                raise StoreError(f"{self.location}: no document with key {missing[0]}")
            batch.touched.update(doc.cluster for doc in docs)
            batch.touched.add(int(cluster_id))
            for chunk in _chunks(docs):
                self._set_document_cluster(chunk, int(cluster_id))

    @_store_errors
    def delete_cluster(self, cluster_id: int) -> None:
        """Remove a cluster that has no documents left (move them first)."""
        with self._writing() as batch:
            members = self._member_keys(int(cluster_id))
            if members:
                raise StoreError(
                    f"{self.location}: cluster {cluster_id} still has {len(members)} documents; move them first"
                )
            self._delete_cluster(int(cluster_id))
            batch.touched.discard(int(cluster_id))

    @_store_errors
    def prune(self, older_than_seconds: float) -> int:
        """Remove the documents first seen more than ``older_than_seconds`` before the batch's time.

        Their LSH entries go with them; clusters left empty are removed; the
        others get their size and representatives recomputed, and keep their
        canonical title and text even when the canonical itself was pruned.
        Returns the number of documents removed.
        """
        with self._writing() as batch:
            keys = self._keys_first_seen_before(batch.now - float(older_than_seconds))
            for chunk in _chunks(keys):
                docs = self.documents(chunk, fingerprints=True)
                batch.touched.update(doc.cluster for doc in docs.values())
                self._delete_documents(list(docs.values()))
            return len(keys)

    def _settle_clusters(self, batch: _Batch) -> None:
        """Size, representatives and time of every cluster whose members changed; empty ones go."""
        for cluster_id in sorted(batch.touched):
            cluster = self._load_clusters([cluster_id]).get(cluster_id)
            if cluster is None:
                continue
            members = self.cluster_members(cluster_id)
            if not members:
                self._delete_cluster(cluster_id)
                continue
            if cluster.canonical_key not in {doc.key for doc in members} and self._load_documents(
                [cluster.canonical_key], False
            ):
                raise StoreError(
                    f"{self.location}: the canonical of cluster {cluster_id} "
                    f"(key {cluster.canonical_key}) is not one of its members"
                )
            self._write_cluster(
                replace(
                    cluster,
                    size=len(members),
                    representatives=choose_representatives(members),
                    updated=batch.now,
                )
            )

    # --- maintenance --------------------------------------------------------------------------

    @_store_errors
    def stats(self) -> dict:
        """Counts, sizes and time range of the index.

        ``bytes`` is what the index occupies (SQLite: the database pages;
        Redis: memory of its keys), ``bytes_per_document`` the same without the
        canonical texts, per document.
        """
        with self._consistent_reads():
            figures = self._stats()
        documents = figures["documents"]
        figures["bytes_per_document"] = (
            round((figures["bytes"] - figures["canonical_text_bytes"]) / documents, 1) if documents else 0.0
        )
        return {"backend": self.backend, "location": self.location, **figures}

    def export(self) -> Iterator[dict]:
        """One JSON-able record per document (id, path, url, title, date, language, first_seen, cluster), by key."""
        with self._errors_as_store_errors():
            keys = self._all_document_keys()
        for chunk in _chunks(keys):
            for doc in self.documents(chunk, fingerprints=False).values():
                yield doc.record()

    @_store_errors
    def integrity_check(self) -> None:
        """Raise StoreError unless the storage is sound and every reference in it holds.

        Checks the storage itself (SQLite: ``PRAGMA integrity_check``), every
        shingle blob's checksum, that each document is in an existing cluster
        and findable by id and by every band of its signature, and that each
        cluster's size, representatives and canonical agree with its members.
        """
        with self._consistent_reads():
            problems = list(self._storage_problems())
            if not problems:
                problems = self._reference_problems()
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise StoreError(f"{self.location}: integrity check failed: {problems[0]}{more}")

    def _reference_problems(self) -> list[str]:
        problems: list[str] = []
        clusters = self.clusters(self._all_cluster_ids())
        members: dict[int, list[StoredDocument]] = defaultdict(list)
        keys = self._all_document_keys()
        band_entries = 0
        for chunk in _chunks(keys):
            try:
                docs = list(self.documents(chunk, fingerprints=True).values())
            except StoreError as error:
                problems.append(str(error).removeprefix(f"{self.location}: "))
                continue
            ids = self._lookup_ids([doc.id for doc in docs])
            for doc in docs:
                if ids.get(doc.id) != doc.key:
                    problems.append(f"document {doc.id!r} (key {doc.key}) is not found by its id")
                if doc.cluster not in clusters:
                    problems.append(
                        f"document key {doc.key} is in cluster {doc.cluster}, which does not exist"
                    )
                members[doc.cluster].append(replace(doc, shingles=None, signature=None))
                band_entries += len(np.unique(band_buckets(doc.signature, self.bands)))
            problems.extend(self._lsh_problems(docs))
        problems.extend(self._lsh_total_problems(len(keys), band_entries))
        existing = set(keys)
        for cluster in clusters.values():
            own = members.get(cluster.id, [])
            own_keys = {doc.key for doc in own}
            if cluster.size != len(own):
                problems.append(
                    f"cluster {cluster.id} records size {cluster.size} but has {len(own)} documents"
                )
            if cluster.representatives != choose_representatives(own):
                problems.append(f"cluster {cluster.id} has stale representatives")
            if cluster.canonical_key not in own_keys and cluster.canonical_key in existing:
                problems.append(f"the canonical of cluster {cluster.id} belongs to another cluster")
        return problems

    def _checked_signature(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values)
        if values.dtype != np.uint32 or values.shape != (self.num_perm,):
            raise StoreError(
                f"{self.location}: a signature must be {self.num_perm} uint32 values, "
                f"got {values.dtype} with shape {values.shape}"
            )
        return values

    def _decode(self, key: int, blob: bytes) -> np.ndarray:
        try:
            return decode_shingles(blob)
        except CorruptData as error:
            raise CorruptData(f"document key {key}: {error}") from error

    @_store_errors
    def close(self) -> None:
        """Close the index; a batch still open is rolled back."""
        if self._batch is not None:
            self._batch = None
            self._rollback_quietly()
        self._close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.location}>"

    # --- backend primitives -------------------------------------------------------------------

    def _heartbeat(self) -> None:  # noqa: B027  (an optional hook)
        """Called before every operation (Redis renews its lock here)."""

    @abstractmethod
    def _reason(self, error: BaseException) -> str:
        """One line saying what went wrong, for a backend exception (never a password)."""

    @abstractmethod
    def _begin(self) -> None: ...

    @abstractmethod
    def _commit(self) -> None: ...

    @abstractmethod
    def _rollback(self) -> None: ...

    @abstractmethod
    def _read_snapshot(self): ...  # a context manager: reads inside it see one committed state

    @abstractmethod
    def _close(self) -> None: ...

    def _prepare_schema(self) -> None:  # noqa: B027  (an optional hook)
        """Create the storage structures of a new index (inside the opening batch)."""

    @abstractmethod
    def _read_meta(self) -> dict[str, str]: ...

    @abstractmethod
    def _write_meta(self, values: dict[str, str]) -> None: ...

    @abstractmethod
    def _lookup_ids(self, ids: Sequence[str]) -> dict[str, int]: ...

    @abstractmethod
    def _candidate_keys(self, signature: np.ndarray, buckets: np.ndarray) -> set[int]: ...

    @abstractmethod
    def _load_documents(self, keys: Sequence[int], fingerprints: bool) -> dict[int, StoredDocument]:
        """Documents with ``shingles`` decoded when ``fingerprints`` (``signature`` is left to the caller)."""

    @abstractmethod
    def _load_clusters(self, ids: Sequence[int]) -> dict[int, StoredCluster]: ...

    @abstractmethod
    def _member_keys(self, cluster_id: int) -> list[int]: ...

    @abstractmethod
    def _keys_first_seen_before(self, cutoff: float) -> list[int]: ...

    @abstractmethod
    def _all_document_keys(self) -> list[int]: ...

    @abstractmethod
    def _all_cluster_ids(self) -> list[int]: ...

    @abstractmethod
    def _insert_document(self, doc: StoredDocument, shingle_blob: bytes, buckets: np.ndarray) -> None: ...

    @abstractmethod
    def _write_cluster(self, cluster: StoredCluster) -> None: ...

    @abstractmethod
    def _delete_cluster(self, cluster_id: int) -> None: ...

    @abstractmethod
    def _set_document_cluster(self, docs: Sequence[StoredDocument], cluster_id: int) -> None:
        """Move ``docs`` (as currently stored, so their old cluster is known) into ``cluster_id``."""

    @abstractmethod
    def _delete_documents(self, docs: Sequence[StoredDocument]) -> None:
        """Remove documents (loaded with fingerprints) and their LSH entries."""

    @abstractmethod
    def _stats(self) -> dict:
        """documents, clusters, largest_cluster ({id, size} or None), bytes, canonical_text_bytes,
        oldest_first_seen, newest_first_seen, breakdown ({part: bytes})."""

    def _storage_problems(self) -> Iterable[str]:
        return ()

    @abstractmethod
    def _lsh_problems(self, docs: Sequence[StoredDocument]) -> Iterable[str]:
        """Documents (with signatures) whose LSH entries are missing or differ."""

    @abstractmethod
    def _lsh_total_problems(self, documents: int, band_entries: int) -> Iterable[str]:
        """LSH entries beyond those of the ``documents`` checked (``band_entries`` distinct buckets)."""
