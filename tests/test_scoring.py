"""The evaluation's scorers: hand-made cases, and agreement with the reference scorer in ../shared."""

import importlib.util
import json

import pytest

from tests.conftest import shared_path
from tools.scoring import adjusted_rand_index, aggregate, leaked_lines, match, pairwise


def test_extraction_metric_on_small_cases():
    assert match("one two three four five", "one two three four five") == (1.0, 0.0, 0.0)
    tp, fp, fn = match("a b c d e f", "a b c d x y")
    assert (tp, fp, fn) == (pytest.approx(1 / 5), pytest.approx(2 / 5), pytest.approx(2 / 5))
    assert aggregate([(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)]) == {"P": 1.0, "R": 0.5, "F1": pytest.approx(2 / 3)}


def test_leaked_lines_counts_page_lines_absent_from_gold():
    noisy = "Read also: other things here\nThe body sentence is here\nok"
    assert leaked_lines(
        noisy, "The body sentence is here", "The body sentence is here\nRead also: other things here"
    ) == ["Read also: other things here"]


def test_ari_and_pairwise():
    assert adjusted_rand_index([1, 1, 2, 2], ["a", "a", "b", "b"]) == 1.0
    assert adjusted_rand_index([1, 1, 2, 2], ["a", "b", "c", "d"]) == 0.0
    truth = {"x": 1, "y": 1, "z": 2}
    assert pairwise(truth, {"x": 0, "y": 0, "z": 0}) == {"P": 1 / 3, "R": 1.0, "F1": 0.5}


@pytest.mark.shared
def test_agrees_with_the_reference_scorer():
    spec = importlib.util.spec_from_file_location("reference", shared_path("tools", "score_extraction.py"))
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    gold = json.loads(shared_path("eval", "extraction", "id-news", "gold.json").read_text(encoding="utf-8"))
    for name, record in list(gold.items())[:5]:
        noisy = shared_path("eval", "extraction", "plaintext", "id-news", f"{name}.txt").read_text(
            encoding="utf-8"
        )
        prediction = noisy[len(noisy) // 4 :]
        assert match(record["body"], prediction) == pytest.approx(reference.match(record["body"], prediction))
        assert leaked_lines(noisy, record["body"], prediction) == reference.leaked_lines(
            noisy, record["body"], prediction
        )
