"""Headlines without the site name their page's <title> adds (core/clean/titles.py)."""

import json

import pytest

from newsdedup.clean.titles import site_keys, strip_site_name, strip_site_suffix
from tests.conftest import shared_path


@pytest.mark.parametrize(
    ("title", "site", "url", "headline"),
    [
        # suffixes, several languages and separators
        (
            "Diancam Lewat Dunia Maya, Mark Zuckerberg Sewa 16 Tukang Pukul - Kompas.com",
            "KOMPAS.com",
            None,
            "Diancam Lewat Dunia Maya, Mark Zuckerberg Sewa 16 Tukang Pukul",
        ),
        (
            "Marcella Zalianty Promo Pariwisata Indonesia Lewat Film | Republika Online",
            "Republika Online",
            "http://nasional.republika.co.id/berita/x",
            "Marcella Zalianty Promo Pariwisata Indonesia Lewat Film",
        ),
        (
            "Sweden drops Assange rape investigation – TechCrunch",
            "TechCrunch",
            None,
            "Sweden drops Assange rape investigation",
        ),
        ("Só quem se Ama... — Mensagens de Reflexão", "Mensagens de Reflexão", None, "Só quem se Ama..."),
        (
            "商品の改造が商標法違反に！？ - 特許業務法人ライトハウス国際特許事務所",
            "特許業務法人ライトハウス国際特許事務所",
            None,
            "商品の改造が商標法違反に！？",
        ),
        # a section after the site name, and a site name that holds a separator itself
        (
            "Polres Lhokseumawe Serahkan Anggota ke Kejaksaan - Kompas.com Regional",
            "KOMPAS.com",
            None,
            "Polres Lhokseumawe Serahkan Anggota ke Kejaksaan",
        ),
        (
            "Black Friday per nostalgici: le occasioni da non perdere - Remember 80/90 - Memorabilia anni 80/90",
            "Remember 80/90 - Memorabilia anni 80/90",
            None,
            "Black Friday per nostalgici: le occasioni da non perdere",
        ),
        # the start of a longer site name, and the site known only by its address
        (
            "'The Medium is the Message': the 7th Amsterdam Light Festival | Inexhibit",
            "Inexhibit magazine",
            None,
            "'The Medium is the Message': the 7th Amsterdam Light Festival",
        ),
        (
            "Merek China Serbu Indonesia, Ini Kata Gaikindo - Kompas.com",
            "https://www.facebook.com/Otomotif.Kompascom",
            "http://otomotif.kompas.com/read/2016/02/x",
            "Merek China Serbu Indonesia, Ini Kata Gaikindo",
        ),
        # prefixes
        (
            "KapanLagi.com: Brandon Salim Makin Dekat Dengan Sivia Blink",
            "KapanLagi.com",
            None,
            "Brandon Salim Makin Dekat Dengan Sivia Blink",
        ),
        (
            "LinkNaija | Nigeria's popular news platform: Kate Henshaw Is Looking Stunning In New Photos",
            "LinkNaija | Nigeria's popular news platform",
            None,
            "Kate Henshaw Is Looking Stunning In New Photos",
        ),
        (
            "Spiegel Online: Regierung plant neue Steuer für Plastiktüten",
            None,
            "https://www.spiegel.de/x",
            "Regierung plant neue Steuer für Plastiktüten",
        ),
    ],
)
def test_the_site_name_goes(title, site, url, headline):
    assert strip_site_name(title, site, url) == headline


@pytest.mark.parametrize(
    ("title", "site"),
    [
        ("Opinion | Republicans Are Following Trump to Nowhere", "NYTimes"),  # a section, not the site
        ("The Guardian view on Hong Kong: a city on the brink | Editorial", "the Guardian"),
        ("Milan Design Week 2018 | Anastassiades' light installation for FLOS", "Inexhibitmagazine"),
        ("Trump - Zelensky talks stall", "Reuters"),
        ("Kompas.com", "KOMPAS.com"),  # nothing would be left
        ("CNN - CNN", "CNN"),
        ("Harbour plan approved", None),
    ],
)
def test_other_parts_stay(title, site):
    assert strip_site_name(title, site, None) == title


def test_site_keys_come_from_the_name_and_the_distinctive_label_of_the_host():
    assert site_keys("KOMPAS.com", "http://regional.kompas.com/read/1") == {"kompascom", "kompas"}
    assert site_keys(None, "https://life.viva.co.id/x") == {"viva"}
    assert site_keys(None, None) == frozenset()


def test_plain_text_titles_lose_only_a_short_suffix():
    assert strip_site_suffix("Storm hits the coast | The Daily Planet") == "Storm hits the coast"
    assert strip_site_suffix("Trump - Zelensky talks stall") == "Trump - Zelensky talks stall"


@pytest.mark.shared
def test_no_headline_of_the_indonesian_pages_ends_with_its_site():
    from newsdedup.clean import clean_document
    from newsdedup.read import read_documents

    folder = shared_path("eval", "extraction", "id-news", "html")
    sites = {
        name: page["site"] for name, page in json.loads((folder.parent / "gold.json").read_text()).items()
    }
    titles = {
        doc.id: clean_document(doc).title for doc in read_documents([str(folder)], on_error=pytest.fail)
    }
    assert len(titles) == len(sites)
    for doc_id, title in titles.items():
        tail = title.rsplit(" ", 2)[-2:]
        assert not any(site.split("-")[0] in word.lower() for site in sites.values() for word in tail), (
            doc_id,
            title,
        )
