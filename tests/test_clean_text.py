import unicodedata

import pytest

from newsdedup.clean import clean_document, clear_caches
from newsdedup.clean.language import stoplist
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
    assert densest_block(["Home", "News", "Sport"], frozenset(), RULES) == []


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


@pytest.mark.parametrize(
    "line",
    [
        "The notice says:",  # a quote follows, not the comments
        "300 comments were posted on the council's page before the vote, most of them about bus fares.",
        "300 komentar masuk ke akun resmi pemerintah kota sebelum rapat, sebagian besar soal tarif bus.",
        "Also on Monday, councillors approved higher parking fees.",
    ],
)
def test_a_sentence_shaped_like_a_marker_does_not_end_the_article(line):
    # Before: each was taken for the start of the comments or of a "more headlines" list, and the
    # paragraphs after it were lost.
    first, second = article("harbour", 4), article("harbour", 4, start=4)
    _, paragraphs, _ = clean_text(page(f"{first}\n{line}\n{second}"), RULES)
    assert paragraphs == [*first.split("\n\n"), line, *second.split("\n\n")]


@pytest.mark.parametrize(
    "line",
    [
        "Jane Doe says:",
        "jjackwagon says:",
        "3 Comments",
        "34 responses to “Harbour plan”",
        "One thought on “Harbour plan”",
    ],
)
def test_a_comments_heading_still_ends_the_article(line):
    body = article("harbour", 4)
    comment = "I have lived near this harbour for thirty years and I think the council is wrong about it."
    _, paragraphs, _ = clean_text(page(f"{body}\n{line}\n{comment}\nmaria gonzalez says:\n{comment}"), RULES)
    assert paragraphs == body.split("\n\n")


LIST_ITEMS = [
    "Fotokopi KTP dan kartu keluarga",
    "Surat keterangan domisili dari kelurahan",
    "Pas foto ukuran 3x4",
]


@pytest.mark.parametrize("bullet", ["", "- ", "1. "])
def test_a_list_that_a_sentence_introduces_stays_with_the_text_after_it(bullet):
    # Before: the short lines read as a link list: the list went, and (unbulleted) every paragraph after it.
    first, second = article("harbour", 4), article("harbour", 4, start=4)
    lead_in = "The harbour office says applicants must bring the following papers:"
    items = [f"{bullet}{item}" if bullet != "1. " else f"{n}. {item}" for n, item in enumerate(LIST_ITEMS, 1)]
    _, paragraphs, _ = clean_text(page("\n".join([first, lead_in, *items, second])), RULES)
    assert paragraphs == [*first.split("\n\n"), lead_in, *items, *second.split("\n\n")]


@pytest.mark.parametrize(
    "lead_in",
    [
        "Here is more of our coverage of the budget fight:",
        "Berikut berita lain seputar banjir Jakarta yang perlu Anda ketahui:",
    ],
)
def test_a_list_of_other_stories_inside_the_article_goes(lead_in):
    first, second = article("harbour", 4), article("harbour", 4, start=4)
    headlines = [
        "Council members clash over police funding",
        "Mayor defends the new parking fees",
        "Budget vote delayed again",
    ]
    _, paragraphs, _ = clean_text(page("\n".join([first, lead_in, *headlines, second])), RULES)
    assert not set(headlines) & set(paragraphs)


def test_a_list_whose_lead_in_names_posts_or_stories_of_its_own_stays():
    first, second = article("harbour", 4), article("harbour", 4, start=4)
    items = ["120 roles in adult social care", "45 roles in libraries", "30 roles in parks"]
    lead_in = "The posts that will be cut include:"
    _, paragraphs, _ = clean_text(page("\n".join([first, lead_in, *items, second])), RULES)
    assert paragraphs == [*first.split("\n\n"), lead_in, *items, *second.split("\n\n")]


def test_headlines_after_the_article_stay_out_though_a_sentence_introduces_them():
    body = article("harbour", 4)
    more = "Read these other stories from our harbour desk today:\nBudget talks stall again\nMayor visits the port"
    _, paragraphs, _ = clean_text(page(f"{body}\n{more}"), RULES)
    assert paragraphs == body.split("\n\n")


def test_more_from_a_publication_starts_a_tail():
    from newsdedup.clean.lines import is_tail_marker

    assert is_tail_marker("More From the Los Angeles Times", RULES)
    assert is_tail_marker("More on this story.", RULES)
    assert not is_tail_marker("Also on the agenda.", RULES)
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


@pytest.mark.parametrize("dateline", ["Jakarta", "KOMPAS.com"])
def test_a_page_of_one_sentence_below_a_dateline_keeps_it(dateline):
    sentence = "Pasukan Korea Utara tiba di Rusia pada hari Senin, kata badan intelijen Korea Selatan."
    assert clean_text(f"{dateline}\n{sentence}", load_rules()) == ("", [sentence], "id")
    headline = "Pasukan Korea Utara Tiba di Rusia"  # a headline is no sentence: its page has no text
    assert clean_text(f"{dateline}\n{headline}", load_rules())[1] == []


def test_a_sentence_between_menus_and_a_footer_is_still_a_headline():
    sentence = "The minister resigned after the vote on Tuesday in the capital city."
    lines = [
        "Home",
        "News",
        "Sport",
        "Weather",
        sentence,
        "Copyright 2024 Example Media. All rights reserved.",
    ]
    assert clean_text("\n".join(lines), load_rules()) == (sentence, [], None)


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


# News pages in other scripts, a line each, marked: "#" the headline, "+" the article's paragraphs,
# "-" what goes (menu, byline, share buttons, the related-link insert, the related list, copyright).
PAGES_IN_OTHER_SCRIPTS = {
    "hi": """
- होम | देश | विदेश | खेल | मनोरंजन
# मुंबई में भारी बारिश से जनजीवन अस्त-व्यस्त, कई इलाकों में जलभराव
- अपडेटेड: 30 जुलाई 2024, 10:25 AM
+ मुंबई में सोमवार रात से जारी भारी बारिश के कारण शहर के कई निचले इलाकों में पानी भर गया है।
+ मौसम विभाग ने अगले दो दिनों के लिए ऑरेंज अलर्ट जारी किया है।
+ स्थानीय ट्रेन सेवाएं कई घंटों तक बाधित रहीं और हजारों यात्री स्टेशनों पर फंसे रहे।
- ये भी पढ़ें: दिल्ली में बाढ़ का खतरा, यमुना का जलस्तर बढ़ा
+ नगर निगम ने लोगों से घरों में रहने और अनावश्यक यात्रा से बचने की अपील की है।
+ अधिकारियों के अनुसार स्कूल और कॉलेज मंगलवार को बंद रहेंगे।
- संबंधित खबरें
- दिल्ली में बाढ़ का खतरा, यमुना का जलस्तर बढ़ा
- केरल में भूस्खलन, कई लोग लापता
""",
    "zh": """
- 首页 | 新闻 | 财经 | 体育 | 娱乐 | 科技
- 新华网
# 北京暴雨致多条道路积水 市政部门紧急排涝
- 2024-07-30 10:25:13 来源：新华社
- 分享到：微信 微博 QQ空间
+ 新华社北京7月30日电（记者张明）受强降雨影响，北京市多条道路29日夜间出现严重积水，部分路段交通一度中断。北京市水务局表示，全市已启动防汛二级应急响应，各区排水部门连夜开展排涝作业。
+ 据气象部门统计，截至30日早8时，全市平均降雨量达到120毫米，最大降雨量出现在门头沟区，达到310毫米。多个地铁站出入口临时关闭，公交线路也进行了调整。
- 相关阅读：北京发布暴雨红色预警 中小学停课一天
+ 市应急管理局提醒市民，非必要不外出，远离河道、山区等危险区域。目前，各级防汛人员已全部到岗，抢险物资准备充足。
+ 专家指出，今年汛期降雨偏多，城市排水系统面临较大压力，需要进一步加强基础设施建设，提高城市应对极端天气的能力。
- 责任编辑：李华
- 【纠错】
- 相关新闻
- 北京发布暴雨红色预警 中小学停课一天
- 河北多地遭遇强降雨 转移群众两万余人
- 气象台：未来三天华北仍有强降雨
- 版权所有 新华网 京ICP备12345678号
""",
    "ar": """
- الرئيسية | أخبار | اقتصاد | رياضة | ثقافة
# فيضانات تضرب شمال البلاد وإجلاء آلاف السكان
- نشر في: 30 يوليو 2024 - 10:25
- شارك
+ أعلنت السلطات المحلية اليوم الثلاثاء إجلاء أكثر من خمسة آلاف شخص من منازلهم بعد أن تسببت الأمطار الغزيرة في فيضانات واسعة في المناطق الشمالية من البلاد.
+ وقال المتحدث باسم الدفاع المدني إن فرق الإنقاذ تعمل على مدار الساعة لمساعدة العالقين.
- اقرأ أيضاً: الأرصاد تحذر من موجة أمطار جديدة خلال الأيام المقبلة
+ وأضاف أن عدداً من الطرق الرئيسية أغلقت أمام حركة المرور، فيما تم فتح مراكز إيواء مؤقتة في المدارس.
+ هل ستتكرر هذه الفيضانات في السنوات المقبلة؟
+ يرى خبراء المناخ أن تغير المناخ يزيد من تواتر الظواهر الجوية المتطرفة في المنطقة.
- أخبار ذات صلة
- الأرصاد تحذر من موجة أمطار جديدة خلال الأيام المقبلة
- الحكومة تعلن حالة الطوارئ في ثلاث محافظات
- جميع الحقوق محفوظة © 2024
""",
    "ja": """
- ホーム | 国内 | 国際 | 経済 | スポーツ
# 東京で記録的な大雨 交通機関に乱れ
- 2024年7月30日 10時25分
- シェア
- ツイート
+ 東京都内では２９日夜から記録的な大雨となり、各地で道路の冠水や浸水の被害が相次いだ。気象庁によると、一時間に１００ミリを超える猛烈な雨が観測された地点もあった。
+ ＪＲや私鉄各線では運転の見合わせが相次ぎ、帰宅途中の多くの人が駅で足止めされた。
- 関連記事：大雨特別警報、関東で初の発表
+ 都は災害対策本部を設置し、区市町村と連携して被害状況の把握を急いでいる。
+ 専門家は「短時間に集中する雨が今後も増える可能性がある」と指摘している。
- 関連記事
- 大雨特別警報、関東で初の発表
- 台風５号が接近、週末にかけて警戒
- 無断転載を禁じます
""",
    "ko": """
- 홈 | 정치 | 경제 | 사회 | 국제
# 서울 집중호우로 도로 곳곳 침수…출근길 교통대란
- 입력 2024.07.30 10:25 수정 2024.07.30 11:02
- 공유
- 인쇄
+ 서울 지역에 밤사이 시간당 100㎜가 넘는 폭우가 쏟아지면서 도로 곳곳이 물에 잠기고 출근길 교통이 큰 혼잡을 빚었다. 기상청은 오늘 오후까지 비가 계속될 것으로 내다보고 호우경보를 유지했다.
- 관련기사: 중부지방 호우경보…내일까지 최대 200㎜
+ 서울시는 재난안전대책본부를 가동하고 저지대 주민들에게 대피를 권고했다. 시는 지하차도와 하천변 산책로의 출입을 모두 통제했다고 밝혔다.
+ 전문가들은 기후변화로 인해 국지성 집중호우가 더 잦아질 것이라고 경고했다. 이에 따라 도시 배수 시설을 서둘러 보강해야 한다는 목소리도 나온다.
- 많이 본 뉴스
- 중부지방 호우경보…내일까지 최대 200㎜
- 한강 수위 상승…잠수교 통제
- <저작권자 ⓒ 연합뉴스, 무단 전재-재배포, AI 학습 및 활용 금지>
""",
}


@pytest.mark.parametrize("language", sorted(PAGES_IN_OTHER_SCRIPTS))
def test_a_page_in_another_script_keeps_every_paragraph_and_loses_its_boilerplate(language):
    marked = [line.split(" ", 1) for line in PAGES_IN_OTHER_SCRIPTS[language].strip().split("\n")]
    title, paragraphs, found = clean_text("\n".join(line for _, line in marked), RULES)
    assert title == next(line for mark, line in marked if mark == "#")
    assert paragraphs == [line for mark, line in marked if mark == "+"]
    assert found == language


def test_a_page_written_decomposed_finds_its_stopwords():
    # NFD Vietnamese: its words did not match the stoplist, which is composed, and paragraphs were lost
    composed = (
        "Lãnh đạo thành phố cho biết các trường học sẽ đóng cửa trong ba ngày tới để bảo đảm an toàn.\n"
        "Người dân được khuyến cáo không ra khỏi nhà khi không cần thiết trong thời gian này."
    )
    assert line_score(unicodedata.normalize("NFD", composed.split("\n")[0]), stoplist("vi")) == line_score(
        composed.split("\n")[0], stoplist("vi")
    )


def test_soft_hyphens_and_zero_width_spaces_inside_words_are_dropped():
    # Before: they stayed in the title and text, cut words in two, and a copy holding them was the
    # canonical of a cluster of its clean original (more shingles).
    original = f"Harbour plan approved by the council\n\n{article('harbour', 3)}"
    words = original.split(" ")
    scattered = " ".join(
        word[:2] + "\u00ad\u200b\u2060\ufeff"[i % 4] + word[2:] if len(word) > 4 else word
        for i, word in enumerate(words)
    )
    assert scattered != original
    clean, copy = (
        clean_document(Document(id=name, raw=raw)) for name, raw in (("a", original), ("b", scattered))
    )
    assert (copy.title, copy.text) == (clean.title, clean.text)
    record = clean_document(Document(id="r", raw=original, title="Harbour\u00ad plan approved"))
    assert record.title == "Harbour plan approved"


def paragraphs_of(raw: str) -> tuple[str, list[str]]:
    doc = clean_document(Document(id="p", raw=raw))
    return doc.title, doc.text.split("\n\n")


STORY = ["Harga Cabai Rawit di Pasar Tradisional Melonjak Jelang Lebaran", *article("cabai", 8).split("\n\n")]


@pytest.mark.parametrize(
    "label, links",
    [
        ("Baca Juga:", ["Harga Emas Hari Ini Naik Tipis"]),
        ("Baca Juga:", ["Harga Emas Hari Ini Naik Tipis", "Daftar Harga BBM Terbaru"]),
        ("Read also:", ["Gold price edges higher today"]),
        ("Leggi anche", ["I Cavalieri dello Zodiaco diventeranno un film?"]),
    ],
)
def test_the_headlines_below_a_related_link_label_alone_on_its_line_go_with_it(label, links):
    # Before: the label went, and its linked headlines stayed in the article as paragraphs.
    title, paragraphs = paragraphs_of("\n\n".join([*STORY[:3], label, *links, *STORY[3:]]))
    assert title == STORY[0] and paragraphs == STORY[1:]


def test_a_short_headline_keeps_its_place_above_a_standfirst_or_wrapped_text():
    standfirst = "Stocks rose for a third straight day as investors cheered cooling inflation"
    assert find_title(["Markets rally again", standfirst, *STORY[1:]], RULES) == "Markets rally again"
    wrapped = [
        "Budget approved",
        "The council voted on Tuesday to approve the new budget for the city,",
        "which",
    ]
    assert find_title(wrapped, RULES) == "Budget approved"


def test_a_label_takes_no_sentence_and_no_tail_marker_below_it():
    subheading_paragraph = STORY[:3] + ["Baca Juga:", STORY[3]]  # a paragraph: not a link
    # a question below the first link is the article's (only the first line below may ask)
    asked = [
        *STORY[:3],
        "Read also:",
        "Gold price edges higher today",
        "Why did prices rise so fast this year?",
    ]
    assert paragraphs_of("\n\n".join([*asked, *STORY[3:]]))[1] == [*STORY[1:3], asked[-1], *STORY[3:]]
    assert paragraphs_of("\n\n".join([*subheading_paragraph, *STORY[4:]]))[1] == STORY[1:]
    # a list's heading below a label still ends the article, and its list goes
    tail = ["Baca juga:", "Berita Terkait", "Harga Emas Hari Ini Naik Tipis", "Daftar Harga BBM Terbaru"]
    assert paragraphs_of("\n\n".join([*STORY, *tail]))[1] == STORY[1:]


@pytest.mark.parametrize(
    "above",
    [
        "Subscribe now",
        "Sign in | Register",
        "Breaking News",
        "THE METRO HERALD",
        "Bagikan: Facebook Twitter WhatsApp",
    ],
)
def test_a_name_section_or_prompt_above_the_headline_is_not_the_title(above):
    # Before: it was the title, and the headline was left out of both title and text.
    assert paragraphs_of("\n\n".join([above, *STORY])) == (STORY[0], STORY[1:])
