"""The shapes of the output records, one function per kind (JSON-able dicts, UTF-8 text kept).

Every writer and every engine builds its records here, so that a field means
the same wherever it appears. ``docs/records.md`` documents each shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

from .document import Cluster, Document


def iso_time(seconds: float | None) -> str | None:
    """A unix time as ISO 8601 in UTC to the second (``2026-12-01T21:43:54Z``), as every record gives times."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def document_record(doc: Document) -> dict:
    """``clean``: one record per document."""
    record = doc.summary()
    record.update(kind=doc.kind, site=doc.site, text=doc.text)
    return record


def cluster_record(cluster: Cluster) -> dict:
    """``dedup --by cluster``: one record per cluster, singletons included."""
    canonical = cluster.canonical.summary()
    canonical["text"] = cluster.canonical.text
    return {
        "cluster": cluster.id,
        "size": cluster.size,
        **({"indexed_size": cluster.indexed_size} if cluster.indexed_size is not None else {}),
        "canonical": canonical,
        "members": member_records(cluster),
    }


def member_records(cluster: Cluster) -> list[dict]:
    """The ``members`` of a cluster's record (``--by cluster`` and ``--unique`` alike)."""
    return [
        {
            "id": m.document.id,
            "path": m.document.path,
            "title": m.document.title,
            "similarity": m.similarity,
            "status": m.document.meta.get("status", "new"),
        }
        for m in cluster.members
    ]


def doc_records(cluster: Cluster) -> Iterator[dict]:
    """``dedup --by doc``: one record per document, with its cluster."""
    for member in cluster.members:
        record = member.document.summary()
        record.update(
            cluster=cluster.id,
            size=cluster.size,
            canonical=member.document is cluster.canonical,
            canonical_id=cluster.canonical.id,
            similarity=member.similarity,
            status=member.document.meta.get("status", "new"),
            too_short=member.too_short,
        )
        yield record


def unique_record(cluster: Cluster) -> dict:
    """``dedup --unique``: the canonical document of a cluster, with its text."""
    record = document_record(cluster.canonical)
    record.update(cluster=cluster.id, size=cluster.size, members=member_records(cluster))
    return record


def explanation_record(result) -> dict:
    """``explain``: the figures of one pair and the passages they share."""
    return {
        "first": result.first.summary(),
        "second": result.second.summary(),
        "first_shingles": result.first_shingles,
        "second_shingles": result.second_shingles,
        "shared_shingles": result.shared,
        "containment": round(result.containment, 4),
        "containment_lower_bound": round(result.containment_lower_bound, 4),
        "jaccard": round(result.jaccard, 4),
        "copies": result.copies,
        "reason": result.reason,
        "passages": passage_records(result.passages),
        "second_passages": passage_records(result.second_passages),
    }


def passage_records(passages) -> list[dict]:
    """Shared passages: character offsets into the text (Unicode code points, end excluded), word count, text."""
    return [{"start": p.start, "end": p.end, "words": p.words, "text": p.text} for p in passages]
