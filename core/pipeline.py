"""The one place that wires the stages: read -> clean -> fingerprint -> index -> cluster -> canonical.

Each stage is a generator over :class:`Document`. A document that fails is
handed to ``on_error`` as a :class:`DocumentError` and the stream goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO

import numpy as np

from core.canonical import RULES as CANONICAL_RULES
from core.canonical import choose_canonical
from core.clean import clean_document, load_rules
from core.cluster import components
from core.document import Cluster, Document, Member
from core.errors import DocumentError, UsageError
from core.fingerprint import Fingerprint, fingerprints
from core.index import CandidateIndex
from core.readers import DEFAULT_MAX_BYTES, iter_sources, read_document
from core.similarity import is_copy, overlap

ErrorHandler = Callable[[DocumentError], None]
FINGERPRINT_BATCH = 256  # documents fingerprinted together: numpy's per-call overhead is paid per batch


def _raise(error: DocumentError) -> None:
    raise error


@dataclass(frozen=True)
class DedupSettings:
    """Knobs of the near-duplicate search, validated on creation.

    ``threshold`` is the containment (shared shingles over the smaller set) a
    verified pair must reach with 99% confidence (see :mod:`core.similarity`);
    ``min_shared`` the shingles it must share at least.
    """

    shingle_size: int = 3
    num_perm: int = 128
    bands: int = 64
    threshold: float = 0.37
    min_shared: int = 25
    canonical: str = "longest"

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise UsageError(f"threshold must be in (0, 1], got {self.threshold}")
        if not 1 <= self.shingle_size <= 10:
            raise UsageError(f"shingle size must be between 1 and 10, got {self.shingle_size}")
        if self.num_perm < 1 or self.bands < 1 or self.num_perm % self.bands:
            raise UsageError(f"bands ({self.bands}) must divide the number of permutations ({self.num_perm})")
        if self.min_shared < 1:
            raise UsageError(f"min shared shingles must be at least 1, got {self.min_shared}")
        if self.canonical not in CANONICAL_RULES:
            raise UsageError(
                f"unknown canonical rule {self.canonical!r}; choose one of {', '.join(CANONICAL_RULES)}"
            )


def read_documents(
    inputs: Iterable[str],
    *,
    stdin: IO[str] | None = None,
    null_separated: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_error: ErrorHandler = _raise,
) -> Iterator[Document]:
    """Read stage: paths, directories, globs and ``-`` -> raw Documents."""
    for source in iter_sources(inputs, stdin=stdin, null_separated=null_separated):
        if isinstance(source, DocumentError):
            on_error(source)
            continue
        try:
            yield read_document(source, max_bytes=max_bytes)
        except DocumentError as error:
            on_error(error)


def clean_documents(docs: Iterable[Document], *, on_error: ErrorHandler = _raise) -> Iterator[Document]:
    """Clean stage: raw Documents -> Documents with title and clean text."""
    rules = load_rules()
    for doc in docs:
        try:
            yield clean_document(doc, rules)
        except DocumentError as error:
            on_error(error)


def fingerprint_documents(
    docs: Iterable[Document], settings: DedupSettings
) -> Iterator[tuple[Document, Fingerprint]]:
    """Fingerprint stage: clean Documents -> (Document, shingles + MinHash signature).

    Documents are fingerprinted ``FINGERPRINT_BATCH`` at a time (the results do
    not depend on the batching) and yielded one by one, in order.
    """
    stream = iter(docs)
    while batch := list(islice(stream, FINGERPRINT_BATCH)):
        prints = fingerprints([doc.text for doc in batch], settings.shingle_size, settings.num_perm)
        yield from zip(batch, prints, strict=True)


def candidate_pairs(signatures: Iterable[np.ndarray], settings: DedupSettings) -> Iterator[tuple[int, int]]:
    """Index stage: ``(earlier, later)`` positions of signatures that share an LSH band, as they arrive."""
    index = CandidateIndex(settings.num_perm, settings.bands)
    for position, signature in enumerate(signatures):
        for other in index.add(position, signature):
            yield other, position


def verified_pairs(
    pairs: Iterable[tuple[int, int]], prints: list[Fingerprint], settings: DedupSettings
) -> Iterator[tuple[int, int]]:
    """Verify stage: the candidate pairs whose exact shingle overlap makes them copies."""
    for a, b in pairs:
        if is_copy(overlap(prints[a].shingles, prints[b].shingles), settings.threshold, settings.min_shared):
            yield a, b


def build_clusters(
    docs: list[Document], prints: list[Fingerprint], edges: Iterable[tuple[int, int]], settings: DedupSettings
) -> list[Cluster]:
    """Cluster stage: connected components of the verified pairs, each with its canonical member."""
    return [
        _make_cluster(number, group, docs, prints, settings.canonical)
        for number, group in enumerate(components(len(docs), edges), 1)
    ]


def cluster_documents(
    printed: Iterable[tuple[Document, Fingerprint]], settings: DedupSettings
) -> list[Cluster]:
    """Index, verify, cluster and choose canonicals; clusters in order of their first member."""
    docs: list[Document] = []
    prints: list[Fingerprint] = []

    def signatures() -> Iterator[np.ndarray]:
        # each document is indexed as it arrives, and kept for verification and canonicals
        for doc, print_ in printed:
            docs.append(doc)
            prints.append(print_)
            yield print_.signature

    edges = list(verified_pairs(candidate_pairs(signatures(), settings), prints, settings))
    return build_clusters(docs, prints, edges, settings)


def _make_cluster(
    number: int, group: list[int], docs: list[Document], prints: list[Fingerprint], rule: str
) -> Cluster:
    chosen = group[choose_canonical([docs[i] for i in group], [prints[i] for i in group], rule)]
    members = [
        Member(
            docs[i],
            1.0
            if i == chosen
            else round(overlap(prints[chosen].shingles, prints[i].shingles).containment, 4),
        )
        for i in group
    ]
    return Cluster(id=number, canonical=docs[chosen], members=members)


def dedup_documents(docs: Iterable[Document], settings: DedupSettings | None = None) -> list[Cluster]:
    """Clean Documents -> clusters of near-duplicates (singletons included)."""
    settings = settings or DedupSettings()
    return cluster_documents(fingerprint_documents(docs, settings), settings)
