"""Site templates learned across a batch, and across runs: lines that repeat on many pages of one site
are boilerplate.

The cleaner judges each page alone, so a site's fixed blurb ("Portal Kita is an
online medium that ..."), its fixed lists and the like can survive it, most of
all on pages with little article text (photo pages, index pages). Two such
pages then share their template and look like copies. Across the batch the
pattern is plain: the same line on most pages of one site. Syndicated copies
repeat too, but across sites; and a story's updates on one site are mostly a
few of its pages, not most of them (see below when they are).

A page's site is its host or site name, or, for plain text scraped without an
address, a signature of its first line below the headline and its last line
(:func:`newsdedup.clean.template_key`, kept as ``Document.template``). A line is
template when it is on at least ``MIN_PAGES`` pages of its site and on at least
``SHARE`` of them. The batch's texts are stripped of their site's template lines
before they are clustered; a page left with nothing had no article.

A cron job's batch may hold only a page or two of a site. A persistent index
therefore remembers the titles and lines of each site's latest pages
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

Versions of one story under other ids (each with its own clock line or updated
figure) are not copies, and when they are most of a site's pages the lines they
share are on enough of them to be template. Line digests cannot tell them from
a section's pages under one generic headline, that share a long template and a
line of their own each: both are near-copies under one title. So the template
is learned as always, and a page that loses lines that only near-copies under
one headline hold (``HEADLINE_WORDS`` words or more, of which the largest has at
most ``NEAR_COPY_OTHER_LINES`` of its lines outside those they all hold:
:meth:`LinePages.on_versions`) gets a notice (:class:`StoryAsTemplate`), which
names the page and what it lost.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from .clean.rules import phrase_key
from .document import Document
from .errors import DocumentError

MIN_PAGES = 4
SHARE = 0.5
NEAR_COPY_OTHER_LINES = 0.25  # near-copies: at most this share of the largest page's lines not held by all
HEADLINE_WORDS = 4  # a shorter title ("Suara Daerah", "Foto") may be the site's name on all its pages
PARAGRAPH_SEPARATOR = "\n\n"
_WORD = re.compile(r"\w+")  # a headline's words ("Suara Daerah - Berita Terkini" has three)

LineDigest = int  # a line's phrase key, as a 64-bit digest (collisions among one site's lines: ~n²/2⁶⁵)
TitleKey = int  # a page's title as a 64-bit digest (its lines_key for a page without one)
Page = tuple[int, TitleKey, frozenset[LineDigest]]  # a page of a site: its document id's digest, title, lines


class TemplateOnly(DocumentError):
    """A page whose cleaned text was all its site's template: no article (found after cleaning)."""

    @classmethod
    def of(cls, doc_id: str) -> TemplateOnly:
        return cls(doc_id, "no article text besides its site's template")


class StoryAsTemplate(DocumentError):
    """A page that lost lines as its site's template that only near-copies of one another under its
    headline hold: perhaps versions of one story (a notice: the page goes on, stripped)."""

    @classmethod
    def of(cls, doc_id: str, lost: int, lines: int) -> StoryAsTemplate:
        return cls(
            doc_id,
            f"{lost} of its {lines} lines were stripped as its site's template, though only pages under its "
            "headline, alike, hold them: versions of one story?",
        )


def line_digests(paragraphs: Iterable[str]) -> list[LineDigest]:
    """The digest of each line (paragraph) of a clean text, by its phrase key."""
    return [digest(phrase_key(p)) for p in paragraphs]


def page_lines(text: str) -> frozenset[LineDigest]:
    """The lines of one page as templates are learned: the set of their digests."""
    return frozenset(line_digests(text.split(PARAGRAPH_SEPARATOR)))


def is_template(on_pages, site_pages):
    """A line on ``on_pages`` pages of a site of ``site_pages`` pages is template (numbers or numpy arrays)."""
    return (on_pages >= MIN_PAGES) & (on_pages >= SHARE * site_pages)


def digest(text: str) -> int:
    """A 64-bit BLAKE2b digest of ``text`` (stable across processes and runs, unlike ``hash``)."""
    return int.from_bytes(
        hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little"
    )


def lines_key(lines: frozenset[LineDigest]) -> int:
    """A page's lines as one 64-bit digest (the same for pages with the same lines, in any order)."""
    return int.from_bytes(
        hashlib.blake2b(np.array(sorted(lines), dtype="<u8").tobytes(), digest_size=8).digest(), "little"
    )


def title_key(title: str | None, lines: frozenset[LineDigest]) -> TitleKey:
    """A page's title as a digest of its phrase key; a page without a headline for a title (none, or of
    fewer than ``HEADLINE_WORDS`` words: a site's or a section's name), its lines' key."""
    words = phrase_key(title) if isinstance(title, str) else ""
    return digest(f"title: {words}") if len(_WORD.findall(words)) >= HEADLINE_WORDS else lines_key(lines)


def site_pages(docs: Sequence[Document], min_pages: int = 1) -> dict[str, list[Page]]:
    """The pages of each site, in the documents' order (those without a site left out): each the digest
    of its document's id, its title key and the set of its lines; only of the sites with ``min_pages``
    pages or more (reading a page's lines is most of the cost, and a site with fewer can have no
    template)."""
    sized = Counter(doc.template for doc in docs if doc.template)
    pages: dict[str, list[Page]] = {}
    for doc in docs:
        if doc.template and sized[doc.template] >= min_pages:
            lines = page_lines(doc.text)
            pages.setdefault(doc.template, []).append((digest(doc.id), title_key(doc.title, lines), lines))
    return pages


def near_copies(shared_lines: int, most_lines: int) -> bool:
    """Whether pages that have ``shared_lines`` lines in common, and at most ``most_lines`` lines each, are
    near-copies of one page: all but ``NEAR_COPY_OTHER_LINES`` of the largest one's lines shared."""
    return most_lines - shared_lines <= NEAR_COPY_OTHER_LINES * most_lines


Alike = dict[
    tuple[TitleKey, frozenset[LineDigest]], list[int]
]  # (title, held): lowest, highest lines key; most


def alike_pages(
    pages: Iterable[tuple[TitleKey, frozenset[LineDigest]]], common: frozenset[LineDigest]
) -> Alike:
    """Pages (title key, lines) by their title and the common lines they hold, each such group with the
    lowest and highest of its pages' lines keys and the most lines of one; pages holding none left out."""
    alike: Alike = {}
    for title, lines in pages:
        held = lines & common  # a line that all the pages of a common line hold is common too
        if held:
            line_set = lines_key(lines)
            group = alike.setdefault((title, held), [line_set, line_set, len(lines)])
            group[:] = min(group[0], line_set), max(group[1], line_set), max(group[2], len(lines))
    return alike


class LinePages:
    """For each line (by any key), what its pages have: the lowest and highest of their title keys and
    lines keys, and while their title keys are one, the lines they all hold and as many lines as the
    largest of them (after that they are not read). Pages are added in any order, and in parts
    (partitions) added together."""

    def __init__(self) -> None:
        self.shared: dict[object, frozenset[LineDigest]] = {}
        self.most: dict[object, int] = {}
        self.titles: dict[object, tuple[int, int]] = {}
        self.line_sets: dict[object, tuple[int, int]] = {}

    def add(
        self, key, held: frozenset[LineDigest], most: int, titles: tuple[int, int], line_sets: tuple[int, int]
    ) -> None:
        """Pages of the line ``key`` holding the lines ``held`` in common, of ``most`` lines at most, their
        lowest and highest title keys and lines keys."""
        if key not in self.shared:
            self.shared[key], self.most[key] = held, most
            self.titles[key], self.line_sets[key] = titles, line_sets
            return
        self.titles[key] = _span(self.titles[key], titles)
        self.line_sets[key] = _span(self.line_sets[key], line_sets)
        if self.titles[key][0] == self.titles[key][1]:  # what they share only counts under one title
            self.shared[key] &= held
            self.most[key] = max(self.most[key], most)

    def add_alike(self, alike: Alike, key=lambda line: line) -> None:
        """Pages grouped by :func:`alike_pages`, each group once for each line it holds (by ``key``): the
        cost is per group and line, not per page."""
        for (title, held), (low, high, most) in alike.items():
            for line in held:
                self.add(key(line), held, most, (title, title), (low, high))

    def on_copies(self, key) -> bool:
        """Whether the line's pages are copies of one page (the same lines): it counts as on one page."""
        low, high = self.line_sets[key]
        return low == high

    def on_versions(self, key) -> bool:
        """Whether the line's pages, not copies, are near-copies of one another (:func:`near_copies`) under
        one headline: perhaps versions of one story, perhaps a section's pages under a generic title."""
        low, high = self.titles[key]
        return not self.on_copies(key) and low == high and near_copies(len(self.shared[key]), self.most[key])


def _span(one: tuple[int, int], other: tuple[int, int]) -> tuple[int, int]:
    return min(one[0], other[0]), max(one[1], other[1])


def _template_lines(
    copies: Counter[tuple[TitleKey, frozenset[LineDigest]]],
) -> tuple[frozenset[LineDigest], frozenset[LineDigest]]:
    """The template lines of a site whose pages are ``copies`` (of each distinct page, its title key and
    lines, how many of the site's pages it is): the lines on enough of its pages, unless those pages
    are copies of one page; and of those, the ones on versions of one story, perhaps
    (:meth:`LinePages.on_versions`)."""
    on_pages: Counter[LineDigest] = Counter()
    for (_, lines), copies_of_page in copies.items():
        on_pages.update(dict.fromkeys(lines, copies_of_page))
    site_pages = copies.total()
    common = frozenset(line for line, n in on_pages.items() if is_template(n, site_pages))
    line_pages = LinePages()
    line_pages.add_alike(alike_pages(copies, common))
    template = frozenset(line for line in common if not line_pages.on_copies(line))
    return template, frozenset(line for line in template if line_pages.on_versions(line))


class SiteTemplates:
    """The template lines of each site (as line digests), and of those the ones that only near-copies
    under one headline hold (:meth:`LinePages.on_versions`)."""

    def __init__(
        self,
        lines: Mapping[str, frozenset[LineDigest]],
        versions: Mapping[str, frozenset[LineDigest]] | None = None,
    ):
        self._lines = dict(lines)
        self._versions = dict(versions or {})

    def __bool__(self) -> bool:
        """Whether any site has template lines."""
        return any(self._lines.values())

    @classmethod
    def learn(cls, *page_sets: Mapping[str, Sequence[Page]]) -> SiteTemplates:
        """From the pages of each site (:func:`site_pages`); several sets of them (this batch's, and those
        an index remembers) count together."""
        copies: dict[str, Counter[tuple[TitleKey, frozenset[LineDigest]]]] = {}
        for page_set in page_sets:
            for site, site_pages in page_set.items():
                copies.setdefault(site, Counter()).update((title, lines) for _, title, lines in site_pages)
        learned = {
            site: _template_lines(copies[site])
            for site in sorted(copies)
            if copies[site].total() >= MIN_PAGES
        }
        return cls(
            {site: lines for site, (lines, _) in learned.items()},
            {site: versions for site, (_, versions) in learned.items() if versions},
        )

    def versions_lost(self, doc: Document) -> tuple[int, int]:
        """Of a page's lines, how many its site's template takes that only near-copies under one headline
        hold (:class:`StoryAsTemplate`), and how many it has."""
        versions = self._versions.get(doc.template or "")
        if not versions:
            return 0, 0
        lines = line_digests(doc.text.split(PARAGRAPH_SEPARATOR))
        return sum(line in versions for line in lines), len(lines)

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


def strip_templates(batch, edges, settings, index=None) -> tuple[object, list[int], list[StoryAsTemplate]]:
    """Strip the batch's texts of their sites' template lines, fingerprint the changed ones again and
    verify their pairs again; the edges that still hold, the positions left with no text, and a notice
    for each changed page that lost lines only near-copies under its headline hold.

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
        return edges, [], []
    notices = []
    for position in sorted([*kept, *emptied]):  # before the texts are replaced
        doc = batch.docs[position]
        lost, lines = templates.versions_lost(doc)
        if lost:
            notices.append(StoryAsTemplate.of(doc.source, lost, lines))
    prints = fingerprints(list(kept.values()), settings.shingle_size, settings.num_perm, settings.seed)
    for (position, text), print_ in zip(kept.items(), prints, strict=True):
        batch.replace(position, text, print_)
    touched = set(kept) | set(emptied)
    pairs = list(zip(edges.a, edges.b, strict=True))
    untouched = [i for i, (a, b) in enumerate(pairs) if a not in touched and b not in touched]
    again = [(a, b) for a, b in pairs if (a in kept or b in kept) and a not in emptied and b not in emptied]
    result = EdgeColumns(edges.edge(i) for i in untouched)
    result.extend(verified_edges(again, batch.prints, settings))
    return result, emptied, notices
