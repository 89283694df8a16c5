"""``make bench``: speed figures of newsdedup on this machine, on realistic pages when they are there.

    python -m tools.bench [--sizes 10000,100000] [--quick] [--html-n N] [--command-n N]
                          [--peers-n N] [--startup-runs N] [--dask-sizes 20000,100000] [--skew-versions 1000,5000]
                          [--parts text,speed,html,crawl,peers,...,dask]
                          [--json bench-results/bench.json] [--profile] [--seed 0]

The shared development data (``../shared``) supplies the pages when it is there:
the speed corpus (20,000 scraped plain-text pages) for the text path, the speed
row and the fingerprinting peers, and the zyte pages (real news HTML) for the
HTML path; otherwise generated corpora stand in, and the report says so. The
report ends with the targets of issue 15, each with its figure (see
:mod:`tools.speed_bench`, which also runs the peer pipelines side by side).

Text path, on the speed corpus (or, given ``--sizes`` or without it, for each
size a corpus from :mod:`tools.corpus` written to a temporary directory): a fresh process (so that peak RSS is this size's
alone) runs read -> clean -> fingerprint -> candidate search (LSH) ->
verification + clustering -> JSON Lines output as the CLI does, streaming, and
times each stage's own share ("candidates" includes moving the texts and
shingles to the spool). End-to-end time, documents per second, peak RSS
and the ARI of the clusters against the corpus labels come from the same run;
per-document time at each size gives the scaling ratio. The files were just
written, so reading runs from the page cache.

HTML path: newsdedup's cleaning of HTML pages (the zyte pages, else generated
ones) next to trafilatura's ``extract`` alone on the same pages (already read
and decoded), best of three rounds that run each system once in turn (so that a
burst of load on a shared machine slows one run of each, not every run of one).
Each run of the cleaner starts with its own line caches empty (trafilatura's few
small caches of text snippets stay as they are).

Installed command: ``newsdedup dedup DIR -q`` in a subprocess on a text corpus
and an HTML corpus, with one worker and with two, and whether both gave the
same output.

Fingerprinting peers: datasketch (``update`` per shingle, ``update_batch``,
``bulk``), rensa if installed, and newsdedup's ``signature`` /
``signatures`` on the same shingle hashes with the same 128 permutations
(rensa draws its own permutations, so its signatures differ).

Start-up: ``newsdedup --help`` in a subprocess, best of several.

Index size per document: ``tools.store_size`` fills a fresh SQLite index and
reports its bytes per document beyond the canonical texts.

Dask engine: ``dedup --engine dask -j 2`` against the local default on 20,000
and 100,000 documents, and the candidate stage on a story in 1,000 and 5,000
near-identical versions (skewed buckets) (:mod:`tools.dask_bench`).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.metadata
import io
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from tools.corpus import generate_corpus, write_corpus
from tools.crawl_bench import SPEED_CORPUS, bench_crawl, print_crawl, speed_corpus
from tools.dask_bench import bench_dask, bench_skewed_buckets, print_dask, print_skewed_buckets
from tools.scoring import adjusted_rand_index
from tools.speed_bench import bench_speed, print_speed, print_targets, targets

REPO = Path(__file__).resolve().parent.parent
DEFAULT_JSON = REPO / "bench-results" / "bench.json"
PARTS = ("text", "speed", "html", "command", "crawl", "peers", "startup", "index", "dask")
# the installed command on generated corpora: the speed part times it on realistic pages
DEFAULT_PARTS = tuple(part for part in PARTS if part != "command")
HTML_ROUNDS = 3
ZYTE_PAGES = SPEED_CORPUS.parent.parent / "extraction" / "zyte" / "html"
TEXT_STAGES = ("read", "clean", "fingerprint", "candidates", "verify", "cluster", "output")
STAGE_LABELS = {
    "read": "read (files)",
    "clean": "clean",
    "fingerprint": "fingerprint",
    "candidates": "candidate search (LSH)",
    "verify": "verification",
    "cluster": "clustering + canonical",
    "output": "output (JSONL)",
}
QUICK = {
    "sizes": "300,1000",
    "html_n": 100,
    "command_n": 300,
    "crawl_n": 300,
    "speed_n": 300,
    "peers_n": 300,
    "startup_runs": 3,
    "dask_sizes": "300,1000",
}


# ---------------------------------------------------------------- measuring


class StageClock:
    """The time each stage of a chain of generators spends on its own work.

    ``wrap`` times every ``next()`` of a stage; that time includes the stages
    upstream of it, so a stage's own time is its time less its upstream's.
    """

    def __init__(self) -> None:
        self.inclusive: dict[str, float] = {}
        self.items: dict[str, int] = {}

    def wrap(self, name: str, stage: Iterable) -> Iterator:
        clock = time.perf_counter
        iterator = iter(stage)
        spent, count = 0.0, 0
        try:
            while True:
                started = clock()
                try:
                    item = next(iterator)
                except StopIteration:
                    spent += clock() - started
                    return
                spent += clock() - started
                count += 1
                yield item
        finally:
            self.inclusive[name] = spent
            self.items[name] = count

    def call(self, name: str, function: Callable, *args):
        started = time.perf_counter()
        result = function(*args)
        self.inclusive[name] = time.perf_counter() - started
        return result

    def own(self, name: str, upstream: str | None = None) -> float:
        return self.inclusive[name] - (self.inclusive[upstream] if upstream else 0.0)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes there, KiB on Linux


def measure_text_path(docs_dir: str, output_path: str) -> dict:
    """Run the text path on every file under ``docs_dir`` once; figures per stage and overall.

    The stages are composed exactly as ``newsdedup.pipeline.cluster_documents``
    composes them, with a clock around each (tests check the clusters agree).
    """
    setup_started = time.perf_counter()
    from newsdedup.batch import Batch
    from newsdedup.candidates import candidate_pairs
    from newsdedup.canonical import canonical_cluster
    from newsdedup.clean.language import detect_language
    from newsdedup.cli.output import write_json_lines
    from newsdedup.cluster import EdgeColumns, cluster_groups
    from newsdedup.pipeline import GATHER_CHUNK, clean_documents, fingerprint_documents, read_documents
    from newsdedup.records import cluster_record
    from newsdedup.settings import DedupSettings
    from newsdedup.verify import verified_edges

    def clustered(batch, edges, settings):
        groups = cluster_groups(batch.prints, batch.keys, edges)
        return [
            canonical_cluster(n, group, batch.docs, batch.prints, settings)
            for n, group in enumerate(groups, 1)
        ]

    detect_language("Ini adalah kalimat pertama untuk memuat model bahasa.")  # model load: a start-up cost
    settings = DedupSettings()
    setup_seconds = time.perf_counter() - setup_started
    rss_before = peak_rss_mb()
    clock = StageClock()
    cpu_started = time.process_time()
    failures: list = []
    started = time.perf_counter()
    stream = clock.wrap("read", read_documents([docs_dir], on_error=failures.append))
    stream = clock.wrap("clean", clean_documents(stream, on_error=failures.append))
    printed = clock.wrap("fingerprint", fingerprint_documents(stream, settings))
    batch = Batch(settings.num_perm)
    # candidates are searched and verified while the stream comes in, as in the pipeline
    chunks = batch.gather(printed, GATHER_CHUNK)
    pairs = clock.wrap("candidates", candidate_pairs(chunks, batch.signatures, batch.keys, settings.bands))
    edges = clock.call("verify", EdgeColumns, verified_edges(pairs, batch.prints, settings))
    clusters = clock.call("cluster", clustered, batch, edges, settings)
    docs = batch.docs
    with open(output_path, "w", encoding="utf-8") as out:
        clock.call("output", write_json_lines, (cluster_record(c) for c in clusters), out)
    end_to_end = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    seconds = {
        "read": clock.own("read"),
        "clean": clock.own("clean", "read"),
        "fingerprint": clock.own("fingerprint", "clean"),
        "candidates": clock.own("candidates", "fingerprint"),
        "verify": clock.own("verify", "candidates"),
        "cluster": clock.own("cluster"),
        "output": clock.own("output"),
    }
    return {
        "documents": len(docs),
        "failed": len(failures),
        "seconds": seconds,
        "end_to_end_seconds": end_to_end,
        "documents_per_second": len(docs) / end_to_end if end_to_end else 0.0,
        "setup_seconds": setup_seconds,
        "candidate_pairs": clock.items["candidates"],
        "verified_pairs": len(edges),
        "clusters": len(clusters),
        "peak_rss_mb": peak_rss_mb(),
        "peak_rss_before_mb": rss_before,
        # well under 1: the run waited for the CPU or the disk (other work on the machine skews every figure)
        "cpu_per_wall": cpu_seconds / end_to_end if end_to_end else 0.0,
        "assignments": {Path(m.document.id).name: c.id for c in clusters for m in c.members},
    }


def _in_fresh_process(function: Callable, *args):
    """``function(*args)`` in a new interpreter, so its peak RSS and caches are its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def best_time(function: Callable[[], object], budget: float = 2.0, max_runs: int = 5) -> tuple[dict, object]:
    """Best wall time of repeated runs (at least one; more while within ``budget`` seconds), and a result.

    ``cpu_per_wall`` above 1 means the function used more than one core.
    """
    walls, cpus = [], []
    while True:
        cpu, wall = time.process_time(), time.perf_counter()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        if len(walls) >= max_runs or sum(walls) + walls[-1] > budget:
            break
    best = min(range(len(walls)), key=walls.__getitem__)
    return {"seconds": walls[best], "cpu_per_wall": cpus[best] / walls[best] if walls[best] else 0.0}, result


def best_interleaved(systems: dict[str, Callable[[], object]], rounds: int) -> dict[str, dict]:
    """``best_time`` of each system over ``rounds`` rounds that run every system once, in turn.

    On a shared machine a burst of load then slows one run of each system, not all runs of one.
    """
    runs: dict[str, list[dict]] = {name: [] for name in systems}
    for _ in range(rounds):
        for name, function in systems.items():
            runs[name].append(best_time(function, budget=0.0, max_runs=1)[0])
    return {name: min(timed, key=lambda run: run["seconds"]) for name, timed in runs.items()}


# ---------------------------------------------------------------- the parts


def _text_corpus(workdir: str, n: int | None, seed: int, jobs: int) -> tuple[dict[str, str], str]:
    """Labels (file name -> story) of a corpus written under ``workdir``/docs: the shared speed
    corpus when ``n`` is None, else ``n`` generated documents; and where the pages come from."""
    if n is None:
        speed_corpus(Path(workdir))
        labels = json.loads(Path(workdir, "labels.json").read_text(encoding="utf-8"))
        return {name: record["cluster"] for name, record in labels["docs"].items()}, "shared speed corpus"
    return write_corpus(workdir, n, seed=seed, jobs=jobs), "generated (tools.corpus)"


def bench_text(
    sizes: list[int | None], seed: int, jobs: int, isolate: bool, profile_dir: Path | None
) -> dict:
    """Per-stage figures for each size (None: the shared speed corpus)."""
    runs = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="newsdedup-bench-") as workdir:
            started = time.perf_counter()
            labels, origin = _text_corpus(workdir, n, seed, jobs)
            written = time.perf_counter() - started
            docs_dir, output = str(Path(workdir, "docs")), str(Path(workdir, "clusters.jsonl"))
            if isolate:
                run = _in_fresh_process(measure_text_path, docs_dir, output)
            else:
                run = measure_text_path(docs_dir, output)
            if profile_dir is not None and n == sizes[0]:
                run["profile"] = profile_text_path(
                    docs_dir, output, profile_dir / f"text-{n or 'speed'}.prof"
                )
        assignments = run.pop("assignments")
        names = sorted(labels)
        run["ari"] = adjusted_rand_index(
            [labels[name] for name in names], [assignments.get(name, f"missing {name}") for name in names]
        )
        sizes_of = Counter(labels.values())
        run.update(
            size=len(labels),
            pages=origin,
            true_clusters=len(sizes_of),
            true_largest=max(sizes_of.values()),
            corpus_seconds=written,
            isolated=isolate,
            end_to_end_ms_per_document=1000 * run["end_to_end_seconds"] / max(1, run["documents"]),
        )
        runs.append(run)
    per_doc = [r["end_to_end_ms_per_document"] for r in runs]
    scaling = {
        "sizes": sizes,
        "end_to_end_ms_per_document": per_doc,
        "ratio_largest_to_smallest": per_doc[-1] / per_doc[0] if len(runs) > 1 and per_doc[0] else None,
    }
    return {"runs": runs, "scaling": scaling}


def text_sizes(given: str | None) -> list[int | None]:
    """The text-path sizes: those given, else the shared speed corpus when it is there, else 10,000."""
    if given is not None:
        return _sizes(given)
    return [None] if SPEED_CORPUS.exists() else [10_000]


def profile_text_path(docs_dir: str, output_path: str, prof_path: Path) -> dict:
    """The text path under cProfile; the functions with the most own time."""
    profiler = cProfile.Profile()
    profiler.runcall(measure_text_path, docs_dir, output_path)
    prof_path.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(str(prof_path))
    listing = io.StringIO()
    pstats.Stats(profiler, stream=listing).sort_stats("tottime").print_stats(25)
    return {"file": str(prof_path), "top_by_own_time": listing.getvalue()}


def bench_html(n: int, seed: int, jobs: int) -> dict:
    import trafilatura

    from newsdedup.clean import clean_document, clear_caches, load_rules
    from newsdedup.read import read_document

    if ZYTE_PAGES.exists():
        docs = [read_document(str(p)) for p in sorted(ZYTE_PAGES.iterdir())[:n]]
        source = "zyte pages, real news"
    else:
        with tempfile.TemporaryDirectory(prefix="newsdedup-bench-html-") as workdir:
            write_corpus(workdir, n, seed=seed, kind="html", jobs=jobs)
            docs = [read_document(str(p)) for p in sorted(Path(workdir, "docs").iterdir())]
        source = "GENERATED pages: zyte pages absent"
    raws = [doc.raw for doc in docs]
    rules = load_rules()
    # the first page pays for imports and model loads, which belong to start-up
    clean_document(docs[0], rules)
    trafilatura.extract(raws[0])

    def ours() -> None:
        clear_caches()  # no verdicts kept from the last run of the same pages
        for doc in docs:
            clean_document(doc, rules)

    def trafilatura_default() -> None:
        for raw in raws:
            trafilatura.extract(raw)

    def trafilatura_our_options() -> None:
        for raw in raws:
            trafilatura.extract(
                raw, favor_precision=True, include_comments=False, deduplicate=False, fast=True
            )

    systems = {
        "newsdedup clean": ours,
        "trafilatura.extract (defaults)": trafilatura_default,
        "trafilatura.extract (newsdedup's options)": trafilatura_our_options,
    }
    figures = best_interleaved(systems, rounds=HTML_ROUNDS)
    for figure in figures.values():
        figure["ms_per_page"] = 1000 * figure["seconds"] / len(docs)
    return {
        "pages": len(docs),
        "source": source,
        "mean_page_bytes": sum(len(raw.encode("utf-8")) for raw in raws) / len(raws),
        "systems": figures,
        "ratio_newsdedup_to_trafilatura": figures["newsdedup clean"]["seconds"]
        / figures["trafilatura.extract (defaults)"]["seconds"],
    }


def bench_peers(n: int, seed: int) -> dict:
    import numpy as np
    from datasketch import MinHash

    from newsdedup.clean import clean_document, load_rules
    from newsdedup.document import Document
    from newsdedup.errors import DocumentError
    from newsdedup.fingerprint import SEED, fingerprints, signature, signatures
    from newsdedup.settings import DedupSettings
    from newsdedup.shingles import normalise, shingle_hashes

    settings = DedupSettings()
    num_perm = settings.num_perm
    rules = load_rules()
    texts = []
    raws, source = _peer_pages(n, seed)
    for name, raw in raws:
        try:
            texts.append(clean_document(Document(id=name, raw=raw), rules).text)
        except DocumentError:
            continue
    shingle_sets = [shingle_hashes(normalise(text), settings.shingle_size) for text in texts]
    as_ints = [s.tolist() for s in shingle_sets]
    reference = signatures(shingle_sets, num_perm)

    def identity(value):
        return value

    def datasketch_update():
        out = []
        for values in as_ints:
            minhash = MinHash(num_perm=num_perm, seed=SEED, hashfunc=identity)
            for value in values:
                minhash.update(value)
            out.append(minhash.hashvalues)
        return out

    def datasketch_update_batch():
        out = []
        for values in as_ints:
            minhash = MinHash(num_perm=num_perm, seed=SEED, hashfunc=identity)
            minhash.update_batch(values)
            out.append(minhash.hashvalues)
        return out

    def datasketch_bulk():
        return [m.hashvalues for m in MinHash.bulk(as_ints, num_perm=num_perm, seed=SEED, hashfunc=identity)]

    systems: dict[str, tuple[Callable, bool]] = {
        "datasketch MinHash.update, per shingle": (datasketch_update, True),
        "datasketch MinHash.update_batch, per document": (datasketch_update_batch, True),
        "datasketch MinHash.bulk, all documents": (datasketch_bulk, True),
    }
    notes = []
    try:
        from rensa import RMinHash
    except ImportError:
        notes.append("rensa not installed: skipped (pip install -e '.[bench]')")
    else:
        as_strings = [[str(v) for v in values] for values in as_ints]
        flat = np.concatenate(shingle_sets).astype(np.uint64)
        offsets = np.concatenate(([0], np.cumsum([len(s) for s in shingle_sets]))).astype(np.uint64)

        def rensa_update():
            out = []
            for tokens in as_strings:
                minhash = RMinHash(num_perm, SEED)
                minhash.update(tokens)
                out.append(minhash.digest())
            return out

        def rensa_flat_hashes():
            return RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, num_perm, SEED).to_rows()

        systems["rensa RMinHash.update, per document (str tokens)"] = (rensa_update, False)
        systems["rensa digest_matrix_from_flat_token_hashes, all"] = (rensa_flat_hashes, False)
        notes.append("rensa hashes and permutes with its own functions: same shingles, different signatures")
    systems["newsdedup signature, per document"] = (
        lambda: [signature(s, num_perm) for s in shingle_sets],
        True,
    )
    systems["newsdedup signatures, all documents"] = (lambda: signatures(shingle_sets, num_perm), True)
    figures = {}
    for name, (function, comparable) in systems.items():
        figure, rows = best_time(function, budget=3.0)
        if comparable:
            same = np.array_equal(np.asarray(rows, dtype=np.uint64), reference.astype(np.uint64))
            figure["identical_to_newsdedup"] = bool(same)
        figures[name] = figure
    ours = figures["newsdedup signatures, all documents"]["seconds"]
    for figure in figures.values():
        figure["us_per_document"] = 1e6 * figure["seconds"] / len(shingle_sets)
        figure["times_newsdedup_batch"] = figure["seconds"] / ours if ours else None
    # for context: the whole fingerprint stage, normalising included
    from_text, _ = best_time(lambda: fingerprints(texts, settings.shingle_size, num_perm), budget=3.0)
    from_text["us_per_document"] = 1e6 * from_text["seconds"] / len(texts)
    return {
        "documents": len(shingle_sets),
        "source": source,
        "shingles": int(sum(len(s) for s in shingle_sets)),
        "num_perm": num_perm,
        "systems": figures,
        "newsdedup fingerprints from text": from_text,
        "notes": notes,
    }


def _peer_pages(n: int, seed: int) -> tuple[list[tuple[str, str]], str]:
    """``n`` (name, raw text) pages: the first of the shared speed corpus, else generated ones."""
    with tempfile.TemporaryDirectory(prefix="newsdedup-bench-peers-") as workdir:
        docs = speed_corpus(Path(workdir), n)
        if docs is not None:
            paths = sorted(docs.iterdir())
            return [(p.name, p.read_text(encoding="utf-8")) for p in paths], "shared speed corpus"
    return [(item.name, item.text) for item in generate_corpus(n, seed=seed)], "generated (tools.corpus)"


def _installed_command() -> tuple[list[str], str]:
    """The installed ``newsdedup`` script next to this interpreter, else ``python -m newsdedup``."""
    script = Path(sys.executable).with_name("newsdedup")
    if script.exists():
        return [str(script)], "newsdedup"
    return [sys.executable, "-m", "newsdedup"], "python -m newsdedup"


def bench_command(text_n: int, html_n: int, seed: int, jobs: int, runs: int = 2) -> dict:
    """The installed command end to end (``dedup DIR -q``, JSON Lines to a file), 1 worker and 2.

    Best of ``runs`` per setting; the outputs of the two settings must be identical.
    """
    command, shown = _installed_command()
    env = {**os.environ, "NO_COLOR": "1"}
    results = {}
    for kind, n in (("text", text_n), ("html", html_n)):
        with tempfile.TemporaryDirectory(prefix=f"newsdedup-bench-{kind}-") as workdir:
            write_corpus(workdir, n, seed=seed, kind=kind, jobs=jobs)
            docs = str(Path(workdir, "docs"))
            outputs, seconds = {}, {}
            for workers in (1, 2):
                out = Path(workdir, f"out-{workers}.jsonl")
                walls = []
                for _ in range(runs):
                    started = time.perf_counter()
                    with out.open("wb") as handle:
                        subprocess.run(
                            [*command, "dedup", docs, "-q", "--jobs", str(workers)],
                            stdout=handle,
                            check=True,
                            env=env,
                        )
                    walls.append(time.perf_counter() - started)
                seconds[workers] = min(walls)
                outputs[workers] = out.read_bytes()
        results[kind] = {
            "documents": n,
            "seconds_1_worker": seconds[1],
            "seconds_2_workers": seconds[2],
            "documents_per_second_2_workers": n / seconds[2],
            "speedup_2_workers": seconds[1] / seconds[2],
            "same_output": outputs[1] == outputs[2],
        }
    return {"command": f"{shown} dedup DIR -q --jobs N", "runs": runs, **results}


def bench_startup(runs: int) -> dict:
    command, shown = _installed_command()
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}

    def timed(args: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
        return time.perf_counter() - started

    helps = [timed([*command, "--help"]) for _ in range(runs)]
    bare = [timed([sys.executable, "-c", "pass"]) for _ in range(runs)]
    return {
        "command": f"{shown} --help",
        "runs": runs,
        "best_seconds": min(helps),
        "median_seconds": statistics.median(helps),
        "python_bare_best_seconds": min(bare),
    }


def machine() -> dict:
    def version(package: str) -> str | None:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return None

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = None
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit,
        **{p: version(p) for p in ("numpy", "datasketch", "trafilatura", "rensa")},
    }


# ---------------------------------------------------------------- report


COLUMN = 24


def _seconds_cell(seconds: float, per: int) -> str:
    return f"{seconds:{COLUMN - 10}.2f}{1000 * seconds / max(1, per):10.3f}"


def print_report(results: dict) -> None:
    m = results["machine"]
    versions = ", ".join(f"{p} {m[p]}" for p in ("numpy", "datasketch", "trafilatura", "rensa") if m[p])
    print(f"# newsdedup bench: {m['cpus']} CPUs, Python {m['python']}, {versions}, commit {m['commit']}")
    if "text" in results:
        runs = results["text"]["runs"]
        print(
            f"\n## Text path, one process, stage by stage ({runs[0]['pages']}; default settings, "
            "files in the page cache)\n"
        )
        print(f"{'':26}" + "".join(f"{format(r['size'], ',') + ' documents':>{COLUMN}}" for r in runs))
        print(f"{'stage':26}" + "".join(f"{'s':>{COLUMN - 10}}{'ms/doc':>10}" for _ in runs))
        for stage in TEXT_STAGES:
            cells = "".join(_seconds_cell(r["seconds"][stage], r["documents"]) for r in runs)
            print(f"{STAGE_LABELS[stage]:26}{cells}")
        cells = "".join(_seconds_cell(r["end_to_end_seconds"], r["documents"]) for r in runs)
        print(f"{'end to end':26}{cells}")
        rows = [
            ("documents/second", lambda r: f"{r['documents_per_second']:,.0f}"),
            ("peak RSS (MB)", lambda r: f"{r['peak_rss_mb']:,.0f}"),
            ("  after imports + model", lambda r: f"{r['peak_rss_before_mb']:,.0f}"),
            ("candidate / verified pairs", lambda r: f"{r['candidate_pairs']:,} / {r['verified_pairs']:,}"),
            ("clusters found / true", lambda r: f"{r['clusters']:,} / {r['true_clusters']:,}"),
            ("largest true cluster", lambda r: f"{r['true_largest']:,}"),
            ("ARI vs corpus labels", lambda r: f"{r['ari']:.4f}"),
            ("setup (imports, model)", lambda r: f"{r['setup_seconds']:.2f} s"),
            ("CPU time / wall time", lambda r: f"{r['cpu_per_wall']:.2f}"),
            ("corpus written in", lambda r: f"{r['corpus_seconds']:.1f} s"),
        ]
        for label, cell in rows:
            print(f"{label:26}" + "".join(f"{cell(r):>{COLUMN}}" for r in runs))
        scaling = results["text"]["scaling"]
        if scaling["ratio_largest_to_smallest"] is not None:
            sizes = scaling["sizes"]
            print(
                f"\nscaling: end-to-end {scaling['end_to_end_ms_per_document'][-1]:.3f} ms/doc at {sizes[-1]:,} "
                f"vs {scaling['end_to_end_ms_per_document'][0]:.3f} at {sizes[0]:,}: "
                f"x{scaling['ratio_largest_to_smallest']:.2f}"
            )
        if not runs[0]["isolated"]:
            print("(sizes ran in this process: peak RSS includes everything before them)")
        for r in runs:
            if "profile" in r:
                print(f"\n## cProfile of the text path at {r['size']:,} documents ({r['profile']['file']})\n")
                print(r["profile"]["top_by_own_time"])
    if "html" in results:
        h = results["html"]
        print(
            f"\n## HTML path ({h['pages']:,} pages: {h['source']}, {h['mean_page_bytes'] / 1024:.1f} KB on "
            "average, one process)\n"
        )
        print(f"{'system':44}{'s':>9}{'ms/page':>10}")
        for name, f in h["systems"].items():
            print(f"{name:44}{f['seconds']:9.2f}{f['ms_per_page']:10.2f}")
        print(f"newsdedup clean / trafilatura.extract (defaults): x{h['ratio_newsdedup_to_trafilatura']:.2f}")
    if "peers" in results:
        p = results["peers"]
        print(
            f"\n## Fingerprinting peers ({p['documents']:,} documents of the {p['source']}, "
            f"{p['shingles']:,} shingle hashes, "
            f"{p['num_perm']} permutations)\n"
        )
        print(f"{'system':52}{'s':>9}{'us/doc':>10}{'x ours':>9}{'cpu/wall':>9}  identical")
        for name, f in p["systems"].items():
            same = {True: "yes", False: "NO"}.get(f.get("identical_to_newsdedup"), "n/a")
            print(
                f"{name:52}{f['seconds']:9.3f}{f['us_per_document']:10.1f}{f['times_newsdedup_batch']:9.2f}"
                f"{f['cpu_per_wall']:9.2f}  {same}"
            )
        t = p["newsdedup fingerprints from text"]
        print(
            f"(whole fingerprint stage from clean text, normalising included: {t['us_per_document']:.1f} us/doc)"
        )
        for note in p["notes"]:
            print(f"note: {note}")
    if "command" in results:
        c = results["command"]
        print(f"\n## Installed command, 1 worker and 2 ({c['command']}, best of {c['runs']})\n")
        print(
            f"{'corpus':24}{'docs':>8}{'1 worker s':>12}{'2 workers s':>13}{'docs/s':>9}{'speedup':>9}  same output"
        )
        for kind in ("text", "html"):
            k = c[kind]
            print(
                f"{kind:24}{k['documents']:8,d}{k['seconds_1_worker']:12.2f}{k['seconds_2_workers']:13.2f}"
                f"{k['documents_per_second_2_workers']:9.0f}{k['speedup_2_workers']:8.2f}x  "
                f"{'yes' if k['same_output'] else 'NO'}"
            )
    if "speed" in results:
        print_speed(results["speed"])
    if "crawl" in results:
        print_crawl(results["crawl"])
    if "startup" in results:
        s = results["startup"]
        print(
            f"\n## Start-up\n\n{s['command']}: best {s['best_seconds']:.3f} s, median "
            f"{s['median_seconds']:.3f} s of {s['runs']} (python -c pass: {s['python_bare_best_seconds']:.3f} s)"
        )
    if "dask" in results:
        print_dask(results["dask"])
    if "skewed_buckets" in results:
        print_skewed_buckets(results["skewed_buckets"])
    if "index" in results:
        i = results["index"]
        print(
            f"\n## Index size per document (python -m tools.store_size)\n\n{i['backend']}, {i['documents']:,} "
            f"documents of {i['shingles_per_document']} shingles: {i['bytes_per_document']:,.0f} bytes per "
            f"document beyond the canonical texts (target {i['target_bytes_per_document']:,}); the exact "
            f"shingle set alone cannot take less than {i['shingle_set_entropy_bytes']:,.0f}"
        )
    print_targets(targets(results))
    if "seconds" in results:
        print(f"\nthe bench took {results['seconds'] / 60:.1f} minutes")


# ---------------------------------------------------------------- command line


def _sizes(text: str) -> list[int]:
    sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError(f"sizes must be positive integers, got {text!r}")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 10,000 + 100,000: the scaling check the speed targets ask for, in under 10 minutes on 2 cores
    parser.add_argument(
        "--sizes",
        default=None,
        help="generated text-path corpus sizes, comma-separated (default: the shared speed corpus, else 10000)",
    )
    parser.add_argument("--html-n", type=int, default=1000, help="HTML pages for the cleaning comparison")
    parser.add_argument(
        "--command-n",
        type=int,
        default=10000,
        help="text documents for the installed command, 1 and 2 workers",
    )
    parser.add_argument(
        "--crawl-n", type=int, default=10000, help="article pages for the messy-crawl and re-run rows"
    )
    parser.add_argument(
        "--speed-n", type=int, default=20000, help="pages for the text path against the peer pipelines"
    )
    parser.add_argument("--peers-n", type=int, default=2000, help="documents for the fingerprinting peers")
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument(
        "--dask-sizes", default="20000,100000", help="documents for the Dask engine rows, comma-separated"
    )
    parser.add_argument(
        "--skew-versions",
        default="1000,5000",
        help="versions of one story for the Dask skewed-bucket rows, comma-separated",
    )
    parser.add_argument("--parts", default=",".join(DEFAULT_PARTS), help=f"which of {','.join(PARTS)} to run")
    parser.add_argument("--quick", action="store_true", help="a tiny run: " + str(QUICK))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes writing corpora")
    parser.add_argument("--json", default=str(DEFAULT_JSON), help="write the figures here")
    parser.add_argument(
        "--in-process", action="store_true", help="run every size in this process (faster; RSS is less exact)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also run the smallest size under cProfile (bench-results/text-N.prof)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    sizes = text_sizes(args.sizes)
    json_path = Path(args.json)
    started = time.perf_counter()
    results: dict = {
        "machine": machine(),
        "options": {
            "sizes": sizes,
            "html_n": args.html_n,
            "command_n": args.command_n,
            "crawl_n": args.crawl_n,
            "speed_n": args.speed_n,
            "peers_n": args.peers_n,
            "dask_sizes": _sizes(args.dask_sizes),
            "seed": args.seed,
            "parts": parts,
            "in_process": args.in_process,
        },
    }
    if "text" in parts:
        profile_dir = json_path.parent if args.profile else None
        results["text"] = bench_text(sizes, args.seed, args.jobs, not args.in_process, profile_dir)
    if "speed" in parts:
        results["speed"] = bench_speed(_installed_command()[0], args.speed_n, args.seed, args.jobs)
    if "html" in parts:
        results["html"] = bench_html(args.html_n, args.seed, args.jobs)
    if "command" in parts:
        results["command"] = bench_command(args.command_n, args.html_n, args.seed, args.jobs)
    if "crawl" in parts:
        results["crawl"] = bench_crawl(_installed_command()[0], args.crawl_n, args.seed, args.jobs)
    if "peers" in parts:
        results["peers"] = bench_peers(args.peers_n, args.seed)
    if "startup" in parts:
        results["startup"] = bench_startup(args.startup_runs)
    if "index" in parts:
        from tools.store_size import measure

        results["index"] = measure()
    if "dask" in parts:
        if len(parts) > 1:  # the other figures need not wait for the Dask rows (about ten minutes)
            print_report({**results, "seconds": time.perf_counter() - started})
            print("\n# the Dask rows follow; then the report again, with them\n", flush=True)
        results["dask"] = bench_dask(_installed_command()[0], _sizes(args.dask_sizes), args.seed, args.jobs)
        results["skewed_buckets"] = bench_skewed_buckets(_sizes(args.skew_versions))
    results["seconds"] = time.perf_counter() - started
    print_report(results)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"\nfigures written to {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
