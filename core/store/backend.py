"""The primitives a place to keep an index must supply; :class:`~newsdedup.store.base.Store` does the rest.

A new backend is a subclass of ``Store`` implementing these, and one line in
the registry of :mod:`newsdedup.store`.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from typing import ClassVar

import numpy as np

from .types import ContentKey, StoredCluster, StoredDocument

CHUNK = 500  # keys per query (SQLite parameter lists, Redis pipelines)


def chunked(values: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


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


def store_errors(method):
    """Turn the backend's exceptions raised by ``method`` into one-line StoreErrors."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._errors_as_store_errors():
            self._heartbeat()
            return method(self, *args, **kwargs)

    return wrapper


class Backend(ABC):
    backend: ClassVar[str]  # its name, as stats report it
    _backend_errors: ClassVar[tuple[type[BaseException], ...]]  # turned into StoreErrors

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
    def _lookup(self, keys: Sequence[ContentKey]) -> dict[ContentKey, int]: ...

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
    def _load_site_pages(self, sites: Sequence[str]) -> dict[str, bytes]:
        """The remembered pages of those ``sites`` that have some, as :func:`~.codec.encode_site_pages` blobs."""

    @abstractmethod
    def _all_sites(self) -> list[str]:
        """The sites whose pages are remembered, sorted."""

    @abstractmethod
    def _write_site_pages(self, blobs: dict[str, bytes]) -> None:
        """Replace the remembered pages of each site by its blob."""

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
