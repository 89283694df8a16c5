"""Bench rows on realistic pages, with the peer pipelines side by side, and the targets of issue 15.

* **text path**: the installed command (``dedup DIR -q -f jsonl``) with the default workers and with
  one, on the shared speed corpus (20,000 scraped pages, boilerplate in), next to text-dedup's news
  setting on datasketch and on rensa (:mod:`tools.peers`, one process each, no cleaning); whether
  one worker and the default give the same bytes.
* **targets**: every row of the issue with its figure, its target and whether it is met, the HTML
  and fingerprinting rows taken from the other parts of the bench.

Without the shared corpus, a generated one (:mod:`tools.corpus`) stands in, and the report says so.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.crawl_bench import corpus_pages

TEXT_DOCS_PER_SECOND = 2500  # default workers, 2 cores
ONE_PROCESS_DOCS_PER_SECOND = 1200
TIMES_RENSA_PIPELINE = 3.0
HTML_TIMES_TRAFILATURA = 1.3
FINGERPRINT_TIMES_RENSA = 1.0


def _run(command: list[str], output: Path, env: dict) -> tuple[float, float]:
    """Wall and CPU seconds (the process and the children it waited for) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with output.open("wb") as handle:
        done = subprocess.run(command, stdout=handle, stderr=subprocess.DEVNULL, env=env, check=False)
    if done.returncode not in (0, 2):  # 2: some pages hold no article (three of the speed corpus)
        raise subprocess.CalledProcessError(done.returncode, command)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _best(command: list[str], output: Path, env: dict, runs: int) -> dict:
    timings = [_run(command, output, env) for _ in range(runs)]
    wall, cpu = min(timings)
    return {"seconds": wall, "cpu_seconds": cpu, "runs": runs}


def bench_speed(command: list[str], n: int, seed: int, jobs: int, runs: int = 2) -> dict:
    """The installed command and the peer pipelines on ``n`` pages: the default workers best of
    ``runs``, the slower rows once (the bench must finish in 10 minutes)."""
    env = {**os.environ, "NO_COLOR": "1"}
    peer = [sys.executable, "-m", "tools.peers"]
    with tempfile.TemporaryDirectory(prefix="newsdedup-bench-speed-") as scratch:
        workdir = Path(scratch)
        docs, origin = corpus_pages(workdir, n, seed, jobs)
        count = sum(1 for _ in docs.iterdir())
        dedup = [*command, "dedup", str(docs), "-q", "-f", "jsonl", "--by", "doc"]
        systems = {
            "newsdedup, default workers": _best(dedup, workdir / "default.jsonl", env, runs),
            "newsdedup, one process (-j 1)": _best([*dedup, "-j", "1"], workdir / "one.jsonl", env, 1),
            "text-dedup news setting on datasketch": _best(
                [*peer, "datasketch", str(docs)], workdir / "datasketch.tsv", env, 1
            ),
        }
        notes = []
        try:
            import rensa  # noqa: F401
        except ImportError:
            notes.append("rensa not installed: its peer row skipped (pip install -e '.[bench]')")
        else:
            systems["text-dedup news setting on rensa"] = _best(
                [*peer, "rensa", str(docs)], workdir / "rensa.tsv", env, 1
            )
        same = (workdir / "default.jsonl").read_bytes() == (workdir / "one.jsonl").read_bytes()
    for figure in systems.values():
        figure["documents_per_second"] = count / figure["seconds"]
    return {"pages": origin, "documents": count, "systems": systems, "same_output": same, "notes": notes}


def targets(results: dict) -> list[tuple[str, str, str, bool | None]]:
    """(row, measured, target, met) for every target of the issue the results hold."""
    rows = []
    if "speed" in results:
        s = results["speed"]["systems"]
        default, one = s["newsdedup, default workers"], s["newsdedup, one process (-j 1)"]
        rows.append(
            (
                "text path, default workers",
                f"{default['documents_per_second']:,.0f} docs/s",
                f">= {TEXT_DOCS_PER_SECOND:,} docs/s",
                default["documents_per_second"] >= TEXT_DOCS_PER_SECOND,
            )
        )
        rows.append(
            (
                "text path, one process",
                f"{one['documents_per_second']:,.0f} docs/s",
                f">= {ONE_PROCESS_DOCS_PER_SECOND:,} docs/s",
                one["documents_per_second"] >= ONE_PROCESS_DOCS_PER_SECOND,
            )
        )
        for name in ("text-dedup news setting on rensa", "text-dedup news setting on datasketch"):
            if name in s:
                ratio = s[name]["seconds"] / default["seconds"]
                wanted = TIMES_RENSA_PIPELINE if "rensa" in name else None
                rows.append(
                    (
                        f"text path vs {name.removeprefix('text-dedup news setting on ')} peer pipeline",
                        f"x{ratio:.2f} faster",
                        f">= x{wanted:g}" if wanted else "(context)",
                        ratio >= wanted if wanted else None,
                    )
                )
    if "html" in results:
        ratio = results["html"]["ratio_newsdedup_to_trafilatura"]
        rows.append(
            (
                f"HTML path ({results['html']['source']})",
                f"x{ratio:.2f} trafilatura.extract",
                f"<= x{HTML_TIMES_TRAFILATURA:g}",
                ratio <= HTML_TIMES_TRAFILATURA,
            )
        )
    if "peers" in results:
        p = results["peers"]["systems"]
        ours = p["newsdedup signatures, all documents"]
        rensa = p.get("rensa digest_matrix_from_flat_token_hashes, all")
        if rensa is not None:
            ratio = ours["seconds"] / rensa["seconds"]
            rows.append(
                (
                    "fingerprinting vs rensa (same shingles)",
                    f"x{ratio:.2f} rensa's time",
                    f"<= x{FINGERPRINT_TIMES_RENSA:g}",
                    ratio <= FINGERPRINT_TIMES_RENSA,
                )
            )
        identical = all(
            f.get("identical_to_newsdedup", True) for n, f in p.items() if n.startswith("datasketch")
        )
        rows.append(("signatures identical to datasketch's", "yes" if identical else "NO", "yes", identical))
    return rows


def print_speed(s: dict) -> None:
    print(f"\n## Text path on realistic pages ({s['documents']:,} pages: {s['pages']})\n")
    print(f"{'system':44}{'s':>8}{'cpu s':>8}{'docs/s':>9}{'x ours':>8}")
    ours = s["systems"]["newsdedup, default workers"]["seconds"]
    for name, f in s["systems"].items():
        print(
            f"{name:44}{f['seconds']:8.2f}{f['cpu_seconds']:8.2f}{f['documents_per_second']:9,.0f}"
            f"{f['seconds'] / ours:8.2f}"
        )
    print(f"one process and default workers give the same output: {'yes' if s['same_output'] else 'NO'}")
    print(
        "(newsdedup: default workers best of 2, the other rows once; reads, cleans, fingerprints, verifies, clusters, writes JSON Lines;"
    )
    print(" peers: one process, raw text, no cleaning or verification; cpu s counts waited-for children)")
    for note in s["notes"]:
        print(f"note: {note}")


def print_targets(rows: list[tuple[str, str, str, bool | None]]) -> None:
    print("\n## Targets (issue 15)\n")
    print(f"{'row':52}{'measured':>26}{'target':>16}  met")
    for name, measured, target, met in rows:
        print(f"{name:52}{measured:>26}{target:>16}  {'-' if met is None else 'yes' if met else 'NO'}")
