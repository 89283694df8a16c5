"""The seed articles, checked without ../shared: the boilerplate each one carries is gone."""

from newsdedup.clean import clean_document
from newsdedup.read import read_document
from tests.conftest import SAMPLES


def cleaned(prefix: str) -> str:
    [path] = SAMPLES.glob(f"{prefix}_*.txt")
    return clean_document(read_document(str(path))).text


def test_002_loses_the_terkini_lainnya_list_and_ad_prompts():
    text = cleaned("002")
    for gone in (
        "Terkini Lainnya",
        "Baca berita tanpa iklan",
        "Kashmir",
        "Copyright",
        "Salin Artikel",
        "/global/read",
    ):
        assert gone not in text
    assert text.startswith("WASHINGTON DC, KOMPAS.com")
    assert text.endswith("untuk mempertimbangkannya kembali.")


def test_baca_juga_editor_and_source_lines_are_gone_everywhere():
    for prefix in ("000", "001", "003", "004"):
        text = cleaned(prefix)
        for gone in (
            "Baca Juga",
            "Baca juga",
            "Editor:",
            "Sumber :",
            "Bagikan",
            "Scroll to Top",
            "Topik Menarik",
        ):
            assert gone not in text, (prefix, gone)


def test_captions_printed_twice_and_bulleted_headlines_are_gone():
    assert "Menhan AS Lloyd Austin bersama mitra Korsel" not in cleaned("000")
    assert "Anggota Parlemen Ungkap" not in cleaned("001")
    assert cleaned("004").count("Sekitar 1.500 tentara Korea Utara") == 1
