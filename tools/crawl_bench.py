"""Bench rows for crawls as cron jobs meet them: a messy crawl, and a re-run over an indexed directory.

* **messy crawl**: the installed command (default workers) on N article pages, then on the same pages
  with 10% more that hold no article (menu-only index pages, as every real crawl has); the cost per
  document of the messy run against the clean one (target: at most x1.15).
* **re-run**: ``dedup DIR --db INDEX`` on N pages, then the same command again on the unchanged
  directory; the re-run's time against the first run's (target: at most 10%).

The pages are the shared speed corpus (``../shared/eval/speed/raw20k.tar.gz``, realistic scraped
pages) when it is there, else a generated corpus (:mod:`tools.corpus`).
"""

from __future__ import annotations

import os
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

from tools.corpus import write_corpus

REPO = Path(__file__).resolve().parent.parent
SPEED_CORPUS = Path(os.environ.get("NEWSDEDUP_SHARED", REPO.parent / "shared")) / "eval/speed/raw20k.tar.gz"
SPEED_CORPUS_PAGES = 20_000
MENU_SHARE = 0.10
MESSY_TARGET = 1.15
RERUN_TARGET = 0.10
_SITES = ("kabarnusa", "warta-kini", "dailyledger", "harianpagi", "newsroom24")


def speed_corpus(workdir: Path, limit: int | None = None) -> Path | None:
    """The shared speed corpus's first ``limit`` pages (all by default) unpacked under ``workdir`` (its
    ``docs/``, with the corpus's ``labels.json``), or None when it is absent."""
    if not SPEED_CORPUS.exists():
        return None
    with tarfile.open(SPEED_CORPUS) as archive:
        members = [m for m in archive if m.isfile()]
        pages = sorted(m.name for m in members if m.name.startswith("docs/"))
        chosen = {*pages[:limit], "labels.json"}
        # in archive order: going back in a gzip stream means reading it again from the start
        archive.extractall(workdir, members=[m for m in members if m.name in chosen], filter="data")
    return workdir / "docs"


def corpus_pages(workdir: Path, n: int, seed: int, jobs: int) -> tuple[Path, str]:
    """A directory of ``n`` pages under ``workdir``, and where they come from: the shared speed corpus's
    first ``n`` when it is there and holds that many, else a generated corpus."""
    if n <= SPEED_CORPUS_PAGES:
        docs = speed_corpus(workdir / "speed", n)
        if docs is not None:
            return docs, "shared speed corpus"
    write_corpus(workdir / "generated", n, seed=seed, jobs=jobs)
    return workdir / "generated" / "docs", "generated (tools.corpus)"


def menu_page(number: int) -> str:
    """A page that holds no article: a site's navigation, a list of section links, its footer."""
    site = _SITES[number % len(_SITES)]
    sections = " · ".join(("Berita", "Nasional", "Ekonomi", "Olahraga", "Foto", "Video", "Indeks"))
    links = "\n".join(f"{site.title()} {section} {number}" for section in ("Terkini", "Populer", "Pilihan"))
    return (
        f"{site}.example\n{sections}\nHome > Indeks > Halaman {number}\n{links}\n"
        f"Tentang Kami · Redaksi · Pedoman Media Siber · Karir · Kontak\nCopyright © 2024 {site}\n"
    )


def _timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - started


def bench_crawl(command: list[str], n: int, seed: int, jobs: int, runs: int = 2) -> dict:
    env = {**os.environ, "NO_COLOR": "1"}
    with tempfile.TemporaryDirectory(prefix="newsdedup-bench-crawl-") as scratch:
        workdir = Path(scratch)
        pages, origin = corpus_pages(workdir, n, seed, jobs)
        dedup = [*command, "dedup", "-q"]
        clean_seconds = min(_timed([*dedup, str(pages)], env) for _ in range(runs))
        menus = int(n * MENU_SHARE)
        for number in range(menus):
            (pages / f"index-{number:05d}.txt").write_text(menu_page(number), encoding="utf-8")
        messy_seconds = min(_timed([*dedup, str(pages)], env) for _ in range(runs))
        for number in range(menus):
            (pages / f"index-{number:05d}.txt").unlink()
        index = workdir / "index.db"
        first_seconds = _timed([*dedup, str(pages), "--db", str(index)], env)
        rerun_seconds = min(_timed([*dedup, str(pages), "--db", str(index)], env) for _ in range(runs))
    clean_per_doc, messy_per_doc = clean_seconds / n, messy_seconds / (n + menus)
    return {
        "pages": origin,
        "documents": n,
        "pages_without_article": menus,
        "clean_seconds": clean_seconds,
        "messy_seconds": messy_seconds,
        "messy_per_document_ratio": messy_per_doc / clean_per_doc,
        "messy_target": MESSY_TARGET,
        "first_run_seconds": first_seconds,
        "rerun_seconds": rerun_seconds,
        "rerun_ratio": rerun_seconds / first_seconds,
        "rerun_target": RERUN_TARGET,
    }


def print_crawl(c: dict) -> None:
    share = c["pages_without_article"] / (c["documents"] + c["pages_without_article"])
    print(f"\n## Crawls as cron jobs meet them ({c['documents']:,} pages: {c['pages']}; best of 2)\n")
    print(
        f"messy crawl: {c['clean_seconds']:.2f} s for the articles alone, {c['messy_seconds']:.2f} s with "
        f"{c['pages_without_article']:,} pages without an article ({share:.0%}): "
        f"x{c['messy_per_document_ratio']:.2f} per document (target <= x{c['messy_target']})"
    )
    print(
        f"re-run over the indexed directory: first run {c['first_run_seconds']:.2f} s, re-run "
        f"{c['rerun_seconds']:.2f} s = {c['rerun_ratio']:.1%} (target <= {c['rerun_target']:.0%})"
    )
