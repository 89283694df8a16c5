"""Scores used by the evaluation: extraction shingle P/R/F1 and leaks, clustering ARI and pairs.

The extraction metric follows the ScrapingHub article-extraction-benchmark
definition (word 4-gram shingle multisets, per-document precision/recall,
F1 of the means); tests check it against ../shared/tools/score_extraction.py.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import combinations
from math import comb

_TOKEN = re.compile(r"\w+")
_WS = re.compile(r"\s+")


def _shingle_counts(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def match(gold: str, predicted: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one document."""
    g, p = _shingle_counts(gold), _shingle_counts(predicted)
    tp = sum((g & p).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def aggregate(rows: list[tuple[float, float, float]]) -> dict:
    """Mean precision (non-empty predictions), mean recall (non-empty golds), F1 of the means."""
    precisions = [1.0 if fp == 0 and fn == 0 else tp / (tp + fp) for tp, fp, fn in rows if tp + fp > 0]
    recalls = [1.0 if fp == 0 and fn == 0 else tp / (tp + fn) for tp, fp, fn in rows if tp + fn > 0]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0}


def leaked_lines(noisy: str, gold: str, predicted: str) -> list[str]:
    """Distinct page lines (3+ words) that are not in the gold but are in the prediction."""
    gold_flat = _WS.sub(" ", gold).strip()
    gold_tokens = " {} ".format(" ".join(_TOKEN.findall(gold)))
    predicted_flat = _WS.sub(" ", predicted).strip()
    leaks, seen = [], set()
    for raw in noisy.splitlines():
        line = _WS.sub(" ", raw).strip()
        if len(line.split(" ")) < 3 or line in seen:
            continue
        seen.add(line)
        if line not in predicted_flat or line in gold_flat:
            continue
        tokens = _TOKEN.findall(line)
        if tokens and " {} ".format(" ".join(tokens)) in gold_tokens:
            continue
        leaks.append(line)
    return leaks


def adjusted_rand_index(truth: list, predicted: list) -> float:
    """ARI of two labelings of the same items."""
    n = len(truth)
    contingency = Counter(zip(truth, predicted, strict=True))
    sum_cells = sum(comb(c, 2) for c in contingency.values())
    sum_truth = sum(comb(c, 2) for c in Counter(truth).values())
    sum_pred = sum(comb(c, 2) for c in Counter(predicted).values())
    expected = sum_truth * sum_pred / comb(n, 2) if n > 1 else 0.0
    maximum = (sum_truth + sum_pred) / 2
    return 1.0 if maximum == expected else (sum_cells - expected) / (maximum - expected)


def same_cluster_pairs(labels: dict[str, object]) -> set[tuple[str, str]]:
    groups: dict[object, list[str]] = {}
    for item, label in labels.items():
        groups.setdefault(label, []).append(item)
    return {pair for members in groups.values() for pair in combinations(sorted(members), 2)}


def pairwise(truth: dict[str, object], predicted: dict[str, object]) -> dict:
    true_pairs, predicted_pairs = same_cluster_pairs(truth), same_cluster_pairs(predicted)
    hits = len(true_pairs & predicted_pairs)
    p = hits / len(predicted_pairs) if predicted_pairs else 1.0
    r = hits / len(true_pairs) if true_pairs else 1.0
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0}
