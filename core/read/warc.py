"""WARC archives -> Documents: one per HTML response, the target URI as its address.

Request, metadata and other records are not documents and are passed over; a
response that is not HTML (an image, a stylesheet) or not a page (a redirect, a
404) is a :class:`NotAnArticle`: counted, not an error. A record that cannot be used is a :class:`DocumentError`
naming ``source#record-id``, and the archive goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from ..document import HTML, Document
from ..errors import DocumentError, NotAnArticle
from .decode import document_from_bytes, path_of, read_capped

WARC_MAGIC = b"WARC/"


def warc_documents(stream: IO[bytes], source: str, max_bytes: int) -> Iterator[Document | DocumentError]:
    """The HTML responses of an (uncompressed, or per-record gzipped) WARC stream."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records = 0
    try:
        for record in ArchiveIterator(stream):
            records += 1
            if record.rec_type == "response":
                yield _warc_document(source, record, records, max_bytes)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
        reason = " ".join(str(error).split())[:160] or type(error).__name__
        yield DocumentError(source, f"unreadable WARC data after {records} records ({reason})")


def _warc_document(source: str, record, number: int, max_bytes: int) -> Document | DocumentError:
    # without its header, a record is named by its place in the archive: one id for all would
    # make them one record read again
    record_id = record.rec_headers.get_header("WARC-Record-ID") or f"?{number}"
    where = f"{source}#{record_id}"
    status = (record.http_headers.get_statuscode() if record.http_headers else "") or ""
    # a redirect, a missing page: a crawl holds many, none an article
    if status and not status.startswith("2"):
        return NotAnArticle(where, f"an HTTP {status} response, not a page")
    content_type = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
    if "html" not in content_type.lower():
        return NotAnArticle(where, f"not an HTML response ({content_type or 'no content type'})")
    payload = read_capped(record.content_stream(), max_bytes)
    try:
        doc = document_from_bytes(record_id, payload, path=path_of(source), max_bytes=max_bytes)
    except DocumentError as error:
        return DocumentError(where, error.reason)
    doc.kind = HTML
    doc.url = record.rec_headers.get_header("WARC-Target-URI")
    doc.meta["crawled"] = record.rec_headers.get_header("WARC-Date")
    return doc
