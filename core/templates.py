"""Site templates learned across a batch: lines that repeat on many pages of one site are boilerplate.

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
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from .clean.rules import phrase_key
from .document import Document
from .errors import DocumentError

MIN_PAGES = 4
SHARE = 0.5
PARAGRAPH_SEPARATOR = "\n\n"


class TemplateOnly(DocumentError):
    """A page whose cleaned text was all its site's template: no article (found after cleaning)."""


class SiteTemplates:
    """The template lines of each site of a batch."""

    def __init__(self, lines: dict[str, frozenset[str]]):
        self._lines = lines

    @classmethod
    def learn(cls, docs: Iterable[Document]) -> SiteTemplates:
        pages: Counter[str] = Counter()
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for doc in docs:
            if doc.template:
                pages[doc.template] += 1
                counts[doc.template].update({phrase_key(p) for p in doc.text.split(PARAGRAPH_SEPARATOR)})
        return cls(
            {
                site: frozenset(
                    line for line, n in counts[site].items() if n >= max(MIN_PAGES, SHARE * pages[site])
                )
                for site in counts
                if pages[site] >= MIN_PAGES
            }
        )

    def stripped(self, doc: Document) -> str | None:
        """The text without its site's template lines, or None when it has none of them."""
        lines = self._lines.get(doc.template or "")
        if not lines:
            return None
        paragraphs = doc.text.split(PARAGRAPH_SEPARATOR)
        kept = [p for p in paragraphs if phrase_key(p) not in lines]
        return None if len(kept) == len(paragraphs) else PARAGRAPH_SEPARATOR.join(kept)


def strip_templates(batch, edges, settings) -> tuple[object, list[int]]:
    """Strip the batch's texts of their sites' template lines, fingerprint the changed ones again and
    verify their pairs again; the edges that still hold, and the positions left with no text."""
    from .cluster import EdgeColumns
    from .fingerprint import fingerprints
    from .verify import verified_edges

    templates = SiteTemplates.learn(doc for doc in batch.docs if doc.template)
    changed = {}
    for position, doc in enumerate(batch.docs):
        text = templates.stripped(doc) if doc.template else None
        if text is not None:
            changed[position] = text
    if not changed:
        return edges, []
    emptied = [position for position, text in changed.items() if not text.strip()]
    kept = {position: text for position, text in changed.items() if text.strip()}
    prints = fingerprints(list(kept.values()), settings.shingle_size, settings.num_perm, settings.seed)
    for (position, text), print_ in zip(kept.items(), prints, strict=True):
        batch.replace(position, text, print_)
    touched = set(changed)
    pairs = list(zip(edges.a, edges.b, strict=True))
    untouched = [i for i, (a, b) in enumerate(pairs) if a not in touched and b not in touched]
    again = [(a, b) for a, b in pairs if (a in kept or b in kept) and a not in emptied and b not in emptied]
    result = EdgeColumns(edges.edge(i) for i in untouched)
    result.extend(verified_edges(again, batch.prints, settings))
    return result, emptied
