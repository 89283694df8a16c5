"""What an index holds: documents with their fingerprints, and clusters with their canonical text."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..records import iso_time

ContentKey = tuple[str, str]  # (document id, content digest): what a document is known by
# What a backend keeps of a document besides its key, its cluster and its fingerprint, in this order.
RECORD_FIELDS = (
    "id",
    "digest",
    "path",
    "url",
    "title",
    "date",
    "language",
    "first_seen",
    "similarity",
    "shingle_count",
    "unit",
)


@dataclass
class StoredDocument:
    """One indexed document.

    ``shingles``, ``signature``, ``figures`` and ``dates`` are ``None`` when
    the document was read without its fingerprint (``fingerprints=False``); ``shingle_count`` is
    always there. The signature is not stored: it is recomputed from the
    shingles, which the settings fingerprint pins down exactly.
    """

    key: int  # store-internal, never reused
    id: str  # the document id (input path or record id)
    digest: str  # of its content as read (see Document.content_key)
    path: str | None
    url: str | None
    title: str
    date: str | None
    language: str | None
    first_seen: float  # unix time of the batch that added it
    cluster: int
    similarity: float  # to its cluster's canonical when it was written
    shingle_count: int
    unit: str = "word"  # what its shingles are made of (see newsdedup.shingles)
    shingles: np.ndarray | None = None  # uint32, sorted, unique
    signature: np.ndarray | None = None  # uint32, num_perm values
    figures: np.ndarray | None = None  # the figures and dates the text states (see newsdedup.figures)
    dates: np.ndarray | None = None

    def record_values(self) -> tuple:
        """The values of ``RECORD_FIELDS``."""
        return tuple(getattr(self, name) for name in RECORD_FIELDS)

    @classmethod
    def empty(cls) -> StoredDocument:
        """A document of no values: its ``record`` has an export record's fields (the columns of an
        export of an empty index)."""
        return cls(0, "", "", None, None, "", None, None, 0.0, 0, 0.0, 0)

    def record(self) -> dict:
        """The JSON-able export record (``index export``, documented in docs/records.md)."""
        return {
            "id": self.id,
            "path": self.path,
            "url": self.url,
            "title": self.title,
            "date": self.date,
            "language": self.language,
            "first_seen": iso_time(self.first_seen),
            "cluster": self.cluster,
        }


@dataclass
class StoredCluster:
    """A cluster and the canonical text it was last shown with.

    ``size``, ``representatives`` and ``updated`` are kept by the store: they
    are recomputed when a batch that changed the cluster's members commits.
    ``canonical_key`` may name a document that was pruned since; the cluster
    keeps its canonical ``title`` and ``text`` (the store cannot choose a new
    canonical: the rule lives in :mod:`core.canonical` and needs texts it does
    not keep).
    """

    id: int
    canonical_key: int
    title: str
    text: str  # the canonical's clean text
    size: int
    representatives: list[int]  # keys of up to 4 longest members (most shingles, ties by id)
    updated: float  # time of the last batch that changed it
