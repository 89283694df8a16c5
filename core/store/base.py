"""The index API, and everything about it that does not depend on where the index lives.

:class:`Store` implements the public methods once: argument checks, batches,
the cluster bookkeeping done at commit, prune, stats, export and the
integrity check. A backend supplies the primitives of :class:`~newsdedup.store.backend.Backend`
(read and write rows, find LSH buckets, begin / commit / roll back).

A document is known by its id *and* its content (:meth:`Document.content_key`):
a file rewritten under the same name is a new document.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace

import numpy as np

from ..document import Document
from ..errors import SettingError, StoreError, UsageError
from ..fingerprint import Fingerprint, signature
from ..settings import IDENTITY, DedupSettings
from .backend import Backend, chunked, mask_location, store_errors
from .codec import (
    CorruptData,
    band_buckets,
    choose_representatives,
    decode_fingerprint,
    decode_site_pages,
    encode_fingerprint,
    encode_site_pages,
)
from .maintenance import Maintenance
from .types import ContentKey, StoredCluster, StoredDocument

# Layout of the stored data; another one cannot be read. 2: documents known by id and content digest.
STORE_FORMAT = "2"
_FIRST = 1  # first document key and cluster id
SITE_WINDOW = 100  # pages of each site whose lines the index remembers, for learning site templates


class NoIndex(StoreError):
    """There is no index at the location (and it was opened to be read, not created)."""


@dataclass
class _Transaction:
    """What the store remembers while a batch is open."""

    now: float
    # clusters whose members changed: their size and representatives are recomputed at commit
    touched: set[int] = field(default_factory=set)
    counters: dict[str, int] = field(default_factory=dict)  # next key / cluster id, saved at commit


class Store(Maintenance, Backend):
    """A persistent MinHash LSH index of documents and their clusters.

    Every write belongs to a batch (:meth:`transaction`); a write method called
    outside one runs as a batch of its own. A batch is applied completely or
    not at all, and two processes' batches on one index run one after the
    other. Reads outside a batch see the last committed state.

    ``settings``: opened to read, the settings the index was built with (stored in it); opened with
    settings, those (their identity is the index's; the others are this store's and are not stored).
    """

    settings: DedupSettings

    def __init__(self, location: str, *, busy_timeout: float, on_wait: Callable[[str], None] | None = None):
        self.location = mask_location(location)  # safe to show: never holds a password
        self.busy_timeout = float(busy_timeout)
        # told when a batch has to wait for another run's (opening an index may run one), with what it
        # waits for
        self.on_wait = on_wait
        self._batch: _Transaction | None = None

    @property
    def num_perm(self) -> int:
        return self.settings.num_perm

    @property
    def bands(self) -> int:
        return self.settings.bands

    @property
    def seed(self) -> int:
        return self.settings.seed

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
        batch = self._batch = _Transaction(now=time.time() if now is None else float(now))
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

    def _waiting_for(self, holder: str) -> None:
        if self.on_wait is not None:
            self.on_wait(f"{self.location}: {holder}; waiting for it, up to {self.busy_timeout:g} s")

    def _rollback_quietly(self) -> None:
        # the error that ended the batch is the one to report, not a failed clean-up after it
        try:
            self._rollback()
        except Exception:
            pass

    @contextmanager
    def _writing(self) -> Iterator[_Transaction]:
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

    def _open_index(self, settings: DedupSettings | None) -> None:
        """Read an existing index's settings (``settings=None``: nothing is written), or create the
        index, or check that it was built with the identity of ``settings`` (called by backends)."""
        if settings is None:
            with self._errors_as_store_errors():
                self.settings = self._stored_settings(self._read_meta())
            return
        with self.transaction(), self._errors_as_store_errors():
            self._prepare_schema()
            meta = self._read_meta()
            # always a write: an index that cannot be written fails here, before a run does any work
            self._write_meta({"format": STORE_FORMAT})
            if not meta:
                self._write_meta({"settings": json.dumps(settings.as_dict(), sort_keys=True)})
            elif difference := self._stored_settings(meta).differences(settings):
                raise StoreError(
                    f"{self.location}: the index was built with other settings: {difference}; "
                    "signatures cannot be compared across them"
                )
            # the others (threshold, canonical rule...) may differ: they are this run's, the index keeps its own
            self.settings = settings

    def _stored_settings(self, meta: dict[str, str]) -> DedupSettings:
        if not meta:
            raise NoIndex(f"{self.location}: no index here (it is created by dedup --db)")
        if meta.get("format") != STORE_FORMAT:
            raise StoreError(
                f"{self.location}: index format {meta.get('format')!r} cannot be read "
                f"(this version reads format {STORE_FORMAT}; build the index again with dedup --db)"
            )
        if "settings" not in meta:
            raise CorruptData("the index file is damaged: it holds no settings")
        try:
            values = json.loads(meta["settings"])
            # a name missing (a flipped bit in it) would silently read as its default
            if missing := [name for name in IDENTITY if not isinstance(values, dict) or name not in values]:
                raise ValueError(f"no {', '.join(missing)}")
            return _settings_of(values)
        except (ValueError, TypeError, UsageError) as error:  # a damaged page, a hand edit
            raise CorruptData(f"the index file is damaged: its settings cannot be read ({error})") from error

    def _next(self, counter: str) -> int:
        batch = self._batch
        if counter not in batch.counters:
            batch.counters[counter] = int(self._read_meta().get(counter, _FIRST))
        value = batch.counters[counter]
        batch.counters[counter] = value + 1
        return value

    # --- reads --------------------------------------------------------------------------------

    @store_errors
    def lookup(self, keys: Iterable[ContentKey]) -> dict[ContentKey, int]:
        """The store keys of those documents, by ``(id, digest)``, that are indexed already."""
        wanted = list(dict.fromkeys(keys))
        found: dict[ContentKey, int] = {}
        for chunk in chunked(wanted):
            found.update(self._lookup(chunk))
        return found

    @store_errors
    def candidates(self, signature: np.ndarray) -> set[int]:
        """Keys of the stored documents that share at least one LSH band with ``signature``."""
        signature = self._checked_signature(signature)
        return self._candidate_keys(signature, band_buckets(signature, self.bands))

    @store_errors
    def documents(self, keys: Iterable[int], *, fingerprints: bool = True) -> dict[int, StoredDocument]:
        """The stored documents among ``keys``, by key; with shingles and signature when ``fingerprints``."""
        found: dict[int, StoredDocument] = {}
        for chunk in chunked(sorted({int(key) for key in keys})):
            found.update(self._load_documents(chunk, fingerprints))
        if fingerprints:
            for doc in found.values():
                doc.signature = signature(doc.shingles, self.num_perm, self.seed)
        return dict(sorted(found.items()))

    @store_errors
    def clusters(self, ids: Iterable[int]) -> dict[int, StoredCluster]:
        found: dict[int, StoredCluster] = {}
        for chunk in chunked(sorted({int(cluster_id) for cluster_id in ids})):
            found.update(self._load_clusters(chunk))
        return dict(sorted(found.items()))

    @store_errors
    def cluster_members(self, cluster_id: int, *, fingerprints: bool = False) -> list[StoredDocument]:
        """The documents of a cluster, by key; without shingles and signature unless ``fingerprints``."""
        return list(self.documents(self._member_keys(int(cluster_id)), fingerprints=fingerprints).values())

    @store_errors
    def site_pages(self, sites: Iterable[str]) -> dict[str, list[tuple[int, int, frozenset[int]]]]:
        """The latest pages the index remembers of each of ``sites``, oldest first, each the 64-bit digests
        of its document's id and its title key, and those of its lines: what site templates are learned
        from across runs (:mod:`newsdedup.templates`)."""
        found: dict[str, list[tuple[int, int, frozenset[int]]]] = {}
        for chunk in chunked(sorted(set(sites))):
            for site, blob in self._load_site_pages(chunk).items():
                try:
                    found[site] = decode_site_pages(blob)
                except CorruptData as error:
                    raise CorruptData(f"site {site!r}: {error}") from error
        return found

    # --- writes -------------------------------------------------------------------------------

    @store_errors
    def add_site_pages(
        self, pages: Mapping[str, Sequence[tuple[int, int, Iterable[int]]]]
    ) -> dict[str, list[tuple[int, int, frozenset[int]]]]:
        """Remember these pages (id digest, title key, line digests) of each site after those remembered
        already; a page remembered before under the same id is replaced. Of each site the latest
        ``SITE_WINDOW`` pages are kept (templates change when a site is redesigned). Returns the pages
        remembered before, less those replaced, by site."""
        with self._writing():
            earlier = self.site_pages(pages)
            blobs = {}
            for site, site_pages in sorted(pages.items()):
                new: dict[int, tuple[int, int, frozenset[int]]] = {}
                for page_id, title, lines in site_pages:
                    new.pop(page_id, None)  # the last version of a page, where it stands
                    new[page_id] = (page_id, title, frozenset(lines))
                earlier[site] = [page for page in earlier.get(site, []) if page[0] not in new]
                blobs[site] = encode_site_pages([*earlier[site], *new.values()][-SITE_WINDOW:])
            self._write_site_pages(blobs)
            return earlier

    @store_errors
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
        blob = encode_fingerprint(shingles, fingerprint.figures, fingerprint.dates)
        if not np.array_equal(signature(shingles, self.num_perm, self.seed), doc_signature):
            raise StoreError(
                f"{self.location}: the signature of {document.id!r} does not belong to its shingles under "
                f"the index's settings (num_perm {self.num_perm}, seed {self.seed})"
            )
        content_key = document.content_key()
        with self._writing() as batch:
            if self._lookup([content_key]):
                raise StoreError(
                    f"{self.location}: document {document.id!r} is indexed already with this content"
                )
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
                digest=content_key[1],
                path=document.path,
                url=document.url,
                title=document.title,
                date=document.date,
                language=document.language,
                first_seen=batch.now if first_seen is None else float(first_seen),
                cluster=int(cluster),
                similarity=float(similarity),
                shingle_count=len(shingles),
                unit=fingerprint.unit,
                shingles=shingles,
                signature=doc_signature,
                figures=fingerprint.figures,
                dates=fingerprint.dates,
            )
            self._insert_document(stored, blob, band_buckets(doc_signature, self.bands))
            return key

    @store_errors
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

    @store_errors
    def move_documents(self, keys: Iterable[int], cluster_id: int) -> None:
        """Put stored documents into another (existing) cluster, as when two clusters merge."""
        with self._writing() as batch:
            if not self._load_clusters([int(cluster_id)]):
                raise StoreError(f"{self.location}: no cluster {cluster_id}")
            wanted = sorted({int(key) for key in keys})
            docs = [doc for chunk in chunked(wanted) for doc in self._load_documents(chunk, False).values()]
            if len(docs) != len(wanted):
                missing = sorted(set(wanted) - {doc.key for doc in docs})
                raise StoreError(f"{self.location}: no document with key {missing[0]}")
            batch.touched.update(doc.cluster for doc in docs)
            batch.touched.add(int(cluster_id))
            for chunk in chunked(docs):
                self._set_document_cluster(chunk, int(cluster_id))

    @store_errors
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

    @store_errors
    def prune(self, older_than_seconds: float) -> int:
        """Remove the documents first seen more than ``older_than_seconds`` before the batch's time.

        Their LSH entries go with them; clusters left empty are removed; the
        others get their size and representatives recomputed, and keep their
        canonical title and text even when the canonical itself was pruned.
        Returns the number of documents removed.
        """
        if not 0 <= older_than_seconds < math.inf:
            raise UsageError(f"the age to prune at must be 0 seconds or more, got {older_than_seconds!r}")
        with self._writing() as batch:
            keys = self._keys_first_seen_before(batch.now - float(older_than_seconds))
            for chunk in chunked(keys):
                docs = self.documents(chunk, fingerprints=True)
                batch.touched.update(doc.cluster for doc in docs.values())
                self._delete_documents(list(docs.values()))
            return len(keys)

    def _settle_clusters(self, batch: _Transaction) -> None:
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

    def _checked_signature(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values)
        if values.dtype != np.uint32 or values.shape != (self.num_perm,):
            raise StoreError(
                f"{self.location}: a signature must be {self.num_perm} uint32 values, "
                f"got {values.dtype} with shape {values.shape}"
            )
        return values

    def _with_fingerprint(self, doc: StoredDocument, blob: bytes) -> StoredDocument:
        """``doc`` with its stored shingles, figures and dates (the signature follows from the shingles)."""
        try:
            doc.shingles, doc.figures, doc.dates = decode_fingerprint(blob)
        except CorruptData as error:
            raise CorruptData(f"document key {doc.key}: {error}") from error
        return doc

    @store_errors
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


def _settings_of(values: dict) -> DedupSettings:
    """Stored settings; a value this version refuses of a setting each run gives for itself (a canonical
    rule another build has) reads as its default, as any such setting may differ from the run's."""
    values = dict(values)
    while True:
        try:
            return DedupSettings.from_dict(values)
        except SettingError as error:
            if error.field in IDENTITY or error.field not in values:
                raise
            del values[error.field]
