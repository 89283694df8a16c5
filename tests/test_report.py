"""The HTML report (``--format html``): its data, its safety with hostile pages, and a real browser."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdedup.cli.app import app
from newsdedup.cli.report import timeline, utf16_spans
from newsdedup.document import Document
from newsdedup.explain import Passage, explain
from tests.conftest import SAMPLES, article

runner = CliRunner()
HOSTILE_TITLE = '</script><script>alert("title")</script><img src=x onerror=alert(2)> & more'
HOSTILE_TEXT = "</script><script>alert('text')</script> <b>not bold</b>"


def page_html(title: str, site: str, body: str) -> str:
    paragraphs = "".join(f"<p>{part}</p>" for part in body.split("\n\n"))
    return (
        f'<html><head><title>{title} | {site}</title><meta property="og:site_name" content="{site}">'
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


def write_corpus(folder: Path) -> Path:
    """JSON Lines records of HTML pages: two stories copied across sites and days, two alone, one hostile."""
    records = []
    for n, (site, day, sentences) in enumerate(
        (("Daily Planet", 17, 14), ("Kompas", 18, 11), ("Republika", 20, 9))
    ):
        records.append(
            (
                "harbour",
                n,
                site,
                f"2024-05-{day}",
                article("harbour", sentences),
                f"https://{site.split()[0].lower()}.example/h{n}",
            )
        )
    for n, (site, day) in enumerate((("Kompas", 18), ("Daily Planet", 19))):
        records.append(("tunnel", n, site, f"2024-05-{day}", article("tunnel", 12 - 2 * n), None))
    records.append(("meadow", 0, "Republika", "2024-05-22", article("meadow"), "https://republika.example/m"))
    lines = [
        json.dumps(
            {
                "id": f"crawl/{topic}-{n}.html",
                "html": page_html(f"{topic.title()} story {n}", site, text),
                "url": url,
                "date": day,
            }
        )
        for topic, n, site, day, text, url in records
    ]
    hostile = page_html(
        HOSTILE_TITLE.replace("&", "&amp;").replace("<", "&lt;"), "Evil &lt;Site&gt;", article("forest")
    )
    hostile = hostile.replace(
        "<article>", f"<article><p>{HOSTILE_TEXT.replace('<', '&lt;')} " + article("forest", 2) + "</p>"
    )
    lines.append(
        json.dumps(
            {
                "id": "crawl/<hostile>.html",
                "html": hostile,
                "url": "javascript:alert(3)",
                "title": HOSTILE_TITLE,
            }
        )
    )
    path = folder / "records.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def report(*args) -> str:
    result = runner.invoke(app, [*map(str, args), "-f", "html"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def report_data(page: str) -> dict:
    block = re.search(
        r'<script type="application/octet-stream" id="report-data">(.*?)</script>', page, re.DOTALL
    )
    return json.loads(gzip.decompress(base64.b64decode(block.group(1))))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def clusters(corpus) -> list[dict]:
    result = runner.invoke(app, ["dedup", "-i", "jsonl", str(corpus), "-q"])
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_page_is_self_contained_and_only_its_own_script_and_style_may_run(corpus):
    page = report("dedup", "-i", "jsonl", corpus)
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert not re.search(r"\s(src|href)=", page)  # nothing is loaded from anywhere
    script = re.search(r"<script>(.*?)</script>", page, re.DOTALL).group(1)
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL).group(1)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    for source in (script, style):
        assert "sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() in policy
    assert policy.startswith("default-src 'none'") and "unsafe" not in policy
    # the hostile title is data inside base64, never markup of the page
    assert "alert" not in page.replace(script, "")
    assert HOSTILE_TITLE in [doc["title"] for doc in report_data(page)["docs"]]


def test_the_data_holds_every_cluster_largest_first_with_the_figures_of_the_run(corpus, clusters):
    data = report_data(report("dedup", "-i", "jsonl", corpus))
    assert data["kind"] == "clusters"
    assert sorted(item["id"] for item in data["items"]) == sorted(c["cluster"] for c in clusters)
    assert [item["size"] for item in data["items"]] == sorted((c["size"] for c in clusters), reverse=True)
    assert dict(data["figures"])["documents"] == "7" and dict(data["figures"])["duplicates"] == "3"
    assert data["sizes"] == [[1, 2], [2, 1], [3, 1]]
    assert data["sites"][:3] == [["Daily Planet", 2, 1], ["Kompas", 2, 1], ["Republika", 2, 1]]
    assert [day for day, _, _ in data["days"]] == [f"2024-05-{d}" for d in range(17, 23)]  # gaps included
    assert data["days"][3] == ["2024-05-20", 1, 1] and data["undated"] == 1


def test_the_passages_are_those_explain_finds(corpus):
    data = report_data(report("dedup", "-i", "jsonl", corpus))
    docs = {
        n: Document(id=row["id"], text=text)
        for n, (row, text) in enumerate(zip(data["docs"], data["texts"], strict=True))
    }
    checked = 0
    for item in data["items"]:
        for member in item["members"][1:]:
            result = explain(docs[item["canonical"]], docs[member["doc"]])
            assert member["shared"] == [[p.start, p.end] for p in result.passages]
            assert member["own"] == [[p.start, p.end] for p in result.second_passages]
            assert member["shared"] and member["own"]
            checked += 1
    assert checked == 3


def test_the_same_run_gives_the_same_page(corpus):
    assert report("dedup", "-i", "jsonl", corpus) == report("dedup", "-i", "jsonl", corpus)


def test_clean_explain_and_index_stats_have_pages_too(tmp_path):
    assert report_data(report("clean", SAMPLES))["kind"] == "documents"
    pair = report_data(report("explain", *sorted(SAMPLES.glob("00[02]_*.txt"))))
    assert pair["kind"] == "pair" and dict(pair["figures"])["verdict"] == "copies"
    index = tmp_path / "index.db"
    assert runner.invoke(app, ["dedup", str(SAMPLES), "--db", str(index), "-q"]).exit_code == 0
    stats = report_data(report("index", "stats", index))
    assert stats["kind"] == "records" and ["documents", "5"] in stats["rows"]


def test_offsets_count_utf16_units_as_a_browser_does():
    text = "a😀b😀cd"
    assert utf16_spans(text, [Passage(2, 3, "b", 1), Passage(4, 6, "cd", 1)]) == [[3, 4], [6, 8]]
    assert utf16_spans("plain", [Passage(0, 5, "plain", 1)]) == [[0, 5]]


def test_a_long_timeline_is_drawn_by_month():
    docs = [
        (Document(id=str(n), date=day), n == 0)
        for n, day in enumerate(("2023-01-05", "2024-03-01", "bad", None))
    ]
    line = timeline(docs)
    assert line["period"] == "month" and line["undated"] == 2
    assert (
        len(line["days"]) == 15
        and line["days"][0] == ("2023-01", 1, 0)
        and line["days"][-1] == ("2024-03", 1, 1)
    )


def test_a_timeline_over_centuries_is_drawn_by_year_up_to_the_last_day_a_date_holds():
    # Before: a record dated 9999-12-31 stepped the daily walk past date.max (OverflowError, an empty
    # report and exit 1), after a walk of every day from the earliest date, grouped by month or not.
    docs = [(Document(id=str(n), date=day), True) for n, day in enumerate(("0001-01-01", "9999-12-31"))]
    line = timeline(docs)
    assert line["period"] == "year" and len(line["days"]) == 9999
    assert line["days"][0] == ("0001", 1, 0) and line["days"][-1] == ("9999", 1, 0)
    last_day = timeline(
        [(Document(id="a", date="9999-12-30"), True), (Document(id="b", date="9999-12-31"), False)]
    )
    assert last_day["days"] == [("9999-12-30", 1, 0), ("9999-12-31", 1, 1)]


@pytest.mark.browser
def test_the_report_in_a_real_browser(browser, corpus, clusters, tmp_path):
    path = tmp_path / "report.html"
    path.write_text(report("dedup", "-i", "jsonl", corpus), encoding="utf-8")
    started = time.monotonic()
    browser.open(path.as_uri())
    browser.wait_for("document.body.dataset.ready === 'true'", timeout=30)
    loaded = time.monotonic() - started
    rows = browser.evaluate(
        "[...document.querySelectorAll('tr.item')].map(row => Number(row.dataset.cluster))"
    )
    assert sorted(rows) == sorted(c["cluster"] for c in clusters)  # every cluster is in the DOM
    assert browser.evaluate("document.querySelectorAll('#charts svg rect.bar').length") >= 10
    visible = "[...document.querySelectorAll('tr.item')].filter(row => !row.hidden).map(row => Number(row.dataset.cluster))"
    tunnel = next(c["cluster"] for c in clusters if c["canonical"]["title"].startswith("Tunnel"))

    browser.type("#filter", "tunnel story")
    browser.wait_for(f"JSON.stringify({visible}) === '[{tunnel}]'", timeout=5)
    assert (
        browser.evaluate("document.getElementById('shown').textContent")
        == f"1 of {len(clusters)} clusters shown"
    )
    browser.evaluate("document.querySelector('tr.item:not([hidden])').click()")
    assert browser.evaluate("document.querySelectorAll('tr.detail mark').length") >= 2
    assert browser.evaluate("document.querySelectorAll('tr.detail .side').length") == 2
    browser.screenshot(tmp_path / "report-filtered.png")

    browser.evaluate(
        "const box = document.getElementById('filter'); box.value = ''; box.dispatchEvent(new Event('input'))"
    )
    browser.evaluate("document.getElementById('copies-only').click()")
    browser.wait_for(f"{visible}.length === {sum(c['size'] > 1 for c in clusters)}", timeout=5)
    browser.evaluate("document.getElementById('copies-only').click()")
    browser.wait_for(f"{visible}.length === {len(clusters)}", timeout=5)

    # the hostile page: its title is text on the page, nothing of it ran, its javascript: address is no link
    hostile = next(c["cluster"] for c in clusters if c["canonical"]["title"] == HOSTILE_TITLE)
    browser.evaluate(f"document.querySelector('tr.item[data-cluster=\"{hostile}\"]').click()")
    assert (
        browser.evaluate(
            f"document.querySelector('tr.item[data-cluster=\"{hostile}\"] td.title').textContent"
        )
        == HOSTILE_TITLE
    )
    detail = f"document.querySelector('tr.item[data-cluster=\"{hostile}\"] + tr.detail')"
    assert HOSTILE_TEXT in browser.evaluate(f"{detail}.querySelector('.text').textContent")
    assert (
        browser.evaluate("document.querySelectorAll('tr.detail img, tr.detail b, body script').length") == 2
    )  # the page's own
    links = browser.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert all(link.startswith("https://") for link in links)
    assert not any(event.get("method") == "Page.javascriptDialogOpening" for event in browser.events)
    assert browser.console_errors() == []
    assert browser.requested() == [path.as_uri()]  # no network fetches
    assert browser.screenshot(tmp_path / "report.png").stat().st_size > 10_000
    assert loaded < 10


@pytest.mark.parametrize(
    "text",
    [
        "Plain words of a plain text here",
        "Straße 10.000 Euro, l'été — “quoted” 3,5 km",
        "ＦＵＬＬ width and ﬁ ligatures",
        "東京都は本日、新しい交通計画を発表しました。市民の意見を募集します。",
        "รัฐบาลประกาศแผนการคมนาคมใหม่ในวันนี้",
        "",
    ],
)
def test_a_shingled_text_sees_the_shingles_verification_sees(text):
    from newsdedup.explain import ShingledText
    from newsdedup.shingles import normalise, shingle_hashes, shingle_unit, unit_tokens

    unit = shingle_unit(text)
    expected = shingle_hashes(unit_tokens(normalise(text), unit), unit.width(3), unit)
    assert ShingledText(text, 3).shingles.tolist() == expected.tolist()
