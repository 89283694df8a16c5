import pytest

from core.clean import clean_document
from core.clean.html import html_to_text
from core.document import HTML, Document
from core.errors import DocumentError
from tests.conftest import article


def news_page(body_html: str) -> str:
    return f"""<!DOCTYPE html><html><head><title>Harbour plan approved | Daily Planet</title>
<meta property="og:title" content="Harbour plan approved"></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article><h1>Harbour plan approved</h1>{body_html}</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Celebrity couple splits</a></li></ul></aside>
<footer><p>© 2025 Daily Planet. All rights reserved.</p></footer></body></html>"""


def test_html_body_is_extracted_and_read_also_inserts_removed():
    paragraphs = article("harbour").split("\n\n")
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:3])
    body += '<p>Baca juga: <a href="/x">Another story entirely</a></p>'
    body += "".join(f"<p>{p}</p>" for p in paragraphs[3:])
    doc = clean_document(Document(id="p.html", raw=news_page(body), kind=HTML))
    assert doc.title == "Harbour plan approved"
    assert "Baca juga" not in doc.text and "All rights reserved" not in doc.text
    for paragraph in paragraphs:
        assert paragraph in doc.text


def test_page_without_article_text_is_a_document_error():
    with pytest.raises(DocumentError, match="no article text"):
        clean_document(
            Document(id="empty.html", raw="<html><body><script>x()</script></body></html>", kind=HTML)
        )


def test_html_to_text_puts_blocks_on_lines_and_skips_scripts():
    text = html_to_text(
        "<html><body><div>One<p>Two <b>bold</b></p></div><script>nope()</script>Tail</body></html>"
    )
    assert [line.strip() for line in text.splitlines() if line.strip()] == ["One", "Two bold", "Tail"]


def test_html_to_text_survives_deep_nesting():
    nested = "<div>" * 200 + "deep text" + "</div>" * 200
    assert "deep text" in html_to_text(f"<html><body>{nested}</body></html>")
    # libxml2 stops building the tree at its depth limit; what matters is that nothing breaks
    too_deep = "<div>" * 10000 + "lost" + "</div>" * 10000
    assert isinstance(html_to_text(f"<html><body>{too_deep}</body></html>"), str)


def test_a_lead_paragraph_outside_the_extracted_block_is_restored():
    paragraphs = article("harbour", 12).split("\n\n")
    lead = "HARBOUR CITY - The council approved the plan on Monday after a long debate about costs and jobs."
    html = news_page(
        f'<div class="lead"><p>{lead}</p></div><div class="body">'
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</div>"
    )
    doc = clean_document(Document(id="p.html", raw=html, kind=HTML))
    assert doc.text.split("\n\n")[0] == lead
