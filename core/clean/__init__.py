"""Clean stage: one module per input kind, sharing the line filter of ``lines``."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from ..document import HTML, Document
from ..errors import DocumentError
from . import compiled  # noqa: F401  first: its finder decides how the modules below load
from .html import clean_html
from .language import sample_language
from .lines import (
    boilerplate_reason,
    drop_counters,
    ends_sentence,
    is_comments_start,
    is_menu,
    is_tail_marker,
    split_lines,
    visible,
    word_count,
)
from .rules import Rules, load_rules, phrase_key
from .text import clean_lines, label_memo, role_memo, score_memo
from .titles import url_host

PARAGRAPH_SEPARATOR = "\n\n"
TEMPLATE_HEADER_LINES = 10  # where a page's navigation menu is looked for


def clean_document(doc: Document, rules: Rules | None = None) -> Document:
    """Return a copy of ``doc`` with title, clean text, language and metadata, and no raw content."""
    rules = rules or load_rules()
    raw = doc.raw or ""
    known_title = visible(doc.title)  # a record may know it
    lines = split_lines(raw) if doc.kind != HTML else []
    if doc.kind == HTML:
        title, paragraphs, language, meta = clean_html(raw, rules, url=doc.url)
    else:
        title, paragraphs, language = clean_lines(lines, rules, known_title)
        meta = {}
    paragraphs = drop_counters(paragraphs, rules)
    if not paragraphs:
        raise DocumentError(doc.source, "no article text found")
    url, site = doc.url or meta.get("url"), doc.site or meta.get("site")
    return replace(
        doc,
        raw=None,
        title=known_title or title,
        text=PARAGRAPH_SEPARATOR.join(paragraphs),
        language=language,
        url=url,
        date=doc.date or meta.get("date"),
        site=site,
        template=template_key(lines, url, site),
    )


def template_key(lines: list[str], url: str | None, site: str | None) -> str | None:
    """Which site template a page was made with: its host or site name; for plain text scraped without
    an address, a signature of its navigation menu (the first menu line near the top) and its last line
    (the site's footer); None when neither is there."""
    host = url_host(url)
    if host or site:
        return (host or site or "").removeprefix("www.")
    menu = next((line for line in lines[:TEMPLATE_HEADER_LINES] if is_menu(line)), None)
    if menu is None or len(lines) < 3:
        return None
    return "template:" + hashlib.blake2b(f"{menu}\n{lines[-1]}".encode(), digest_size=6).hexdigest()


def clear_caches() -> None:
    """Forget the per-line and per-sample verdicts remembered so far (the output does not change).

    For measurements: a benchmark that cleans the same pages twice would
    otherwise time the second pass from the caches.
    """
    for cached in (
        word_count,
        ends_sentence,
        boilerplate_reason,
        is_tail_marker,
        is_comments_start,
        is_menu,
        phrase_key,
        role_memo,
        score_memo,
        label_memo,
        sample_language,
    ):
        cached.cache_clear()


__all__ = ["Rules", "clean_document", "clear_caches", "load_rules"]
