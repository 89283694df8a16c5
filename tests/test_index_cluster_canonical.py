import numpy as np
import pytest

from core.canonical import choose_canonical
from core.cluster import components
from core.document import Document
from core.errors import UsageError
from core.fingerprint import fingerprint
from core.index import CandidateIndex, candidate_probability
from core.similarity import overlap


def test_candidate_probability_follows_the_banding_curve():
    assert candidate_probability(0.0, 64, 2) == 0.0
    assert candidate_probability(1.0, 64, 2) == 1.0
    assert 0.9 < candidate_probability(0.2, 64, 2) < 0.95


def test_index_returns_earlier_similar_documents_only():
    base = " ".join(f"w{i}" for i in range(200))
    index = CandidateIndex(num_perm=128, bands=64)
    assert index.add("a", fingerprint(base, 3, 128).signature) == []
    assert index.add("b", fingerprint(" ".join(f"z{i}" for i in range(200)), 3, 128).signature) == []
    assert index.add("c", fingerprint(base + " extra words", 3, 128).signature) == ["a"]


def test_index_rejects_bands_that_do_not_divide_permutations():
    with pytest.raises(UsageError, match="must divide"):
        CandidateIndex(num_perm=128, bands=48)


def test_overlap_measures_containment_of_the_smaller_set():
    a = np.array([1, 2, 3, 4], dtype=np.uint32)
    b = np.arange(1, 21, dtype=np.uint32)
    pair = overlap(a, b)
    assert (pair.shared, pair.containment, pair.jaccard) == (4, 1.0, 0.2)
    assert overlap(a, np.array([], dtype=np.uint32)).containment == 0.0


def test_components_are_independent_of_edge_order():
    edges = [(0, 2), (3, 4), (2, 5)]
    assert components(6, edges) == components(6, list(reversed(edges))) == [[0, 2, 5], [1], [3, 4]]


def test_canonical_rules():
    docs = [Document(id="b", date="2024-02-01"), Document(id="a", date="2024-01-01"), Document(id="c")]
    prints = [fingerprint(t, 3, 32) for t in ("x y z w v u", "x y z w v u t s r q", "x y z w")]
    assert choose_canonical(docs, prints, "longest") == 1
    assert choose_canonical(docs, prints, "earliest") == 1
    docs[1].date = None
    assert choose_canonical(docs, prints, "earliest") == 0
    with pytest.raises(UsageError):
        choose_canonical(docs, prints, "random")
