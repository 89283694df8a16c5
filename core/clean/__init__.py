"""Clean stage: one module per input kind, sharing the line filter of ``lines``."""

from __future__ import annotations

from dataclasses import replace

from ..document import HTML, Document
from ..errors import DocumentError
from .html import clean_html
from .language import sample_language
from .lines import boilerplate_reason, ends_sentence, is_comments_start, is_tail_marker, word_count
from .rules import Rules, load_rules, phrase_key
from .text import clean_text, line_score

PARAGRAPH_SEPARATOR = "\n\n"


def clean_document(doc: Document, rules: Rules | None = None) -> Document:
    """Return a copy of ``doc`` with title, clean text, language and metadata, and no raw content."""
    rules = rules or load_rules()
    raw = doc.raw or ""
    if doc.kind == HTML:
        title, paragraphs, language, meta = clean_html(raw, rules, url=doc.url)
    else:
        title, paragraphs, language = clean_text(raw, rules)
        meta = {}
    if not paragraphs:
        raise DocumentError(doc.id, "no article text found")
    return replace(
        doc,
        raw=None,
        title=doc.title or title,
        text=PARAGRAPH_SEPARATOR.join(paragraphs),
        language=language,
        url=doc.url or meta.get("url"),
        date=doc.date or meta.get("date"),
        site=doc.site or meta.get("site"),
    )


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
        phrase_key,
        line_score,
        sample_language,
    ):
        cached.cache_clear()


__all__ = ["Rules", "clean_document", "clear_caches", "load_rules"]
