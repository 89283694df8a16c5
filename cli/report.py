"""``--format html``: one self-contained page to look at a run (figures, charts, every cluster).

The page fetches nothing: its style, script and data are inline, and its
Content-Security-Policy allows only them (by hash), so nothing a page's text
carries can run or load. The data is one JSON document, gzip-compressed and
base64-encoded in a ``<script type="application/octet-stream">`` block (a
base64 block cannot close its element); the script decompresses it with the
browser's own DecompressionStream, draws one row per cluster and renders an
opened cluster's texts only then, which keeps a 20,000-document page usable.
Every string reaches the page as text, never as markup; only http(s)
addresses become links.

The shared passages of each copy and its canonical are found as ``explain``
finds them, for the members of clusters with copies (the only ones shown side
by side).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from importlib import resources
from typing import IO

from ..document import Cluster, Document
from ..explain import Passage, ShingledText
from ..settings import DedupSettings
from . import page
from .overview import figures, largest_first, readable_fields, readable_value, short_names

_PLACEHOLDER = re.compile(r"@@([A-Z]+)@@")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
DAILY_SPAN = 400  # days a timeline may cover in daily bars; a longer one is drawn by month
MONTHLY_SPAN = 240  # months it may cover in monthly bars; a longer one is drawn by year
LINE_BYTES = (
    750  # compressed bytes per line of the embedded data: 1,000 base64 characters (atob skips breaks)
)
GZIP_LEVEL = 6  # level 9 makes the 20,000-document page 1% smaller in twice the time


class HtmlWriter:
    """The report writer: every kind of output becomes one page (see :func:`page`)."""

    def __init__(self, no_color: bool = False):
        del no_color  # the page follows the reader's light or dark setting

    def documents(self, docs: Iterable[Document], out: IO[str]) -> None:
        write_page(out, "newsdedup: clean documents", documents_data(list(docs)))

    def clusters(self, clusters: Iterable[Cluster], view, out: IO[str]) -> None:
        write_page(out, "newsdedup: near-duplicates", clusters_data(list(clusters), view.settings))

    def explanation(self, result, out: IO[str]) -> None:
        write_page(out, "newsdedup: explain", pair_data(result))

    def records(self, records: Iterable[dict], out: IO[str], example: dict | None = None) -> None:
        write_page(out, "newsdedup: index", records_data(list(records)))


def write_page(out: IO[str], title: str, data: dict) -> None:
    """The HTML page showing ``data`` (built by one of the ``*_data`` functions; its ``texts`` may be a
    generator: they are read one at a time into the compressor, so the page never sits in memory whole)."""
    folder = resources.files(page)
    script, style = (folder / "report.js").read_text("utf-8"), (folder / "report.css").read_text("utf-8")
    policy = (
        f"default-src 'none'; script-src '{_digest(script)}'; style-src '{_digest(style)}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    parts = {"CSP": policy, "TITLE": html.escape(title), "CSS": style, "JS": script}
    before, after = (folder / "page.html").read_text("utf-8").split("@@DATA@@")
    out.write(_PLACEHOLDER.sub(lambda match: parts[match[1]], before))
    for line in encoded_lines(data):
        out.write(line)
    out.write(_PLACEHOLDER.sub(lambda match: parts[match[1]], after))
    out.flush()


def encoded_lines(data: dict) -> Iterator[str]:
    """``data`` as JSON, gzip (no timestamp: the same run gives the same page), base64 in lines."""
    packer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16+: a gzip stream
    packed = bytearray()
    for chunk in _json_chunks(data):
        packed += packer.compress(chunk.encode("utf-8"))
        while len(packed) >= LINE_BYTES:
            yield base64.b64encode(packed[:LINE_BYTES]).decode("ascii") + "\n"
            del packed[:LINE_BYTES]
    packed += packer.flush()
    for start in range(0, len(packed), LINE_BYTES):
        yield base64.b64encode(packed[start : start + LINE_BYTES]).decode("ascii") + "\n"


def _json_chunks(data: dict) -> Iterator[str]:
    """The JSON of ``data`` with its ``texts`` (an iterable) written last, one text at a time."""
    fields = {name: value for name, value in data.items() if name != "texts"}
    yield json.dumps(fields, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"texts":['
    for number, text in enumerate(data.get("texts", ())):
        yield ("," if number else "") + json.dumps(text, ensure_ascii=False)
    yield "]}"


def _digest(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()


# ---------------------------------------------------------------- what each page shows


class DocumentTable:
    """The documents of a page, each stored once with its text and known by its place in the table."""

    def __init__(self, docs: list[Document]):
        self.names = short_names(doc.id for doc in docs)
        self.index: dict[int, int] = {}
        self.rows: list[dict] = []
        self.documents: list[Document] = []
        for doc in docs:
            self.add(doc)

    def add(self, doc: Document) -> int:
        if id(doc) not in self.index:
            self.index[id(doc)] = len(self.rows)
            self.rows.append(
                {
                    "id": doc.id,
                    "name": self.names.get(doc.id, doc.id),
                    "title": doc.title,
                    "site": doc.site,
                    "date": doc.date,
                    "url": doc.url,
                    "language": doc.language,
                }
            )
            self.documents.append(doc)
        return self.index[id(doc)]

    def data(self) -> dict:
        # texts are read when the page is written: a big batch keeps them in its spool file until then
        return {"docs": self.rows, "texts": (doc.text for doc in self.documents)}


def clusters_data(clusters: list[Cluster], settings: DedupSettings | None) -> dict:
    """``dedup``: the run's figures, cluster sizes, duplicates per site and day, every cluster."""
    settings = settings or DedupSettings()
    ordered = largest_first(clusters)
    table = DocumentTable([m.document for c in ordered for m in c.members])
    items = [cluster_item(cluster, table, settings.shingle_size) for cluster in ordered]
    run = figures(clusters)
    members = [(m.document, m.document is c.canonical) for c in ordered for m in c.members]
    shown = [
        ("documents", f"{run.documents:,}"),
        ("clusters", f"{run.clusters:,}"),
        ("clusters with copies", f"{run.with_copies:,}"),
        ("duplicates", f"{run.duplicates:,}"),
        ("share of duplicates", f"{run.share:.1%}"),
    ]
    return {
        "kind": "clusters",
        "summary": run.sentence() + ".",
        "figures": shown + _known(members),
        "sizes": sorted(Counter(cluster.size for cluster in clusters).items()),
        "sites": per_site(members),
        **timeline(members),
        "items": items,
        **table.data(),
    }


def cluster_item(cluster: Cluster, table: DocumentTable, shingle_size: int) -> dict:
    """A cluster: its canonical, and each member with the passages it shares with the canonical."""
    canonical = table.add(cluster.canonical)
    members = [_canonical_member(canonical)]
    if cluster.size > 1:
        canonical_text = ShingledText(cluster.canonical.text, shingle_size)
        for member in cluster.members:
            if member.document is cluster.canonical:
                continue
            member_text = ShingledText(member.document.text, shingle_size)
            members.append(
                {
                    "doc": table.add(member.document),
                    "similarity": member.similarity,
                    "shared": utf16_spans(
                        canonical_text.text, canonical_text.passages_shared_with(member_text)
                    ),
                    "own": utf16_spans(member_text.text, member_text.passages_shared_with(canonical_text)),
                }
            )
    return {"id": cluster.id, "size": cluster.size, "canonical": canonical, "members": members}


def _canonical_member(doc: int) -> dict:
    return {"doc": doc, "similarity": 1.0, "shared": [], "own": []}


def documents_data(docs: list[Document]) -> dict:
    """``clean``: the documents, one row each, with sites and days."""
    table = DocumentTable(docs)
    members = [(doc, True) for doc in docs]
    items = [
        {"id": n + 1, "size": 1, "canonical": n, "members": [_canonical_member(n)]} for n in range(len(docs))
    ]
    languages = len({doc.language for doc in docs if doc.language})
    return {
        "kind": "documents",
        "summary": f"{len(docs):,} documents cleaned.",
        "figures": [("documents", f"{len(docs):,}"), ("languages", f"{languages:,}")] + _known(members),
        "sites": per_site(members),
        **timeline(members),
        "items": items,
        **table.data(),
    }


def pair_data(result) -> dict:
    """``explain``: the two texts side by side, the passages both carry highlighted, the figures."""
    table = DocumentTable([result.first, result.second])
    verdict = "copies" if result.copies else "not copies"
    member = {
        "doc": 1,
        "similarity": result.containment,
        "shared": utf16_spans(result.first.text, result.passages),
        "own": utf16_spans(result.second.text, result.second_passages),
    }
    return {
        "kind": "pair",
        "summary": f"{result.first.id} and {result.second.id}: {verdict}.",
        "figures": [
            ("verdict", verdict),
            (
                "shared shingles",
                f"{result.shared:,} of {result.first_shingles:,} / {result.second_shingles:,}",
            ),
            ("containment", f"{result.containment:.3f}"),
            ("99% lower bound", f"{result.containment_lower_bound:.3f}"),
            ("jaccard", f"{result.jaccard:.3f}"),
        ],
        "items": [{"id": 1, "size": 2, "canonical": 0, "members": [_canonical_member(0), member]}],
        **table.data(),
    }


def records_data(records: list[dict]) -> dict:
    """``index stats`` and ``export``: one record as a two-column table, several as rows."""
    if len(records) == 1:
        columns, rows = ["field", "value"], [list(pair) for pair in readable_fields(records[0])]
    else:
        columns = [label for label, _ in readable_fields(records[0])] if records else []
        rows = [[value for _, value in readable_fields(record)] for record in records]
    return {
        "kind": "records",
        "summary": f"{len(records):,} {'record' if len(records) == 1 else 'records'}.",
        "figures": [],
        "columns": columns,
        "rows": rows,
    }


# ---------------------------------------------------------------- figures of the charts


def per_site(members: list[tuple[Document, bool]]) -> list[tuple[str, int, int]]:
    """(site, documents, duplicates) for every site known, the most duplicated first."""
    documents, duplicates = Counter(), Counter()
    for doc, is_canonical in members:
        if doc.site:
            documents[doc.site] += 1
            duplicates[doc.site] += not is_canonical
    return sorted(
        ((site, documents[site], duplicates[site]) for site in documents),
        key=lambda row: (-row[2], -row[1], row[0]),
    )


def timeline(members: list[tuple[Document, bool]]) -> dict:
    """Documents and duplicates per day (per month when the dates span more than DAILY_SPAN days, per
    year when they span more than MONTHLY_SPAN months), gaps included, and how many documents have no
    date."""
    days = [(_day(doc.date), is_canonical) for doc, is_canonical in members]
    dated = [(day, is_canonical) for day, is_canonical in days if day]
    if not dated:
        return {"days": [], "undated": len(days), "period": "day"}
    first, last = min(day for day, _ in dated), max(day for day, _ in dated)
    period = "day" if (last - first).days <= DAILY_SPAN else "month"
    if _month_number(last) - _month_number(first) > MONTHLY_SPAN:
        period = "year"  # a record dated 9999-12-31 beside this year's
    label = _PERIOD_LABELS[period]
    documents, duplicates = Counter(), Counter()
    for day, is_canonical in dated:
        documents[label(day)] += 1
        duplicates[label(day)] += not is_canonical
    names = map(label, _periods(first, last, period))
    bars = [(name, documents[name], duplicates[name]) for name in names]
    return {"days": bars, "undated": len(days) - len(dated), "period": period}


_PERIOD_LABELS = {
    "day": lambda day: day.isoformat(),
    "month": lambda day: f"{day.year:04d}-{day.month:02d}",
    "year": lambda day: f"{day.year:04d}",
}


def _month_number(day: date) -> int:
    return 12 * day.year + day.month - 1


def _periods(first: date, last: date, period: str) -> Iterator[date]:
    """A day of every period from ``first``'s to ``last``'s, in order (stepped by period: by day, the
    last day a date holds has no next one)."""
    if period == "day":
        yield from (first + timedelta(days=n) for n in range((last - first).days + 1))
    elif period == "month":
        months = range(_month_number(first), _month_number(last) + 1)
        yield from (date(month // 12, month % 12 + 1, 1) for month in months)
    else:
        yield from (date(year, 1, 1) for year in range(first.year, last.year + 1))


def _day(text: str | None) -> date | None:
    match = _DAY.match(text or "")
    try:
        return date(*map(int, match.groups())) if match else None
    except ValueError:  # "2024-02-30"
        return None


def _known(members: list[tuple[Document, bool]]) -> list[tuple[str, str]]:
    sites = {doc.site for doc, _ in members if doc.site}
    dated = sum(1 for doc, _ in members if _day(doc.date))
    return [("sites", readable_value(len(sites))), ("documents with a date", readable_value(dated))]


def utf16_spans(text: str, passages: list[Passage]) -> list[list[int]]:
    """Passages as [start, end] offsets in UTF-16 code units, as a browser's strings count them."""
    spans = [[p.start, p.end] for p in passages]
    if not spans or text.isascii() or max(text) < "\U00010000":
        return spans
    before = [0] * (len(text) + 1)  # characters outside the Basic Multilingual Plane take two units
    for i, char in enumerate(text):
        before[i + 1] = before[i] + (char >= "\U00010000")
    return [[start + before[start], end + before[end]] for start, end in spans]
