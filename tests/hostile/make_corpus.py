"""Build the hostile-input corpus: everything a scraper can bring home, made here, not downloaded.

    python -m tests.hostile.make_corpus DIR

Each entry is ``name -> (bytes, expected)``: ``expected`` is ``"ok"`` when the
file must come out as a document, or a fragment of the one-line reason it must
be reported with. A few entries are filesystem oddities (a symlink loop, a name
that is not UTF-8) made by :func:`build`.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path

from newsdedup.errors import printable

ARTICLE = (
    "The harbour authority said on Monday that the new breakwater would be finished by the end of the year, "
    "after storms delayed the work twice. Engineers told the council that the cost had risen by a third. "
)
BODY = "\n\n".join([ARTICLE * 2] * 4)
SIZE_CAP = 200_000  # the tests run with --max-bytes at this value


def _html(body: str, charset: str = "utf-8") -> str:
    return f'<html><head><meta charset="{charset}"><title>Harbour</title></head><body><article>{body}</article></body></html>'


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{p}</p>" for p in text.split("\n\n"))


def entries() -> dict[str, tuple[bytes, str]]:
    deep = "<div>" * 10_000 + "<p>" + ARTICLE + "</p>" + "</div>" * 10_000
    bomb = gzip.compress(b"a" * (SIZE_CAP * 50))
    return {
        "good.txt": (BODY.encode(), "ok"),
        "good.html": (_html(_paragraphs(BODY)).encode(), "ok"),
        "empty.txt": (b"", "empty file"),
        "whitespace.txt": (b" \n\t\n  \r\n", "whitespace only"),
        "report.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj", "PDF"),
        "photo.png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG"),
        "photo.jpg": (b"\xff\xd8\xff\xe0" + bytes(range(256)), "JPEG"),
        "archive.zip": (b"PK\x03\x04" + bytes(100), "zip"),
        "truncated.txt.gz": (gzip.compress(BODY.encode())[:40], "truncated gzip"),
        "bomb.txt.gz": (bomb, "decompresses to more than"),
        "no-body.html": (b"<html><head><title>x</title></head></html>", "no article text"),
        "only-scripts.html": (
            b"<html><body><script>var a=1;</script><style>p{}</style></body></html>",
            "no article text",
        ),
        "deeply-nested.html": (_html(deep).encode(), "no article text"),  # libxml2 stops at depth 256
        "one-giant-line.txt": ((ARTICLE * 700).encode(), "ok"),
        "invalid-utf8.txt": (BODY.encode()[:300] + b"\xff\xfe\xfa" + BODY.encode()[300:], "ok"),
        "cp1252-declared-utf8.html": (
            _html(_paragraphs(BODY + " caf\u00e9 \u201cquoted\u201d"), "utf-8").encode("cp1252"),
            "ok",
        ),
        "latin1.txt": ((BODY + " Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e.").encode("latin-1"), "ok"),
        "bom-utf8.txt": (b"\xef\xbb\xbf" + BODY.encode(), "ok"),
        "bom-utf16.txt": (BODY.encode("utf-16"), "ok"),
        "nul-bytes.txt": (BODY.encode()[:200] + b"\x00\x00\x00" + BODY.encode()[200:], "NUL"),
        "too-large.txt": (("x " * (SIZE_CAP // 2 + 10)).encode(), "larger than"),
        "xxe.html": (
            b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            + _html(_paragraphs(BODY) + "<p>&xxe;</p>").encode(),
            "ok",
        ),
        "file with spaces.txt": (BODY.encode(), "ok"),
        "records.jsonl": (
            "\n".join(
                [
                    json.dumps({"id": "r1", "text": BODY}),
                    "this is not json",
                    json.dumps({"text": "no id here"}),
                    json.dumps({"id": "r4"}),
                    json.dumps({"id": "r5", "html": _html(_paragraphs(BODY))}),
                ]
            ).encode(),
            "jsonl",
        ),
    }


def _write_warc(path: Path) -> None:
    """A WARC with one HTML response, one image response and one request record."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for uri, content_type, body in (
            ("http://news.example/harbour", "text/html; charset=utf-8", _html(_paragraphs(BODY)).encode()),
            ("http://news.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n...."),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers
            )
            writer.write_record(record)
        writer.write_record(
            writer.create_warc_record("http://news.example/harbour", "request", payload=io.BytesIO(b"GET /"))
        )


def build(directory: Path) -> dict[str, str]:
    """Write the corpus into ``directory``; return ``name -> expected`` for every entry."""
    directory.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, (data, outcome) in entries().items():
        (directory / name).write_bytes(data)
        expected[name] = outcome
    loop = directory / "loop"
    loop.mkdir(exist_ok=True)
    if not (loop / "self").is_symlink():
        os.symlink("..", loop / "self")  # a directory symlink pointing back up: walking it would never end
    dangling = directory / "dangling.txt"
    if not dangling.is_symlink():
        os.symlink("does-not-exist.txt", dangling)
    expected["dangling.txt"] = "broken symbolic link"
    expected["loop/self"] = "symbolic link to a directory, not followed"
    _write_warc(directory / "crawl.warc.gz")
    expected["crawl.warc.gz"] = "warc"
    raw_name = os.fsencode(directory) + b"/latin1-name-\xe9.txt"
    with open(raw_name, "wb") as handle:
        handle.write(BODY.encode())
    expected[printable(os.fsdecode(raw_name)).rsplit("/", 1)[-1]] = "ok"  # shown as latin1-name-\\xe9.txt
    return expected


if __name__ == "__main__":
    for name, outcome in sorted(build(Path(sys.argv[1])).items()):
        print(f"{outcome:35} {name}")
