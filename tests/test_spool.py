from dataclasses import replace

import numpy as np

import newsdedup.spool as spool_module
from newsdedup.document import Document
from newsdedup.fingerprint import fingerprints
from newsdedup.pipeline import dedup_documents
from newsdedup.spool import WRITE_BLOCK, Spool, SpooledFingerprints, SpooledText, TextSpool
from tests.conftest import article


def test_spooled_texts_read_back_exactly():
    spool = TextSpool()
    texts = ["Jakarta, Senin (15/2) – “Baca” é 東京 🚀", "", "second\n\nparagraph"]
    handles = [spool.store(text) for text in texts]
    assert [h.read() for h in handles] == texts
    assert [h.read() for h in reversed(handles)] == texts[::-1]


def test_strings_read_back_before_and_after_their_block_is_written():
    spool = Spool()
    pieces = [bytes([n % 251]) * (n * 104729 % (WRITE_BLOCK // 2) + 1) for n in range(12)]
    offsets = []
    for piece in pieces:
        offsets.append(spool.append(piece))
        assert [
            spool.read(o, len(p)) for o, p in zip(offsets, pieces[: len(offsets)], strict=True)
        ] == pieces[: len(offsets)]
    assert spool._written > 0 and spool._pending  # some strings were written, the last ones wait
    assert offsets == [sum(map(len, pieces[:n])) for n in range(len(pieces))]
    # a span that starts in the file and ends in the block still pending reads as one
    everything = b"".join(pieces)
    for start, end in ((0, len(everything)), (spool._written - 5, spool._written + 7), (3, spool._written)):
        assert spool.read(start, end - start) == everything[start:end]


def test_shingle_sets_of_a_run_of_documents_are_read_at_once_and_equal_one_by_one(monkeypatch):
    monkeypatch.setattr(spool_module, "WRITE_BLOCK", 1 << 14)
    texts = [article(f"topic{i}", 2 + i % 5) for i in range(300)] + [""]
    prints = fingerprints(texts, 3, 128)
    spooled = SpooledFingerprints(128)
    for print_ in prints:
        spooled.append(print_)
    assert spooled._spool._written > 0 and spooled._spool._pending  # runs over both
    runs = [range(0, 301), range(17, 40), range(300, 301), range(5, 5)]
    for run in runs:
        assert [s.tolist() for s in spooled.shingle_sets(run)] == [prints[i].shingles.tolist() for i in run]
    # a document given another fingerprint lies far from its neighbours (its run is read one by one)
    spooled.replace(20, prints[3])
    assert [s.tolist() for s in spooled.shingle_sets(range(18, 23))] == [
        prints[i].shingles.tolist() for i in (18, 19, 3, 21, 22)
    ]


def test_a_document_reads_its_spooled_text_as_a_string():
    doc = Document(id="a", text="Harbour plan approved.")
    doc.text = TextSpool().store(doc.text)
    assert isinstance(doc.__dict__["_text"], SpooledText)
    assert doc.text == "Harbour plan approved."
    assert replace(doc, title="t").text == "Harbour plan approved."


def test_clustered_documents_keep_their_texts():
    texts = [article("harbour"), article("harbour") + " One more line.", article("ferry")]
    clusters = dedup_documents([Document(id=f"d{i}", text=t) for i, t in enumerate(texts)])
    assert sorted(m.document.text for c in clusters for m in c.members) == sorted(texts)
    assert all(isinstance(m.document.__dict__["_text"], SpooledText) for c in clusters for m in c.members)


def test_spooled_fingerprints_give_back_shingles_and_signature_rows():
    prints = fingerprints([article("harbour"), "", article("ferry")], 3, 128)
    spooled = SpooledFingerprints(128)
    for print_ in prints:
        spooled.append(print_)
    assert len(spooled) == 3
    for i, print_ in enumerate(prints):
        assert np.array_equal(spooled[i].shingles, print_.shingles)
        assert np.array_equal(spooled[i].signature, print_.signature)
        assert spooled[i].unit == print_.unit
    assert [len(p.shingles) for p in spooled] == [len(p.shingles) for p in prints]


def test_spooled_signatures_grow_past_their_first_allocation():
    prints = fingerprints([article("harbour"), article("ferry")], 3, 128)
    spooled = SpooledFingerprints(128)
    for i in range(2500):
        spooled.append(prints[i % 2])
    assert spooled.signatures.shape == (2500, 128)
    assert np.array_equal(spooled.signatures[2499], prints[1].signature)
    assert np.array_equal(spooled[2498].shingles, prints[0].shingles)


def test_a_fingerprint_read_back_does_not_hold_the_signature_matrix():
    # A read-back fingerprint is kept in a cache; a view of its signature row kept every matrix the
    # batch had outgrown alive (204 against 76 MB traced on 100,000 documents).
    prints = fingerprints([article("harbour")], 3, 128)
    spooled = SpooledFingerprints(128)
    spooled.append(prints[0])
    first = spooled[0]
    for _ in range(2000):
        spooled.append(prints[0])
    assert first.signature.base is None and np.array_equal(first.signature, spooled.signatures[0])
