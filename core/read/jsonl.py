"""JSON Lines records -> Documents, one per line: an id and either html or text.

Streamed record by record (gzip transparently), so a large file never sits in
memory. A record that cannot be used is a :class:`DocumentError` naming
``source:line``, and the stream goes on; one without the expected fields is a
:class:`MissingFields`, whose hint says how to map them.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from typing import IO

from ..document import HTML, TEXT, Document, content_digest
from ..errors import DocumentError, UsageError
from .decode import bom_encoding, path_of, size_text
from .files import GZIP_MAGIC, read_head
from .paths import os_reason
from .urls import open_input

JSONL_FIELDS = ("id", "text", "html", "url", "title", "date")
# json.loads joins an escaped surrogate pair into one character: what is left is half a character
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SKIP_PIECE = 1 << 20  # bytes read at a time past a record over the size limit
FIELD_HINT = "map record keys to fields with --field NAME=KEY (e.g. --field text=body --field id=uuid)"


class MissingFields(DocumentError):
    """A record without the id or body field: usually a file whose keys are named otherwise."""

    hint = FIELD_HINT


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


def jsonl_file_documents(
    source: str, opened: IO[bytes] | None, fields: dict[str, str], max_bytes: int
) -> Iterator[Document | DocumentError]:
    """The records of a JSON Lines file (gzipped or not); ``opened``: the file, open already (standard
    input, which ``-`` names; a pipe's copy)."""
    if source == "-" and opened is None:
        yield DocumentError("-", "no standard input to read records from")
        return
    try:
        with nullcontext(opened) if opened is not None else open_input(source) as handle:
            head, stream = read_head(handle, 4)
            lines = gzip.GzipFile(fileobj=stream) if head[:2] == GZIP_MAGIC else _as_utf8(head, stream)
            yield from jsonl_documents(lines, source, fields, max_bytes)
    except OSError as error:
        yield DocumentError(source, os_reason(error))
    except EOFError:
        yield DocumentError(source, "truncated gzip data")


def _as_utf8(head: bytes, stream: IO[bytes]) -> IO[bytes]:
    """The stream, its lines in UTF-8. JSON Lines is UTF-8, but a file saved as UTF-16 or UTF-32 (with
    its byte-order mark) splits into bytes lines that are not whole characters: it is decoded first."""
    encoding = bom_encoding(head)
    if encoding is None or encoding == "utf-8-sig":  # json.loads takes a UTF-8 mark as it is
        return stream
    return _Utf8Lines(io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="\n"))


class _Utf8Lines:
    """A decoded text stream read as lines of UTF-8 bytes."""

    def __init__(self, text: IO[str]):
        self._text = text

    def readline(self, size: int = -1) -> bytes:
        return self._text.readline(size).encode("utf-8", "surrogatepass")


def bounded_lines(stream: IO[bytes], max_bytes: int) -> Iterator[bytes | None]:
    """The stream's lines, None for one longer than ``max_bytes``: that one is read past in pieces,
    never held whole (a one-line feed or a gzip bomb must not fill the memory)."""
    while line := stream.readline(max_bytes + 1):
        if len(line) <= max_bytes:
            yield line
            continue
        while not line.endswith(b"\n") and (line := stream.readline(_SKIP_PIECE)):
            pass
        yield None


def jsonl_documents(
    stream: IO[bytes], source: str, fields: dict[str, str], max_bytes: int
) -> Iterator[Document | DocumentError]:
    """One Document per JSON object line: an id and either html or text (url, title, date optional)."""
    for number, line in enumerate(bounded_lines(stream, max_bytes), 1):
        where = f"{source}:{number}"
        if line is None:
            yield DocumentError(where, f"record larger than the {size_text(max_bytes)} limit")
            continue
        if not line.strip():
            continue
        try:
            yield record_document(json.loads(line), where, source, fields)
        except DocumentError as error:
            yield error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            yield DocumentError(where, f"not a JSON object ({str(error).splitlines()[0]})")


def record_document(record: object, where: str, source: str, fields: dict[str, str]) -> Document:
    """The Document of one record (a JSON object, a Parquet row) whose keys ``fields`` maps."""
    if not isinstance(record, dict):
        raise DocumentError(where, "not a JSON object")
    doc_id = record.get(fields["id"])
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or str(doc_id) == "":
        what = "no" if doc_id is None or doc_id == "" else f"a {type(doc_id).__name__} as its"
        raise MissingFields(where, f"{what} {fields['id']!r} field (a string or a whole number)")
    html, text = record.get(fields["html"]), record.get(fields["text"])
    body, kind = (html, HTML) if isinstance(html, str) and html.strip() else (text, TEXT)
    if not isinstance(body, str) or not body.strip():
        # named as a failure of the document would be (FILE#ID, the id alone on standard input)
        named = Document(id=_utf8(str(doc_id)), path=path_of(source)).source
        raise MissingFields(named, f"{where}: no {fields['html']!r} or {fields['text']!r} text")
    body = _utf8(body)
    return Document(
        id=_utf8(str(doc_id)),
        path=path_of(source),
        raw=body,
        kind=kind,
        digest=content_digest(body),
        title=_optional(record, fields["title"]) or "",
        url=_optional(record, fields["url"]),
        date=_optional(record, fields["date"]),
    )


def _optional(record: dict, key: str) -> str | None:
    value = record.get(key)
    return _utf8(value) if isinstance(value, str) and value else None


def _utf8(value: str) -> str:
    """The string with each lone surrogate ("\\ud83d": an emoji cut in half by the scraper) as U+FFFD,
    as a decoder replaces bytes that are not UTF-8: such a string cannot be stored or written out."""
    return value if value.isascii() else _LONE_SURROGATE.sub("\ufffd", value)
