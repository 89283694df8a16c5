import gzip
import io
import json

import pytest

from newsdedup.document import HTML, TEXT
from newsdedup.errors import NotAnArticle, UsageError
from newsdedup.read.files import path_documents
from newsdedup.read.jsonl import field_map, jsonl_documents
from tests.conftest import warc_of_pages


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
    assert errors[1] == ("in.jsonl:4", "no 'id' field (a string or a whole number)")
    # named by its file too, as every record that fails later is (it was its id alone)
    assert errors[2] == ("in.jsonl#b", "in.jsonl:5: no 'html' or 'text' text")
    assert errors[3] == ("in.jsonl:6", "not a JSON object")


class LargestPieceRead(io.BytesIO):
    """A stream that remembers the longest piece it gave at once."""

    largest = 0

    def readline(self, size=-1):
        return self._seen(super().readline(size))

    def __next__(self):
        return self._seen(super().__next__())

    def _seen(self, piece):
        self.largest = max(self.largest, len(piece))
        return piece


def test_a_record_over_the_size_limit_is_never_held_whole():
    # Before: the whole line was read (3 GB for a 6.5 MB gzipped one-line feed) before its size was
    # checked, and a MemoryError ended the run, losing every record.
    huge = b'{"id": "big", "text": "' + b"a" * (5 << 20) + b'"}\n'
    stream = LargestPieceRead(huge + json.dumps({"id": "ok", "text": "Body"}).encode() + b"\n")
    error, doc = jsonl_documents(stream, "feed.jsonl", field_map(), 1000)
    assert (error.source, error.reason) == ("feed.jsonl:1", "record larger than the 1 kB limit")
    assert doc.id == "ok"
    assert stream.largest <= 1 << 20


def test_field_names_are_configurable_and_validated():
    fields = field_map(["text=body", "id=uuid"])
    [doc] = jsonl_documents(records(json.dumps({"uuid": "u1", "body": "Text here"})), "-", fields, 1 << 20)
    assert (doc.id, doc.raw) == ("u1", "Text here")
    with pytest.raises(UsageError, match="NAME=KEY"):
        field_map(["colour=red"])


def make_warc(path, responses=None):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    responses = responses or (
        ("http://news.example/a", "text/html; charset=utf-8", b"<html><body><p>Hello</p></body></html>"),
        ("http://news.example/logo.png", "image/png", b"\x89PNG...."),
    )
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for uri, content_type, body, *status in responses:
            status_line = status[0] if status else "200 OK"
            headers = StatusAndHeaders(status_line, [("Content-Type", content_type)], protocol="HTTP/1.1")
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


def test_warc_redirects_and_missing_pages_are_passed_over_and_failures_name_the_archive(tmp_path):
    from newsdedup.clean import clean_document
    from newsdedup.errors import DocumentError

    path = str(tmp_path / "crawl.warc.gz")
    page = b"<html><body><h1>Moved</h1></body></html>"
    make_warc(
        path,
        (
            ("http://news.example/old", "text/html", page, "301 Moved Permanently"),
            ("http://news.example/gone", "text/html", page, "404 Not Found"),
            ("http://news.example/empty", "text/html", b"<html><body><nav>Home</nav></body></html>"),
        ),
    )
    moved, gone, empty = path_documents(path, 1 << 20)
    assert isinstance(moved, NotAnArticle) and "an HTTP 301 response" in moved.reason
    assert isinstance(gone, NotAnArticle) and "an HTTP 404 response" in gone.reason
    assert moved.source.startswith(f"{path}#<urn:uuid:")
    with pytest.raises(DocumentError) as failure:  # a record is named by its archive too when it fails later
        clean_document(empty)
    assert failure.value.source == f"{path}#{empty.id}" and empty.id.startswith("<urn:uuid:")


def test_a_warc_responses_http_charset_decodes_its_page(tmp_path):
    # Before: the charset of the HTTP header was not read; an ISO-8859-2 page that declared it nowhere
    # else came out garbled ("Rz\u1e1fd"), and apart from its UTF-8 copy.
    text = "Rząd przyjął projekt ustawy o cyberbezpieczeństwie, poinformował rzecznik rządu we wtorek."
    page = f"<html><body><p>{text}</p></body></html>"
    path = str(tmp_path / "crawl.warc.gz")
    make_warc(
        path,
        (
            ("http://pl.example/a", "text/html; charset=ISO-8859-2", page.encode("iso-8859-2")),
            ("http://pl.example/b", 'text/html; charset="no-such-charset"', page.encode()),
        ),
    )
    declared, unknown = list(path_documents(path, 1 << 20))[:2]
    assert text in declared.raw and text in unknown.raw


def test_a_servers_latin1_default_gives_way_to_the_pages_declaration_and_json_is_no_page(tmp_path):
    # Latin-1 decodes any bytes: a windows-1251 page sent as ISO-8859-1 came out garbled. An API's JSON
    # answer labelled text/html is passed over, not failed.
    page = '<html><head><meta charset="windows-1251"><title>Метро</title></head><body><p>Метро открыто.</p></body></html>'
    path = str(tmp_path / "crawl.warc.gz")
    make_warc(
        path,
        (
            ("http://ru.example/a", "text/html; charset=ISO-8859-1", page.encode("windows-1251")),
            ("http://api.example/v1", "text/html", b'{"items": [1, 2]}'),
        ),
    )
    russian, api = list(path_documents(path, 1 << 20))[:2]
    assert "Метро открыто." in russian.raw
    assert isinstance(api, NotAnArticle) and api.reason == "a JSON file, not a page"


def test_a_warc_resource_record_and_a_response_that_names_no_type_are_pages_when_they_hold_html(tmp_path):
    # Before: a resource record was passed over uncounted, and an HTML response without a Content-Type
    # was skipped as "not an HTML response".
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = b"<html><body><article><p>Berita hari ini tentang banjir di kota.</p></article></body></html>"
    path = tmp_path / "crawl.warc"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        writer.write_record(
            writer.create_warc_record(
                "http://news.example/r", "resource", payload=io.BytesIO(page), warc_content_type="text/html"
            )
        )
        for uri, body in (("http://news.example/n", page), ("http://news.example/s", b"body { margin: 0 }")):
            headers = StatusAndHeaders("200 OK", [], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers)
            )
    resource, untyped, style = path_documents(str(path), 1 << 20)
    assert (resource.kind, resource.url) == (HTML, "http://news.example/r") and "banjir" in resource.raw
    assert (untyped.kind, untyped.url) == (HTML, "http://news.example/n")
    assert isinstance(style, NotAnArticle) and "no content type" in style.reason


def test_documents_from_standard_input_have_no_path():
    from newsdedup.read.files import stream_documents

    [doc] = stream_documents(io.BytesIO(b"A page piped in."), "-", 1 << 20)
    assert (doc.id, doc.path, doc.source) == ("-", None, "-")
    [record] = jsonl_documents(records(json.dumps({"id": "r1", "text": "Body"})), "-", field_map(), 1 << 20)
    assert (record.path, record.source) == (None, "r1")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_a_jsonl_file_saved_with_a_byte_order_mark_is_read_whole(tmp_path, encoding):
    from newsdedup.read.jsonl import jsonl_file_documents

    text = "Kepala pertahanan AS dan Korea Selatan — “Korut” harus menarik pasukannya."
    lines = "".join(json.dumps({"id": f"r{i}", "text": text}, ensure_ascii=False) + "\n" for i in range(3))
    path = tmp_path / "records.jsonl"
    path.write_bytes(lines.encode(encoding))
    docs = list(jsonl_file_documents(str(path), None, field_map(), 1 << 20))
    assert [(d.id, d.raw) for d in docs] == [(f"r{i}", text) for i in range(3)]


def test_warc_records_without_an_id_are_named_by_their_place(tmp_path):
    # Before: all were "?", one id for every such record of the archive.
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        for page in ("a", "b"):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = io.BytesIO(f"<html><body><p>Page {page}</p></body></html>".encode())
            record = writer.create_warc_record(
                f"http://x.example/{page}", "response", payload=body, http_headers=headers
            )
            record.rec_headers.remove_header("WARC-Record-ID")
            writer.write_record(record)
    assert [doc.id for doc in path_documents(str(path), 1 << 20)] == ["?1", "?2"]


def _read_back(path) -> tuple[list[str], list[str]]:
    from newsdedup.errors import DocumentError

    items = list(path_documents(str(path), 1 << 20))
    docs = [item.url for item in items if not isinstance(item, DocumentError)]
    return docs, [f"{item.source}: {item.reason}" for item in items if isinstance(item, DocumentError)]


def test_a_warc_cut_inside_a_record_says_so_and_keeps_the_records_before(tmp_path):
    # Before: a record cut inside its body came out as a whole page with its end missing, and a cut
    # inside a record's header stopped the run with a traceback (warcio's AttributeError), losing all.
    archive = warc_of_pages(3)
    third = archive.index(b"WARC/1.", archive.index(b"WARC/1.", 1) + 1)
    (tmp_path / "body.warc").write_bytes(archive[:-60])
    (tmp_path / "header.warc").write_bytes(archive[: third + 40])
    docs, errors = _read_back(tmp_path / "body.warc")
    assert docs == ["http://x.example/0", "http://x.example/1"]
    assert len(errors) == 1 and "WARC record cut short: the archive ends 56 bytes before" in errors[0]
    assert errors[0].startswith(f"{tmp_path / 'body.warc'}#<urn:uuid:")
    docs, errors = _read_back(tmp_path / "header.warc")
    assert docs == ["http://x.example/0", "http://x.example/1"]
    assert errors == [
        f"{tmp_path / 'header.warc'}: unreadable WARC data after 2 records (damaged record header: "
        "AttributeError: 'NoneType' object has no attribute 'startswith')"
    ]


def test_a_whole_file_gzipped_warc_cut_in_its_first_record_is_an_error_not_an_empty_archive(tmp_path):
    # Before: warcio took the gzip stream's early end for the archive's end: no documents, no error.
    packed = gzip.compress(warc_of_pages(3))
    (tmp_path / "crawl.warc.gz").write_bytes(packed[: len(packed) // 4])
    docs, errors = _read_back(tmp_path / "crawl.warc.gz")
    assert docs == [] and errors == [
        f"{tmp_path / 'crawl.warc.gz'}: unreadable WARC data after 0 records "
        "(Compressed file ended before the end-of-stream marker was reached)"
    ]
    (tmp_path / "whole.warc.gz").write_bytes(packed)
    assert _read_back(tmp_path / "whole.warc.gz") == ([f"http://x.example/{i}" for i in range(3)], [])


def test_a_warc_record_without_a_content_length_is_a_header_cut_short(tmp_path):
    # A review: the check for records cut short read warcio's reader of such a record as if it had a
    # length, and the AttributeError stopped the run, losing the pages before it. WARC requires the
    # length: an archive cut inside a header before it read as whole, with that record and any after
    # it lost, exit 0.
    tail = b"WARC/1.0\r\nWARC-Type: metadata\r\nWARC-Record-ID: <urn:uuid:1>\r\nContent-Type: text/plain\r\n\r\nhello\r\n\r\n"
    (tmp_path / "nolength.warc").write_bytes(warc_of_pages(2) + tail)
    docs, errors = _read_back(tmp_path / "nolength.warc")
    assert docs == ["http://x.example/0", "http://x.example/1"]
    assert errors == [
        f"{tmp_path / 'nolength.warc'}#<urn:uuid:1>: WARC record cut short: the archive ends inside its "
        "header, before its Content-Length"
    ]
    # Cut between two header lines, warcio took the archive to end there: no record, no error, exit 0.
    archive = warc_of_pages(3)
    second = archive.index(b"WARC/1.", 1)
    for at, kept in (
        (10, []),  # inside the first record's header
        (archive.index(b"\r\nContent-Length") + 2, []),
        (archive.index(b"\r\nContent-Length", second) + 2, ["http://x.example/0"]),
        (archive.index(b"\r\n\r\n", second) + 2, ["http://x.example/0"]),
    ):
        (tmp_path / "cut.warc").write_bytes(archive[:at])
        docs, errors = _read_back(tmp_path / "cut.warc")
        assert docs == kept, at
        assert (
            len(errors) == 1 and "WARC record cut short: the archive ends inside its header" in errors[0]
        ), at


def test_a_warc_gzipped_per_record_cut_in_its_last_record_keeps_every_whole_record(tmp_path):
    # Before: the records decompressed with the cut one in warcio's read-ahead were lost with it
    # ("after 3 records" of 6 whole ones in a crawl cut inside its seventh).
    archive = warc_of_pages(6, gzip=True)
    (tmp_path / "crawl.warc.gz").write_bytes(archive[:-200])
    docs, errors = _read_back(tmp_path / "crawl.warc.gz")
    assert docs == [f"http://x.example/{i}" for i in range(5)]
    assert errors == [
        f"{tmp_path / 'crawl.warc.gz'}: unreadable WARC data after 5 records "
        "(Compressed file ended before the end-of-stream marker was reached)"
    ]


def test_an_id_of_another_type_is_named_as_such():
    # Before: {"id": 1.5} was "no 'id' field (string or number)", though it has one, and a number
    stream = io.BytesIO(b'{"id": 1.5, "text": "Body"}\n{"id": null, "text": "Body"}\n')
    errors = [e.reason for e in jsonl_documents(stream, "in.jsonl", field_map(), 1 << 20)]
    assert errors == [
        "a float as its 'id' field (a string or a whole number)",
        "no 'id' field (a string or a whole number)",
    ]
