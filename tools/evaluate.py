"""``make eval``: cleaning and dedup quality on the development data in ../shared.

    python -m tools.evaluate [--part extraction|dedup|all] [--shared DIR] [--json OUT] [--jobs N]

Extraction: the project's cleaner on every development set (HTML and the
plain-text renderings), with trafilatura's ``extract`` (default and
favor_precision) on the HTML sets in the same run; ScrapingHub shingle P/R/F1,
leaked page lines, and related-link / "more headlines" leaks.

Dedup: the whole tool (raw pages in, cleaning included) on dedup/dev against its
labels: ARI, pairwise P/R/F1, cluster counts, recall by tier and edit kind,
false merges by trap kind; next to a plain datasketch baseline run the way
text-dedup runs news by default (256 permutations, word 2-grams, LSH threshold
0.45, every candidate pair linked, no cleaning); and the seed articles.

Reuse: the project's own cases of reuse as newsrooms make it (:mod:`tools.reuse_cases`:
recurring reports, Urdu/Arabic spacing, Japanese/Chinese/Thai, short briefs,
size-mismatched copies, site templates): recall and false merges per class. They
need nothing from ../shared.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from multiprocessing import Pool
from pathlib import Path

from tools.reuse_cases import evaluate_cases
from tools.scoring import adjusted_rand_index, aggregate, leaked_lines, match, pairwise

REPO = Path(__file__).resolve().parent.parent
EXTRACTION_SETS = {
    # name: (input dir, gold file, gold field, noisy dir, is html)
    "zyte": ("zyte/html", "zyte/ground-truth.json", "articleBody", "plaintext/zyte", True),
    "id-news": ("id-news/html", "id-news/gold.json", "body", "plaintext/id-news", True),
    "zyte plaintext": ("plaintext/zyte", "zyte/ground-truth.json", "articleBody", "plaintext/zyte", False),
    "id-news plaintext": ("plaintext/id-news", "id-news/gold.json", "body", "plaintext/id-news", False),
}


# ---------------------------------------------------------------- extraction


def _read_input(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _predict(task: tuple[str, str]) -> str:
    system, path = task
    data = _read_input(Path(path))
    if system == "newsdedup":
        from newsdedup.clean import clean_document
        from newsdedup.errors import DocumentError
        from newsdedup.read.decode import document_from_bytes

        try:
            return clean_document(document_from_bytes(path, data)).text
        except DocumentError:
            return ""
    import trafilatura

    return (
        trafilatura.extract(
            data.decode("utf-8", errors="replace"),
            favor_precision=system == "trafilatura precision",
            include_comments=False,
            deduplicate=False,
        )
        or ""
    )


def _insert_leaks(predicted: str) -> int:
    """Lines of a prediction that are related-link inserts or "more headlines" markers."""
    from newsdedup.clean.rules import load_rules, phrase_key

    rules = load_rules()
    return sum(
        1
        for line in predicted.splitlines()
        if line.strip() and (rules.related.match(line) or phrase_key(line) in rules.tail)
    )


# The texts a dedup run ends with, the whole set as one batch: site templates learned across it, or not.
BATCH_SYSTEMS = {"batch, templates on": True, "batch, templates off": False}


def _batch_texts(paths: list[Path], templates: bool) -> list[str]:
    from newsdedup.pipeline import clean_documents, dedup_documents, read_documents
    from newsdedup.settings import DedupSettings

    failures: list = []
    docs = clean_documents(
        read_documents([str(p) for p in paths], on_error=failures.append), on_error=failures.append
    )
    clusters = dedup_documents(docs, DedupSettings(templates=templates), on_error=failures.append)
    texts = {m.document.id: m.document.text for c in clusters for m in c.members}
    return [texts.get(str(path), "") for path in paths]


def evaluate_extraction(root: Path, jobs: int, worst: int) -> list[dict]:
    rows = []
    with Pool(jobs) as pool:
        for set_name, (input_dir, gold_file, field, noisy_dir, is_html) in EXTRACTION_SETS.items():
            gold_all = json.loads((root / gold_file).read_text(encoding="utf-8"))
            files = {}
            for path in sorted((root / input_dir).iterdir()):
                name = path.name.removesuffix(".gz").removesuffix(".html").removesuffix(".txt")
                if name in gold_all:
                    files[name] = path
            systems = (
                ["newsdedup", "trafilatura default", "trafilatura precision"]
                if is_html
                else ["newsdedup", *BATCH_SYSTEMS]
            )
            for system in systems:
                started = time.perf_counter()
                if system in BATCH_SYSTEMS:
                    predictions = _batch_texts(list(files.values()), BATCH_SYSTEMS[system])
                else:
                    predictions = pool.map(_predict, [(system, str(files[n])) for n in files], chunksize=4)
                elapsed = time.perf_counter() - started
                scored, leaks, inserts, per_doc = [], 0, 0, []
                for name, predicted in zip(files, predictions, strict=True):
                    gold = gold_all[name][field] or ""
                    noisy = (root / noisy_dir / f"{name}.txt").read_text(encoding="utf-8")
                    result = match(gold, predicted)
                    scored.append(result)
                    leaks += len(leaked_lines(noisy, gold, predicted))
                    inserts += _insert_leaks(predicted)
                    one = aggregate([result])
                    per_doc.append((one["F1"], name))
                row = {"set": set_name, "system": system, "n": len(files), **aggregate(scored)}
                row.update(leaked_lines=leaks, insert_lines=inserts, seconds=round(elapsed, 1))
                row["worst"] = [f"{name} {f1:.2f}" for f1, name in sorted(per_doc)[:worst]]
                rows.append(row)
    return rows


def print_extraction(rows: list[dict]) -> None:
    print("\n## Extraction (ScrapingHub shingle metric; leaks = boilerplate page lines left in)\n")
    print(
        f"{'set':<18} {'system':<22} {'n':>4} {'P':>6} {'R':>6} {'F1':>6} {'leaked':>7} {'inserts':>8} {'sec':>6}"
    )
    for r in rows:
        print(
            f"{r['set']:<18} {r['system']:<22} {r['n']:>4} {r['P']:>6.3f} {r['R']:>6.3f} {r['F1']:>6.3f} "
            f"{r['leaked_lines']:>7} {r['insert_lines']:>8} {r['seconds']:>6}"
        )
    for r in rows:
        if r["system"] == "newsdedup" and r["worst"]:
            print(f"  worst newsdedup documents in {r['set']}: {', '.join(r['worst'])}")


# ---------------------------------------------------------------- dedup


def _newsdedup_clusters(paths: list[Path]) -> tuple[dict[str, int], int]:
    from newsdedup.pipeline import clean_documents, dedup_documents, read_documents

    failures = []
    docs = clean_documents(
        read_documents([str(p) for p in paths], on_error=failures.append), on_error=failures.append
    )
    labels = {}
    for cluster in dedup_documents(docs, on_error=failures.append):
        for member in cluster.members:
            labels[Path(member.document.id).name] = cluster.id
    return labels, len(failures)


def connected_components(count: int, edges: list[tuple[int, int]]) -> list[list[int]]:
    """Connected components (the baseline links every LSH candidate pair)."""
    parent = list(range(count))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for i in range(count):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _baseline_clusters(paths: list[Path]) -> dict[str, int]:
    """text-dedup's news default: datasketch, 256 perms, word 2-grams, LSH 0.45, union of candidates, raw text."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.45, num_perm=256)
    edges = []
    for i, path in enumerate(paths):
        tokens = re.findall(r"\w+", path.read_text(encoding="utf-8").lower())
        minhash = MinHash(num_perm=256)
        minhash.update_batch(
            {" ".join(tokens[j : j + 2]).encode("utf-8") for j in range(max(1, len(tokens) - 1))}
        )
        edges.extend((other, i) for other in lsh.query(minhash))
        lsh.insert(i, minhash)
    return {
        paths[i].name: number
        for number, group in enumerate(connected_components(len(paths), edges))
        for i in group
    }


def dedup_report(labels: dict, predicted: dict[str, object]) -> dict:
    docs = labels["docs"]
    names = sorted(docs)
    # a document without a prediction is its own cluster
    prediction = {n: predicted.get(n, f"missing:{n}") for n in names}
    truth = {n: docs[n]["cluster"] for n in names}
    report = {
        "ARI": adjusted_rand_index([truth[n] for n in names], [prediction[n] for n in names]),
        **pairwise(truth, prediction),
        "clusters": len(set(prediction.values())),
        "largest": max(Counter(prediction.values()).values()),
        "true_clusters": len(set(truth.values())),
        "true_largest": max(Counter(truth.values()).values()),
    }

    def pair_recall(selected: set[str]) -> float:
        sub_truth = {n: truth[n] for n in selected}
        sub_pred = {n: prediction[n] for n in selected}
        return pairwise(sub_truth, sub_pred)["R"]

    for tier in ("normal", "hard"):
        report[f"R {tier}"] = pair_recall({n for n in names if docs[n]["tier"] == tier})
    report["R big"] = pair_recall({n for n in names if docs[n]["role"] == "big_cluster"})
    report["R seed"] = pair_recall({n for n in names if docs[n]["role"] == "seed"})
    originals = {docs[n]["cluster"]: n for n in names if docs[n]["kind"] == "original"}
    by_edit: dict[str, list[bool]] = defaultdict(list)
    for n in names:
        record = docs[n]
        if record["kind"] != "variant":
            continue
        with_original = prediction[n] == prediction[originals[record["cluster"]]]
        for edit in set(record.get("edits", [])):
            by_edit[edit].append(with_original)
    report["with original by edit"] = {e: sum(v) / len(v) for e, v in sorted(by_edit.items())}
    report["R brief"] = report["with original by edit"].get("brief", 1.0)
    report["R heavy"] = report["with original by edit"].get("heavy_rewrite", 1.0)
    # false merges: predicted together, different stories
    false_pairs = Counter()
    trap_briefs_merged = set()
    groups: dict[object, list[str]] = defaultdict(list)
    for n in names:
        groups[prediction[n]].append(n)
    for members in groups.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if truth[a] == truth[b]:
                    continue
                group_a, group_b = docs[a].get("same_event_group"), docs[b].get("same_event_group")
                if group_a and group_a == group_b:
                    false_pairs["same-event " + group_a.split(":")[0]] += 1
                elif docs[a]["role"] == "template_trap" or docs[b]["role"] == "template_trap":
                    false_pairs["trap"] += 1
                    trap_briefs_merged.update(x for x in (a, b) if docs[x]["role"] == "template_trap")
                else:
                    false_pairs["other"] += 1
    report["false merges"] = dict(false_pairs)
    report["trap briefs merged"] = len(trap_briefs_merged)
    return report


def _seed_check() -> str:
    from newsdedup.pipeline import clean_documents, dedup_documents, read_documents

    clusters = dedup_documents(clean_documents(read_documents([str(REPO / "sample_docs")])))
    groups = sorted(sorted(Path(m.document.id).name[:3] for m in c.members) for c in clusters)
    verdict = "exact" if groups == [["000", "002"], ["001"], ["003"], ["004"]] else "WRONG"
    return f"{verdict}: {groups}"


def evaluate_dedup(root: Path) -> dict:
    labels = json.loads((root / "labels.json").read_text(encoding="utf-8"))
    paths = sorted((root / "docs").glob("*.txt"))
    started = time.perf_counter()
    ours, failures = _newsdedup_clusters(paths)
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    baseline = _baseline_clusters(paths)
    baseline_seconds = time.perf_counter() - started
    return {
        "newsdedup": {**dedup_report(labels, ours), "failed": failures, "seconds": round(ours_seconds, 1)},
        "baseline text-dedup 2-gram 0.45": {
            **dedup_report(labels, baseline),
            "seconds": round(baseline_seconds, 1),
        },
        "seeds": _seed_check(),
    }


def print_dedup(result: dict) -> None:
    print("\n## Dedup (dedup/dev, raw pages in)\n")
    columns = [
        "ARI",
        "P",
        "R",
        "F1",
        "clusters",
        "largest",
        "R normal",
        "R hard",
        "R big",
        "R brief",
        "R heavy",
        "R seed",
    ]
    print(f"{'system':<32}" + "".join(f"{c:>10}" for c in columns) + "  false merges")
    for system, report in result.items():
        if system == "seeds":
            continue
        cells = "".join(
            f"{report[c]:>10.3f}" if isinstance(report[c], float) else f"{report[c]:>10}" for c in columns
        )
        merges = ", ".join(f"{k} {v}" for k, v in sorted(report["false merges"].items())) or "none"
        print(f"{system:<32}{cells}  {merges} (trap briefs merged: {report['trap briefs merged']})")
    print(
        f"\n  true clusters {result['newsdedup']['true_clusters']}, largest {result['newsdedup']['true_largest']}"
    )
    for system, report in result.items():
        if system != "seeds":
            edits = ", ".join(f"{k} {v:.2f}" for k, v in report["with original by edit"].items())
            print(f"  {system}: variant with its original, by edit: {edits}")
    print(f"  seeds (000+002 one cluster, 001/003/004 alone): {result['seeds']}")


def print_reuse(result: dict) -> None:
    print("\n## Reuse as newsrooms make it (tools/reuse_cases.py, the project's own cases)\n")
    print(f"{'class':<14}{'pages':>7}{'cleaned':>9}{'true pairs':>12}{'recall':>9}{'false merges':>14}")
    for kind, row in result.items():
        recall = "-" if row["recall"] is None else f"{row['recall']:.3f}"
        print(
            f"{kind:<14}{row['documents']:>7}{row['cleaned']:>9}{row['true_pairs']:>12}{recall:>9}"
            f"{row['false_merges']:>14}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["extraction", "dedup", "reuse", "all"], default="all")
    parser.add_argument("--shared", default=os.environ.get("NEWSDEDUP_SHARED", str(REPO.parent / "shared")))
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--worst", type=int, default=5, help="list this many worst documents per set")
    args = parser.parse_args(argv)
    shared = Path(args.shared)
    figures: dict = {}
    if args.part in ("reuse", "all"):
        figures["reuse"] = evaluate_cases(_newsdedup_clusters)
        print_reuse(figures["reuse"])
    if not (shared / "eval").is_dir():
        print(
            f"evaluation of ../shared skipped: development data not found at {shared} (set NEWSDEDUP_SHARED)",
            file=sys.stderr,
        )
        return 0
    if args.part in ("extraction", "all"):
        figures["extraction"] = evaluate_extraction(shared / "eval" / "extraction", args.jobs, args.worst)
        print_extraction(figures["extraction"])
    if args.part in ("dedup", "all"):
        figures["dedup"] = evaluate_dedup(shared / "eval" / "dedup" / "dev")
        print_dedup(figures["dedup"])
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
