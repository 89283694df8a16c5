import pytest

from newsdedup.clean.lines import boilerplate_reason, is_more_headlines, starts_comments
from newsdedup.clean.rules import compile_rules, load_rules, parse_rules, phrase_key


def test_every_shipped_language_file_parses_and_indonesian_and_english_exist():
    rules = load_rules()
    assert {"id", "en"} <= set(rules.languages)
    assert "baca berita tanpa iklan" in rules.drop
    assert "terkini lainnya" in rules.tail


def test_parse_rules_rejects_unknown_sections_with_file_and_line():
    with pytest.raises(ValueError, match=r"xx.txt:2: unknown section \[nope\]"):
        parse_rules("# c\n[nope]\nfoo\n", "xx.txt")


def test_adding_a_language_is_adding_phrases():
    phrases = {name: set() for name in ("related", "drop", "prefix", "byline", "tail", "copyright")}
    phrases.update(parse_rules("[related]\nles også\n[drop]\ndel\n[tail]\nmest lest\n", "no.txt"))
    rules = compile_rules({k: set(v) for k, v in phrases.items()}, ("no",))
    assert rules.related.match("Les også: Noe annet skjedde")
    assert "del" in rules.drop and "mest lest" in rules.tail


def test_phrase_key_ignores_case_spacing_and_edge_punctuation():
    assert phrase_key("  Baca  Berita Tanpa Iklan. ") == "baca berita tanpa iklan"
    assert phrase_key("— Terkini Lainnya —") == "terkini lainnya"


def test_phrase_key_keeps_the_marks_that_end_a_word():
    # a vowel sign, a nukta or a harakat ends many words: cut off, two words gave one key
    assert phrase_key("ये भी पढ़ें:") == "ये भी पढ़ें"
    assert phrase_key("ये भी पढ़ें") != phrase_key("ये भी पढ़ा")
    assert phrase_key("اقرأ أيضاً") != phrase_key("اقرأ أيضا")
    assert phrase_key("»Hallo«") == "hallo"


@pytest.mark.parametrize(
    "line",
    [
        "相关阅读：北京发布暴雨红色预警 中小学停课一天",
        "【相关阅读】北京发布暴雨红色预警",
        "延伸閱讀｜颱風逼近 北部山區嚴防豪雨",
        "関連記事：大雨特別警報、関東で初の発表",
        "관련기사: 중부지방 호우경보…내일까지 최대 200㎜",
        "ये भी पढ़ें: दिल्ली में बाढ़ का खतरा",
        "اقرأ أيضاً: الأرصاد تحذر من موجة أمطار جديدة",
        "اقرأ أيضا: الأرصاد تحذر من موجة أمطار جديدة",
        "شاهد أيضًا: فيديو",  # the tanwin on the letter before the alef
        "ये भी पढें: दिल्ली में बाढ़ का खतरा",  # without the nukta
        "यह भी पढ़े: दिल्ली में बाढ़ का खतरा",  # without the anusvara
        "อ่านเพิ่มเติม : น้ำท่วมหนักในภาคเหนือ",
        "[Read also] Council approves the harbour plan",
    ],
)
def test_related_link_inserts_in_other_scripts_and_brackets(line):
    assert load_rules().related.match(line)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("责任编辑：李华", "byline"),
        ("版权所有 新华网 京ICP备12345678号", "copyright"),
        ("<저작권자 ⓒ 연합뉴스, 무단 전재-재배포, AI 학습 및 활용 금지>", "copyright"),
        ("無断転載を禁じます", "copyright"),
        ("جميع الحقوق محفوظة للموقع", "copyright"),
        ("सर्वाधिकार सुरक्षित", "copyright"),
        ("纠错", "boilerplate phrase"),
    ],
)
def test_bylines_copyright_lines_and_widgets_in_other_scripts(line, reason):
    assert boilerplate_reason(line, load_rules()) == reason


@pytest.mark.parametrize(
    "line",
    [
        "저작권자 보호를 위한 법안이 국회를 통과했다",  # about copyright, not a notice
        "黑客未经授权访问了系统",
        "作者认为这一政策将在明年生效。",
        "记者：您如何看待今年的经济形势？",  # an interview's question
        "المصدر أوضح أن الجولة المقبلة ستعقد في الخرطوم يوم 15 فبراير 2025.",  # "the source said"
        "تحرير حلب من قبضة النظام",  # "the liberation of Aleppo"
        "수정 예산안 국회 통과",  # "revised budget passes"
        "लेखक की नई किताब",  # "the writer's new book"
    ],
)
def test_sentences_about_those_things_stay(line):
    assert boilerplate_reason(line, load_rules()) is None


@pytest.mark.parametrize("line", ["Advertisement ▶️", "Share ❤️", "➡️ Advertisement"])
def test_an_emoji_beside_a_phrase_is_punctuation(line):
    # its variation selector is a combining mark: one that follows no letter goes with the emoji
    assert phrase_key(line) == phrase_key(line.replace("\ufe0f", ""))
    assert boilerplate_reason(line, load_rules()) == "boilerplate phrase"


def test_a_related_box_heading_inside_an_article_is_no_tail_marker():
    # "Read also" phrases label inserts, which stand inside the article: they never end it
    rules = load_rules()
    for line in ("相关阅读", "【相关阅读】", "관련기사", "関連記事", "コメント"):
        key = phrase_key(line)
        assert not is_more_headlines(line, key, rules) and not starts_comments(line, key, rules), line


def test_phrases_that_end_with_a_mark_or_use_precomposed_letters_match():
    rules = load_rules()
    assert rules.copyright.search("สงวนลิขสิทธิ์ 2568")  # ends with a combining mark
    assert rules.related.match("ये भी प\u095dें: दिल्ली में बाढ़ का खतरा")  # ढ़ as one code point
