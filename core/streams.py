"""Read stage for record streams: JSON Lines and WARC files -> Documents.

Both are streamed record by record, so a large crawl never sits in memory. A
record that cannot be used is yielded as a :class:`DocumentError` naming
``source:line`` (JSON Lines) or ``source#record-id`` (WARC), and the stream goes on.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from typing import IO

from .document import HTML, TEXT, Document
from .errors import DocumentError, UsageError
from .readers import DEFAULT_MAX_BYTES, document_from_bytes

JSONL_FIELDS = ("id", "text", "html", "url", "title", "date")
WARC_MAGIC = b"WARC/"


def field_map(overrides: Iterable[str] = ()) -> dict[str, str]:
    """Record field names, ``NAME=KEY`` pairs overriding the defaults (``text=body``)."""
    fields = {name: name for name in JSONL_FIELDS}
    for item in overrides:
        name, sep, key = item.partition("=")
        if not sep or name not in fields or not key:
            raise UsageError(
                f"--field takes NAME=KEY with NAME one of {', '.join(JSONL_FIELDS)}, got {item!r}"
            )
        fields[name] = key
    return fields


def jsonl_documents(
    stream: IO[bytes], source: str, fields: dict[str, str], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | DocumentError]:
    """One Document per JSON object line: an id and either html or text (url, title, date optional)."""
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        if len(line) > max_bytes:
            yield DocumentError(where, f"record larger than the {max_bytes} byte limit")
            continue
        try:
            yield _record_document(json.loads(line), where, source, fields)
        except DocumentError as error:
            yield error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            yield DocumentError(where, f"not a JSON object ({str(error).splitlines()[0]})")


def _record_document(record: object, where: str, source: str, fields: dict[str, str]) -> Document:
    if not isinstance(record, dict):
        raise DocumentError(where, "not a JSON object")
    doc_id = record.get(fields["id"])
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or str(doc_id) == "":
        raise DocumentError(where, f"no {fields['id']!r} field (string or number)")
    html, text = record.get(fields["html"]), record.get(fields["text"])
    body, kind = (html, HTML) if isinstance(html, str) and html.strip() else (text, TEXT)
    if not isinstance(body, str) or not body.strip():
        raise DocumentError(str(doc_id), f"{where}: no {fields['html']!r} or {fields['text']!r} text")
    return Document(
        id=str(doc_id),
        path=source,
        raw=body,
        kind=kind,
        title=_optional(record, fields["title"]) or "",
        url=_optional(record, fields["url"]),
        date=_optional(record, fields["date"]),
    )


def _optional(record: dict, key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) and value else None


def is_warc(path: str) -> bool:
    """True when the file (gzipped or not) starts with a WARC record header."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(2)
            handle.seek(0)
            if head == b"\x1f\x8b":
                with gzip.GzipFile(fileobj=handle) as unzipped:
                    return unzipped.read(len(WARC_MAGIC)) == WARC_MAGIC
            return handle.read(len(WARC_MAGIC)) == WARC_MAGIC
    except (OSError, EOFError):
        return False


def warc_documents(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document | DocumentError]:
    """HTML responses of a WARC file; the target URI becomes the document URL.

    Request, metadata and other non-response records are not documents and are
    passed over; a response that is not HTML is reported.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response":
                    continue
                yield _warc_document(path, record, max_bytes)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
        yield DocumentError(path, f"unreadable WARC data ({str(error).splitlines()[0][:120]})")


def _warc_document(path: str, record, max_bytes: int) -> Document | DocumentError:
    record_id = record.rec_headers.get_header("WARC-Record-ID") or "?"
    where = f"{path}#{record_id}"
    content_type = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
    if "html" not in content_type.lower():
        return DocumentError(where, f"not an HTML response ({content_type or 'no content type'})")
    payload = record.content_stream().read(max_bytes + 1)
    try:
        doc = document_from_bytes(record_id, payload, path=path, max_bytes=max_bytes)
    except DocumentError as error:
        return DocumentError(where, error.reason)
    doc.kind = HTML
    doc.url = record.rec_headers.get_header("WARC-Target-URI")
    doc.meta["crawled"] = record.rec_headers.get_header("WARC-Date")
    return doc
