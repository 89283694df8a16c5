"""Bytes -> an uncleaned Document: gzip, byte-order marks, declared or detected charsets, HTML or text.

Every failure is a :class:`DocumentError` naming the input, so the caller can
report it and go on with the rest of the batch.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import json
import re
import zlib
from typing import IO

from ..document import HTML, TEXT, Document, content_digest
from ..errors import DocumentError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
STDIN_NAME = "-"  # standard input, where a file's name would be
READ_BLOCK = 1 << 16  # below malloc's threshold for a fresh mapping

_BINARY_MAGIC = {
    b"%PDF": "a PDF file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a zip archive",
    b"\x7fELF": "an executable",
    b"RIFF": "a media file",
    b"BZh": "a bzip2 archive",
    b"\xfd7zXZ": "an xz archive",
    b"7z\xbc\xaf": "a 7z archive",
    b"SQLite format 3": "an SQLite database",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SNIFF_BYTES = 8192  # how far into a document HTML is looked for
JSON_LINES_LOOKED_AT = 3  # lines of a text that must all be JSON objects for it to be JSON Lines
_HTML_SNIFF = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|article)[\s>/]", re.IGNORECASE)
_HTML_TAG = re.compile(rb"</?(?:p|div|span|a|br|li|h[1-6]|script|table|section|img)[\s>/]", re.IGNORECASE)
# A valid UTF-8 sequence of two bytes or more (a lead byte and its continuation bytes).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_REPLACEMENT = "\ufffd"
_REPLACEMENT_BYTES = _REPLACEMENT.encode()
# bad bytes per valid multi-byte sequence up to which damaged text may be UTF-8 (legacy text: 0 valid,
# or 1 per 80 bad bytes in Ukrainian windows-1251, where a capital before "і" happens to form one); over
# one, only when the bad bytes stand alone (see _bad_bytes_stand_alone)
UTF8_BAD_PER_VALID = 4
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_ALONE_HIGH_BYTE = re.compile(rb"(?<![\x80-\xff])[\x80-\xff](?![\x80-\xff])")
FEW_NON_ASCII = 0.01  # share of bytes: text this close to ASCII is read as windows-1252 when that fits
_ASCII_BYTES = bytes(range(0x80))
_CHARSET_PARAMETER = r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""  # of a meta tag or a Content-Type
_META_CHARSET = re.compile(rb"<meta[^>]+" + _CHARSET_PARAMETER.encode(), re.IGNORECASE)
_HEADER_CHARSET = re.compile(_CHARSET_PARAMETER, re.IGNORECASE)
_JSON_OPENING = re.compile(r"\s*[\[{]")  # looked for without copying the text: every page passes here


def document_from_bytes(
    doc_id: str,
    data: bytes,
    path: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    charset: str | None = None,
) -> Document:
    """Decode raw bytes (gzip, BOM, charset) and sniff whether they are HTML or text. ``charset``: the
    one the bytes came with (an HTTP response's), taken before a page's own declaration."""
    if len(data) > max_bytes:
        raise DocumentError(doc_id, f"larger than the {size_text(max_bytes)} limit")
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(doc_id, data, max_bytes)
    text = decode(doc_id, data, charset)
    if not text.strip():
        raise DocumentError(doc_id, "empty file" if not data else "no text (whitespace only)")
    if what := _json_kind(text):
        raise NotAPage(doc_id, what)
    kind = HTML if looks_like_html(_sniffed(data, text)) else TEXT
    return Document(id=doc_id, path=path, raw=text, kind=kind, digest=content_digest(text))


class NotAPage(DocumentError):
    """Data read where a page was expected: JSON (``what`` it is). A file of it fails; a WARC response
    that holds it is no article."""

    def __init__(self, source: str, what: str):
        advice = ": read records with -i jsonl" if what == "JSON Lines records" else ""
        super().__init__(source, f"{what}, not a page{advice}")
        self.what = what

    def __reduce__(self):
        # built again from what it is (its reason would get ", not a page" twice; Dask pickles it)
        return type(self), (self.source, self.what)


def header_charset(content_type: str) -> str | None:
    """The charset a Content-Type names (``text/html; charset=ISO-8859-2``), or None."""
    found = _HEADER_CHARSET.search(content_type)
    return found and found.group(1)


def _json_kind(text: str) -> str | None:
    """ "JSON Lines records" or "a JSON file" when the whole text is JSON, else None: a feed that lies among
    a crawl's pages was one document of raw JSON, longer than any page, so its cluster's canonical text.
    Its first lines must all be objects (a crawler's metadata line above a page is no feed)."""
    if not _JSON_OPENING.match(text):  # "[Gambas:Video]" and "{{template}}" are not JSON either
        return None
    lines = [line for line in text.split("\n", JSON_LINES_LOOKED_AT)[:JSON_LINES_LOOKED_AT] if line.strip()]
    try:
        if len(lines) > 1 and all(isinstance(json.loads(line), dict) for line in lines):
            return "JSON Lines records"
    except ValueError:
        pass
    try:
        json.loads(text)
    except ValueError:
        return None
    return "a JSON file"


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``head`` names (``head``: 4 bytes or more)."""
    return next((encoding for bom, encoding in _BOMS if head.startswith(bom)), None)


def path_of(name: str) -> str | None:
    """A document's ``path``: the file it was read from, None for standard input."""
    return None if name == STDIN_NAME else name


def read_capped(stream: IO[bytes], max_bytes: int) -> bytes:
    """The stream's bytes up to one past ``max_bytes`` (so that a larger input shows as larger).

    A buffered ``read(n)`` sets aside ``n`` bytes before reading: with the 20 MB limit, that is a
    20 MB allocation and release for every 4 KB page. Reading in blocks costs what the page is.
    """
    blocks = []
    wanted = max_bytes + 1
    while wanted > 0:
        block = stream.read(min(wanted, READ_BLOCK))
        if not block:
            break
        blocks.append(block)
        wanted -= len(block)
    return b"".join(blocks)  # one block is returned as it is, not copied


def _gunzip(doc_id: str, data: bytes, max_bytes: int) -> bytes:
    # Read through the decompressor with a cap, so a gzip bomb stops at max_bytes.
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = read_capped(stream, max_bytes)
    except EOFError:
        raise DocumentError(doc_id, "truncated gzip data") from None
    except (OSError, zlib.error) as exc:
        raise DocumentError(doc_id, f"corrupt gzip data ({exc})") from None
    if len(out) > max_bytes:
        raise DocumentError(doc_id, f"decompresses to more than the {size_text(max_bytes)} limit")
    return out


def decode(doc_id: str, data: bytes, charset: str | None = None) -> str:
    """UTF-8 first (BOM honoured), then ``charset`` (an HTTP response's), then a declared HTML charset,
    then a detected one."""
    encoding = bom_encoding(data)
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            raise DocumentError(doc_id, f"invalid {encoding} after a byte-order mark") from None
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise DocumentError(doc_id, f"binary file ({what}), not text or HTML")
    if b"\0" in data[:65536]:
        raise DocumentError(doc_id, "binary file (contains NUL bytes), not text or HTML")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declarations = [
        name for name in _declarations(_single_byte_charset(charset), _declared_charset(data)) if name
    ]
    # A multi-byte charset declared is taken first when the bytes are valid in it, as browsers take it:
    # Japanese, Chinese or Korean forms valid UTF-8 sequences by chance. (A single-byte one fits any
    # bytes, so it says nothing of a UTF-8 page cut inside a character.)
    for declared in declarations:
        if codecs.lookup(declared).name in _MULTI_BYTE:
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode(declared)
    damaged = _damaged_utf8(data)
    if damaged is not None:
        return damaged
    for declared in declarations:
        with contextlib.suppress(LookupError, UnicodeDecodeError):  # a wrong declaration is common
            return data.decode(declared)
    return _detect_and_decode(doc_id, data)


def _damaged_utf8(data: bytes) -> str | None:
    """UTF-8 with a few bad bytes (a page cut inside a character, a stray byte), bad bytes as U+FFFD.

    Text in a legacy code page almost never holds a valid UTF-8 sequence of two bytes or more (its
    accented letters stand alone), so text whose bad bytes are few beside its valid sequences is UTF-8:
    a detector would read all of it in another code page for one bad byte, or for a footer in Latin-1
    below a UTF-8 article (11 valid sequences and 6 bad bytes read a German and Korean page as Mac Roman).
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count(_REPLACEMENT) - data.count(_REPLACEMENT_BYTES)
    valid = len(_UTF8_SEQUENCE.findall(data))
    if bad > UTF8_BAD_PER_VALID * valid:
        return None
    return text if bad <= valid or _bad_bytes_stand_alone(data) else None


def _bad_bytes_stand_alone(data: bytes) -> bool:
    """Most bytes that are no part of a valid UTF-8 sequence stand between ASCII ones, as a Latin-1 "é"
    pasted into UTF-8 does; Japanese, Chinese, Korean and Thai code pages write their letters in runs
    of such bytes (one valid sequence by chance for every 2.4 to 7 bad bytes)."""
    rest = _UTF8_SEQUENCE.sub(b" ", data)
    return 2 * len(_ALONE_HIGH_BYTE.findall(rest)) >= len(_HIGH_BYTE.findall(rest))


def _declared_charset(data: bytes) -> str | None:
    """The charset a ``<meta>`` declares, as browsers take it: a UTF-16 or UTF-32 declaration in a page
    read as bytes is wrong by definition (the meta tag itself was readable as ASCII), so none."""
    declared = _META_CHARSET.search(data[:4096])
    return _single_byte_charset(declared.group(1).decode("ascii")) if declared else None


def _declarations(sent: str | None, in_page: str | None) -> tuple[str | None, ...]:
    """The charsets to try, in turn: the one the bytes were sent with first, as browsers do, unless it
    is Latin-1 and the page declares another. Latin-1 is many servers' default, said of pages in any
    charset, and it decodes any bytes: a windows-1251 page that declared itself came out garbled."""
    if sent and in_page and codecs.lookup(sent).name in _SERVER_DEFAULTS:
        return in_page, sent
    return sent, in_page


_SERVER_DEFAULTS = frozenset({"iso8859-1", "cp1252"})
_MULTI_BYTE = frozenset(
    codecs.lookup(name).name
    for name in (
        "shift_jis cp932 shift_jis_2004 shift_jisx0213 euc_jp euc_jis_2004 euc_jisx0213 iso2022_jp "
        "gb2312 gbk gb18030 hz big5 big5hkscs cp950 euc_kr cp949 johab iso2022_kr"
    ).split()
)


def _single_byte_charset(name: str | None) -> str | None:
    """A declared charset that can be taken: one Python knows, not UTF-16 or UTF-32 (bytes in those have
    NULs, and were refused as binary or decoded by their byte-order mark before a declaration counts)."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return None if codec.startswith(("utf-16", "utf-32")) else name


def _detect_and_decode(doc_id: str, data: bytes) -> str:
    from charset_normalizer import from_bytes  # imported lazily: only legacy files need it

    matches = from_bytes(data[:1_000_000])
    best = matches.best()
    if best is None or best.encoding is None:
        raise DocumentError(doc_id, "not valid UTF-8 and no text encoding fits (binary?)")
    # Single-byte Latin code pages often score the same; like browsers, prefer windows-1252 then. In
    # text that is nearly all ASCII their coherence differs by chance (a few letters), so only the
    # mess they make counts: windows-1252 is taken when it makes no more than the detector's pick.
    # (Measured on such text with a few names: windows-1252 read right 30 times in 30, against 23-25
    # before; windows-1250 8, against 11-13: the detector reads little there either way.)
    sample = data[:1_000_000]
    if len(sample.translate(None, _ASCII_BYTES)) <= FEW_NON_ASCII * len(sample):
        tied = [m for m in matches if m.chaos <= best.chaos]
    else:
        tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    encoding = "cp1252" if any("cp1252" in m.could_be_from_charset for m in tied) else best.encoding
    text = data.decode(encoding, errors="replace")
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > len(text[:20000]) * 0.01:
        raise DocumentError(doc_id, "binary file (control characters), not text or HTML")
    return text


def _sniffed(data: bytes, text: str) -> bytes:
    """What the HTML sniffing reads: the bytes, or for UTF-16 and UTF-32 (NUL bytes beside every ASCII
    character, where the tags would not be found) the decoded text's head in UTF-8."""
    if b"\x00" not in data[:SNIFF_BYTES]:
        return data
    return text[:SNIFF_BYTES].encode("utf-8", "surrogatepass")


def looks_like_html(data: bytes) -> bool:
    """HTML by content: a document-level tag, or several body tags, near the top."""
    head = data[:SNIFF_BYTES]
    return bool(_HTML_SNIFF.search(head)) or len(_HTML_TAG.findall(head)) >= 3


# --max-bytes units, largest first: a limit is told exactly, in the largest that divides it
_SIZE_UNITS = (
    ("GiB", 1 << 30),
    ("GB", 10**9),
    ("MiB", 1 << 20),
    ("MB", 10**6),
    ("KiB", 1 << 10),
    ("kB", 10**3),
)


def size_text(n: int) -> str:
    """``20 MiB``, ``20 MB``, ``512 KiB``, ``1500 bytes``: in ``--max-bytes`` units, and exact."""
    fallback = "1 byte" if n == 1 else f"{n} bytes"
    return next(
        (f"{n // size} {unit}" for unit, size in _SIZE_UNITS if n >= size and n % size == 0), fallback
    )
