"""What a person scans first: the figures of a run and one line per cluster, shared by the views.

The figures are computed from the clusters a view is given (after --dupes-only
or --only-new), so a view's summary always describes what it shows.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..document import Cluster, Document

EXCERPT_CHARACTERS = 90


@dataclass(frozen=True)
class Figures:
    documents: int
    clusters: int
    with_copies: int  # clusters of two documents or more
    duplicates: int  # documents that repeat a story already told (Cluster.duplicates)

    @property
    def singletons(self) -> int:
        return self.clusters - self.with_copies

    @property
    def share(self) -> float:
        """Duplicates as a share of the documents."""
        return self.duplicates / self.documents if self.documents else 0.0

    def sentence(self) -> str:
        return (
            f"{count(self.documents, 'document')}, {count(self.clusters, 'cluster')} "
            f"({self.with_copies:,} with copies), {count(self.duplicates, 'duplicate')} "
            f"({self.share:.1%} of the documents)"
        )


# Characters that page content must not pass on to a terminal or a log: control characters (a record
# id with a line break would forge an error line, an escape sequence would drive the terminal), line
# and paragraph separators, and the bidirectional overrides that reorder what is shown.
_UNPRINTABLE = (
    *range(0x20),
    *range(0x7F, 0xA0),
    0x2028,
    0x2029,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
)
_ESCAPED = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _UNPRINTABLE}
_REPLACED = {code: "\ufffd" for code in _UNPRINTABLE if code != 0x0A}
_REPLACED_IN_TEXT = {code: "\ufffd" for code in _UNPRINTABLE if code not in (0x09, 0x0A)}


def one_line(text: str) -> str:
    """A message as one line of plain characters: what page content holds besides is shown escaped."""
    return text.translate(_ESCAPED)


def shown(text: str) -> str:
    """Page content for a rich view: its line breaks kept, any other such character as U+FFFD (one
    character for one, so that positions in the text still hold)."""
    return text.translate(_REPLACED)


def shown_as_text(text: str) -> str:
    """Page content in the text format: as :func:`shown`, its tabs kept too (the format's own columns)."""
    return text.translate(_REPLACED_IN_TEXT)


def count(number: int, noun: str) -> str:
    """``1 document``, ``2,000 documents``."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def singletons_line(run: Figures) -> str:
    return f"+ {count(run.singletons, 'document')} with no copy (--full lists every cluster with its text)"


def figures(clusters: list[Cluster]) -> Figures:
    sizes = [cluster.size for cluster in clusters]
    return Figures(
        documents=sum(sizes),
        clusters=len(sizes),
        with_copies=sum(1 for size in sizes if size > 1),
        duplicates=sum(cluster.duplicates for cluster in clusters),
    )


@dataclass(frozen=True)
class ClusterLine:
    """A cluster in one line: its canonical's title and where it is from, and an excerpt of its text
    when the title alone does not tell it from another line's (same title, or none)."""

    cluster: Cluster
    title: str
    source: str
    excerpt: str | None


def largest_first(clusters: list[Cluster]) -> list[Cluster]:
    """Clusters with copies, largest first (ties keep their order), then the single documents."""
    return sorted(clusters, key=lambda cluster: -cluster.size)


def cluster_lines(clusters: list[Cluster], names: dict[str, str]) -> list[ClusterLine]:
    """One line per cluster; ``names`` are the documents' short names (see :func:`short_names`)."""
    titles = Counter(_title_key(c.canonical) for c in clusters)
    return [
        ClusterLine(
            cluster=cluster,
            title=cluster.canonical.title,
            source=source(cluster.canonical, names),
            excerpt=excerpt(cluster.canonical.text)
            if not _title_key(cluster.canonical) or titles[_title_key(cluster.canonical)] > 1
            else None,
        )
        for cluster in clusters
    ]


def source(doc: Document, names: dict[str, str]) -> str:
    """Where a document comes from, in a few words: its site and date, else its short name."""
    known = " · ".join(part for part in (doc.site, doc.date) if part)
    return known or names.get(doc.id, doc.id)


def excerpt(text: str, characters: int = EXCERPT_CHARACTERS) -> str:
    """The start of a text on one line, cut at a word."""
    flat = " ".join(text.split())
    if len(flat) <= characters:
        return flat
    return flat[:characters].rsplit(" ", 1)[0] + "…"


def short_names(ids: Iterable[str]) -> dict[str, str]:
    """Each id without the folders all of them share: ``/data/crawl/a/1.html`` -> ``a/1.html``."""
    ids = list(dict.fromkeys(ids))
    folders = [os.path.dirname(doc_id) for doc_id in ids]
    try:
        shared = os.path.commonpath(folders) if folders and all(folders) else ""
    except ValueError:  # absolute and relative paths mixed: nothing in common
        shared = ""
    if not shared:
        return {doc_id: doc_id for doc_id in ids}
    return {doc_id: doc_id[len(shared) :].lstrip(os.sep) for doc_id in ids}


def _title_key(doc: Document) -> str:
    return " ".join(doc.title.casefold().split())


# labels of record fields where the name alone says too little to a reader
_LABELS = {"breakdown": "bytes by table", "bytes": "bytes in the index"}


def readable_fields(record: dict, prefix: str = "") -> list[tuple[str, str]]:
    """A record as (label, value) pairs for people: nested records flattened under their parent's label,
    sizes in bytes with a unit, nothing Python-shaped (no ``None``, no dicts)."""
    pairs = []
    for name, value in record.items():
        label = prefix + _LABELS.get(name, name.replace("_", " "))
        if isinstance(value, dict):
            pairs.extend(readable_fields(value, f"{label}: "))
        else:
            pairs.append((label, readable_value(value, in_bytes="bytes" in label)))
    return pairs


def readable_value(value, in_bytes: bool = False) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(readable_value(item) for item in value)
    if isinstance(value, (int, float)) and in_bytes:
        return f"{value:,} ({human_size(value)})"
    if isinstance(value, (int, float)):
        return f"{value:,}"
    return str(value)


def human_size(size: float) -> str:
    """``2.9 KiB``, ``11.8 MiB``."""
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")
