import pytest

from newsdedup.clean import clean_document
from newsdedup.clean.html import html_to_text, parse_html
from newsdedup.clean.metadata import PageMetadata, page_metadata
from newsdedup.document import HTML, Document
from newsdedup.errors import DocumentError
from tests.conftest import article, photo_captions


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


def test_a_gallery_page_keeps_its_captions_not_the_teaser_text_trafilatura_picked():
    gallery = photo_captions(5)
    # A teaser whose caption was cut short: the only <p> of running text on the page.
    teaser = (
        "The mayor of the town opens the new ferry terminal together with the ministers of transport and "
        "of the sea and a crowd of children from the harbour school, on Monday morning. (Daily Planet/Jo"
    )
    figures = "".join(
        f'<figure><img src="/{i}.jpg"><figcaption>{c}</figcaption></figure>' for i, c in enumerate(gallery)
    )
    most_read = "".join(
        f'<li><a href="/o{i}">Other headline number {i} of the day</a></li>' for i in range(6)
    )
    page = f"""<html><head><title>Harbour festival in pictures | Daily Planet</title></head><body>
<div class="gallery"><h1>Harbour festival in pictures</h1><div class="byline">By Jane Doe</div>{figures}</div>
<aside><h3>Most read</h3><ul>{most_read}</ul><div class="teaser"><h4><a href="/f">Ferry terminal opens</a></h4>
<p>{teaser}</p></div></aside><footer><a href="/c">Contact</a> <a href="/s">Sitemap</a></footer></body></html>"""
    doc = clean_document(Document(id="gallery.html", raw=page, kind=HTML))
    assert doc.text.split("\n\n") == gallery


def test_page_metadata_reads_title_date_address_and_site_from_the_head():
    page = """<html><head><title>Harbour plan approved | Daily Planet</title>
<meta property="og:title" content="  Harbour plan
 approved ">
<meta property="og:site_name" content="@DailyPlanet">
<meta property="article:published_time" content="2025-03-14T08:30:00+07:00">
<link rel="canonical" href="https://www.dailyplanet.example/news/harbour-plan"></head>
<body><p>Text.</p></body></html>"""
    found = page_metadata(parse_html(page))
    assert found == PageMetadata(
        title="Harbour plan approved",
        date="2025-03-14",
        url="https://www.dailyplanet.example/news/harbour-plan",
        site="DailyPlanet",
    )


def test_page_metadata_falls_back_to_the_page_and_the_host():
    page = "<html><head><title>Harbour plan approved</title></head><body><h1>Harbour plan approved</h1></body></html>"
    found = page_metadata(parse_html(page), url="https://www.dailyplanet.example/2025/03/14/harbour")
    assert found.title == "Harbour plan approved"
    assert found.url == "https://www.dailyplanet.example/2025/03/14/harbour"
    assert found.site == "dailyplanet.example"
    assert found.date == "2025-03-14"  # from the address
