"""Clean stage: one module per input kind, sharing the line filter of ``lines``."""

from __future__ import annotations

from dataclasses import replace

from core.clean.html import clean_html
from core.clean.rules import Rules, load_rules
from core.clean.text import clean_text
from core.document import HTML, Document
from core.errors import DocumentError

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


__all__ = ["Rules", "clean_document", "load_rules"]
