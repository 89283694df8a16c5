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
a section's pages under one generic headline that share a long template and a
line of their own each. So the template is learned as always, and a page that
loses lines that only pages under one headline hold (a title of
``HEADLINE_WORDS`` words or more: :func:`title_key`, :func:`verdicts`) gets a
notice (:class:`StoryAsTemplate`) that names it and what it lost.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from .clean.lines import word_count
from .clean.rules import phrase_key
from .document import Document
from .errors import DocumentError

MIN_PAGES = 4
SHARE = 0.5
HEADLINE_WORDS = 4  # a shorter title ("Suara Daerah", "Foto") may be the site's name on all its pages
PARAGRAPH_SEPARATOR = "\n\n"
_WORD = re.compile(r"\w+")  # a headline's words (a dash or a bar is none; in scripts without spaces,
# two characters count as one: newsdedup.clean.lines.word_count)

LineDigest = int  # a line's phrase key, as a 64-bit digest (collisions among one site's lines: ~n²/2⁶⁵)
TitleKey = int  # a page's title as a 64-bit digest (its lines_key for a page without one)
Page = tuple[int, TitleKey, frozenset[LineDigest]]  # a page of a site: its document id's digest, title, lines


class TemplateOnly(DocumentError):
    """A page whose cleaned text was all its site's template: no article (found after cleaning)."""

    @classmethod
    def of(cls, doc_id: str) -> TemplateOnly:
        return cls(doc_id, "no article text besides its site's template")


class StoryAsTemplate(DocumentError):
    """A page that lost lines as its site's template that only pages under its own headline hold:
    perhaps versions of one story (a notice: the page goes on, stripped)."""

    @classmethod
    def of(cls, doc_id: str, lost: int, lines: int) -> StoryAsTemplate:
        return cls(
            doc_id,
            f"{lost} of its {lines} lines, held only by pages under its headline, were stripped as its site's "
            "template: versions of one story?",
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


def title_key(title: str | None, line_set: int) -> TitleKey:
    """A page's title as a digest of its phrase key; a page without a headline for a title (none, or of
    fewer than ``HEADLINE_WORDS`` words: a site's or a section's name), its lines key ``line_set``."""
    words = phrase_key(title) if isinstance(title, str) else ""
    headline = word_count(" ".join(_WORD.findall(words))) >= HEADLINE_WORDS  # 北京发布暴雨红色预警: 5 words
    return digest(f"title: {words}") if headline else line_set


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
            title = title_key(doc.title, lines_key(lines))
            pages.setdefault(doc.template, []).append((digest(doc.id), title, lines))
    return pages


def verdicts(on_pages, site_pages, one_title, one_line_set):
    """For lines on ``on_pages`` of a site's ``site_pages`` pages, whose pages have one title key or not
    and one line set or not (numbers and booleans, or numpy arrays): whether each is template (on
    enough pages, unless they are copies of one page), and whether it is template that only pages under
    one headline hold (a title key that is no lines key: :func:`title_key`)."""
    template = is_template(on_pages, site_pages) & np.logical_not(one_line_set)
    return template, template & one_title


Spans = dict[LineDigest, list[int]]  # of a line's pages: how many, lowest and highest title key and lines key


def add_spans(spans: Spans, pages: Iterable[tuple[TitleKey, frozenset[LineDigest]]], common=None, key=None):
    """Count pages (title key, lines) on the spans of their lines (only those in ``common``, when
    given), each line under ``key(line)`` (the line itself by default). Pages that hold the same such
    lines are counted together first: a site's pages mostly share its template."""
    groups: dict[frozenset[LineDigest], list[int]] = {}
    for title, lines in pages:
        held = lines if common is None else lines & common
        if held:
            line_set = lines_key(lines)
            page = [1, title, title, line_set, line_set]
            group = groups.get(held)
            if group is None:
                groups[held] = page
            else:
                _widen(group, page)
    for held, group in groups.items():
        for line in held:
            name = line if key is None else key(line)
            span = spans.get(name)
            if span is None:
                spans[name] = list(group)
            else:
                _widen(span, group)


def _widen(span: list[int], other: list[int]) -> None:
    span[:] = (
        span[0] + other[0],
        min(span[1], other[1]),
        max(span[2], other[2]),
        min(span[3], other[3]),
        max(span[4], other[4]),
    )


def _template_lines(
    copies: Counter[tuple[TitleKey, frozenset[LineDigest]]],
) -> tuple[frozenset[LineDigest], frozenset[LineDigest]]:
    """The template lines of a site whose pages are ``copies`` (of each distinct page, its title key and
    lines, how many of the site's pages it is), and those that only pages under one headline hold."""
    on_pages: Counter[LineDigest] = Counter()
    for (_, lines), copies_of_page in copies.items():
        on_pages.update(dict.fromkeys(lines, copies_of_page))
    site_pages = copies.total()
    common = frozenset(line for line, n in on_pages.items() if is_template(n, site_pages))
    spans: Spans = {}
    add_spans(spans, copies, common)
    template, versions = set(), set()
    for line, (_, title_low, title_high, set_low, set_high) in spans.items():
        is_line_template, on_versions = verdicts(
            on_pages[line], site_pages, title_low == title_high, set_low == set_high
        )
        if is_line_template:
            template.add(line)
            if on_versions:
                versions.add(line)
    return frozenset(template), frozenset(versions)


class SiteTemplates:
    """The template lines of each site (as line digests), and of those the ones that only pages under
    one headline hold (:func:`verdicts`)."""

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
        """Of a page's lines, how many its site's template takes that only pages under one headline
        hold (:class:`StoryAsTemplate`), and how many it has (none, when its site has no such line)."""
        _, lost, lines = self._stripped(doc)
        return lost, lines

    def stripped(self, doc: Document) -> str | None:
        """The text without its site's template lines, or None when it has none of them."""
        return self._stripped(doc)[0]

    def _stripped(self, doc: Document) -> tuple[str | None, int, int]:
        """:meth:`stripped` and :meth:`versions_lost`, from one reading of the page's lines."""
        template = self._lines.get(doc.template or "")
        if not template:
            return None, 0, 0
        paragraphs = doc.text.split(PARAGRAPH_SEPARATOR)
        digests = line_digests(paragraphs)
        kept = [p for p, line in zip(paragraphs, digests, strict=True) if line not in template]
        text = None if len(kept) == len(paragraphs) else PARAGRAPH_SEPARATOR.join(kept)
        versions = self._versions.get(doc.template or "")
        if not versions:
            return text, 0, 0
        return text, sum(line in versions for line in digests), len(digests)

    def strip(
        self, docs: Iterable[tuple[int, Document]]
    ) -> tuple[dict[int, str], list[int], dict[int, tuple[int, int]]]:
        """The documents (by position) that lose lines: the texts of those left with some, the
        positions of those left with none, and of both, those that lose lines only pages under one
        headline hold, with :meth:`versions_lost`."""
        kept: dict[int, str] = {}
        emptied: list[int] = []
        lost: dict[int, tuple[int, int]] = {}
        for position, doc in docs:
            text, lost_lines, lines = self._stripped(doc) if doc.template else (None, 0, 0)
            if text is None:
                continue
            if text.strip():
                kept[position] = text
            else:
                emptied.append(position)
            if lost_lines:
                lost[position] = (lost_lines, lines)
        return kept, emptied, lost


def strip_templates(batch, edges, settings, index=None) -> tuple[object, list[int], list[StoryAsTemplate]]:
    """Strip the batch's texts of their sites' template lines, fingerprint the changed ones again and
    verify their pairs again; the edges that still hold, the positions left with no text, and a notice
    for each changed page that lost lines only pages under its headline hold.

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
    kept, emptied, lost = templates.strip(enumerate(batch.docs))
    if not kept and not emptied:
        return edges, [], []
    notices = [StoryAsTemplate.of(batch.docs[position].source, *lost[position]) for position in sorted(lost)]
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
