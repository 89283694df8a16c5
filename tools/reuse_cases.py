"""Development cases for reuse as newsrooms make it, one class per way real reuse differs from the
synthetic dev set, written for this project (``make eval`` scores them; nothing here is held out):

``recurring``   daily templated reports (market closes, gold prices, exchange rates, weather and
                prayer-time notices, league tables): each day's edition is its own story; a
                reprint that brings one figure up to date (a death toll, a score) is the same story
``spacing``     Urdu and Arabic copies whose words are written joined or apart, and other
                articles on the same event
``unspaced``    Japanese, Chinese and Thai copies, and other articles on the same event
``short``       a wholly derived two-sentence brief of a long article, and an article on the same
                event that quotes the same sentence
``mismatched``  a reworded copy a third as long as its source
``template``    photo pages of one portal whose only text besides the caption is the site's
                template, index pages with no article at all, another site's identical
                copies of one article (its page and its AMP, print and mobile versions), and a
                third site's versions of one story as its figures were updated (one line differs)

Every page is plain text wrapped in a site's chrome, as scraped. ``build_cases`` gives
``(name, text, story, class)``; ``score_cases`` runs the whole tool on them and reports, per
class, the share of true same-story pairs found and the pairs merged across stories.

    python -m tools.reuse_cases [--out DIR]    # write the pages and labels.json
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from tools import reuse_texts as texts

CLASSES = ("recurring", "spacing", "unspaced", "short", "mismatched", "template")
EDITIONS = 5
SITES = (
    ("KabarNusa", "Beranda · Berita · Ekonomi · Dunia · Olahraga", "© 2024 KabarNusa. Hak cipta dilindungi."),
    ("Harian Pagi", "Home | Nasional | Daerah | Bisnis | Hiburan", "Copyright Harian Pagi 2024"),
    ("The Daily Ledger", "News | World | Business | Sport | Opinion", "© The Daily Ledger 2024"),
    (
        "Warta Kini",
        "Terkini · Populer · Nasional · Internasional",
        "Warta Kini © 2024 — Semua hak dilindungi",
    ),
)
WEEKDAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    story: str
    kind: str


def _page(title: str, paragraphs: list[str], site: int | tuple[str, str, str]) -> str:
    name, nav, footer = SITES[site % len(SITES)] if isinstance(site, int) else site
    return "\n".join([title, "", name, nav, title, *paragraphs, "Bagikan artikel ini", footer]) + "\n"


def _title(paragraphs: list[str]) -> str:
    first = paragraphs[0]
    words = first.split()
    return " ".join(words[:9]) if len(words) > 4 else first[:18]


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def _story_cases(kind: str, key: str, story: dict) -> list[Case]:
    """The original and its copy (one story), and the other article on the same event."""
    title = _title(story["original"])
    return [
        Case(f"{kind}-{key}-original", _page(title, story["original"], 0), f"{key}-story", kind),
        Case(f"{kind}-{key}-copy", _page(title, story["copy"], 1), f"{key}-story", kind),
        Case(f"{kind}-{key}-other", _page(_title(story["other"]), story["other"], 2), f"{key}-other", kind),
    ]


def _figures(report: str, rng: random.Random, day: int) -> dict:
    """One day's figures for every report template (each template uses the ones it names)."""
    level = rng.uniform(6900, 7400)
    price = rng.randrange(1_400, 1_560) * 1000
    subuh = 4 * 60 + 10 + day
    times = {
        name: f"{(subuh + offset) // 60:02d}:{(subuh + offset) % 60:02d}"
        for name, offset in (
            ("imsak", -10),
            ("subuh", 0),
            ("terbit", 77),
            ("dhuha", 101),
            ("dzuhur", 462),
            ("ashar", 666),
            ("maghrib", 848),
            ("isya", 912),
        )
    }
    points = sorted((rng.randrange(10, 40) for _ in range(8)), reverse=True)
    teams = rng.sample(texts.TEAMS, 8)
    return {
        "dir": rng.choice(("menguat", "melemah"))
        if report.endswith("-id")
        else rng.choice(("higher", "lower")),
        "pts": f"{rng.uniform(5, 80):.2f}".replace(".", ","),
        "pct": f"{rng.uniform(0.1, 1.2):.2f}".replace(".", ","),
        "level": f"{level:,.2f}".replace(",", " ").replace(".", ",").replace(" ", "."),
        "weekday": (WEEKDAYS_ID if report.endswith("-id") else WEEKDAYS_EN)[day],
        "date": f"{11 + day} November 2024",
        "up": rng.randrange(180, 320),
        "down": rng.randrange(180, 320),
        "flat": rng.randrange(150, 260),
        "value": f"{rng.uniform(8, 15):.2f}".replace(".", ","),
        "volume": f"{rng.uniform(14, 24):.1f}",
        "foreign": f"{rng.uniform(50, 900):.1f}".replace(".", ","),
        "sector": rng.choice(texts.SECTORS if report.endswith("-id") else texts.SECTORS_EN),
        "laggard": rng.choice(texts.SECTORS if report.endswith("-id") else texts.SECTORS_EN),
        "delta": f"{rng.randrange(1, 30) * 1000:,}".replace(",", "."),
        "price": f"{price:,}".replace(",", "."),
        "bdelta": f"{rng.randrange(1, 30) * 1000:,}".replace(",", "."),
        "bprice": f"{price - 140_000:,}".replace(",", "."),
        **{
            f"p{n}": f"{int(price * factor):,}".replace(",", ".")
            for n, factor in (
                ("05", 0.55),
                ("2", 1.95),
                ("5", 4.84),
                ("10", 9.62),
                ("25", 23.9),
                ("50", 47.7),
                ("100", 95.2),
            )
        },
        "rate": f"{rng.uniform(15600, 16100):,.0f}",
        "jisdor": f"{rng.uniform(15600, 16100):,.0f}",
        "sgd": f"{rng.uniform(11600, 12000):,.0f}",
        "eur": f"{rng.uniform(16800, 17400):,.0f}",
        "jpy": f"{rng.uniform(10100, 10500):,.0f}",
        "driver": rng.choice(texts.DRIVERS),
        "low": f"{rng.uniform(15500, 15700):,.0f}",
        "high": f"{rng.uniform(16000, 16200):,.0f}",
        "morning": rng.choice(texts.SKY_ID),
        "noon": rng.choice(texts.SKY_ID),
        "other": rng.choice(texts.SKY_ID),
        "tmin": rng.randrange(23, 26),
        "tmax": rng.randrange(31, 35),
        "hmin": rng.randrange(55, 70),
        "hmax": rng.randrange(85, 98),
        **times,
        "week": 10 + day,
        **{f"t{i + 1}": team for i, team in enumerate(teams)},
        **{f"p{i + 1}": point for i, point in enumerate(points)},
    }


def _recurring_cases(rng: random.Random) -> list[Case]:
    cases = []
    for report, template in texts.REPORTS.items():
        for day in range(EDITIONS):
            paragraphs = _paragraphs(template.format(**_figures(report, rng, day)))
            story = f"{report}-day{day}"
            cases.append(
                Case(f"recurring-{story}", _page(_title(paragraphs), paragraphs, day), story, "recurring")
            )
    figures = _figures("market-close-id", random.Random(7), 2)
    edition = _paragraphs(texts.MARKET_CLOSE_ID.format(**figures))
    corrected = _paragraphs(texts.MARKET_CLOSE_ID.format(**{**figures, "value": "12,48"}))
    cases += [
        Case("recurring-market-reprint-a", _page(_title(edition), edition, 0), "market-reprint", "recurring"),
        Case(
            "recurring-market-reprint-b", _page(_title(edition), corrected, 3), "market-reprint", "recurring"
        ),
    ]
    for name, story, first, later in (
        ("toll", texts.TOLL_UPDATE_ID, {"dead": 12, "missing": 7}, {"dead": 15, "missing": 4}),
        ("score", texts.SCORE_UPDATE_EN, {"home": 1, "away": 0}, {"home": 2, "away": 1}),
    ):
        for version, values in (("first", first), ("updated", later)):
            paragraphs = [p.format(**values) for p in story]
            site = 0 if version == "first" else 2
            cases.append(
                Case(
                    f"recurring-{name}-{version}",
                    _page(_title(paragraphs), paragraphs, site),
                    f"{name}-update",
                    "recurring",
                )
            )
    return cases


def _short_and_mismatched_cases() -> list[Case]:
    long_title = _title(texts.LONG_ARTICLE_EN)
    return [
        Case("short-long-original", _page(long_title, texts.LONG_ARTICLE_EN, 2), "port", "short"),
        Case("short-brief", _page("Priok to run round the clock", texts.SHORT_BRIEF_EN, 0), "port", "short"),
        Case(
            "short-quote-sharing",
            _page("Priok drivers threaten strike over longer hours", texts.QUOTE_SHARING_EN, 1),
            "port-drivers",
            "short",
        ),
        Case(
            "mismatched-copy",
            _page("Priok port to operate 24 hours a day", texts.MISMATCHED_COPY_EN, 3),
            "port",
            "mismatched",
        ),
    ]


def _template_cases() -> list[Case]:
    cases = []
    for number, (headline, caption) in enumerate(texts.PHOTO_CAPTIONS_ID):
        page = (
            f"{headline} - Portal Kita\n\n{texts.PORTAL_NAV}\nHome > Foto\n{headline}\n"
            f"Foto Pilihan · {18 + number} November 2024\n{caption}\nBagikan\n{texts.PORTAL_FOOTER}\n"
        )
        cases.append(Case(f"template-photo-{number}", page, f"photo-{number}", "template"))
    for number in range(2):
        page = f"{texts.PORTAL_NAV}\nHome > Indeks > Halaman {number + 1}\n{texts.PORTAL_FOOTER}\n"
        cases.append(Case(f"template-index-{number}", page, f"index-{number}", "template"))
    copy = _page(_title(texts.COPIED_ARTICLE_ID), texts.COPIED_ARTICLE_ID, texts.COPIED_SITE)
    for version in ("page", "amp", "print", "mobile"):  # as many pages as a site's template needs
        cases.append(Case(f"template-copies-{version}", copy, "copies", "template"))
    for version in range(5):  # near-copies: one line differs
        paragraphs = [
            p.format(hour=18 + version, homes=4200 - 650 * version) for p in texts.UPDATED_ARTICLE_ID
        ]
        page = _page(_title(paragraphs), paragraphs, texts.UPDATED_SITE)
        cases.append(Case(f"template-versions-{version}", page, "versions", "template"))
    return cases


def build_cases(seed: int = 0) -> list[Case]:
    rng = random.Random(seed)
    cases = _recurring_cases(rng)
    for key, story in texts.SPACING.items():
        cases += _story_cases("spacing", key, story)
    for key, story in texts.UNSPACED.items():
        cases += _story_cases("unspaced", key, story)
    return cases + _short_and_mismatched_cases() + _template_cases()


def write_cases(out: Path, seed: int = 0) -> list[Case]:
    cases = build_cases(seed)
    (out / "docs").mkdir(parents=True, exist_ok=True)
    for case in cases:
        (out / "docs" / f"{case.name}.txt").write_text(case.text, encoding="utf-8")
    labels = {f"{c.name}.txt": {"story": c.story, "class": c.kind} for c in cases}
    (out / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    return cases


def score_cases(predicted: dict[str, int], cases: list[Case]) -> dict[str, dict]:
    """Per class: the true same-story pairs with a page of the class that were found (a page that failed
    found none), and the pairs with a page of the class that were put together across stories."""
    cleaned = [c for c in cases if f"{c.name}.txt" in predicted]
    report = {}
    for kind in CLASSES:
        true_pairs = found = false_merges = 0
        for a, b in combinations(cases, 2):
            if kind not in (a.kind, b.kind):
                continue
            cluster_a, cluster_b = predicted.get(f"{a.name}.txt"), predicted.get(f"{b.name}.txt")
            together = cluster_a is not None and cluster_a == cluster_b
            if a.story == b.story:
                true_pairs += 1
                found += together
            elif together:
                false_merges += 1
        report[kind] = {
            "documents": sum(c.kind == kind for c in cases),
            "cleaned": sum(c.kind == kind for c in cleaned),
            "true_pairs": true_pairs,
            "recall": found / true_pairs if true_pairs else None,
            "false_merges": false_merges,
        }
    return report


def evaluate_cases(clusters_of, seed: int = 0) -> dict[str, dict]:
    """``clusters_of(paths) -> ({file name: cluster}, failures)`` run on freshly written cases."""
    with tempfile.TemporaryDirectory(prefix="newsdedup-reuse-") as scratch:
        cases = write_cases(Path(scratch), seed)
        predicted, _ = clusters_of(sorted((Path(scratch) / "docs").iterdir()))
    return score_cases(predicted, cases)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="directory to write docs/ and labels.json to")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    cases = write_cases(Path(args.out), args.seed)
    print(f"{len(cases)} pages written to {args.out}/docs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
