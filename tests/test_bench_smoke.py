"""The benchmark tooling at a tiny size: it runs, reports every figure, and its corpus is recovered.

Correctness only; no figure here is a timing assertion.
"""

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from newsdedup.pipeline import clean_documents, dedup_documents, read_documents
from tools import bench
from tools.corpus import corpus_labels, generate_corpus, write_corpus
from tools.scoring import adjusted_rand_index


def partition(assignments: dict[str, object]) -> set[frozenset[str]]:
    groups: dict[object, set[str]] = {}
    for name, label in assignments.items():
        groups.setdefault(label, set()).add(name)
    return {frozenset(group) for group in groups.values()}


def test_corpus_is_deterministic_whatever_the_number_of_jobs(tmp_path):
    one = write_corpus(tmp_path / "one", 120, seed=7)
    two = write_corpus(tmp_path / "two", 120, seed=7, jobs=2)
    assert one == two
    files = sorted((tmp_path / "one" / "docs").iterdir())
    assert [p.name for p in files] == sorted(one)
    assert all(p.read_bytes() == (tmp_path / "two" / "docs" / p.name).read_bytes() for p in files)
    labels = json.loads((tmp_path / "one" / "labels.json").read_text(encoding="utf-8"))
    assert {name: record["cluster"] for name, record in labels["docs"].items()} == one
    assert write_corpus(tmp_path / "other", 120, seed=8) != one


def test_corpus_has_copies_templates_and_the_big_story_only_when_large():
    small = corpus_labels(2000)
    sizes = Counter(r["cluster"] for r in small.values()).values()
    assert 1 < max(sizes) < 1000 and min(sizes) == 1  # copies, and stories that stand alone
    assert {e for r in small.values() for e in r["edits"]} == {"exact", "trimmed", "reworded", "brief"}
    assert max(Counter(r["cluster"] for r in corpus_labels(10_000).values()).values()) == 1000
    texts = [doc.text for doc in generate_corpus(60)]
    originals = [d.text for d in generate_corpus(60) if d.kind == "original"]
    assert all(1500 <= len(t.encode("utf-8")) <= 6000 for t in originals)
    assert any("Baca juga:" in t for t in texts) and any("Read also:" in t for t in texts)
    assert any("Berita Terkait" in t for t in texts) and any("More stories" in t for t in texts)
    pages = [doc.text for doc in generate_corpus(10, kind="html")]
    assert all(p.startswith("<!DOCTYPE html>") and "<nav>" in p and "<aside" in p for p in pages)


@pytest.mark.parametrize("kind", ["text", "html"])
def test_pipeline_recovers_the_corpus_clusters(tmp_path, kind):
    labels = write_corpus(tmp_path, 120 if kind == "text" else 50, seed=3, kind=kind)
    clusters = dedup_documents(clean_documents(read_documents([str(tmp_path / "docs")])))
    found = {Path(m.document.id).name: c.id for c in clusters for m in c.members}
    names = sorted(labels)
    assert sorted(found) == names
    assert adjusted_rand_index([labels[n] for n in names], [found[n] for n in names]) > 0.9


def test_bench_stages_compose_to_the_pipeline_clusters(tmp_path):
    write_corpus(tmp_path, 100, seed=5)
    docs = str(tmp_path / "docs")
    run = bench.measure_text_path(docs, str(tmp_path / "out.jsonl"))
    clusters = dedup_documents(clean_documents(read_documents([docs])))
    expected = {Path(m.document.id).name: c.id for c in clusters for m in c.members}
    assert partition(run["assignments"]) == partition(expected)
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == run["clusters"]
    assert set(run["seconds"]) == set(bench.TEXT_STAGES)
    assert run["candidate_pairs"] >= run["verified_pairs"] > 0


def test_bench_runs_and_reports_every_figure(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "rensa", None)  # the optional peer missing: skipped with a note
    out = tmp_path / "bench.json"
    args = [
        "--sizes",
        "100,200",
        "--html-n",
        "10",
        "--command-n",
        "70",
        "--crawl-n",
        "40",
        "--peers-n",
        "20",
        "--speed-n",
        "60",
        "--parts",
        "text,speed,html,command,crawl,peers,startup,index,dask",
        "--startup-runs",
        "1",
        "--dask-sizes",
        "60",
        "--skew-versions",
        "100",
    ]
    assert bench.main([*args, "--in-process", "--json", str(out)]) == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    printed = capsys.readouterr().out
    runs = results["text"]["runs"]
    assert [r["size"] for r in runs] == [100, 200]
    for run in runs:
        assert set(run["seconds"]) == set(bench.TEXT_STAGES)
        assert run["documents"] == run["size"] and run["failed"] == 0
        assert run["end_to_end_seconds"] > 0 and run["documents_per_second"] > 0 and run["peak_rss_mb"] > 0
        assert run["ari"] > 0.9
    assert results["text"]["scaling"]["ratio_largest_to_smallest"] > 0
    html = results["html"]
    assert html["pages"] == 10 and html["ratio_newsdedup_to_trafilatura"] > 0
    assert set(html["systems"]) == {
        "newsdedup clean",
        "trafilatura.extract (defaults)",
        "trafilatura.extract (newsdedup's options)",
    }
    for kind, count in (("text", 70), ("html", 10)):
        command = results["command"][kind]
        assert command["documents"] == count and command["same_output"]
        assert command["seconds_1_worker"] > 0 and command["seconds_2_workers"] > 0
    peers = results["peers"]["systems"]
    assert not any(name.startswith("rensa") for name in peers)
    assert any("rensa not installed" in note for note in results["peers"]["notes"])
    assert all(f["identical_to_newsdedup"] for f in peers.values())
    assert peers["newsdedup signatures, all documents"]["times_newsdedup_batch"] == 1.0
    crawl = results["crawl"]
    assert crawl["documents"] == 40 and crawl["pages_without_article"] == 4
    assert crawl["messy_per_document_ratio"] > 0 and 0 < crawl["rerun_ratio"]
    assert results["startup"]["runs"] == 1 and results["startup"]["best_seconds"] > 0
    [dask] = results["dask"]["rows"]
    assert dask["documents"] == 60 and dask["same_output"] and dask["workers"] == 2
    assert dask["dask_seconds"] > 0 and dask["peak_memory_per_worker_gb"] > 0 and dask["shuffled_mb"] >= 0
    [skewed] = results["skewed_buckets"]["rows"]
    assert skewed["versions"] == 100 and skewed["all_pairs"] == 4950 and skewed["same_candidates"]
    assert 99 <= skewed["head_pairs"] < skewed["all_pairs"]
    index = results["index"]
    assert index["backend"] == "sqlite" and index["documents"] == 2000
    assert index["shingle_set_entropy_bytes"] < index["bytes_per_document"]
    assert results["speed"]["same_output"] and results["speed"]["documents"] == 60
    assert set(results["speed"]["systems"]) == {
        "newsdedup, default workers",
        "newsdedup, one process (-j 1)",
        "text-dedup news setting on datasketch",
    }
    headings = (
        "Targets (issue 15)",
        "Text path on realistic pages",
        "Text path",
        "HTML path",
        "Installed command",
        "Crawls as cron jobs meet them",
        "Fingerprinting peers",
        "Start-up",
        "Index size",
        "Dask engine",
    )
    for heading in (*headings, "scaling"):
        assert heading in printed
    assert "rensa not installed" in printed
