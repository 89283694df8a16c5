"""The one place that wires the stages: read -> clean -> fingerprint -> index -> cluster -> canonical.

Each stage is a generator over :class:`Document`. A document that fails is
handed to ``on_error`` as a :class:`DocumentError` and the stream goes on.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import IO

import numpy as np

from core.canonical import choose_canonical
from core.clean import load_rules
from core.cluster import Edge, cluster_groups
from core.document import Cluster, Document, Member
from core.errors import DocumentError, UsageError
from core.fingerprint import Fingerprint, fingerprint
from core.index import CandidateIndex
from core.readers import DEFAULT_MAX_BYTES, iter_sources, read_document
from core.settings import DedupSettings
from core.similarity import is_copy, overlap
from core.streams import field_map, is_warc, jsonl_documents, warc_documents
from core.workers import clean_in_workers, clean_with_limit

ErrorHandler = Callable[[DocumentError], None]
MAX_VERIFIED = 100
INPUT_FORMATS = ("paths", "jsonl")
WORKERS_FROM = 64  # documents a batch needs before worker processes are started


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
    docs = iter(docs)
    head = list(islice(docs, WORKERS_FROM)) if jobs > 1 else []
    if jobs > 1 and len(head) == WORKERS_FROM:
        results = clean_in_workers(chain(head, docs), jobs, timeout)
    else:  # one process, or a batch too small to pay for starting workers
        results = _clean_serially(chain(head, docs), timeout)
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
