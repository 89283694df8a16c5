import codecs
import gzip
import html
import io
import os
import pickle
from pathlib import Path

import pytest

from newsdedup.document import HTML, TEXT, Document
from newsdedup.errors import (
    DocumentError,
    LinkedDirectory,
    RepeatedFile,
    RepeatedRecord,
    ReusedId,
    SpecialFile,
)
from newsdedup.read import decode as decode_module
from newsdedup.read import each_record_once, read_document
from newsdedup.read.decode import decode, document_from_bytes, looks_like_html, read_capped
from newsdedup.read.files import path_documents, stream_documents
from newsdedup.read.paths import _once, iter_sources, named_files, record_files
from tests.conftest import SAMPLES


def test_directory_is_walked_recursively_in_sorted_order_skipping_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("two")
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / ".hidden.txt").write_text("secret")
    assert list(iter_sources([str(tmp_path)])) == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "2.txt")]


def test_glob_patterns_expand_and_an_empty_match_is_reported(tmp_path):
    (tmp_path / "x1.txt").write_text("x")
    (tmp_path / "x2.txt").write_text("x")
    assert list(iter_sources([str(tmp_path / "x*.txt")])) == [
        str(tmp_path / "x1.txt"),
        str(tmp_path / "x2.txt"),
    ]
    [error] = list(iter_sources([str(tmp_path / "y*.txt")]))
    assert isinstance(error, DocumentError) and "no file matches" in error.reason


def test_dash_reads_a_path_list_from_stdin_lines_or_nul_separated(tmp_path):
    assert list(iter_sources(["-"], stdin=io.BytesIO(b"a.txt\n\nb c.txt\n"))) == ["a.txt", "b c.txt"]
    assert list(iter_sources(["-"], stdin=io.BytesIO(b"a.txt\0b\nc.txt\0"), null_separated=True)) == [
        "a.txt",
        "b\nc.txt",
    ]


NAV_MENU = "".join(f"{item}\n" for item in "Home World Politics Business Tech Science Health Sports".split())


@pytest.mark.parametrize(
    "page,what",
    [
        ("Some headline of the page\n{secret}\nMore text of the page that is not a path.\n", "a text"),
        ("<html><body><p>{secret}</p></body></html>\n{secret}\n", "an HTML page"),
        (NAV_MENU * 3 + "Most Read\n{secret}\n", "a text"),  # short lines, past the first twenty
        ("市长辞职\n{secret}\n预算争议持续了数月。\n", "a text"),  # a script without spaces
        ("# Mayor resigns\n\n- {secret}\n- Budget vote\n", "a text"),
        ("https://example.com/story\n{secret}\nMayor resigns after a long dispute\n", "a text"),
        ("The mayor resigned on Monday.\n{secret}\nThe council meets in June.\n", "a text"),
    ],
)
def test_a_page_piped_as_a_list_of_paths_names_no_file_to_read(tmp_path, page, what):
    # Before: each line of the page was read as a path, the one naming a file on this machine too.
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    listing = io.BytesIO(page.format(secret=secret).encode())
    [refused] = iter_sources(["-"], stdin=listing)
    assert isinstance(refused, DocumentError) and refused.source == "-"
    assert (
        f"standard input holds {what}" in refused.reason
        and "not a list of paths: nothing read" in refused.reason
    )


def test_a_list_of_paths_with_spaces_missing_files_and_patterns_is_a_list(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Berita Hari Ini Di Kota.txt").write_text("Isi")
    (tmp_path / "README").write_text("Isi")
    lines = [
        "Berita Hari Ini Di Kota.txt",
        "README",  # a file without a mark of a path: it is there
        "gone/old story about the flood.txt",  # missing files fail alone when they are read, as ever
        "67890",
        "report.",
        "sub/it'",
        "p/*/old vote in the council.txt",
    ]
    assert list(iter_sources(["-"], stdin=io.BytesIO("\n".join(lines).encode()))) == lines


def test_a_listed_name_is_taken_as_written_not_as_a_pattern(tmp_path, monkeypatch):
    # Before: "a[1].txt" read a1.txt, and "*EXCLUSIVE*.txt", deleted after find listed it, read another file.
    monkeypatch.chdir(tmp_path)
    for name in ("a1.txt", "a[1].txt", "report EXCLUSIVE 2.txt"):
        (tmp_path / name).write_text("Isi")
    listing = io.BytesIO(b"a[1].txt\0*EXCLUSIVE*.txt\0")
    assert list(iter_sources(["-"], stdin=listing, null_separated=True)) == ["a[1].txt", "*EXCLUSIVE*.txt"]
    [missing] = path_documents("gone*.txt", 1000)  # a name that no file has now
    assert isinstance(missing, DocumentError) and missing.reason == "no such file or directory"


def test_a_url_of_a_protocol_without_a_file_system_here_fails_alone(tmp_path):
    # Before: its UsageError stopped the run, and the inputs after it were never read.
    page = tmp_path / "a.txt"
    page.write_text("Isi")
    listing = io.BytesIO(f"nosuchproto://bucket/a.txt\n{page}\n".encode())
    failed, read = iter_sources(["-"], stdin=listing)
    assert isinstance(failed, DocumentError) and failed.source == "nosuchproto://bucket/a.txt"
    assert "nosuchproto" in failed.reason and read == str(page)


def test_a_file_met_again_is_read_once_whatever_names_it(tmp_path):
    # Before: the same file named twice (or by overlapping patterns) was reported as its own copy.
    (tmp_path / "d").mkdir()
    a, b, z = (str(tmp_path / "d" / name) for name in ("a.txt", "b.txt", "z.txt"))
    hard, soft = str(tmp_path / "hard.txt"), str(tmp_path / "soft.txt")
    Path(a).write_text("one")
    Path(b).write_text("two")
    os.link(a, hard)
    os.symlink(a, soft)
    os.symlink(a, z)  # reached by the walk too
    pattern, listed = str(tmp_path / "d" / "*.txt"), io.BytesIO(f"{a}\n".encode())
    items = list(iter_sources([a, str(tmp_path / "d"), pattern, hard, soft, "-"], stdin=listed))
    assert [i for i in items if isinstance(i, str)] == [a, b]
    assert all(isinstance(i, RepeatedFile) for i in items if not isinstance(i, str))
    assert [(i.source, i.reason) for i in items if not isinstance(i, str)] == [
        (name, f"the same file as {original}, read once")
        for name, original in [(a, a), (z, a), (a, a), (b, b), (z, a), (hard, a), (soft, a), (a, a)]
    ]


def test_a_local_file_met_again_through_its_url_is_read_once(tmp_path):
    # Before: file:// URLs were told apart by their text: a link's URL and its target's were read
    # twice, and the file reported as its own copy.
    pytest.importorskip("fsspec")
    page = tmp_path / "a.txt"
    page.write_text("one")
    (tmp_path / "link.txt").symlink_to(page)
    url, link_url = page.as_uri(), (tmp_path / "link.txt").as_uri()
    items = list(iter_sources([url, link_url, str(page), tmp_path.as_uri()]))
    assert items[0] == url and all(isinstance(item, RepeatedFile) for item in items[1:])
    assert [item.source for item in items[1:]] == [link_url, str(page), url, link_url]


def test_a_new_file_given_a_deleted_files_inode_is_read(tmp_path):
    # Before: a file deleted during the run freed its inode, and a new file that the crawler wrote
    # and the file system gave it was passed over as "the same file", never read.
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("one")
    status = os.stat(old)
    old.unlink()
    new.write_text("two")
    key = (status.st_dev, status.st_ino)
    assert list(_once([(str(old), key), (str(new), key)])) == [str(old), str(new)]
    new.write_text("three")  # still there: a link to it, or the same name again, is read once
    key = (os.stat(new).st_dev, os.stat(new).st_ino)
    assert [type(item) for item in _once([(str(new), key), (str(new), key)])] == [str, RepeatedFile]


def test_a_listed_name_with_blanks_at_its_end_names_that_file(tmp_path, monkeypatch):
    # Before: the blanks were stripped, and the file without them was read in its place.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.txt").write_text("A")
    (tmp_path / "x.txt ").write_text("B")
    listed = io.BytesIO(b"x.txt \r\n x.txt\r\ny.txt \n")
    assert list(iter_sources(["-"], stdin=listed)) == ["x.txt ", "x.txt", "y.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_socket_in_a_directory_or_pattern_is_not_opened(tmp_path):
    # Before: a pattern opened a FIFO it matched and the run waited forever; a walk passed over it
    # without a word, and a link to one was "broken".
    import socket

    (tmp_path / "a.txt").write_text("one")
    os.mkfifo(tmp_path / "p.txt")
    os.symlink(tmp_path / "p.txt", tmp_path / "link.txt")
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(tmp_path / "s.txt"))
        for given in (str(tmp_path), str(tmp_path / "*.txt")):
            items = list(iter_sources([given]))
            assert items[0] == str(tmp_path / "a.txt")
            assert [(type(i), i.source, i.reason) for i in items[1:]] == [
                (SpecialFile, str(tmp_path / name), f"{kind}, not a regular file: not read")
                for name, kind in (("link.txt", "a FIFO"), ("p.txt", "a FIFO"), ("s.txt", "a socket"))
            ]


def test_record_files_in_a_directory_or_matching_a_pattern_are_each_read(tmp_path):
    # Before: -i jsonl DIR failed with "is a directory", a pattern with "no such file or directory"
    # (a URL's were expanded, a local one's not).
    (tmp_path / "feeds" / "old").mkdir(parents=True)
    names = [
        tmp_path / "feeds" / "a.jsonl",
        tmp_path / "feeds" / "b.jsonl",
        tmp_path / "feeds" / "old" / "c.jsonl",
    ]
    for name in names:
        name.write_text("{}\n")
    assert list(record_files([str(tmp_path / "feeds")])) == [str(name) for name in names]
    assert list(record_files([str(tmp_path / "feeds" / "*.jsonl"), "-"])) == [str(n) for n in names[:2]] + [
        "-"
    ]
    [nothing] = record_files([str(tmp_path / "*.parquet")])
    assert isinstance(nothing, DocumentError) and nothing.reason == "no file matches this pattern"


def test_record_files_and_whole_documents_named_again_are_read_once(tmp_path):
    records = tmp_path / "r.jsonl"
    records.write_text("{}\n")
    missing = str(tmp_path / "gone.jsonl")
    for expand in (record_files, named_files):
        first, again, gone, gone_again, stdin = expand([str(records), str(records), missing, missing, "-"])
        assert (first, gone, gone_again, stdin) == (
            str(records),
            missing,
            missing,
            "-",
        )  # the reader reports the missing
        assert isinstance(again, RepeatedFile) and again.source == str(records)


def test_a_record_read_again_is_passed_on_once_and_a_reused_id_is_told():
    # Before: a repeated record was clustered as its own duplicate, and nothing said two documents
    # of the output had one id.
    def record(doc_id, text, path="feed.jsonl"):
        return Document(id=doc_id, path=path, raw=text)

    docs = [
        record("a", "first"),
        record("b", "second"),
        record("a", "first", path="copy.jsonl"),  # the same record, in a copy of the feed
        record("a", "first, updated"),  # the page fetched again
        record("c", "third", path=None),  # records piped in have no path
        record("c", "third", path=None),
        Document(id="d", title="cleaned already", text="fourth"),  # no raw text: its text is compared
        Document(id="d", title="cleaned already", text="fourth"),
        Document(id="page.txt", path="page.txt", raw="one"),  # a whole file: read once already
        Document(id="page.txt", path="page.txt", raw="one"),
    ]
    notices = []
    kept = list(each_record_once(docs, notices.append))
    assert [(d.id, d.raw or d.text) for d in kept] == [
        ("a", "first"),
        ("b", "second"),
        ("a", "first, updated"),
        ("c", "third"),
        ("d", "fourth"),
        ("page.txt", "one"),
        ("page.txt", "one"),
    ]
    assert [(type(n), n.source, n.reason) for n in notices] == [
        (RepeatedRecord, "copy.jsonl#a", "read before in this run, with the same text: read once"),
        (ReusedId, "feed.jsonl#a", "id read before in this run, with other text: both kept"),
        (RepeatedRecord, "c", "read before in this run, with the same text: read once"),
        (RepeatedRecord, "d", "read before in this run, with the same text: read once"),
    ]


def test_missing_file_is_a_document_error_naming_it(tmp_path):
    with pytest.raises(DocumentError) as caught:
        read_document(str(tmp_path / "gone.txt"))
    assert caught.value.source.endswith("gone.txt") and "no such file" in caught.value.reason


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty"),
        (b"  \n\t\n", "whitespace"),
        (b"%PDF-1.7 stuff", "PDF"),
        (b"\x89PNG\r\n\x1a\n....", "PNG"),
        (b"PK\x03\x04 zipped", "zip"),
        (b"text\0with\0nul", "NUL"),
    ],
)
def test_unusable_bytes_are_rejected_with_a_reason(data, reason):
    with pytest.raises(DocumentError) as caught:
        document_from_bytes("doc", data)
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    "data,reason",
    [
        (b'{"id": "a", "text": "Berita"}\n{"id": "b", "text": "Lain"}\n', "JSON Lines records, not a page"),
        (b'  {"id": "a",\n  "text": "Berita"}', "a JSON file, not a page$"),
        (b'[\n  {"id": "a"}\n]', "a JSON file, not a page$"),
        (b'{"id": "a", "text": "Berita"}', "a JSON file, not a page$"),
    ],
)
def test_json_read_as_a_page_is_refused_naming_what_it_is(data, reason):
    # Before: a feed among a crawl's pages was one document of raw JSON, its cluster's canonical text.
    with pytest.raises(DocumentError, match=reason) as caught:
        document_from_bytes("feed.jsonl", data)
    # as a worker process sends it (before: "a JSON file, not a page, not a page" from Dask's workers)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (type(copy), str(copy), copy.reason) == (
        type(caught.value),
        str(caught.value),
        caught.value.reason,
    )


@pytest.mark.parametrize(
    "text",
    [
        "[Gambas:Video 20detik]\nBerita hari ini.",
        "{Update} Berita.",
        "[1, 2] is a list",
        '{"url": "https://x.example/a", "fetched": "2024-10-30"}\n<!DOCTYPE html><html><body><p>Isi.</p></body></html>',
        '{"@context": "https://schema.org"}\nJudul berita\n\nIsi berita hari ini.',
    ],
)
def test_a_page_that_starts_with_a_bracket_is_a_page(text):
    assert document_from_bytes("a.txt", text.encode()).raw == text


def test_gzip_is_read_transparently_and_capped():
    doc = document_from_bytes("a.txt.gz", gzip.compress(b"Berita hari ini."))
    assert doc.raw == "Berita hari ini." and doc.kind == TEXT
    with pytest.raises(DocumentError, match="decompresses to more than"):
        document_from_bytes("bomb.gz", gzip.compress(b"a" * 5000), max_bytes=1000)
    with pytest.raises(DocumentError, match="truncated gzip"):
        document_from_bytes("cut.gz", gzip.compress(b"hello world" * 100)[:30])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_html_in_utf16_or_utf32_is_read_as_html(encoding):
    # Before: its tags were looked for in the bytes, NULs between their letters: cleaned as plain text,
    # the title "<!DOCTYPE html>", no address or date, tags in the text.
    page = "<!DOCTYPE html><html><head><title>Berita</title></head><body><p>Isi berita hari ini.</p></body></html>"
    data = page.encode(encoding) if encoding != "utf-16-be" else codecs.BOM_UTF16_BE + page.encode(encoding)
    doc = document_from_bytes("page.html", data)
    assert (doc.kind, doc.raw) == (HTML, page)


def test_size_cap_applies_before_decoding():
    with pytest.raises(DocumentError, match="larger than"):
        document_from_bytes("big.txt", b"x" * 2000, max_bytes=1000)


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 2500])
def test_a_file_is_read_up_to_one_byte_past_the_cap_in_blocks(tmp_path, monkeypatch, size):
    monkeypatch.setattr(decode_module, "READ_BLOCK", 7)  # many blocks, and a head read before them
    data = b"Berita hari ini. " * 200
    path = tmp_path / "page.txt"
    path.write_bytes(data[:size])
    with open(path, "rb") as handle:
        assert read_capped(handle, 1000) == data[: min(size, 1001)]
    (result,) = stream_documents(io.BufferedReader(io.FileIO(path)), "page.txt", 1000)
    if size > 1000:
        assert isinstance(result, DocumentError) and "larger than" in result.reason
    elif size:
        assert result.raw == data[:size].decode()
    else:
        assert isinstance(result, DocumentError) and result.reason == "empty file"


def test_decoding_utf8_bom_declared_and_detected_charsets():
    assert decode("d", "\ufeffHalo dunia".encode("utf-8")) == "Halo dunia"
    latin = (
        '<html><head><meta charset="windows-1252"></head><body>caf\xe9 \x93quoted\x94</body></html>'.encode(
            "latin-1"
        )
    )
    assert "café “quoted”" in decode("d", latin)
    undeclared = ("Le café était très animé ce matin à Paris, près de la gare. " * 5).encode("cp1252")
    assert "café était très" in decode("d", undeclared)


UTF8_ARTICLE = "Kepala pertahanan AS dan Korea Selatan — “Korut” harus menarik pasukannya, kata Menhan. " * 4


def test_utf8_cut_inside_a_character_or_with_a_stray_byte_stays_utf8():
    data = UTF8_ARTICLE.encode()
    cut = data + "lanjutan “".encode()[:-1]  # a page truncated inside its last character
    assert decode("d", cut) == UTF8_ARTICLE + "lanjutan \ufffd"
    stray = data[:10] + b"\xff" + data[10:]
    assert decode("d", stray) == UTF8_ARTICLE[:10] + "\ufffd" + UTF8_ARTICLE[10:]


def test_utf8_page_with_a_latin1_footer_stays_utf8():
    # Before: 3 valid sequences beside 4 bad bytes sent the whole page to the detector (a code page).
    body = "Die Regierung will es ermöglichen, sagte die Ministerin am Mittwoch. “Ja,” sagte sie. "
    data = body.encode() + "Copyright © 2024 Société Éditrice.".encode("latin-1")
    assert decode("d", data) == body + "Copyright \ufffd 2024 Soci\ufffdt\ufffd \ufffdditrice."
    # Legacy text stays legacy: a capital before "і" forms a valid sequence now and then in Ukrainian
    ukrainian = "Він сказав, що Київ отримає більше коштів на оборону і освіту. " * 4
    assert decode("d", ukrainian.encode("cp1251")) == ukrainian


def test_legacy_text_is_not_taken_for_damaged_utf8():
    # accented letters of a code page stand alone: no valid UTF-8 sequence, so detection decides
    assert decode("d", b"The end of the caf\xe9") == "The end of the café"
    french = ("Le café était très animé, près de la gare. " * 5).encode("cp1252")
    assert "café était très" in decode("d", french)
    # a genuine U+FFFD in the page is not counted as a bad byte
    replacement_in_text = ("Tanda \ufffd di sini. " + UTF8_ARTICLE).encode() + b"caf\xe9"
    assert decode("d", replacement_in_text).startswith("Tanda \ufffd di sini.")


def test_text_nearly_all_ascii_with_a_few_accented_letters_is_windows_1252():
    # Before: charset_normalizer's language coherence, decided by two letters, chose a Baltic DOS code
    # page ("Josķ dari Per·") over windows-1252, which fits as well.
    sample = next(SAMPLES.glob("000_*.txt")).read_text(encoding="utf-8")
    text = sample.replace("Pentagon,", "Pentagon bersama José dari Perú,", 1)
    text = text.replace("“", '"').replace("”", '"').replace("–", "-").replace("…", "...")
    assert decode("d", text.encode("latin-1")) == text
    # The same as a page that declares UTF-8 wrongly: a DOS code page with a little more mess was taken.
    lines = [line for line in sample.splitlines() if line.strip()]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
    page = f'<html><head><meta charset="utf-8"><title>{lines[0]}</title></head><body><article>{body}</article></body></html>'
    assert decode("d", page.encode("cp1252")) == page
    # Where the letters are many, coherence still decides: Cyrillic stays windows-1251.
    russian = "Министр иностранных дел России встретился с коллегой в Москве. " * 5
    assert decode("d", russian.encode("cp1251")) == russian


def test_a_utf16_declaration_in_a_page_read_as_bytes_is_ignored_as_browsers_do():
    page = '<html><head><meta charset="utf-16"></head><body><p>Caf\xe9 au lait, s\xe9ance.</p></body></html>'
    data = page.encode("cp1252")
    assert "Café au lait, séance." in decode("d", data + b" " * (len(data) % 2))


def test_kind_is_sniffed_from_content_not_extension():
    assert looks_like_html(b"<!DOCTYPE html><html><body><p>x</p></body></html>")
    assert looks_like_html(b"<div><p>one</p><p>two</p></div>")
    assert not looks_like_html(b"Plain text that mentions a <b> tag once.")
    doc = document_from_bytes("page.txt", b"<html><body><p>Hi</p></body></html>")
    assert doc.kind == HTML


def test_an_unreadable_directory_is_reported_and_the_walk_goes_on(tmp_path, monkeypatch):
    # chmod 000 does not stop root (CI runs as root), so the refusal is simulated at the OS call
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / "locked").mkdir()
    (tmp_path / "z.txt").write_text("two")
    real_scandir = os.scandir

    def refusing(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    items = list(iter_sources([str(tmp_path)]))
    assert items[0] == str(tmp_path / "a.txt") and items[2] == str(tmp_path / "z.txt")
    assert isinstance(items[1], DocumentError) and items[1].reason == "permission denied"


def test_a_typed_date_column_of_a_parquet_file_is_read_as_its_iso_form(tmp_path):
    pyarrow = pytest.importorskip("pyarrow")
    import datetime

    from pyarrow import parquet

    from newsdedup.read.jsonl import field_map
    from newsdedup.read.parquet import parquet_file_documents

    path = tmp_path / "rows.parquet"
    day = datetime.datetime(2024, 11, 18, 7, 30)
    parquet.write_table(pyarrow.table({"id": ["a"], "text": ["Pasukan tiba di Rusia."], "date": [day]}), path)
    [doc] = parquet_file_documents(str(path), None, field_map(), 1 << 20)
    assert doc.date == "2024-11-18T07:30:00"


@pytest.mark.parametrize("encoding", ["shift_jis", "euc_jp", "cp874"])
def test_japanese_and_thai_code_pages_are_not_taken_for_damaged_utf8(encoding):
    # Before: their byte pairs form valid UTF-8 sequences by chance (one per 2.4 to 7 bad bytes), so the
    # text was read as UTF-8, all U+FFFD, declared charset or not: "no article text found".
    text = {
        "shift_jis": "政府は水曜日、中小企業向けの減税と教育への支出を拡大する新たな経済対策を閣議決定した。"
        * 4,
        "euc_jp": "政府は水曜日、中小企業向けの減税と教育への支出を拡大する新たな経済対策を閣議決定した。"
        * 4,
        "cp874": "นายกรัฐมนตรีแถลงเมื่อวันพุธว่า รัฐบาลจะลดภาษีให้กับธุรกิจขนาดเล็กและเพิ่มงบประมาณการศึกษา " * 4,
    }[encoding]
    assert decode("d", text.encode(encoding)) == text
    page = f'<html><head><meta charset="{encoding}"><title>t</title></head><body><p>{text}</p></body></html>'
    assert decode("d", page.encode(encoding)) == page


def test_a_recursive_pattern_goes_down_no_symlinked_directory(tmp_path):
    # Before: glob followed "x -> ." and "y -> ." round and round, the number of paths doubling at each
    # level: the run never ended. A walk already left such links alone.
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("Isi")
    (tmp_path / "d" / "sub").mkdir()
    (tmp_path / "d" / "sub" / "b.txt").write_text("Isi")
    (tmp_path / "d" / ".hidden").mkdir()
    (tmp_path / "d" / ".hidden" / "c.txt").write_text("Isi")
    for link in ("x", "y"):
        os.symlink(".", tmp_path / "d" / link)
    found = [str(tmp_path / "d" / "a.txt"), str(tmp_path / "d" / "sub" / "b.txt")]
    assert list(iter_sources([str(tmp_path / "**" / "*.txt")])) == found
    *files, x, y = iter_sources([str(tmp_path / "d" / "**")])  # a walk of d, which tells the links
    assert files == found
    assert all(isinstance(link, LinkedDirectory) for link in (x, y))
    assert [x.source, y.source] == [str(tmp_path / "d" / "x"), str(tmp_path / "d" / "y")]


def test_a_path_list_saved_with_a_byte_order_mark_names_its_first_file(tmp_path):
    # Before: the first name began with U+FEFF, and that file was "not found"
    listing = io.BytesIO(codecs.BOM_UTF8 + b"a.txt\nb.txt\n")
    assert list(iter_sources(["-"], stdin=listing)) == ["a.txt", "b.txt"]


def test_a_recursive_pattern_anywhere_in_the_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("x/a.txt", "d/x/b.txt", "d/e/x/f/c.txt", "d/e/y.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("Isi")
    assert list(iter_sources(["**/x/**/*.txt"])) == ["d/e/x/f/c.txt", "d/x/b.txt", "x/a.txt"]
    assert list(iter_sources(["d/**/y.txt", "**/a.txt"])) == ["d/e/y.txt", "x/a.txt"]
    assert list(iter_sources([str(tmp_path / "d" / "*" / "**" / "*.txt")])) == [
        str(tmp_path / "d/e/x/f/c.txt"),
        str(tmp_path / "d/e/y.txt"),
        str(tmp_path / "d/x/b.txt"),
    ]


def test_damaged_utf8_stays_utf8_beside_a_single_byte_declaration_or_a_latin1_snippet():
    # A single-byte charset fits any bytes: declared on a UTF-8 page cut inside its last character, it
    # made the whole page mojibake ("ZÃ¼rich"), as Latin-1 bytes pasted into UTF-8 text did once over
    # two per valid sequence.
    page = '<html><head><meta charset="iso-8859-15"></head><body><p>Zürich — naïve résumé.</p></body></html>'
    assert decode("d", page.encode() + "—".encode()[:2]) == page + "\ufffd"
    text = "The mayor’s office said it’s closed. “Yes,” she said. "
    snippet = "Café crème brûlée à la carte, déjà vu, señor."
    decoded = decode("d", text.encode() + snippet.encode("latin-1"))
    assert decoded.startswith(text) and decoded.endswith("se\ufffdor.")
