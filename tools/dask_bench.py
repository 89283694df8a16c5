"""Bench rows for the Dask engine: ``dedup DIR --engine dask -j 2`` against the local default ``dedup DIR``.

For each size: the installed command on the same pages with each engine (best of ``runs``), the ratio of
their wall times, the Dask workers' peak memory and the bytes their shuffles moved (both from the
command's summary line), and whether the two outputs are identical. Up to 20,000 pages come from the
shared speed corpus (``../shared/eval/speed/``) when it is there; larger sizes, and any without it, are
generated (:mod:`tools.corpus`, with its story printed 1,000 times).

On one machine the Dask engine does the local engine's work plus its shuffles, a scheduler and worker
processes that import everything again: it cannot be faster there. The target is to stay within 2x.

A second table is the skewed bucket (:func:`bench_skewed_buckets`): one story in k versions that are
twins of each other (each alters 5 of the 128 signature values) among 2,000 unrelated signatures, through
the engine's candidate stage on 2 workers. It prints the head pairs the bands gave (all pairs would be
k(k-1)/2), the stage's time, and whether its candidates are exactly the local engine's.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from tools.crawl_bench import corpus_pages

TARGET_RATIO = 2.0
WORKER_FIGURES = re.compile(
    r"(?P<workers>\d+) Dask workers?: peak memory (?P<peak_gb>[\d.]+) GB per worker \(at most\), "
    r"(?P<shuffled_mb>\d+) MB shuffled, (?P<transferred_mb>\d+) MB transferred"
)


def dask_installed() -> bool:
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def _run(command: list[str], out: Path) -> tuple[float, str]:
    """Wall time of one run (JSON Lines to ``out``) and its stderr."""
    started = time.perf_counter()
    with out.open("wb") as handle:
        done = subprocess.run(command, stdout=handle, stderr=subprocess.PIPE, check=False, env=_env())
    if done.returncode not in (0, 2):  # 2: some pages hold no article (three of the speed corpus)
        raise subprocess.CalledProcessError(done.returncode, command, stderr=done.stderr)
    return time.perf_counter() - started, done.stderr.decode("utf-8", "replace")


def _env() -> dict:
    return {**os.environ, "NO_COLOR": "1"}


def bench_dask(command: list[str], sizes: list[int], seed: int, jobs: int, runs: int = 1) -> dict:
    if not dask_installed():
        return {"skipped": "the dask extra is not installed (pip install -e '.[dask]')"}
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="newsdedup-bench-dask-") as scratch:
            workdir = Path(scratch)
            docs, origin = corpus_pages(workdir, n, seed, jobs)
            engines = {
                "local": [*command, "dedup", str(docs), "-f", "jsonl"],
                "dask": [*command, "dedup", str(docs), "-f", "jsonl", "--engine", "dask", "-j", "2"],
            }
            seconds, stderr, outputs = {}, {}, {}
            for name, args in engines.items():
                out = workdir / f"{name}.jsonl"
                timed = [_run(args, out) for _ in range(runs)]
                seconds[name] = min(wall for wall, _ in timed)
                stderr[name] = timed[-1][1]
                outputs[name] = out.read_bytes()
        figures = WORKER_FIGURES.search(stderr["dask"])
        rows.append(
            {
                "documents": n,
                "pages": origin,
                "local_seconds": seconds["local"],
                "dask_seconds": seconds["dask"],
                "ratio": seconds["dask"] / seconds["local"],
                "workers": int(figures["workers"]) if figures else None,
                "peak_memory_per_worker_gb": float(figures["peak_gb"]) if figures else None,
                "shuffled_mb": int(figures["shuffled_mb"]) if figures else None,
                "transferred_mb": int(figures["transferred_mb"]) if figures else None,
                "same_output": outputs["local"] == outputs["dask"],
            }
        )
    return {"runs": runs, "target_ratio": TARGET_RATIO, "rows": rows}


def skewed_signatures(copies: int, strays: int = 2000, seed: int = 0) -> np.ndarray:
    """``copies`` versions of one story's signature, each with 5 of its 128 values changed (twins of each
    other), among ``strays`` unrelated signatures, shuffled."""
    rng = np.random.default_rng(seed)
    versions = np.repeat(rng.integers(0, 2**32, (1, 128), dtype=np.uint32), copies, axis=0)
    for row in versions:
        row[rng.choice(128, 5, replace=False)] = rng.integers(0, 2**32, 5, dtype=np.uint32)
    matrix = np.concatenate([versions, rng.integers(0, 2**32, (strays, 128), dtype=np.uint32)])
    return matrix[rng.permutation(len(matrix))]


def signature_frame(matrix: np.ndarray, ids: list[str]):
    """The Dask engine's candidate input for these signatures: ``pos``, ``id``, ``signature`` (bytes),
    four partitions."""
    import dask.dataframe as dd
    import pandas as pd

    frame = pd.DataFrame(
        {
            "pos": np.arange(len(matrix), dtype=np.int64),
            "id": ids,
            "signature": [row.tobytes() for row in matrix],
        }
    )
    return dd.from_pandas(frame, npartitions=4)


def local_candidates(matrix: np.ndarray, ids: list[str]) -> dict[int, list[int]]:
    """Each document's candidates as the local engine yields them (gathered in chunks of 97)."""
    from newsdedup.candidates import candidate_pairs
    from newsdedup.settings import DedupSettings

    chunks = [range(start, min(start + 97, len(matrix))) for start in range(0, len(matrix), 97)]
    found: dict[int, list[int]] = {}
    for q, p in candidate_pairs(chunks, lambda: matrix, ids, DedupSettings().bands):
        found.setdefault(p, []).append(q)
    return found


def dask_candidates(persist, matrix: np.ndarray, ids: list[str], layout) -> dict[int, list[int]]:
    """Each document's candidates as the Dask engine finds them with ``layout``, in its order."""
    from newsdedup.dask_engine.candidates import candidate_pairs
    from newsdedup.settings import DedupSettings

    pairs = candidate_pairs(signature_frame(matrix, ids), DedupSettings(), persist, layout)
    rows = pairs.compute().sort_values(["p", "order"])
    return {p: group["q"].tolist() for p, group in rows.groupby("p")}


def bench_skewed_buckets(copies: list[int]) -> dict:
    if not dask_installed():
        return {"skipped": "the dask extra is not installed (pip install -e '.[dask]')"}
    from newsdedup.dask_engine.candidates import head_pairs
    from newsdedup.dask_engine.layout import Layout
    from newsdedup.dask_engine.run import DaskEngine
    from newsdedup.settings import DedupSettings

    settings, rows = DedupSettings(), []
    with DaskEngine(workers=2) as engine:
        for k in copies:
            matrix = skewed_signatures(k)
            ids = [f"doc-{i:07d}" for i in range(len(matrix))]
            layout = Layout.of(len(matrix), 2, settings.bands)
            heads = signature_frame(matrix, ids).assign(copied=False)  # every signature distinct: all heads
            pairs, _ = head_pairs(heads, settings, engine.persist, layout, frozenset())
            started = time.perf_counter()
            found = dask_candidates(engine.persist, matrix, ids, layout)
            seconds = time.perf_counter() - started
            rows.append(
                {
                    "versions": k,
                    "head_pairs": len(pairs),
                    "all_pairs": k * (k - 1) // 2,
                    "seconds": seconds,
                    "same_candidates": found == local_candidates(matrix, ids),
                }
            )
    return {"rows": rows}


def print_skewed_buckets(results: dict) -> None:
    print("\n## Dask engine: a story in k near-identical versions (candidate stage, 2 workers)\n")
    if "skipped" in results:
        print(f"skipped: {results['skipped']}")
        return
    print(f"{'versions':>10}{'head pairs':>12}{'all pairs':>14}{'seconds':>9}  same candidates as local")
    for row in results["rows"]:
        print(
            f"{row['versions']:>10,}{row['head_pairs']:>12,}{row['all_pairs']:>14,}{row['seconds']:9.1f}"
            f"  {'yes' if row['same_candidates'] else 'NO'}"
        )


def print_dask(results: dict) -> None:
    print("\n## Dask engine: dedup --engine dask -j 2 against the local default (installed command)\n")
    if "skipped" in results:
        print(f"skipped: {results['skipped']}")
        return
    print(
        f"{'documents':>10}  {'pages':26}{'local s':>9}{'dask s':>9}{'ratio':>7}"
        f"{'peak GB/worker':>16}{'shuffled MB':>13}  same output"
    )
    for row in results["rows"]:
        peak = (
            "n/a" if row["peak_memory_per_worker_gb"] is None else f"{row['peak_memory_per_worker_gb']:.2f}"
        )
        shuffled = "n/a" if row["shuffled_mb"] is None else f"{row['shuffled_mb']:,}"
        print(
            f"{row['documents']:>10,}  {row['pages']:26}{row['local_seconds']:9.1f}{row['dask_seconds']:9.1f}"
            f"{row['ratio']:6.2f}x{peak:>16}{shuffled:>13}  {'yes' if row['same_output'] else 'NO'}"
        )
    print(
        f"(best of {results['runs']} per engine; target: dask within x{results['target_ratio']:.0f} of local)"
    )
