import pytest

from core.clean.lines import (
    boilerplate_reason,
    cut_tail,
    drop_headline_bullets,
    drop_repeats,
    ends_sentence,
    filter_lines,
)
from core.clean.rules import load_rules

RULES = load_rules()
BODY = [
    "The minister said on Tuesday that the new budget would raise spending on schools and hospitals.",
    "Opposition leaders said the plan was too small and that it came far too late for most families.",
]


@pytest.mark.parametrize(
    "line",
    [
        "Baca Juga :  Dolar Mengambil Jeda Jelang Data Pasar",
        "Baca juga: Otoritas Rusia Berhasil Menahan 18 Tentara",
        "BACA JUGA Kronologi Korea Utara Ledakkan Jalan",
        "Read also: Markets slide as rates rise",
        "Also read - Another story here",
        "Lesen Sie auch: Etwas anderes",
        "Bagikan :",
        "Salin Artikel",
        "Close Ads",
        "ADVERTISEMENT",
        "Scroll to Top",
        "Baca berita tanpa iklan.",
        "Editor: willy Widianto",
        "Sumber : CNA/SL",
        "By Jane Doe",
        "Copyright 2008 - 2025 Kompas. All Rights Reserved.",
        "© Europa Rundschau 2025",
        "https://example.com/news/123",
        "/global/read/2024/10/31/103636870/as-korsel-meminta-korut",
        "Global | sindonews | Kamis, 24 Oktober 2024 - 06:52",
        "#Omar #York #pleads",
        "Follow us on Twitter for more",
    ],
)
def test_boilerplate_lines_are_recognised(line):
    assert boilerplate_reason(line, RULES) is not None


@pytest.mark.parametrize(
    "line",
    [
        "Read more about the case in the court documents, the lawyer told reporters on Monday.",
        "By the time the rescue team arrived, the water had already reached the second floor.",
        "Kim, berbicara melalui seorang penerjemah, mengatakan dia yakin pengerahan itu berbahaya.",
        "Tanggapan Internasional",
        "“Kembali Dengan Kantong Jenazah”",
        "He said the share of exports fell to 10 percent in 2024.",
    ],
)
def test_content_lines_are_kept(line):
    assert boilerplate_reason(line, RULES) is None


def test_tail_marker_cuts_only_after_the_body_has_begun():
    lines = [
        "Berita Terkait",
        "Menu headline",
        *BODY,
        "Terkini Lainnya",
        "Other story one",
        "Other story two",
    ]
    assert cut_tail(lines, RULES) == ["Berita Terkait", "Menu headline", *BODY]


def test_bulleted_headline_runs_go_but_bulleted_sentences_stay():
    lines = [BODY[0], "- Anggota Parlemen Ungkap 100 Tentara", "- Bantu Rusia, Tentara Korea Utara", BODY[1]]
    assert drop_headline_bullets(lines) == BODY
    sentences = ["- The first point is made here.", "- The second point follows it."]
    assert drop_headline_bullets(sentences) == sentences


def test_repeated_lines_captions_go_entirely_sentences_keep_first_copy_title_never_in_body():
    caption = "Menhan AS bersama mitra Korsel"
    lede = "Sekitar 1.500 tentara telah tiba di Rusia, menurut agen mata-mata Seoul."
    lines = ["Judul Berita", caption, caption, lede, BODY[0], lede, BODY[1]]
    assert drop_repeats(lines, title="Judul Berita") == [lede, BODY[0], BODY[1]]


def test_sentence_end_looks_through_quotes_and_credits():
    assert ends_sentence('"Saya akan mengesampingkan itu," katanya. (BBC)')
    assert ends_sentence("He left.”")
    assert not ends_sentence("“Kembali Dengan Kantong Jenazah”")


def test_filter_lines_runs_every_rule():
    lines = [*BODY, "Baca juga: Sesuatu Yang Lain", "Scroll to Top", "Terkini Lainnya", "Headline A"]
    assert filter_lines(lines, RULES) == BODY
