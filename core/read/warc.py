"""WARC archives -> Documents: one per HTML response (or resource record), the target URI as its address.

Request, metadata and other records are not documents and are passed over; a
response that is not HTML (an image, a stylesheet) or not a page (a redirect, a
404) is a :class:`NotAnArticle`: counted, not an error. A record that cannot be used is a :class:`DocumentError`
naming ``source#record-id``, and the archive goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO

from ..document import HTML, Document
from ..errors import DocumentError, NotAnArticle
from .decode import (
    READ_BLOCK,
    SNIFF_BYTES,
    NotAPage,
    document_from_bytes,
    header_charset,
    looks_like_html,
    path_of,
    read_capped,
)

WARC_MAGIC = b"WARC/"
PAGE_RECORDS = ("response", "resource")  # the records that hold what a server sent


def warc_documents(stream: IO[bytes], source: str, max_bytes: int) -> Iterator[Document | DocumentError]:
    """The HTML responses of an (uncompressed, or gzipped per record or as a whole) WARC stream.

    An archive cut short (a crawl stopped, a download broken off) says so: a record cut short is an
    error, not a page with its end missing.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    whole = 0  # records read to their end
    try:
        records = ArchiveIterator(stream)
        for number, record in enumerate(_parsed(records), 1):
            page = record.rec_type in PAGE_RECORDS
            doc = _warc_document(source, record, number, max_bytes) if page else None
            if cut := _cut_short(record):
                yield DocumentError(f"{source}#{_record_id(record, number)}", f"WARC record cut short: {cut}")
                return
            whole = number
            if doc is not None:
                yield doc
        # warcio takes a gzip stream that ends too soon for the archive's end
        if stream.read(1):
            raise ValueError("data after the last record")
        # warcio takes a header that the archive's end cuts short for that end: the line it began is left,
        # or no record at all was read (the stream began with WARC_MAGIC)
        if records.next_line or not whole:
            yield DocumentError(
                f"{source}#?{whole + 1}", "WARC record cut short: the archive ends inside its header"
            )
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
        reason = " ".join(str(error).split())[:160] or type(error).__name__
        yield DocumentError(
            source, f"unreadable WARC data after {whole} record{'' if whole == 1 else 's'} ({reason})"
        )


def _parsed(records: Iterable) -> Iterator:
    """warcio's records, its parser's own failures on a damaged header (an AttributeError on a header
    cut short) as ValueError: the archive's data, not a bug of the run."""
    from warcio.exceptions import ArchiveLoadFailed

    iterator = iter(records)
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            return
        except (ArchiveLoadFailed, OSError, EOFError, ValueError):
            raise
        except Exception as error:
            raise ValueError(f"damaged record header: {type(error).__name__}: {error}") from error
        yield record


def _cut_short(record) -> str | None:
    """Read the rest of the record (warcio would, before the next one): how it is cut short, if it is.

    A record without a Content-Length (which WARC requires) is a header cut before it: warcio took
    the record to run to the archive's end, and the archive read as whole, with that record lost.
    """
    if record.rec_headers.get_header("Content-Length") is None:
        return "the archive ends inside its header, before its Content-Length"
    if getattr(record.raw_stream, "limit", None) is None:
        return None
    while record.raw_stream.read(READ_BLOCK):
        pass
    missing = record.raw_stream.limit
    return f"the archive ends {missing} bytes before the record does" if missing else None


def _record_id(record, number: int) -> str:
    # without its header, a record is named by its place in the archive: one id for all would
    # make them one record read again
    return record.rec_headers.get_header("WARC-Record-ID") or f"?{number}"


def _warc_document(source: str, record, number: int, max_bytes: int) -> Document | DocumentError:
    record_id = _record_id(record, number)
    where = f"{source}#{record_id}"
    status = (record.http_headers.get_statuscode() if record.http_headers else "") or ""
    # a redirect, a missing page: a crawl holds many, none an article
    if status and not status.startswith("2"):
        return NotAnArticle(where, f"an HTTP {status} response, not a page")
    # a resource record (a page archived without its HTTP exchange) has its type in its own header
    headers = record.http_headers or record.rec_headers
    content_type = headers.get_header("Content-Type") or ""
    if content_type and "html" not in content_type.lower():
        return NotAnArticle(where, f"not an HTML response ({content_type})")
    payload = read_capped(record.content_stream(), max_bytes)
    if not content_type and not looks_like_html(payload[:SNIFF_BYTES]):  # a server that said nothing
        return NotAnArticle(where, "not an HTML response (no content type)")
    try:
        doc = document_from_bytes(
            record_id,
            payload,
            path=path_of(source),
            max_bytes=max_bytes,
            charset=header_charset(content_type),
        )
    except NotAPage as error:  # an API's answer labelled text/html
        return NotAnArticle(where, f"{error.what}, not a page")
    except DocumentError as error:
        return DocumentError(where, error.reason)
    doc.kind = HTML
    doc.url = record.rec_headers.get_header("WARC-Target-URI")
    doc.meta["crawled"] = record.rec_headers.get_header("WARC-Date")
    return doc
