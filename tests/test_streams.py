import io
import json

import pytest

from newsdedup.document import HTML, TEXT
from newsdedup.errors import NotAnArticle, UsageError
from newsdedup.read.files import path_documents
from newsdedup.read.jsonl import field_map, jsonl_documents


def records(*lines: str) -> io.BytesIO:
    return io.BytesIO("\n".join(lines).encode("utf-8"))


def test_jsonl_records_become_documents_and_bad_lines_become_errors():
    stream = records(
        json.dumps(
            {"id": "a", "text": "Plain body", "title": "T", "url": "http://x/a", "date": "2024-01-02"}
        ),
        json.dumps({"id": 7, "html": "<p>Body</p>"}),
        "not json",
        json.dumps({"text": "no id"}),
        json.dumps({"id": "b"}),
        json.dumps(["a", "list"]),
        "",
    )
    items = list(jsonl_documents(stream, "in.jsonl", field_map(), 1 << 20))
    first, second = items[0], items[1]
    assert (first.id, first.kind, first.title, first.url, first.date, first.raw) == (
        "a",
        TEXT,
        "T",
        "http://x/a",
        "2024-01-02",
        "Plain body",
    )
    assert (second.id, second.kind) == ("7", HTML)
    errors = [(e.source, e.reason) for e in items[2:]]
    assert errors[0][0] == "in.jsonl:3" and "not a JSON object" in errors[0][1]
    assert errors[1] == ("in.jsonl:4", "no 'id' field (string or number)")
    assert errors[2][0] == "b" and "no 'html' or 'text'" in errors[2][1]
    assert errors[3] == ("in.jsonl:6", "not a JSON object")


def test_field_names_are_configurable_and_validated():
    fields = field_map(["text=body", "id=uuid"])
    [doc] = jsonl_documents(records(json.dumps({"uuid": "u1", "body": "Text here"})), "-", fields, 1 << 20)
    assert (doc.id, doc.raw) == ("u1", "Text here")
    with pytest.raises(UsageError, match="NAME=KEY"):
        field_map(["colour=red"])


def make_warc(path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for uri, content_type, body in (
            ("http://news.example/a", "text/html; charset=utf-8", b"<html><body><p>Hello</p></body></html>"),
            ("http://news.example/logo.png", "image/png", b"\x89PNG...."),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers)
            )
        writer.write_record(
            writer.create_warc_record("http://news.example/a", "request", payload=io.BytesIO(b"GET /a"))
        )


def test_warc_html_responses_become_documents_with_their_url(tmp_path):
    path = str(tmp_path / "crawl.warc.gz")
    make_warc(path)
    items = list(path_documents(path, 1 << 20))
    html, image = items
    assert html.kind == HTML and html.url == "http://news.example/a" and "Hello" in html.raw
    assert isinstance(image, NotAnArticle) and "not an HTML response (image/png)" in image.reason
