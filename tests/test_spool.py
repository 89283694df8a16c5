from dataclasses import replace

from core.document import Document
from core.pipeline import dedup_documents
from core.spool import SpooledText, TextSpool
from tests.conftest import article


def test_spooled_texts_read_back_exactly():
    spool = TextSpool()
    texts = ["Jakarta, Senin (15/2) – “Baca” é 東京 🚀", "", "second\n\nparagraph"]
    handles = [spool.store(text) for text in texts]
    assert [h.read() for h in handles] == texts
    assert [h.read() for h in reversed(handles)] == texts[::-1]


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
