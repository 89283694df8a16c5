"""The one place that wires the stages: read -> clean -> fingerprint -> candidates -> verify -> cluster
-> canonical.

Each stage lives in its own module and is a generator or a plain function over
documents, arrays or positions; this module only connects them. A document
that fails is handed to ``on_error`` as a :class:`DocumentError` and the stream
goes on. A run with a persistent index is the same loop: the index
(:class:`~newsdedup.indexed.IndexedRun`) supplies earlier documents, nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from itertools import chain, islice

from .batch import Batch
from .candidates import candidate_pairs, containment_pairs
from .canonical import canonical_cluster
from .clean import load_rules
from .cluster import EdgeColumns, cluster_groups
from .document import Cluster, Document
from .errors import DocumentError
from .fingerprint import Fingerprint, fingerprint_documents
from .indexed import IndexedRun
from .read import read_documents
from .settings import DedupSettings
from .templates import TemplateOnly, strip_templates
from .verify import shared_needed, verified_edges
from .workers import Result, checked_timeout, clean_in_workers, clean_with_limit

ErrorHandler = Callable[[DocumentError], None]
WORKERS_FROM = 64  # documents a batch needs before worker processes are started
# Documents whose candidates are searched together: each chunk costs a few numpy calls per band
# and a merge into the band index that grows with the batch.
GATHER_CHUNK = 2048
REMOVED_MEANWHILE = (
    "the index held it when this run began, and another process removed it since (index prune?): "
    "not in this output; the next run indexes it again"
)

__all__ = [
    "clean_and_fingerprint",
    "clean_documents",
    "cluster_documents",
    "dedup_documents",
    "fingerprint_documents",
    "read_documents",
]


def _raise(error: DocumentError) -> None:
    raise error


def clean_documents(
    docs: Iterable[Document], *, jobs: int = 1, timeout: float | None = None, on_error: ErrorHandler = _raise
) -> Iterator[Document]:
    """Clean stage: raw Documents -> Documents with title and clean text, in input order.

    ``jobs`` > 1 cleans in that many worker processes. ``timeout`` (seconds) caps
    the time one document may take; a document over it is reported and skipped.
    """
    results, _ = _cleaned(docs, jobs, timeout, None)
    yield from _handled(results, on_error)


def clean_and_fingerprint(
    docs: Iterable[Document],
    settings: DedupSettings,
    *,
    jobs: int = 1,
    timeout: float | None = None,
    on_error: ErrorHandler = _raise,
) -> Iterator[tuple[Document, Fingerprint]]:
    """The clean and fingerprint stages, as ``fingerprint_documents(clean_documents(...))``.

    With worker processes, each worker fingerprints what it cleaned: the main
    process, which clusters, is then left with less serial work.
    """
    results, in_workers = _cleaned(docs, jobs, timeout, settings)
    if in_workers:
        yield from _handled(results, on_error)
    else:
        yield from fingerprint_documents(_handled(results, on_error), settings)


def _cleaned(
    docs: Iterable[Document], jobs: int, timeout: float | None, settings: DedupSettings | None
) -> tuple[Iterator[Result], bool]:
    """Cleaning results, and whether they come from workers (which fingerprint too, given settings)."""
    checked_timeout(timeout)
    docs = iter(docs)
    head = list(islice(docs, WORKERS_FROM)) if jobs > 1 else []
    if jobs > 1 and len(head) == WORKERS_FROM:
        return clean_in_workers(chain(head, docs), jobs, timeout, settings), True
    # one process, or a batch too small to pay for starting workers
    return _clean_serially(chain(head, docs), timeout), False


def _handled(results: Iterable[Result], on_error: ErrorHandler) -> Iterator:
    for result in results:
        if isinstance(result, DocumentError):
            on_error(result)
        else:
            yield result


def _clean_serially(docs: Iterable[Document], timeout: float | None) -> Iterator[Document | DocumentError]:
    docs = iter(docs)
    first = next(docs, None)
    if first is None:
        return  # nothing to clean (a re-run over pages the index holds): the cleaner is not even loaded
    from .preload import warm_up  # (its import warms up too)

    warm_up()
    rules = load_rules()
    for doc in chain([first], docs):
        yield clean_with_limit(doc, rules, timeout)


def cluster_documents(
    printed: Iterable[tuple[Document, Fingerprint]],
    settings: DedupSettings,
    index: IndexedRun | None = None,
    *,
    on_error: ErrorHandler = _raise,
    deliver: Callable[[list[Cluster]], None] | None = None,
) -> list[Cluster]:
    """Candidates, verification, site templates, clustering and canonicals: clusters in order of their
    first member.

    Candidates are searched and verified chunk by chunk while the stream is
    still coming in (with worker processes, while the next documents are being
    cleaned); the clustering itself waits for every verified pair. A document
    left with no text once its site's template is stripped goes to ``on_error``.
    With an ``index``, the run is one transaction of it, and the result is the
    index's clusters the run touched.

    ``deliver`` is given the clusters before the index commits (without an index, once they are
    found): when it raises (the output could not be written), the index stays as it was, so a run
    that did not hand its clusters on leaves them to the next run.
    """
    with nullcontext() if index is None else index.store.transaction():
        admitted = printed if index is None else index.admitted(printed)
        clusters = _clustered(admitted, settings, index, on_error)
        if deliver is not None:
            deliver(clusters)
        return clusters


def _clustered(
    printed: Iterable[tuple[Document, Fingerprint]],
    settings: DedupSettings,
    index: IndexedRun | None,
    on_error: ErrorHandler,
) -> list[Cluster]:
    batch = Batch(settings.num_perm)
    if index is not None:
        index.attach(batch)
    pairs = candidate_pairs(
        batch.gather(printed, GATHER_CHUNK),
        batch.signatures,
        batch.keys,
        settings.bands,
        index.candidates if index is not None else None,
    )
    edges = EdgeColumns(verified_edges(chain(pairs, _contained(batch, settings)), batch.prints, settings))
    emptied: list[int] = []
    if settings.templates:
        edges, emptied, notices = strip_templates(batch, edges, settings, index)
        for position in emptied:
            on_error(TemplateOnly.of(batch.docs[position].source))
        for notice in notices:
            on_error(notice)
    groups = cluster_groups(batch.prints, batch.keys, edges, index.joined() if index is not None else ())
    if emptied:  # an emptied document kept no pair: it is a group of its own
        left_out = set(emptied)
        groups = [group for group in groups if group[0] not in left_out]
    if index is not None:
        clusters = index.record(groups)
        for doc_id, _ in index.removed_meanwhile:
            on_error(DocumentError(doc_id, REMOVED_MEANWHILE))
        return clusters
    return [
        canonical_cluster(number, group, batch.docs, batch.prints, settings)
        for number, group in enumerate(groups, 1)
    ]


def _contained(batch: Batch, settings: DedupSettings) -> Iterator[tuple[int, int]]:
    """The containment probe's pairs, once the batch is all in (a generator: it starts when asked)."""
    yield from containment_pairs(
        batch.prints, batch.prints.shingle_counts(), lambda n: shared_needed(n, settings)
    )


def dedup_documents(
    docs: Iterable[Document], settings: DedupSettings | None = None, *, on_error: ErrorHandler = _raise
) -> list[Cluster]:
    """Clean Documents -> clusters of near-duplicates (singletons included)."""
    settings = settings or DedupSettings()
    return cluster_documents(fingerprint_documents(docs, settings), settings, on_error=on_error)
