"""The one place that wires the stages: read -> clean -> fingerprint -> index -> cluster -> canonical.

Each stage is a generator over :class:`Document`. A document that fails is
handed to ``on_error`` as a :class:`DocumentError` and the stream goes on.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import IO

import numpy as np

from .canonical import choose_canonical
from .clean import load_rules
from .cluster import Edge, EdgeColumns, cluster_groups
from .document import Cluster, Document, Member
from .errors import DocumentError, UsageError
from .fingerprint import Fingerprint, fingerprints
from .index import BandIndex
from .readers import DEFAULT_MAX_BYTES, iter_sources, read_document
from .settings import DedupSettings
from .similarity import is_copy, overlap
from .spool import SpooledFingerprints, TextSpool
from .streams import field_map, is_warc, jsonl_documents, warc_documents
from .workers import Result, clean_in_workers, clean_with_limit

ErrorHandler = Callable[[DocumentError], None]
MAX_VERIFIED = 32
TWIN_AGREEMENT = 0.9  # share of signature values a near-identical copy agrees on
INPUT_FORMATS = ("paths", "jsonl")
WORKERS_FROM = 64  # documents a batch needs before worker processes are started
FINGERPRINT_BATCH = 256  # documents fingerprinted together: numpy's per-call overhead is paid per batch
# Documents whose candidates are searched together: each chunk costs a few numpy calls per band
# and a merge into the band index that grows with the batch.
GATHER_CHUNK = 2048


def _raise(error: DocumentError) -> None:
    raise error


def read_documents(
    inputs: Iterable[str],
    *,
    input_format: str = "paths",
    fields: dict[str, str] | None = None,
    stdin: IO[bytes] | None = None,
    null_separated: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_error: ErrorHandler = _raise,
) -> Iterator[Document]:
    """Read stage: inputs -> raw Documents.

    ``paths``: files, directories, globs, and ``-`` for a list of paths on stdin;
    a WARC file among them yields its HTML responses. ``jsonl``: JSON Lines files,
    ``-`` being stdin, one document per record (``fields`` maps the record keys).
    """
    if input_format not in INPUT_FORMATS:
        raise UsageError(f"unknown input format {input_format!r}; choose one of {', '.join(INPUT_FORMATS)}")
    if input_format == "jsonl":
        items = _jsonl_items(inputs, stdin, fields or field_map(), max_bytes)
    else:
        items = _path_items(inputs, stdin, null_separated, max_bytes)
    for item in items:
        if isinstance(item, DocumentError):
            on_error(item)
        else:
            yield item


def _path_items(inputs, stdin, null_separated, max_bytes) -> Iterator[Document | DocumentError]:
    for source in iter_sources(inputs, stdin=stdin, null_separated=null_separated):
        if isinstance(source, DocumentError):
            yield source
        elif is_warc(source):
            yield from warc_documents(source, max_bytes)
        else:
            try:
                yield read_document(source, max_bytes=max_bytes)
            except DocumentError as error:
                yield error


def _jsonl_items(inputs, stdin, fields, max_bytes) -> Iterator[Document | DocumentError]:
    for source in inputs:
        if source == "-":
            if stdin is None:
                yield DocumentError("-", "no standard input to read records from")
            else:
                yield from jsonl_documents(stdin, "-", fields, max_bytes)
            continue
        try:
            with open(source, "rb") as handle:
                stream = gzip.GzipFile(fileobj=handle) if handle.peek(2)[:2] == b"\x1f\x8b" else handle
                yield from jsonl_documents(stream, source, fields, max_bytes)
        except (OSError, EOFError) as error:
            yield DocumentError(source, getattr(error, "strerror", None) or str(error))


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
    rules = load_rules()
    for doc in docs:
        yield clean_with_limit(doc, rules, timeout)


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


def candidate_pairs(
    chunks: Iterable[range], batch: Batch, settings: DedupSettings
) -> Iterator[tuple[int, int]]:
    """Index stage: ``(earlier, later)`` positions of the batch whose signatures share an LSH band.

    ``chunks`` are the positions ``batch`` has just gathered, chunk after chunk
    (see :meth:`Batch.gather`): each chunk's candidates are found as soon as it is
    in. At most ``MAX_VERIFIED`` per document, the closest by signature (see
    :func:`closest_candidates`), so a story copied a thousand times costs linear work;
    its verbatim copies are not even indexed (their twin answers for them).
    """
    index = BandIndex(settings.num_perm, settings.bands)
    indexed = np.zeros(0, dtype=bool)
    twin_agreement = TWIN_AGREEMENT * settings.num_perm
    for chunk in chunks:
        signatures = batch.prints.signatures
        indexed = np.concatenate((indexed, np.zeros(len(chunk), dtype=bool)))
        lookup = index.lookup(signatures[chunk.start : chunk.stop], chunk.start)
        for position in chunk:
            sharing = lookup.sharing(position - chunk.start)
            found = sharing[indexed[sharing]]
            agreement = (signatures[found] == signatures[position]).sum(axis=1)
            # A near-identical twin already stands in every bucket this document would join:
            # leaving it out keeps the buckets of a story copied a thousand times small.
            indexed[position] = not found.size or agreement.max() < twin_agreement
            for other in closest_candidates(found.tolist(), agreement, batch.keys):
                yield other, position
        index.insert(lookup, np.flatnonzero(indexed[chunk.start : chunk.stop]))


def verified_pairs(
    pairs: Iterable[tuple[int, int]], prints: Sequence[Fingerprint], settings: DedupSettings
) -> Iterator[Edge]:
    """Verify stage: the candidate pairs whose exact shingle overlap makes them copies."""
    for a, b in pairs:
        pair = overlap(prints[a].shingles, prints[b].shingles)
        if is_copy(pair, settings.threshold, settings.min_shared):
            yield Edge(pair.containment_lower_bound, a, b)


def build_clusters(batch: Batch, edges: EdgeColumns, settings: DedupSettings) -> list[Cluster]:
    """Cluster stage: groups of verified copies without chaining, each with its canonical member."""
    groups = cluster_groups(batch.prints, batch.keys, edges)
    return [
        _make_cluster(number, group, batch.docs, batch.prints, settings.canonical)
        for number, group in enumerate(groups, 1)
    ]


class Batch:
    """The documents of a run as they are gathered, for the stages that need all of them.

    Their texts and shingles are moved to a spool file (see ``core.spool``) and
    their signatures into one matrix.
    """

    def __init__(self, num_perm: int):
        self.docs: list[Document] = []
        self.keys: list[str] = []  # the documents' ids
        self.prints = SpooledFingerprints(num_perm)
        self._texts = TextSpool()

    def gather(self, printed: Iterable[tuple[Document, Fingerprint]], chunk_size: int) -> Iterator[range]:
        """Take in the stream, ``chunk_size`` documents at a time; after each chunk, its positions."""
        stream = iter(printed)
        while chunk := list(islice(stream, chunk_size)):
            first = len(self.docs)
            for doc, print_ in chunk:
                doc.text = self._texts.store(doc.text)
                self.prints.append(print_)
                self.docs.append(doc)
                self.keys.append(doc.id)
            yield range(first, len(self.docs))


def cluster_documents(
    printed: Iterable[tuple[Document, Fingerprint]], settings: DedupSettings
) -> list[Cluster]:
    """Index, verify, cluster and choose canonicals; clusters in order of their first member.

    Candidates are searched and verified chunk by chunk while the stream is
    still coming in (with worker processes, while the next documents are being
    cleaned); the clustering itself waits for every verified pair.
    """
    batch = Batch(settings.num_perm)
    pairs = candidate_pairs(batch.gather(printed, GATHER_CHUNK), batch, settings)
    edges = EdgeColumns(verified_pairs(pairs, batch.prints, settings))
    return build_clusters(batch, edges, settings)


def agreement_with(print_: Fingerprint, candidates: list[int], prints: Sequence[Fingerprint]) -> np.ndarray:
    """How many signature values each candidate shares with ``print_`` (an estimate of Jaccard)."""
    if not candidates:
        return np.zeros(0, dtype=np.int64)
    return (np.stack([prints[c].signature for c in candidates]) == print_.signature).sum(axis=1)


def closest_candidates(candidates: list[int], agreement: np.ndarray, keys: Sequence[str]) -> list[int]:
    """At most ``MAX_VERIFIED`` candidates, those whose signatures agree most (ties by id).

    A story copied a thousand times makes every copy a candidate of every other;
    verifying the closest few dozen keeps the work linear and the cluster whole.
    """
    if len(candidates) <= MAX_VERIFIED:
        return candidates
    ranked = sorted(range(len(candidates)), key=lambda k: (-agreement[k], keys[candidates[k]]))
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
