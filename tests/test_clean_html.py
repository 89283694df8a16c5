import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.clean import clean_document
from newsdedup.clean.html import html_to_text, parse_html, render_text, render_text_walking
from newsdedup.clean.metadata import PageMetadata, page_metadata
from newsdedup.document import HTML, Document
from newsdedup.errors import DocumentError
from newsdedup.read import read_document
from tests.conftest import article, photo_captions, shared_path


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


INSERT = '<a href="/x">Another Story Entirely</a>'


@pytest.mark.parametrize(
    ("inline", "kept"),
    [
        (f"<strong>Baca juga: {INSERT}</strong>", ""),
        (f"<b>Baca Juga:</b> {INSERT}", ""),
        (f"Read also: {INSERT}", ""),
        (f"<em><span>LIHAT JUGA:</span> {INSERT}</em>", ""),
        (f"<!-- ad --><b>Baca juga:</b> <!-- x --> {INSERT}", ""),
        (f"Baca juga: {INSERT} dan <a href='/y'>Another Story Again</a>", ""),
        (f"Baca juga: {INSERT} | <a href='/y'>Another Story Again</a>", ""),
        (f"<b>[Related – {INSERT}]</b>", ""),
        (f"(Read more: {INSERT})", ""),
        # a label that only ever labels inserts: removed whatever follows (here a lower-case name)
        (f"<strong>Baca juga: {INSERT}</strong> detikcom", "detikcom"),
        (f"Baca juga: {INSERT}, detikcom", "detikcom"),
        # joined links before a sentence that opens with a quote or a digit
        (
            f"Baca juga: {INSERT}, <a href='/y'>Another Story Again</a> “Kami siap,” kata dia.",
            "“Kami siap,” kata dia.",
        ),
        (f"Читайте также: {INSERT} и <a href='/y'>Another Story Again</a> 5 человек.", "5 человек."),
        (f"RELATED: {INSERT} “We are ready,” he said.", "“We are ready,” he said."),
        # the separator after the label's element, none after an [insert] phrase in one, the label
        # inside the link
        (f"<strong>Baca Juga</strong>: {INSERT}", ""),
        (f"<b>BACA JUGA</b> - {INSERT}", ""),
        (f"<strong>Baca juga</strong> {INSERT}", ""),
        ('<a href="/x">Baca juga: Another Story Entirely</a>', ""),
        ('<a href="/x">Related: Another Story Entirely</a>', ""),
        # after an [insert] phrase with no separator, or in the link, a sentence may start with a digit
        ('<a href="/x">Baca juga: Another Story Entirely</a> 3 orang tewas.', "3 orang tewas."),
        (f"<strong>Baca juga</strong> {INSERT} 3 orang tewas.", "3 orang tewas."),
    ],
)
def test_a_related_link_insert_inside_a_paragraph_is_removed_with_its_label(inline, kept):
    # Before: trafilatura kept it in the paragraph's text ("… Baca juga: Another Story Entirely …")
    paragraphs = article("harbour").split("\n\n")
    first, second = paragraphs[:2]
    body = f"<p>{first} {inline} {second}</p>" + "".join(f"<p>{p}</p>" for p in paragraphs[2:])
    doc = clean_document(Document(id="p.html", raw=news_page(body), kind=HTML))
    assert "Another" not in doc.text
    assert doc.text.split("\n\n")[0].split() == f"{first} {kept} {second}".split()


@pytest.mark.parametrize(
    "prose",
    [
        'Visitors can see also <a href="/map">the harbour map</a> at the town hall.',
        'Visitors can <em>see also</em> <a href="/map">the harbour map</a> at the town hall.',
        'Fans can <em>watch</em> <a href="/live">the final live</a> on Channel 5.',
        'Investors will keep a close\nwatch: <a href="/f">the updated forecasts</a> are due on Wednesday.',
        'Figures came from <a href="/bps">the statistics office</a>. <!-- c --> Retail sales fell.',
        # the text after the link carries on the sentence: prose, not an insert
        'Watch: <a href="/v">President Biden</a> defended his plan on Tuesday.',
        'Prices rose. More from: <a href="/x">the BBC</a> reporters said it was bad.',
        'Los precios subieron. Related: <a href="/a">Otra nota</a> y <a href="/b">el Banco</a> anunció algo.',
        'Tonight fans can <em>finally</em> <b>watch:</b> <a href="/f">the final</a> is live.',
        'Watch: <a href="/v">President Biden</a>’s speech on Tuesday.',
        '世界卫生组织说. Watch: <a href="/w">世界卫生组织</a>周二表示病例下降。',
        'Fans can <b>watch</b> <a href="/live">the final live</a> on Channel 5.',
        'Prices rose. <b>Watch</b>: <a href="/v">President Biden</a> defended his plan on Tuesday.',
        'Prices rose. <a href="/v">Watch: President Biden</a> defended his plan on Tuesday.',
        # an [insert] phrase with no separator, or inside the link, may be a sentence's words
        'Harga naik. <strong>Lihat juga</strong> <a href="/v">video berikut</a> ini untuk penjelasan.',
        'Prices rose. <a href="/r">Read also: the council notes</a> which explain the plan.',
        'The court upheld it. <em>See also</em> <a href="/c">Smith v. Jones</a> (2019), in which it agreed.',
    ],
)
def test_a_link_in_running_text_after_a_related_phrase_stays(prose):
    paragraphs = article("harbour").split("\n\n")
    body = f"<p>{paragraphs[0]} {prose}</p>" + "".join(f"<p>{p}</p>" for p in paragraphs[1:])
    doc = clean_document(Document(id="p.html", raw=news_page(body), kind=HTML))
    assert doc.text.split("\n\n")[0].split() == f"{paragraphs[0]} {render(prose)}".split()


def render(markup: str) -> str:
    return html_to_text(f"<p>{markup}</p>").strip()


def test_the_text_after_an_icon_behind_the_link_is_what_follows_it():
    from newsdedup.clean.html import drop_related_inserts
    from newsdedup.clean.rules import load_rules

    tree = parse_html(
        '<html><body><p>Start. Watch: <a href="/f">the final</a><i class="icon"></i> is live.</p></body></html>'
    )
    drop_related_inserts(tree, load_rules())
    assert render_text(tree).split() == "Start. Watch: the final is live.".split()


def test_a_linked_name_that_starts_the_next_sentence_stays():
    # Before: taken as the insert's second link, the sentence lost its subject
    paragraphs = article("harbour").split("\n\n")
    prose = f'Read also: {INSERT} <a href="/who">The World Health Organization</a> said cases fell.'
    body = f"<p>{paragraphs[0]} {prose}</p>" + "".join(f"<p>{p}</p>" for p in paragraphs[1:])
    doc = clean_document(Document(id="p.html", raw=news_page(body), kind=HTML))
    first = doc.text.split("\n\n")[0]
    assert first.split() == f"{paragraphs[0]} The World Health Organization said cases fell.".split()


def test_a_fragment_with_a_comment_before_a_link_is_cleaned():
    # Before: trafilatura refuses a fragment, our own parse keeps its comments, and the insert pass
    # asked a comment for its text: ValueError, and the whole run stopped
    fragment = f"<p>{article('harbour', 3)} <!-- link --> <a href='/map'>See the map</a> of the routes.</p>"
    doc = clean_document(Document(id="fragment.html", raw=fragment, kind=HTML))
    assert doc.text.endswith("See the map of the routes.")


def test_the_sentence_before_an_insert_keeps_its_full_stop():
    paragraphs = article("harbour").split("\n\n")
    body = (
        f'<p>Figures came from <a href="/bps">the statistics office</a>. Read also: {INSERT} Sales fell.</p>'
    )
    doc = clean_document(
        Document(id="p.html", raw=news_page(body + "".join(f"<p>{p}</p>" for p in paragraphs)), kind=HTML)
    )
    assert "Figures came from the statistics office. Sales fell." in doc.text
    dotted = f"<p>Figures came from the office. [Read also: {INSERT}]. Sales fell.</p>"
    doc = clean_document(
        Document(id="p.html", raw=news_page(dotted + "".join(f"<p>{p}</p>" for p in paragraphs)), kind=HTML)
    )
    assert "Figures came from the office. Sales fell." in doc.text


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


def test_a_relative_or_padded_canonical_link_gives_the_pages_own_absolute_address():
    def address(head: str, url: str | None = None) -> str | None:
        return page_metadata(
            parse_html(f"<html><head>{head}</head><body><p>Text.</p></body></html>"), url
        ).url

    canonical = '<link rel="canonical" href="{}">'.format
    base = '<base href="{}">'.format
    fetched = "https://www.dailyplanet.example/amp/harbour?src=feed"
    # Before: a relative link under <base href> gave no address at all (or, with a fetch address, that one)
    assert address(base("https://www.dailyplanet.example/news/") + canonical("harbour")) == (
        "https://www.dailyplanet.example/news/harbour"
    )
    assert (
        address(base("/news/") + canonical("harbour"), fetched)
        == "https://www.dailyplanet.example/news/harbour"
    )
    assert address(canonical("/news/harbour"), fetched) == "https://www.dailyplanet.example/news/harbour"
    # before: the blanks around it were percent-encoded into the address
    assert address(canonical(" https://www.dailyplanet.example/news/harbour ")) == (
        "https://www.dailyplanet.example/news/harbour"
    )
    # before: the host of an image's CDN
    cdn_image = '<meta property="og:image" content="https://cdn.images.example/harbour.jpg">'
    assert address(cdn_image + canonical("/news/harbour")) is None
    assert (
        address(cdn_image + canonical("/news/harbour"), fetched)
        == "https://www.dailyplanet.example/news/harbour"
    )
    # no page of the web: the address it was fetched from; a <base href> alone names the site at least
    assert address(canonical("javascript:alert(1)"), fetched) == fetched
    assert address(canonical("file:///etc/passwd")) is None
    assert address(base("https://www.dailyplanet.example/"), fetched) == fetched
    assert address(base("https://www.dailyplanet.example/")) == "https://www.dailyplanet.example/"


def test_a_broken_address_in_the_head_is_no_address_and_no_crash():
    # Before: urljoin's ValueError on a bracketed host stopped the whole run
    for head in (
        '<link rel="canonical" href="https://[news]/a">',
        '<base href="http://[::1"><link rel="canonical" href="/a">',
    ):
        page = parse_html(f"<html><head>{head}</head><body><p>Text.</p></body></html>")
        assert page_metadata(page, "https://news.example/a").url == "https://news.example/a"
        assert page_metadata(page).url is None


def page_date(page: str) -> str | None:
    return clean_document(Document(id="p.html", raw=page, kind=HTML)).date


def test_a_copyright_year_is_no_publication_date_but_a_stated_1_january_is():
    # Before: htmldate's search of the text ended with "© 2024" in the footer, given as 2024-01-01.
    body = f"<article><h1>Harbour plan approved</h1><p>{article('harbour', 4)}</p></article>"
    footer = "<footer>Copyright © 2024 Harbour News. All rights reserved.</footer>"
    page = f"<html><head><title>Harbour plan approved</title></head><body>{body}{footer}</body></html>"
    assert page_date(page) is None
    stated = page.replace("<h1>", '<time datetime="2024-01-01">1 January 2024</time><h1>')
    assert page_metadata(parse_html(stated)).date == page_date(stated) == "2024-01-01"
    in_text = page.replace(footer, "").replace("<h1>", "<p>Published 1 January 2025</p><h1>")
    assert page_date(in_text) == "2025-01-01"  # no copyright line: a day stated


def test_a_date_in_the_story_is_no_publication_date_but_one_beside_it_is():
    # Before: with no date in its markup, a page was dated by the first date its text held: an event's
    # ("The final was held on 12 March 2021") or a year of the story's, given as 1 January.
    story = [
        article("harbour", 1),
        "The final was held on 12 March 2021 in the capital.",
        article("council", 1),
    ]
    body = "".join(f"<p>{p}</p>" for p in story)
    page = f"<html><head><title>Harbour plan approved</title></head><body><article><h1>Harbour plan approved</h1>{body}</article></body></html>"
    assert page_date(page) is None
    assert page_date(page.replace("12 March 2021", "2022")) is None
    # a dateline the page prints under its headline, in no element htmldate knows, still dates it
    dated = page.replace(
        "</h1>", '</h1><span class="newsdetail-schedule">Kamis, 05 November 2015 11:52</span>'
    )
    assert page_date(dated) == "2015-11-05"


RENDER_CASES = [
    "<html><head><title>T</title></head><body><p>a<!-- c -->b<script>x</script>tail<b>bold</b>t2</p>"
    "<?pi x?>after<div>d<br>e</div><svg><text>no</text></svg>end</body></html>",
    "<p>x</p>",
    "<p>x</p>tail",
    "text only",
    "<div>top<head>h</head>t</div>",
    "<p>a\x0bb\x0cc &#1; &#x80; &#xFFFF; &#x1F600; &amp; &lt; &nbsp;z</p>",
    "<table><tr><td>1</td><td>2</td></tr></table><ul><li>one<li>two</ul>",
]


@pytest.mark.parametrize("raw", RENDER_CASES)
def test_the_stylesheet_renders_what_the_walk_renders(raw):
    tree = parse_html(raw)
    assert render_text(tree) == render_text_walking(tree)
    for element in tree.iter():
        assert render_text(element) == render_text_walking(element)


@pytest.mark.shared
def test_the_stylesheet_renders_what_the_walk_renders_on_real_pages():
    for path in sorted(shared_path("eval", "extraction", "zyte", "html").iterdir()):
        tree = parse_html(read_document(str(path)).raw)
        assert render_text(tree) == render_text_walking(tree), path.name


def markup_of(pieces: list[str]):
    """Random markup: up to 40 of ``pieces`` in a row."""
    return st.lists(st.sampled_from(pieces), max_size=40).map("".join)


markup = markup_of(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<b>",
        "</b>",
        "<br>",
        "<script>",
        "</script>",
        "<!-- c -->",
        "<?pi x?>",
        "<li>",
        "<head>",
        "<title>",
        "</title>",
        "text",
        " ",
        "\n",
        "&amp;",
        "é",
        "\x0c",
    ]
)


@settings(max_examples=200, deadline=None)
@given(markup)
def test_the_stylesheet_renders_what_the_walk_renders_on_any_markup(raw):
    tree = parse_html(raw)
    if tree is not None:
        assert render_text(tree) == render_text_walking(tree)


insert_markup = markup_of(
    [
        "<p>",
        "</p>",
        "<b>",
        "</b>",
        "<strong>",
        "</strong>",
        "<em>",
        "</em>",
        "<br>",
        '<a href="/x">',
        "</a>",
        "<!-- c -->",
        "<?pi x?>",
        "Baca juga: ",
        "Read also - ",
        "[Related: ",
        "]",
        " dan ",
        " | ",
        "Kalimat. ",
        "Kalimat.",
        "words ",
        "words",
        "\n",
    ]
)


@settings(max_examples=500, deadline=None)
@given(insert_markup)
def test_the_insert_pass_only_takes_text_away_and_never_glues_words_on_any_markup(raw):
    from newsdedup.clean.html import drop_related_inserts
    from newsdedup.clean.rules import load_rules

    tree = parse_html(f"<html><body>{raw}</body></html>")
    if tree is not None:
        before = render_text(tree)
        drop_related_inserts(tree, load_rules())
        after = render_text(tree)
        remaining = iter("".join(before.split()))
        assert all(char in remaining for char in "".join(after.split()))  # a subsequence
        words = before.split()
        assert all(any(word in old for old in words) for word in after.split())


PROSE = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore."


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        # an icon inside a sentence: trafilatura's precision mode dropped the words after it
        (
            '<p>The vote is <i class="fa fa-clock"></i> due on Friday, after the long debate in the council.</p>',
            "The vote is due on Friday, after the long debate in the council.",
        ),
        (
            '<p>The vote is due<span class="x"></span> on Friday, after the long debate in the council.</p>',
            "The vote is due on Friday, after the long debate in the council.",
        ),
        # joined as a browser shows it: no blank before a comma, none inside a word
        (
            '<p>The vote is due on Friday<span id="more-12"></span>, after the long debate in Ber<i></i>lin.</p>',
            "The vote is due on Friday, after the long debate in Berlin.",
        ),
        # an empty ad slot between paragraphs (its script is deleted first): the paragraph after it stays
        (
            f'<div class="body">{PROSE}<br><br><div class="ads"><script>show()</script></div>'
            "The council will vote again next week, its chairman told reporters on Monday.<br></div>",
            "The council will vote again next week, its chairman told reporters on Monday.",
        ),
    ],
)
def test_text_after_an_empty_element_is_kept(body, kept):
    page = news_page("".join(f"<p>{PROSE} {n}</p>" for n in range(3)) + body + f"<p>{PROSE} 4</p>")
    doc = clean_document(Document(id="p.html", raw=page, kind=HTML))
    assert kept in doc.text.split("\n\n")


def test_only_elements_empty_once_cleaned_are_taken_out():
    from newsdedup.clean.html import keep_text_after_empty_elements

    tree = parse_html(
        "<html><body><p>a <i></i> b <span><img src='x'></span> c <b>bold</b> d <span>\n</span> e"
        "<em></em> </p><div>f<div><script>x()</script></div>g</div></body></html>"
    )
    keep_text_after_empty_elements(tree)
    assert [e.tag for e in tree.iter("i", "span", "b", "em", "br")] == ["b", "span", "em", "br"]
    assert render_text(tree).split() == ["a", "b", "c", "bold", "d", "e", "f", "g"]


@settings(max_examples=300, deadline=None)
@given(
    markup_of(
        ["<p>", "</p>", "<div>", "</div>", "<i>", "</i>", "<span>", "</span>", "<img>", "<br>"]
        + ["<script>", "</script>", "text", "more", " ", "\n"]
    )
)
def test_taking_out_empty_elements_keeps_every_word_on_any_markup(raw):
    from newsdedup.clean.html import keep_text_after_empty_elements

    tree = parse_html(f"<html><body>{raw}</body></html>")
    if tree is not None:
        before = render_text(tree).split()
        keep_text_after_empty_elements(tree)
        assert render_text(tree).split() == before


def test_a_list_of_icon_widgets_stays_out():
    # the icons taken out (text after an empty element is kept), their labels are the line filter's
    widgets = (
        '<ul class="tools"><li><i class="fa fa-print"></i> Print</li><li><i class="fa fa-envelope"></i>'
        " Email this article</li><li><i></i> Listen to this article</li></ul>"
        '<p><i class="fa fa-eye"></i> 1,234 views</p>'
    )
    paragraphs = article("harbour").split("\n\n")
    body = f"<p>{paragraphs[0]}</p>{widgets}" + "".join(f"<p>{p}</p>" for p in paragraphs[1:])
    doc = clean_document(Document(id="p.html", raw=news_page(body), kind=HTML))
    assert doc.text.split("\n\n") == paragraphs


HINDI_PARAGRAPHS = [
    "मुंबई में सोमवार रात से जारी भारी बारिश के कारण शहर के कई निचले इलाकों में पानी भर गया है। मौसम विभाग ने अगले"
    " दो दिनों के लिए ऑरेंज अलर्ट जारी किया है।",
    "स्थानीय ट्रेन सेवाएं कई घंटों तक बाधित रहीं और हजारों यात्री स्टेशनों पर फंसे रहे।",
    "नगर निगम ने लोगों से घरों में रहने और अनावश्यक यात्रा से बचने की अपील की है।",
    "अधिकारियों के अनुसार स्कूल और कॉलेज मंगलवार को बंद रहेंगे।",
]
CHINESE_PARAGRAPHS = [
    "新华社北京7月30日电（记者张明）受强降雨影响，北京市多条道路29日夜间出现严重积水，部分路段交通一度中断。"
    "北京市水务局表示，全市已启动防汛二级应急响应。",
    "据气象部门统计，截至30日早8时，全市平均降雨量达到120毫米，最大降雨量出现在门头沟区，达到310毫米。",
    "市应急管理局提醒市民，非必要不外出，远离河道、山区等危险区域。目前，各级防汛人员已全部到岗。",
]


@pytest.mark.parametrize(
    ("paragraphs", "insert", "byline", "footer", "language"),
    [
        (
            HINDI_PARAGRAPHS,
            '<p><strong>ये भी पढ़ें:</strong> <a href="/x">दिल्ली में बाढ़ का खतरा, यमुना का जलस्तर बढ़ा</a></p>',
            "",
            "सर्वाधिकार सुरक्षित © 2024",
            "hi",
        ),
        (
            CHINESE_PARAGRAPHS,
            '<p>相关阅读：<a href="/y">北京发布暴雨红色预警 中小学停课一天</a></p>',
            "<p>责任编辑：李华</p>",
            "版权所有 新华网",
            "zh",
        ),
    ],
)
def test_an_html_page_in_another_script_keeps_its_short_paragraphs_and_loses_its_insert(
    paragraphs, insert, byline, footer, language
):
    # Before the danda counted as a full stop, the Hindi page kept only its first, long paragraph.
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:2]) + insert
    body += "".join(f"<p>{p}</p>" for p in paragraphs[2:]) + byline
    page = (
        '<!doctype html><html><head><meta charset="utf-8"><title>Headline</title></head><body>'
        f'<nav><a href="/">1</a> | <a href="/a">2</a></nav><article><h1>Headline</h1>{body}</article>'
        f"<footer>{footer}</footer></body></html>"
    )
    doc = clean_document(Document(id="p.html", raw=page, kind=HTML))
    assert doc.text.split("\n\n") == paragraphs
    assert doc.language == language


@pytest.mark.parametrize(
    ("sentence", "insert"),
    [
        ("अधिकारियों के अनुसार स्कूल बंद रहेंगे।", '<a href="/x">ये भी पढ़ें: दिल्ली में बाढ़ का खतरा</a>'),
        ("各级防汛人员已全部到岗。", '相关阅读：<a href="/y">北京发布暴雨红色预警</a>'),
        ("各级防汛人员已全部到岗。", '（相关阅读：<a href="/y">北京发布暴雨红色预警</a>）'),
        ("Die Regierung sagt: „Wir handeln jetzt.“", 'Lesen Sie auch: <a href="/x">Was das Paket bringt</a>'),
    ],
)
def test_an_insert_after_a_full_stop_of_another_script_or_a_closing_quote_is_removed(sentence, insert):
    paragraphs = article("harbour").split("\n\n")
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:3]) + f"<p>{sentence} {insert}</p>"
    doc = clean_document(Document(id="p.html", raw=news_page(body), kind=HTML))
    assert doc.text.split("\n\n")[-1] == sentence
