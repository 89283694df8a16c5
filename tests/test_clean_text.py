from newsdedup.clean import clean_document, clear_caches
from newsdedup.clean.lines import boilerplate_reason, is_more_headlines, starts_comments
from newsdedup.clean.memo import LineMemo
from newsdedup.clean.rules import load_rules, phrase_key
from newsdedup.clean.text import (
    clean_text,
    densest_block,
    find_title,
    line_role,
    line_score,
    score_memo,
    strip_site_suffix,
)
from newsdedup.document import Document
from tests.conftest import article, photo_captions

RULES = load_rules()


def page(body: str, title: str = "Council approves the harbour plan") -> str:
    header = f"{title} | Daily Planet\nHome\nNews\nSport\nWeather\n{title}\nBy Jane Doe\n"
    footer = (
        "Share this article\nMost Read\nCelebrity couple splits after ten years\n"
        "Five recipes for the weekend\nLocal team wins the cup\n© 2025 Daily Planet. All rights reserved.\n"
    )
    return header + body + "\n" + footer


def test_plain_text_page_keeps_the_body_and_drops_header_and_footer():
    body = article("harbour")
    title, paragraphs, language = clean_text(page(body), RULES)
    assert title == "Council approves the harbour plan"
    assert paragraphs == body.split("\n\n")
    assert language == "en"


def test_a_subheading_inside_the_body_stays_but_a_link_list_inside_it_goes():
    first, second = article("harbour", 6), article("harbour", 6, start=6)
    links = "Weather today\nTraffic news\nSports results\nTV guide"
    _, paragraphs, _ = clean_text(page(f"{first}\nWhat happens next\n{second}\n{links}\n{second}"), RULES)
    assert "What happens next" in paragraphs
    assert not {"Weather today", "Traffic news"} & set(paragraphs)


def test_title_is_the_first_headline_like_line_without_site_suffix():
    assert find_title(
        ["优游国际", "Baca berita tanpa iklan.", "Salin Artikel", "AS-Korsel Meminta Korut"], RULES
    ) == ("AS-Korsel Meminta Korut")
    assert strip_site_suffix("Storm hits the coast | The Daily Planet") == "Storm hits the coast"
    assert strip_site_suffix("Trump - Zelensky talks stall") == "Trump - Zelensky talks stall"


def test_text_without_a_headline_keeps_every_paragraph():
    # Before: the first line of 2-30 words near the top was the headline, wherever it stood, and left
    # the text: here the middle paragraph (the lead is over 30 words).
    lead = (
        "The city council voted on Tuesday evening to approve a new budget that increases spending on "
        "public transport, road repairs and school buildings by a combined twelve percent compared with "
        "last year, officials said."
    )
    middle = "The mayor called the vote a historic step for the city."
    last = article("harbour", 4)
    title, paragraphs, _ = clean_text(f"{lead}\n\n{middle}\n\n{last}", RULES)
    assert title == "" and paragraphs == [lead, middle, *last.split("\n\n")]
    unspaced = [
        "美国国防部长奥斯汀周三在五角大楼与韩国国防部长金龙显举行会谈，双方呼吁朝鲜从俄罗斯撤出军队。"
        "华盛顿表示，大约一万名朝鲜士兵已经被部署到俄罗斯，可能用于对付乌克兰军队。",
        "俄罗斯和朝鲜深化了政治和军事同盟。",
    ]
    assert find_title(unspaced, RULES) == ""
    # A headline above the article is still found, a closed sentence included, and below a long
    # notice too when it does not read as a sentence.
    headline = "Google Stadia Red Dead Redemption 2 doesn't run at a stable 60fps."
    assert find_title(["Home", headline, "By Jane Doe", lead], RULES) == headline
    notice = (
        "This website stores data such as cookies to enable essential site functionality, as well as "
        "marketing, personalisation and analytics, and you may change your settings at any time or "
        "accept the default settings, which we recommend for the best experience of our pages."
    )
    assert find_title([notice, "Ministers agree on a new budget plan", lead], RULES) == (
        "Ministers agree on a new budget plan"
    )


def test_densest_block_is_empty_when_nothing_reads_as_text():
    assert densest_block(["Home", "News", "Sport"], frozenset()) == []


def test_clean_document_fills_title_text_language_and_drops_raw():
    doc = clean_document(Document(id="a", raw=page(article("harbour"))))
    assert doc.raw is None and doc.title and doc.language == "en"
    assert "Daily Planet. All rights reserved" not in doc.text


def test_an_in_body_related_box_does_not_end_the_article():
    first, second = article("harbour", 6), article("harbour", 10, start=6)
    box = "Related Stories\nBudget talks stall again\nMayor visits the port"
    _, paragraphs, _ = clean_text(page(f"{first}\n{box}\n{second}"), RULES)
    assert paragraphs == first.split("\n\n") + second.split("\n\n")


def test_comments_after_the_body_are_cut():
    body = article("harbour")
    comments = "12 Comments\nreader1 says:\nThis is a long comment about how the harbour plan is a waste of money for everyone."
    _, paragraphs, _ = clean_text(page(f"{body}\n{comments}"), RULES)
    assert paragraphs == body.split("\n\n")


def test_comments_are_cut_under_a_title_that_names_a_marker():
    # a title given by the page (an HTML <title>) once matched the comments marker's stand-in line
    body = article("harbour")
    comments = "Leave a reply\nreader1 says:\nThis is a long comment about how the harbour plan is a waste of money for everyone."
    for title in ("Comments", "Tail", "Headline"):
        _, paragraphs, _ = clean_text(page(f"{title}\n{body}\n{comments}"), RULES, title)
        assert paragraphs == body.split("\n\n"), title


def test_a_gallery_keeps_itsphoto_captions():
    captions = "\n".join(
        f"Photo {i}: the harbour crowd gathered near the pier to watch the ships arrive at dawn. (Reuters/Jane Doe)"
        for i in range(4)
    )
    _, paragraphs, _ = clean_text(f"Harbour festival in pictures\n{captions}\n", RULES)
    assert len(paragraphs) == 4


def test_the_body_starts_below_the_headline_even_when_a_footer_paragraph_is_longer():
    body = article("harbour", 3)
    footer_notice = (
        "The Daily Planet customer service centre can be reached with any question or request about "
        "subscriptions, deliveries, archives, corrections, advertising, events and reader offers, by "
        "telephone from Monday to Friday, by fax, by e-mail at any time, and at the front desk of the "
        "newsroom during office hours, where our staff will gladly help you with whatever you need."
    )
    others = "\n".join(f"Other headline number {i} of the day" for i in range(12))
    raw = f"Harbour deal signed | Daily Planet\nHome\nNews\nHarbour deal signed\nBy Jane Doe\n{body}\n{others}\n{footer_notice}\n"
    _, paragraphs, _ = clean_text(raw, RULES)
    assert paragraphs == body.split("\n\n")


def test_comments_longer_than_the_article_are_still_cut():
    body = article("harbour", 4)
    comments = "\n".join(
        f"reader{i} says:\nI have lived near this harbour for thirty years and I think the council is wrong about it, "
        f"because the plan ignores the fishermen and the families who depend on the port every single day."
        for i in range(8)
    )
    _, paragraphs, _ = clean_text(page(f"{body}\nLeave a Reply\n{comments}"), RULES)
    assert paragraphs == body.split("\n\n")


def test_more_from_a_publication_starts_a_tail():
    from newsdedup.clean.lines import is_tail_marker

    assert is_tail_marker("More From the Los Angeles Times", RULES)
    assert not is_tail_marker(
        "More from the survey suggests that the plan will cost more than expected.", RULES
    )


def test_a_gallery_below_the_headline_beats_a_teaser_caption_elsewhere():
    gallery = photo_captions(5)
    # A teaser elsewhere on the page whose caption was cut short: it no longer looks like a caption.
    teaser = (
        "The mayor of the town opens the new ferry terminal together with the ministers of transport and "
        "of the sea and a crowd of children from the harbour school, on Monday morning. (Daily Planet/Jo"
    )
    header = ["Harbour festival in pictures | Daily Planet", "Home", "News", "Harbour festival in pictures"]
    most_read = [f"Other headline number {i} of the day" for i in range(6)]
    footer = ["Tags", "Harbour", "Festival", "Most Read", *most_read, teaser, "Contact", "Sitemap"]
    _, paragraphs, _ = clean_text("\n".join([*header, "By Jane Doe", *gallery, *footer]), RULES)
    assert paragraphs == gallery


def test_a_photo_caption_above_a_body_below_the_headline_stays_out():
    body = article("harbour", 6)
    _, paragraphs, _ = clean_text(page(f"{photo_captions(1)[0]}\n{body}"), RULES)
    assert paragraphs == body.split("\n\n")


def test_a_page_of_one_boilerplate_sentence_has_no_article():
    rules = load_rules()
    assert clean_text("We use cookies to improve your experience on our website.", rules)[1] == []
    sentence = "Pasukan Korea Utara tiba di Rusia pada hari Senin, kata badan intelijen Korea Selatan."
    assert clean_text(sentence, rules)[1] == [sentence]


def test_a_line_memo_computes_each_line_once_and_empties_when_full():
    seen = []
    memo = LineMemo(lambda line: seen.append(line) or len(line), limit=2)
    assert memo["ab"] == memo["ab"] == 2
    assert seen == ["ab"]
    assert memo["abc"] == 3 and memo["x"] == 1  # the third line finds the memo full: it is emptied first
    assert dict(memo) == {"x": 1}
    assert seen == ["ab", "abc", "x"]


def test_clear_caches_forgets_the_remembered_line_scores():
    stopwords = frozenset({"the", "of"})
    line = "The mayor of the city opened the new bridge over the river on Monday morning."
    score = line_score(line, stopwords)
    assert score_memo(stopwords)[line] == score
    clear_caches()
    assert line not in score_memo(stopwords)


def test_keeping_captions_judges_again_only_the_lines_dropped_without_them():
    """The gallery pass reuses the first pass's verdicts: a line dropped there is judged again, since
    it may be a caption; every verdict is the one the rules give."""
    rules = load_rules()

    def judged(line: str, keep_captions: bool) -> str:  # the rules' verdict, from scratch
        key = phrase_key(line)
        if starts_comments(line, key, rules):
            return "comments"
        if is_more_headlines(line, key, rules):
            return "tail"
        return "keep" if boilerplate_reason.__wrapped__(line, rules, keep_captions) is None else "drop"

    captions = photo_captions(3)
    lines = [
        *captions,
        article("harbour", 2).replace("\n\n", " "),
        "Baca Juga: Harga beras naik lagi",
        "12 Comments",
        "Terkini Lainnya",
        "Home | News | Sport | Video",
        "© 2024 Harbour Times. All rights reserved.",
    ]
    clear_caches()
    for seen_first in (True, False):  # the gallery pass after the first one, and alone
        for line in lines:
            if seen_first:
                assert line_role(line, rules, keep_captions=False) == judged(line, False)
            assert line_role(line, rules, keep_captions=True) == judged(line, True)
        clear_caches()
    assert [judged(c, False) for c in captions] == ["drop"] * 3
    assert [line_role(c, rules, keep_captions=True) for c in captions] == ["keep"] * 3
    assert {judged(line, False) for line in lines} == {"keep", "drop", "comments", "tail"}


def test_a_page_cannot_write_the_cleaners_own_stand_in_lines():
    """The cleaner marks its stand-ins (comments, "more headlines", the headline) with a NUL: a page
    whose text holds NULs (a JSON "\\u0000") must not cut its own article or move its headline."""
    paragraphs = article("harbour", 8).split("\n\n")
    forged = ["\x00comments-1", "\x00tail-marker-2", "\x00headline", "\x00headline-candidate-0"]
    body = "\n".join(p for pair in zip(paragraphs, forged, strict=True) for p in pair)
    title, kept, _ = clean_text(page(body + "\n" + "\n".join(paragraphs[4:])), RULES)
    assert title == "Council approves the harbour plan"
    assert all(p in kept for p in paragraphs) and not any("\x00" in p for p in kept)


def test_a_sentence_in_chinese_or_japanese_is_no_headline():
    # Before: with no headline above it (the <title> line taken for a menu, the widgets' labels
    # dropped), the first paragraph became the title and left the article
    first = "先日、不正に改造したiPhoneを販売したとして、商標法違反の疑いで20代の男性が逮捕されたというニュースを耳にしました。"
    rest = [
        "報道によると、今回販売されたのは、いわゆる「脱獄」したiPhoneで、男性はインターネットの通信販売サイトを通じて複数の購入者に販売していたということです。",
        "「脱獄」とは、iPhoneのiOSを改造して機能制限を解除することで、脱獄すれば、App Storeにない非公式アプリを利用することもできるようになるとのことです。",
        "もちろん、アップル社は「脱獄」を認めておらず、改造された製品は保証やサポートの対象外となるため、購入者にとっても大きな不利益があると専門家は指摘しています。",
    ]
    page = "Home | World | Tech | Science\n\nListen to this article\nShare on X\nPrint\n\n" + "\n\n".join(
        [first, *rest]
    )
    doc = clean_document(Document(id="ja.txt", raw=page))
    assert doc.title == "" and doc.text.split("\n\n") == [first, *rest]


def test_a_quoted_sentence_in_japanese_is_no_headline():
    quoted = "「引き続き基本的な感染対策を徹底してほしいと、知事は記者会見で県民に強く呼びかけました。」"
    rest = "県によりますと、きのう新たに確認された感染者は百二十人で、前の週の同じ曜日と比べて三十人少なくなりました。"
    doc = clean_document(Document(id="ja.txt", raw=f"ニュース | 社会 | 政治 | 経済\n\n{quoted}\n\n{rest}"))
    assert doc.title == "" and doc.text.split("\n\n") == [quoted, rest]
