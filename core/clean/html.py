"""HTML cleaner: trafilatura extraction, then the shared line filter.

trafilatura runs with precision-oriented settings and no cross-document
deduplication (its cache is process-global and would make a document's text
depend on the documents read before it). When it finds too little, the page is
rendered to lines and cleaned by the plain-text path instead.
"""

from __future__ import annotations

from core.clean.language import detect_language
from core.clean.lines import filter_lines, split_lines, word_count
from core.clean.rules import Rules
from core.clean.text import clean_text

MIN_BODY_WORDS = 25  # below this, trafilatura most likely missed the body
_SKIPPED_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "head")
_BLOCK_TAGS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 br tr section article header footer nav aside ul ol table "
    "blockquote figure figcaption dd dt pre main form title".split()
)


def clean_html(raw: str, rules: Rules, url: str | None = None) -> tuple[str, list[str], str | None, dict]:
    """Return ``(title, paragraphs, language, metadata)`` of an HTML page."""
    import trafilatura  # heavy import, deferred until an HTML page is seen

    extracted = trafilatura.bare_extraction(
        raw,
        url=url,
        favor_precision=True,
        with_metadata=True,
        include_comments=False,
        deduplicate=False,
    )
    meta: dict = {}
    title = ""
    paragraphs: list[str] = []
    if extracted is not None:
        title = extracted.title or ""
        meta = {"date": extracted.date, "url": extracted.url or url, "site": extracted.sitename}
        paragraphs = filter_lines(split_lines(extracted.text or ""), rules, title)
    if sum(word_count(p) for p in paragraphs) < MIN_BODY_WORDS:
        fallback_title, paragraphs, language = clean_text(html_to_text(raw), rules)
        return title or fallback_title, paragraphs, language, meta
    return title, paragraphs, detect_language("\n".join(paragraphs)), meta


def html_to_text(raw: str) -> str:
    """The page's visible text, one block element per line."""
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(raw)
    except Exception:  # lxml raises several types on hopeless markup; the page then has no text
        return ""
    for element in list(root.iter(*_SKIPPED_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    parts: list[str] = []
    for event, element in _walk_events(root):
        if event == "start" and element.tag in _BLOCK_TAGS:
            parts.append("\n")
        if event == "start" and element.text:
            parts.append(element.text)
        if event == "end":
            if element.tag in _BLOCK_TAGS:
                parts.append("\n")
            if element.tail:
                parts.append(element.tail)
    return "".join(parts)


def _walk_events(root):
    """start/end events of a tree, iteratively (deeply nested pages overflow recursion)."""
    stack = [(root, False)]
    while stack:
        element, done = stack.pop()
        if not isinstance(element.tag, str):  # comments and processing instructions: only their tail
            yield "end", element
            continue
        if done:
            yield "end", element
            continue
        yield "start", element
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
