"""The one place that wires the stages: read -> clean -> fingerprint -> index -> cluster -> canonical.

Each stage is a generator over :class:`Document`. A document that fails is
handed to ``on_error`` as a :class:`DocumentError` and the stream goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO

import numpy as np

from core.canonical import RULES as CANONICAL_RULES
from core.canonical import choose_canonical
from core.clean import clean_document, load_rules
from core.cluster import Edge, cluster_groups
from core.document import Cluster, Document, Member
from core.errors import DocumentError, UsageError
from core.fingerprint import Fingerprint, fingerprint
from core.index import CandidateIndex
from core.readers import DEFAULT_MAX_BYTES, iter_sources, read_document
from core.similarity import is_copy, overlap

ErrorHandler = Callable[[DocumentError], None]
MAX_VERIFIED = 100


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
    """Fingerprint stage: clean Documents -> (Document, shingles + MinHash signature)."""
    for doc in docs:
        yield doc, fingerprint(doc.text, settings.shingle_size, settings.num_perm)


def cluster_documents(
    printed: Iterable[tuple[Document, Fingerprint]], settings: DedupSettings
) -> list[Cluster]:
    """Index, verify, cluster and choose canonicals; clusters in order of their first member."""
    docs: list[Document] = []
    prints: list[Fingerprint] = []
    edges: list[Edge] = []
    index = CandidateIndex(settings.num_perm, settings.bands)
    for doc, print_ in printed:
        position = len(docs)
        docs.append(doc)
        prints.append(print_)
        for other in closest_candidates(print_, index.add(position, print_.signature), prints, docs):
            pair = overlap(print_.shingles, prints[other].shingles)
            if is_copy(pair, settings.threshold, settings.min_shared):
                edges.append(Edge(pair.containment_lower_bound, other, position))
    groups = cluster_groups(prints, [d.id for d in docs], edges)
    return [
        _make_cluster(number, group, docs, prints, settings.canonical)
        for number, group in enumerate(groups, 1)
    ]


def closest_candidates(
    print_: Fingerprint, candidates: list[int], prints: list[Fingerprint], docs: list[Document]
) -> list[int]:
    """At most ``MAX_VERIFIED`` candidates, those whose signatures agree most (ties by id).

    A story copied a thousand times makes every copy a candidate of every other;
    verifying the closest hundred keeps the work linear and the cluster whole.
    """
    if len(candidates) <= MAX_VERIFIED:
        return candidates
    agreement = (np.stack([prints[c].signature for c in candidates]) == print_.signature).sum(axis=1)
    ranked = sorted(range(len(candidates)), key=lambda k: (-agreement[k], docs[candidates[k]].id))
    return [candidates[k] for k in ranked[:MAX_VERIFIED]]


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
