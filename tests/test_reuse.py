"""Reuse as newsrooms make it: recurring reports, briefs, size-mismatched copies, site templates."""

from __future__ import annotations

import json
import re
from itertools import permutations

import numpy as np
from typer.testing import CliRunner

from newsdedup.candidates import containment_pairs
from newsdedup.cli.app import app
from newsdedup.document import Document
from newsdedup.figures import stated_dates, stated_figures
from newsdedup.fingerprint import fingerprint, fingerprints
from newsdedup.pipeline import dedup_documents
from newsdedup.settings import DedupSettings
from newsdedup.shingles import normalise
from newsdedup.store.codec import decode_fingerprint, encode_fingerprint
from newsdedup.templates import MIN_PAGES, SiteTemplates, site_pages, title_key
from newsdedup.verify import other_edition, shared_needed
from tests.conftest import article
from tools import reuse_texts as texts
from tools.reuse_cases import CLASSES, build_cases, evaluate_cases, write_cases

SETTINGS = DedupSettings()


def doc(doc_id: str, text: str, **fields) -> Document:
    return Document(id=doc_id, path=doc_id, text=text, **{"title": doc_id, **fields})


def partition(clusters) -> list[list[str]]:
    return sorted(sorted(m.document.id for m in c.members) for c in clusters)


def test_dates_are_read_in_the_common_forms_and_figures_ignore_digit_grouping():
    text = "Senin, 11 November 2024; (18/11/2024); 2024-11-19; November 20, 2024; 2024年11月21日"
    assert stated_dates(text).tolist() == [20241111, 20241118, 20241119, 20241120, 20241121]
    # every month name's first letter is where a date can start (the regex skips to those)
    names = "3 Pebruari 2024, 4 Ogos 2024, Agu. 5, 2024, Des 6, 2024, 7 Mac 2024, Sept. 8, 2024"
    assert stated_dates(names).tolist() == [20240203, 20240307, 20240804, 20240805, 20240908, 20241206]
    assert np.array_equal(
        stated_figures(normalise("Rp10.000 dan 5,1")), stated_figures(normalise("Rp10,000 dan 5.1"))
    )


def test_two_days_reports_dated_only_in_their_datelines_with_unchanged_figures_stay_apart():
    # Each day's edition is its own story, even when nothing in it changed but its dateline's date
    # (a rule that left the dateline's date out merged them; see the README's recurring reports).
    body = (
        "Harga bahan bakar minyak di seluruh SPBU hari ini tidak mengalami perubahan. Pertalite dijual "
        "Rp10.000 per liter, Pertamax Rp12.100 per liter dan Dexlite Rp12.850 per liter. Harga tersebut "
        "berlaku untuk wilayah Jakarta dan sekitarnya, dan penyesuaian harga dilakukan setiap awal bulan "
        "mengikuti harga minyak dunia dan nilai tukar rupiah, sehingga masyarakat diimbau memantau "
        "pengumuman resmi perusahaan."
    )
    days = [
        doc(f"bbm{day}", f"Jakarta, {name} ({day}/10/2024) - {body}")
        for day, name in ((30, "Rabu"), (31, "Kamis"))
    ]
    assert partition(dedup_documents(days)) == [["bbm30"], ["bbm31"]]


def test_the_input_order_does_not_decide_which_editions_a_copy_is_verified_with():
    # Before: the second day's edition, a near-verbatim twin of the first's, was left out of the LSH
    # index, and a trimmed copy of it, finding only the first day's edition (another edition: no
    # copy), was never compared with it: three stories in one order, two in the other.
    paragraphs = [article(f"topic{i}", 3, start=i) for i in range(6)]
    editions = {
        day: doc(f"day{day}", f"Jakarta, {day} Oktober 2024 - " + "\n\n".join(paragraphs)) for day in (1, 2)
    }
    trimmed = doc("trimmed", "Jakarta, 2 Oktober 2024 - " + "\n\n".join(paragraphs[:4]))
    for order in ((1, 2), (2, 1)):
        docs = [editions[day] for day in order] + [trimmed]
        assert partition(dedup_documents(docs)) == [["day1"], ["day2", "trimmed"]], order
    # An undated reprint has the first edition's signature (the date is all they differ by): it was
    # left out of the index as a copy word for word, and the second day's edition never compared with it.
    undated = doc("undated", "Jakarta - " + "\n\n".join(paragraphs))
    found = {
        tuple(map(tuple, partition(dedup_documents(list(order)))))
        for order in permutations([editions[1], editions[2], undated, trimmed])
    }
    assert len(found) == 1, found


EASTERN_ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# A Xinhua-style paragraph of figures; Taiwanese and other outlets set a space around each number
FIGURES_ZH = (
    "国家统计局15日发布数据显示，今年前两个月全国规模以上工业增加值同比增长7.0%，比去年12月份加快0.2个百分点。"
    "其中，制造业增加值增长7.7%，高技术制造业增加值增长7.5%。1至2月份，社会消费品零售总额81307亿元，同比增长5.5%。"
)


def spaced(text: str) -> str:
    return re.sub(r"(?<=[^\x00-\x7f])(?=\d)|(?<=[\d%])(?=[^\x00-\x7f，。])", " ", text)


def test_figures_are_shared_across_digit_scripts_and_the_spacing_around_numbers():
    # Before: "٢٠٢٤" and "2024", "增长7.0%" and "增长 7.0%" shared no figure, and a copy written so was
    # taken for another edition of a recurring report ("0 of 11 figures shared").
    western = stated_figures(normalise("Harga naik 2024 15 persen 7,5"))
    eastern = stated_figures(normalise("Harga naik 2024 15 persen 7,5".translate(EASTERN_ARABIC)))
    assert set(western.tolist()) <= set(eastern.tolist())
    unspaced, with_spaces = fingerprints([FIGURES_ZH, spaced(FIGURES_ZH)], 3, 128)
    assert len(with_spaces.figures) >= 6 and other_edition(unspaced, with_spaces) is None


def figures_story(day: int) -> str:
    figures = f"On {11 + day} November 2024 the port handled {120 + day} ships, {4500 + 7 * day} containers, "
    figures += (
        f"{38 + day} tankers and {12 + day} ferries, and {9100 + day} workers earned {215 + day} dollars."
    )
    return article("harbour", 12) + "\n\n" + figures


def test_a_story_copied_in_other_digits_joins_it_and_the_next_edition_stays_apart():
    docs = [
        doc("day0", figures_story(0)),
        doc("day0-eastern", figures_story(0).translate(EASTERN_ARABIC)),
        doc("day1-eastern", figures_story(1).translate(EASTERN_ARABIC)),
    ]
    assert partition(dedup_documents(docs)) == [["day0", "day0-eastern"], ["day1-eastern"]]


def report(day: int, value: str = "12,48") -> str:
    return texts.MARKET_CLOSE_ID.format(
        dir="menguat",
        pts=f"{10 + day},5",
        pct="0,4",
        level=f"7.{200 + 17 * day},55",
        weekday="Senin",
        date=f"{11 + day} November 2024",
        up=200 + day,
        down=250 - day,
        flat=180 + 3 * day,
        value=value,
        volume=f"1{day}.2",
        foreign=f"{300 + 41 * day},7",
        sector="energi",
        laggard="perbankan",
    )


def test_editions_of_a_recurring_report_stay_apart_and_a_corrected_reprint_joins():
    docs = [doc(f"day{day}", report(day)) for day in range(4)] + [doc("day2-corrected", report(2, "13,02"))]
    assert partition(dedup_documents(docs)) == [["day0"], ["day1"], ["day2", "day2-corrected"], ["day3"]]
    first, second = fingerprints([report(0), report(1)], 3, 128)
    assert other_edition(first, second) == "the texts state different dates"


def test_a_death_toll_update_is_the_same_story():
    first = "\n\n".join(p.format(dead=12, missing=7) for p in texts.TOLL_UPDATE_ID)
    later = "\n\n".join(p.format(dead=15, missing=4) for p in texts.TOLL_UPDATE_ID)
    assert len(dedup_documents([doc("first", first), doc("later", later)])) == 1


def test_a_brief_joins_on_half_its_shingles_and_a_shared_quote_does_not():
    assert shared_needed(27, SETTINGS) == 15 and shared_needed(400, SETTINGS) == SETTINGS.min_shared
    long_text = "\n\n".join(texts.LONG_ARTICLE_EN)
    clusters = dedup_documents(
        [
            doc("long", long_text),
            doc("brief", texts.SHORT_BRIEF_EN[0]),
            doc("drivers", "\n\n".join(texts.QUOTE_SHARING_EN)),
        ]
    )
    assert partition(clusters) == [["brief", "long"], ["drivers"]]


def test_the_containment_probe_finds_a_brief_inside_a_long_text():
    long_text = article("harbour", 40)
    brief = " ".join(long_text.split()[100:130])
    prints = fingerprints([article("railway", 30), long_text, brief], 3, 128)
    counts = np.array([len(p.shingles) for p in prints])
    assert list(containment_pairs(prints, counts, lambda n: shared_needed(n, SETTINGS))) == [(2, 1)]


def test_fingerprints_keep_their_figures_and_dates_in_an_index_blob():
    print_ = fingerprint(report(1), 3, 128)
    shingles, figures, dates = decode_fingerprint(
        encode_fingerprint(print_.shingles, print_.figures, print_.dates)
    )
    assert np.array_equal(shingles, print_.shingles) and np.array_equal(figures, print_.figures)
    assert dates.tolist() == [20241112]


def test_an_edition_indexed_yesterday_does_not_absorb_todays(tmp_path):
    (tmp_path / "monday.txt").write_text("IHSG Senin\n\n" + report(0))
    (tmp_path / "tuesday.txt").write_text("IHSG Selasa\n\n" + report(1))
    db = tmp_path / "index.db"
    runner = CliRunner()
    runner.invoke(app, ["dedup", str(tmp_path / "monday.txt"), "--db", str(db)])
    result = runner.invoke(
        app, ["dedup", str(tmp_path / "tuesday.txt"), "--db", str(db), "--by", "doc", "-f", "jsonl"]
    )
    assert json.loads(result.stdout)["status"] == "new"
    explained = runner.invoke(
        app, ["explain", str(tmp_path / "monday.txt"), str(tmp_path / "tuesday.txt"), "-f", "json"]
    )
    assert "another edition of a recurring report" in json.loads(explained.stdout)[0]["reason"]


def test_lines_on_most_pages_of_a_site_are_its_template():
    blurb = (
        "Portal Kita adalah media daring yang menyajikan berita terkini dari seluruh Indonesia setiap hari."
    )
    pages = [doc(f"p{i}", f"Caption number {i} of the day.\n\n{blurb}", template="portal") for i in range(4)]
    pages.append(doc("other", f"Another site's page.\n\n{blurb}", template="elsewhere"))
    templates = SiteTemplates.learn(site_pages(pages))
    assert templates.stripped(pages[0]) == "Caption number 0 of the day."
    assert templates.stripped(pages[-1]) is None  # one page of its site: nothing learned
    # a site with fewer pages than a template needs is left out, and learns the same (nothing)
    assert set(site_pages(pages)) == {"portal", "elsewhere"}
    assert set(site_pages(pages, MIN_PAGES)) == {"portal"}
    assert SiteTemplates.learn(site_pages(pages, MIN_PAGES)).stripped(pages[0]) == templates.stripped(
        pages[0]
    )


def test_a_line_that_only_copies_of_one_page_hold_counts_as_on_one_page():
    blurb = (
        "Portal Kita adalah media daring yang menyajikan berita terkini dari seluruh Indonesia setiap hari."
    )
    article_ = "Warga menyambut baik halte bus listrik yang baru diresmikan di koridor selatan kota."
    # Before: five copies of one article (page, AMP, print...) were five pages holding its lines: template
    copies = [doc(f"copy{i}", f"{article_}\n\n{blurb}", template="portal") for i in range(5)]
    assert SiteTemplates.learn(site_pages(copies)).stripped(copies[0]) is None
    others = [doc(f"p{i}", f"Caption number {i} of the day.\n\n{blurb}", template="portal") for i in range(2)]
    templates = SiteTemplates.learn(site_pages(copies[:2]), site_pages(copies[2:] + others))
    assert (
        templates.stripped(copies[0]) == article_
        and templates.stripped(others[0]) == "Caption number 0 of the day."
    )
    # identical pages of nothing but the template still teach it: the blurb is on other pages too
    index_pages = [doc(f"index{i}", blurb, template="portal") for i in range(6)]
    templates = SiteTemplates.learn(site_pages(index_pages + others))
    assert (
        templates.stripped(index_pages[0]) == ""
        and templates.stripped(others[1]) == "Caption number 1 of the day."
    )


def test_lines_only_pages_under_one_headline_hold_are_template_and_named():
    blurb = (
        "Portal Kita adalah media daring yang menyajikan berita terkini dari seluruh Indonesia setiap hari."
    )
    story = [f"Paragraph {n} of the one story this site ran, updated through the day." for n in range(3)]

    def page(number: int, first_line: str, title: str = "Banjir bandang di Agam") -> Document:
        text = "\n\n".join([first_line, *story, blurb])
        return Document(id=f"v{number}", path=f"v{number}", title=title, text=text, template="portal")

    # Five versions of one story, each with its own clock line (three alike): the story's lines are on
    # every page of the site, as a template would be. They are learned as one, but named: versions of
    # one story and a section's pages under a generic headline look the same in line digests.
    clocks = ["10:00", "10:00", "10:00", "11:00", "12:00"]
    versions = [page(n, f"Updated at {clock} with the latest figures.") for n, clock in enumerate(clocks)]
    templates = SiteTemplates.learn(site_pages(versions))
    assert templates.stripped(versions[3]) == "Updated at 11:00 with the latest figures."
    assert [templates.versions_lost(version) for version in versions] == [(4, 5)] * 5
    # a page of another story holds the blurb too: the blurb is template and no story's line
    other = doc("other", f"A photo caption of the day.\n\n{blurb}", template="portal")
    templates = SiteTemplates.learn(site_pages(versions[:3]), site_pages([*versions[3:], other]))
    assert templates.versions_lost(versions[4]) == (3, 5) and templates.versions_lost(other)[0] == 0
    # pages with as much in common under titles of their own, or under a title of fewer than four
    # words (a site's name, "Suara Daerah | Berita"), are not named: what they share is the template
    for titles in ([f"Brief number {n} of today" for n in range(5)], ["Suara Daerah | Berita"] * 5):
        briefs = [page(n, f"Brief number {n} of the day.", title) for n, title in enumerate(titles)]
        templates = SiteTemplates.learn(site_pages(briefs))
        assert templates.stripped(briefs[0]) == "Brief number 0 of the day."
        assert templates.versions_lost(briefs[0])[0] == 0
    # a version that grew by two paragraphs is one too; and so, by its line digests, is a section's page
    # under one generic headline (named in vain: what it loses is the section's template)
    grown = page(5, "Updated at 13:00.\n\nA new paragraph.\n\nAnother new paragraph.")
    assert SiteTemplates.learn(site_pages([*versions, grown])).versions_lost(grown) == (4, 7)
    captions = [
        page(n, f"Caption number {n} of the day.", "Galeri foto hari ini Suara Daerah") for n in range(5)
    ]
    assert SiteTemplates.learn(site_pages(captions)).versions_lost(captions[0]) == (4, 5)


def test_a_headline_has_four_words_or_more_and_in_scripts_without_spaces_two_characters_are_one():
    headlines = [
        "Banjir bandang di Agam",
        "北京发布暴雨红色预警 全市中小学停课",
        "東京都、新しい防災計画を発表",
    ]
    names = ["Suara Daerah | Berita", "Portal Kita", "新华网", "", None]
    assert [title_key(title, 7) != 7 for title in headlines + names] == [True] * 3 + [False] * 5


def test_template_only_pages_fail_and_photo_pages_and_copies_keep_their_text(tmp_path):
    for case in build_cases():
        if case.kind == "template":
            (tmp_path / f"{case.name}.txt").write_text(case.text)
    result = CliRunner().invoke(app, ["dedup", str(tmp_path), "-f", "jsonl"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    cluster = {member["id"].rsplit("/", 1)[-1]: row["cluster"] for row in rows for member in row["members"]}
    canonical_text = {row["cluster"]: row["canonical"]["text"] for row in rows}
    photos = [f"template-photo-{i}.txt" for i in range(4)]
    copies = [f"template-copies-{version}.txt" for version in ("amp", "mobile", "page", "print")]
    versions = [f"template-versions-{i}.txt" for i in range(5)]
    assert sorted(cluster) == sorted(copies + photos + versions)
    assert len({cluster[name] for name in photos}) == 4
    # a site's four identical pages are one page of it: a copied article, not its template
    assert len({cluster[name] for name in copies}) == 1
    # a site's five versions of one story, each with its own figures, are most of its pages: the lines
    # they share are learned as its template, but each version is named (and with --no-templates, whole)
    [story] = {cluster[name] for name in versions}
    assert canonical_text[story].count("\n\n") == 0
    named = [line for line in result.stderr.splitlines() if line.endswith("versions of one story?")]
    assert [line.split(": ")[1].rsplit("/", 1)[-1] for line in named] == versions
    assert all(
        "3 of its 4 lines, held only by pages under its headline, were stripped" in line for line in named
    )
    assert "5 pages stripped of template lines that only pages under their headline hold" in result.stderr
    assert result.stderr.count("no article text besides its site's template") == 2 and result.exit_code == 2
    whole = CliRunner().invoke(
        app, ["dedup", *map(str, sorted(tmp_path.glob("*versions*"))), "--no-templates"]
    )
    assert "versions of one story?" not in whole.stderr
    assert len(json.loads(whole.stdout)["canonical"]["text"].split("\n\n")) == len(texts.UPDATED_ARTICLE_ID)


PORTAL_RUBRIC = (  # a fixed paragraph that reads like prose, so that only the site's pages tell it apart
    "Rubrik Foto Pilihan menampilkan karya jurnalis foto kami dari berbagai daerah di Indonesia, dipilih "
    "setiap hari oleh redaktur foto berdasarkan nilai berita dan kekuatan visualnya bagi para pembaca setia."
)


PHOTO_CAPTIONS = [  # without dates: pages of different days would be told apart by those alone
    "Petani memanen padi di sawah yang sempat terendam banjir di pinggiran kota, sementara harga gabah "
    "kering panen di tingkat petani mulai naik.",
    "Nelayan menurunkan hasil tangkapan ikan tongkol di dermaga pelabuhan setelah cuaca buruk membuat "
    "mereka tidak melaut selama sepekan.",
    "Pekerja menyelesaikan pemasangan rangka baja jembatan penghubung dua kecamatan yang ditargetkan "
    "rampung sebelum musim mudik tiba.",
    "Siswa sekolah dasar mengikuti simulasi evakuasi gempa bumi di halaman sekolah yang digelar oleh "
    "badan penanggulangan bencana daerah.",
]


def portal_page(number: int) -> str:
    """A photo page of one portal: a caption, then the rubric's and the portal's blurbs (on every page)."""
    return (
        f"Foto {number + 1} - Portal Kita\n\n{texts.PORTAL_NAV}\nHome > Foto\n{PHOTO_CAPTIONS[number]}\n"
        f"{PORTAL_RUBRIC}\n{texts.PORTAL_FOOTER}\n"
    )


def test_an_index_learns_a_sites_template_across_runs_of_a_few_pages(tmp_path):
    for number in range(4):
        (tmp_path / f"photo-{number}.txt").write_text(portal_page(number))
    (tmp_path / "index-page.txt").write_text(f"{texts.PORTAL_NAV}\nHome > Indeks\n{texts.PORTAL_FOOTER}\n")

    def run(names: list[str], db: str, *options: str):
        paths = [str(tmp_path / name) for name in names]
        result = CliRunner().invoke(
            app, ["dedup", *paths, "--db", db, "--by", "doc", "-f", "jsonl", *options]
        )
        return result, {
            json.loads(line)["id"].rsplit("/", 1)[-1]: json.loads(line) for line in result.stdout.splitlines()
        }

    learning, batch_only = str(tmp_path / "learning.db"), str(tmp_path / "batch-only.db")
    run(["photo-0.txt", "photo-1.txt"], learning)
    run(["photo-0.txt", "photo-1.txt"], batch_only, "--no-templates")
    # two pages a run: too few to learn the portal's template from one batch; with the index's memory
    # of the two pages before them, its lines are on all four, and these two pages share only those
    _, kept_apart = run(["photo-2.txt", "photo-3.txt"], learning)
    _, merged = run(["photo-2.txt", "photo-3.txt"], batch_only, "--no-templates")
    assert merged["photo-2.txt"]["cluster"] == merged["photo-3.txt"]["cluster"]
    assert kept_apart["photo-2.txt"]["cluster"] != kept_apart["photo-3.txt"]["cluster"]
    assert {row["status"] for row in kept_apart.values()} == {"new"}
    # a page of nothing but the template, alone in its run
    result, rows = run(["index-page.txt"], learning)
    assert rows == {} and result.exit_code == 2
    assert "index-page.txt: no article text besides its site's template" in result.stderr


def test_an_index_names_the_versions_of_a_story_it_learns_as_template_across_runs(tmp_path):
    versions = [case for case in build_cases() if case.name.startswith("template-versions-")]
    for case in versions:
        (tmp_path / f"{case.name}.txt").write_text(case.text)
    db = str(tmp_path / "index.db")
    named = []
    for names in (versions[:2], versions[2:4], versions[4:]):  # a cron job's runs, each a page or two
        paths = [str(tmp_path / f"{case.name}.txt") for case in names]
        result = CliRunner().invoke(app, ["dedup", *paths, "--db", db, "-f", "jsonl"])
        assert result.exit_code == 0, result.stderr
        named.append(result.stderr.count("versions of one story?\n"))
    # the second run learns the story's lines from the four pages it knows (their titles remembered
    # too), and says that they may be versions of one story
    assert named == [0, 2, 1]


def test_a_page_read_again_and_again_is_one_page_of_its_site(tmp_path):
    page, db = tmp_path / "latest.txt", str(tmp_path / "index.db")
    for version in range(6):  # a cron job reads the same page, its clock line changed, six times
        page.write_text(portal_page(0).replace("Home > Foto", f"Home > Foto > Diperbarui 0{version}.00 WIB"))
        result = CliRunner().invoke(app, ["dedup", str(page), "--db", db, "--by", "doc", "-f", "jsonl"])
        assert result.exit_code == 0, result.stderr
        # counted once a version, from the fourth on its own lines would be "on every page of the site":
        # stripped, the page would fail as all template
    from newsdedup.store import open_store

    store = open_store(db)
    [remembered] = store.site_pages(store._all_sites()).values()
    store.close()
    assert len(remembered) == 1


def test_every_reuse_class_is_found_without_false_merges(tmp_path):
    from tools.evaluate import _newsdedup_clusters

    report_ = evaluate_cases(_newsdedup_clusters)
    assert set(report_) == set(CLASSES)
    for kind, row in report_.items():
        assert row["false_merges"] == 0, kind
        assert row["recall"] in (None, 1.0), kind
    assert len(write_cases(tmp_path)) == sum(row["documents"] for row in report_.values())
