"""Site templates learned across a batch, and across runs: lines that repeat on many pages of one site
are boilerplate.

The cleaner judges each page alone, so a site's fixed blurb ("Portal Kita is an
online medium that ..."), its fixed lists and the like can survive it, most of
all on pages with little article text (photo pages, index pages). Two such
pages then share their template and look like copies. Across the batch the
pattern is plain: the same line on most pages of one site. Syndicated copies
repeat too, but across sites; and a story's updates on one site are a few of
its pages, not most of them.

A page's site is its host or site name, or, for plain text scraped without an
address, a signature of its first line below the headline and its last line
(:func:`newsdedup.clean.template_key`, kept as ``Document.template``). A line is template when it is on at least ``MIN_PAGES``
pages of its site and on at least ``SHARE`` of them. The batch's texts are
stripped of their site's template lines before they are clustered; a page left
with nothing had no article.

A cron job's batch may hold only a page or two of a site. A persistent index
therefore remembers the lines of each site's latest pages
(:meth:`newsdedup.store.Store.add_site_pages`, as 64-bit digests, never the
text), and a run against it learns from those pages and its own together. A
page is known by its document's id: a page fetched again (its ad or its time
changed) replaces its earlier version and counts once, or a site whose few
pages are read again and again would learn its own articles as template.
A line that only copies of one page hold (pages with the same lines) counts as
on one page: a site's copies of one article (its AMP, print and mobile pages,
under other ids) are one article, not its template; a line that other pages hold
too counts every copy (a site's identical index pages, nothing but its
template, still teach it). Documents indexed before a line was learned keep
their fingerprints; a new document stripped of the line shares none of it with
them.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from .clean.rules import phrase_key
from .document import Document
from .errors import DocumentError

MIN_PAGES = 4
SHARE = 0.5
PARAGRAPH_SEPARATOR = "\n\n"

LineDigest = int  # a line's phrase key, as a 64-bit digest (collisions among one site's lines: ~n²/2⁶⁵)
Page = tuple[int, frozenset[LineDigest]]  # a page of a site: the digest of its document's id, its lines


class TemplateOnly(DocumentError):
    """A page whose cleaned text was all its site's template: no article (found after cleaning)."""

    @classmethod
    def of(cls, doc_id: str) -> TemplateOnly:
        return cls(doc_id, "no article text besides its site's template")


def line_digests(paragraphs: Iterable[str]) -> list[LineDigest]:
    """The digest of each line (paragraph) of a clean text, by its phrase key."""
    return [digest(phrase_key(p)) for p in paragraphs]


def page_lines(text: str) -> frozenset[LineDigest]:
    """The lines of one page as templates are learned: the set of their digests."""
    return frozenset(line_digests(text.split(PARAGRAPH_SEPARATOR)))


def page_key(lines: frozenset[LineDigest]) -> int:
    """A page's lines as one 64-bit digest (the same for pages with the same lines, in any order)."""
    return int.from_bytes(
        hashlib.blake2b(np.array(sorted(lines), dtype="<u8").tobytes(), digest_size=8).digest(), "little"
    )


def is_template(on_pages, site_pages):
    """A line on ``on_pages`` pages of a site of ``site_pages`` pages is template (numbers or numpy arrays)."""
    return (on_pages >= MIN_PAGES) & (on_pages >= SHARE * site_pages)


def digest(text: str) -> int:
    """A 64-bit BLAKE2b digest of ``text`` (stable across processes and runs, unlike ``hash``)."""
    return int.from_bytes(
        hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little"
    )


def site_pages(docs: Sequence[Document], min_pages: int = 1) -> dict[str, list[Page]]:
    """The pages of each site, in the documents' order (those without a site left out): each the digest
    of its document's id and the set of its lines; only of the sites with ``min_pages`` pages or more
    (reading a page's lines is most of the cost, and a site with fewer can have no template)."""
    sized = Counter(doc.template for doc in docs if doc.template)
    pages: dict[str, list[Page]] = {}
    for doc in docs:
        if doc.template and sized[doc.template] >= min_pages:
            pages.setdefault(doc.template, []).append((digest(doc.id), page_lines(doc.text)))
    return pages


def _template_lines(copies: Counter[frozenset[LineDigest]]) -> frozenset[LineDigest]:
    """The template lines of a site whose pages are ``copies`` (of each distinct page, how many of the
    site's pages have its lines). A line that only one distinct page holds counts as on one page."""
    on_pages: Counter[LineDigest] = Counter()
    holders: Counter[LineDigest] = Counter()
    for lines, copies_of_page in copies.items():
        for line in lines:
            on_pages[line] += copies_of_page
            holders[line] += 1
    site_pages = copies.total()
    return frozenset(
        line for line, n in on_pages.items() if is_template(n if holders[line] > 1 else 1, site_pages)
    )


class SiteTemplates:
    """The template lines of each site (as line digests)."""

    def __init__(self, lines: Mapping[str, frozenset[LineDigest]]):
        self._lines = dict(lines)

    @classmethod
    def learn(cls, *page_sets: Mapping[str, Sequence[Page]]) -> SiteTemplates:
        """From the pages of each site (:func:`site_pages`); several sets of them (this batch's, and those
        an index remembers) count together."""
        copies: dict[str, Counter[frozenset[LineDigest]]] = {}
        for page_set in page_sets:
            for site, site_pages in page_set.items():
                copies.setdefault(site, Counter()).update(lines for _, lines in site_pages)
        return cls(
            {
                site: _template_lines(copies[site])
                for site in sorted(copies)
                if copies[site].total() >= MIN_PAGES
            }
        )

    def stripped(self, doc: Document) -> str | None:
        """The text without its site's template lines, or None when it has none of them."""
        lines = self._lines.get(doc.template or "")
        if not lines:
            return None
        paragraphs = doc.text.split(PARAGRAPH_SEPARATOR)
        kept = [p for p, line in zip(paragraphs, line_digests(paragraphs), strict=True) if line not in lines]
        return None if len(kept) == len(paragraphs) else PARAGRAPH_SEPARATOR.join(kept)

    def strip(self, docs: Iterable[tuple[int, Document]]) -> tuple[dict[int, str], list[int]]:
        """The documents (by position) that lose lines: the texts of those left with some, and the
        positions of those left with none."""
        kept: dict[int, str] = {}
        emptied: list[int] = []
        for position, doc in docs:
            text = self.stripped(doc) if doc.template else None
            if text is not None:
                if text.strip():
                    kept[position] = text
                else:
                    emptied.append(position)
        return kept, emptied


def strip_templates(batch, edges, settings, index=None) -> tuple[object, list[int]]:
    """Strip the batch's texts of their sites' template lines, fingerprint the changed ones again and
    verify their pairs again; the edges that still hold, and the positions left with no text.

    With an ``index`` (:class:`~newsdedup.indexed.IndexedRun`) the templates are learned from the pages
    it remembers of each site as well, and it remembers this batch's pages for later runs.
    """
    from .cluster import EdgeColumns
    from .fingerprint import fingerprints
    from .verify import verified_edges

    if index is None:
        templates = SiteTemplates.learn(site_pages(batch.docs, MIN_PAGES))
    else:  # an index learns from the pages it remembers too, and remembers every site's pages
        templates = index.site_templates(site_pages(batch.docs))
    kept, emptied = templates.strip(enumerate(batch.docs))
    if not kept and not emptied:
        return edges, []
    prints = fingerprints(list(kept.values()), settings.shingle_size, settings.num_perm, settings.seed)
    for (position, text), print_ in zip(kept.items(), prints, strict=True):
        batch.replace(position, text, print_)
    touched = set(kept) | set(emptied)
    pairs = list(zip(edges.a, edges.b, strict=True))
    untouched = [i for i, (a, b) in enumerate(pairs) if a not in touched and b not in touched]
    again = [(a, b) for a, b in pairs if (a in kept or b in kept) and a not in emptied and b not in emptied]
    result = EdgeColumns(edges.edge(i) for i in untouched)
    result.extend(verified_edges(again, batch.prints, settings))
    return result, emptied
