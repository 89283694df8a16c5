"""The compiled twins (newsdedup._speedups) give exactly what their Python originals give.

Each test runs a function once on the Python path (``native.speedups`` set to
None) and once compiled. The whole suite also runs on the pure-Python path
(``make test`` runs it again with NEWSDEDUP_PURE_PYTHON=1). Under CI=true a
missing extension fails these tests instead of skipping them.
"""

from __future__ import annotations

import importlib
import os
import random
import re
import subprocess
import sys
from array import array
from collections import Counter
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdedup import figures, native
from newsdedup.candidates import containment_pairs
from newsdedup.clean import clean_document, clear_caches, load_rules
from newsdedup.clean.language import classify
from newsdedup.clean.lines import split_lines, word_count
from newsdedup.clean.rules import phrase_key
from newsdedup.clean.text import _figure_share, letter_words, line_score
from newsdedup.document import Document
from newsdedup.errors import DocumentError
from newsdedup.figures import text_figures
from newsdedup.fingerprint import Fingerprint, fingerprints, signature, signatures
from newsdedup.pipeline import cluster_documents, fingerprint_documents
from newsdedup.settings import DedupSettings
from newsdedup.shingles import (
    IDEOGRAPHS,
    LETTERS,
    UNITS,
    WORDS,
    script_counts,
    text_shingles,
    text_token_hashes,
    token_sources,
    window_hashes,
)
from newsdedup.verify import overlap, shared_count, verdict
from tests.conftest import SAMPLES, article, shared_path


def _compiled_module():
    try:
        return importlib.import_module("newsdedup._speedups")
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("the compiled extension newsdedup._speedups was not built")
        pytest.skip("the compiled extension newsdedup._speedups is not built")


@pytest.fixture
def both_paths(monkeypatch):
    """``run(function, *args)`` -> (pure Python result, compiled result)."""
    compiled = _compiled_module()

    def run(function, *args):
        with _path(monkeypatch, None):
            python = function(*args)
        with _path(monkeypatch, compiled):
            fast = function(*args)
        return python, fast

    return run


@contextmanager
def _path(monkeypatch, module):
    monkeypatch.setattr(native, "speedups", module)
    clear_caches()  # remembered verdicts would hide the path that computed them
    try:
        yield
    finally:
        clear_caches()


MIXED = [
    "",
    "   ",
    "Pasukan Korea Utara tiba di Rusia, kata badan intelijen.",
    "“10.000 Tentara,” kata DIA. 1.000.000 dan 3,14 serta 12.3456 atau ,000 dan 5’000 5'000 7\u00a0000 8\u202f000",
    "1.000a 1.000_ 1.000é 2,000. x.000 9.00 .123 1,2345 ١٢.٣٤٥ ١٢,٣٤٥",
    "Северная Корея отправила войска в Россию.",
    "東京都は十九日、新しい防災計画を発表した。北京市政府周二宣布了新的空气污染防治计划。",
    "กรุงเทพมหานครประกาศแผนป้องกันน้ำท่วมฉบับใหม่เมื่อวันอังคาร",
    "وزیر اعظم نے کہا ہے کہ حکومت نئی پالیسی کا اعلان کرے گی۔",
    "snake_case and_more __dunder__ x² ½ ⅓ Ⅻ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 emoji𝟘𝟙",
    "ﬁnance Straße İstanbul ǅemal ΣΑΣ",
    "ये भी पढ़ें: अधिकारियों के अनुसार स्कूल बंद रहेंगे। اقرأ أيضاً: الحكومة",
    "\u0301cafe\u0301 \u20dd \U0001d167x\U0001d167 ँ",
    "a",
    "a b",
]
texts = st.one_of(
    st.sampled_from(MIXED),
    st.text(max_size=300),
    st.text(alphabet="0123456789.,'’\u00a0\u202f_ aé١", max_size=60),
)


line_breaks = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
paged = st.text(alphabet=line_breaks + " \t\x1f\u00a0\u3000\u200b\u00ad\u2060\ufeffab é😀", max_size=80)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(texts, paged, st.lists(st.sampled_from(MIXED), max_size=6).map(line_breaks.join)))
def test_split_lines(both_paths, text):
    python, fast = both_paths(split_lines, text)
    assert python == fast


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts)
def test_script_counts(both_paths, text):
    python, fast = both_paths(script_counts, text)
    assert python == fast


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts, st.sampled_from(list(UNITS.values())))
def test_text_token_hashes(both_paths, text, unit):
    python, fast = both_paths(text_token_hashes, text, unit)
    assert python.dtype == fast.dtype == np.uint32
    assert python.tolist() == fast.tolist()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts, st.integers(1, 4))
def test_text_shingles(both_paths, text, shingle_size):
    # the compiled path reads the word tokens in the same pass as the figures
    python, fast = both_paths(lambda t: text_shingles([t], token_sources([t]), shingle_size)[0], text)
    assert python[0] is fast[0]
    assert python[1].dtype == fast[1].dtype == np.uint32
    assert python[1].tolist() == fast[1].tolist()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(texts, paged, st.text(alphabet="0١²①½Ⅻx \t\u00a0\u3000", max_size=40)))
def test_figure_share(both_paths, line):
    python, fast = both_paths(_figure_share, line)
    assert python == fast


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts)
def test_text_figures(both_paths, text):
    python, fast = both_paths(lambda t: text_figures(token_sources([t]))[0], text)
    assert python.dtype == fast.dtype == np.uint32
    assert python.tolist() == fast.tolist()


digit_runs = st.text(alphabet="0123456789١٢٣٤٥߀๑\u00b2½a 年-", max_size=60)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(texts, digit_runs))
def test_year_starts(both_paths, text):
    python, fast = both_paths(figures._year_starts, text)
    assert python == fast


hash_arrays = st.lists(st.integers(0, 2**32 - 1), max_size=40).map(lambda v: np.array(v, dtype=np.uint32))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hash_arrays, st.integers(1, 10), st.sampled_from([WORDS, IDEOGRAPHS, LETTERS]))
def test_window_hashes(both_paths, hashes, width, unit):
    python, fast = both_paths(window_hashes, hashes, width, unit)
    assert python.dtype == fast.dtype == np.uint32
    assert python.tolist() == fast.tolist()


shingle_sets = st.sets(st.integers(0, 2**32 - 1), max_size=300).map(
    lambda values: np.array(sorted(values), dtype=np.uint32)
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(shingle_sets, max_size=6), st.sampled_from([1, 7, 32, 48, 128, 256]))
def test_signatures(both_paths, sets, num_perm):
    python, fast = both_paths(signatures, sets, num_perm)
    assert python.dtype == fast.dtype == np.uint32
    assert np.array_equal(python, fast)
    for shingles, row in zip(sets, fast, strict=True):
        assert np.array_equal(signature(shingles, num_perm), row)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shingle_sets, shingle_sets)
def test_shared_count(both_paths, a, b):
    python, fast = both_paths(shared_count, a, b)
    assert python == fast


# A few values shared among the texts, spread over the whole 32-bit range (the probe's table buckets
# values by their high bits and filters them by their low bits).
probe_pools = st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=40, unique=True)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(probe_pools, st.lists(st.lists(st.integers(0, 39), max_size=60), max_size=12), st.integers(1, 8))
def test_containment_pairs(both_paths, pool, picks, needed):
    sets = [np.array(sorted({pool[i % len(pool)] for i in pick}), dtype=np.uint32) for pick in picks]
    prints = [Fingerprint(shingles, np.empty(0, dtype=np.uint32)) for shingles in sets]
    counts = np.array([len(s) for s in sets], dtype=np.int64)
    python, fast = both_paths(lambda: list(containment_pairs(prints, counts, lambda n: min(n, needed))))
    assert python == fast


def test_shared_count_of_overlapping_sets(both_paths):
    rng = np.random.default_rng(0)
    for _ in range(50):
        pool = rng.choice(2**32, size=800, replace=False).astype(np.uint32)
        a = np.sort(rng.choice(pool, size=rng.integers(0, 500), replace=False))
        b = np.sort(rng.choice(pool, size=rng.integers(0, 500), replace=False))
        python, fast = both_paths(shared_count, a, b)
        assert python == fast


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(texts, paged, st.text(alphabet=st.characters(max_codepoint=127), max_size=60)))
def test_phrase_key(both_paths, text):
    python, fast = both_paths(phrase_key, text)
    assert python == fast


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(texts, paged, st.text(alphabet="ぁ゠ヿ㐀䶿一鿿฀๿ 　a", max_size=30)))
def test_word_count(both_paths, text):
    python, fast = both_paths(word_count, text)
    assert python == fast


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="abé😀ж1_ .", max_size=60),
    st.frozensets(st.one_of(st.text(alphabet="abé😀ж", min_size=1, max_size=4), st.integers()), max_size=12),
)
def test_stopword_hits_counts_what_the_set_holds(line, stopwords):
    compiled = _compiled_module()
    words = re.findall(r"[^\W\d_]+", line)
    expected = (sum(word in stopwords for word in words), len(words))
    assert compiled.stopword_hits(line, compiled.stopword_table(stopwords)) == expected


# letters and digits, marks of several scripts (a vowel sign, a nukta, a harakat, an accent written
# apart, an enclosing mark, one beyond the BMP), blanks and punctuation
MARKED = "कखढ़ेिंा़ًَاب\u0301\u20dd\U0001d1671١ _.:।"


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=MARKED, max_size=40),
    st.frozensets(st.text(alphabet=MARKED, min_size=1, max_size=4), max_size=12),
)
def test_stopword_hits_with_marks_counts_the_words_letter_words_gives(line, stopwords):
    compiled = _compiled_module()
    words = letter_words(line)
    expected = (sum(word in stopwords for word in words), len(words))
    assert compiled.stopword_hits(line, compiled.stopword_table(stopwords), True) == expected


def test_letter_words_keep_the_vowel_signs_of_a_word():
    assert letter_words("ये भी पढ़ें: 12 बजे") == ["ये", "भी", "पढ़ें", "बजे"]
    assert letter_words("the 2 cats’ toys") == re.findall(r"[^\W\d_]+", "the 2 cats’ toys")


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=MARKED + " »”", max_size=30))
def test_phrase_key_with_marks(both_paths, text):
    python, fast = both_paths(phrase_key, text)
    assert python == fast


HINDI = frozenset("के और को में से है की ने".split())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from("के और को में से है। की ने स्कूल पढ़ें अनुसार 12 ,".split()), max_size=20).map(" ".join))
def test_line_score_with_marks(both_paths, line):
    python, fast = both_paths(line_score, line, HINDI)
    assert python == fast


STOPWORDS = frozenset("the a of to and in yang dan di itu ini untuk the для и в".split())
lines = st.lists(
    st.sampled_from("The A of yang DAN itu 2024 x_y dan2 ² Для и в ½the harbour , .".split()), max_size=20
).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(lines, st.text(max_size=200)), st.sampled_from([STOPWORDS, frozenset()]))
def test_line_score(both_paths, line, stopwords):
    python, fast = both_paths(line_score, line, stopwords)
    assert python == fast


def _samples() -> list[str]:
    """Language samples: each sample article cut at several lengths, and a few odd texts."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]
    cuts = [text[start : start + size] for text in texts for start in (0, 97) for size in (25, 120, 400)]
    return cuts + MIXED + [article("harbour", 3), "ÀÉÎÕÜ " * 10, "\udcff broken surrogate escape"]


@pytest.mark.parametrize("columns", [16, 13])  # 13: rows that end in fewer than eight halves
def test_half_rows_is_numpys_cast_of_every_half(columns):
    compiled = _compiled_module()
    height = 65536 // columns
    matrix = np.arange(height * columns, dtype=np.uint16).view(np.float16).reshape(height, columns)
    rows = np.arange(height, dtype=np.intp)[::-3].copy()
    out = np.empty((len(rows), columns), dtype=np.float32)
    compiled.half_rows(matrix, columns, rows, out)
    assert np.array_equal(out.view(np.uint32), matrix[rows].astype(np.float32).view(np.uint32))
    with pytest.raises(IndexError):
        compiled.half_rows(
            matrix, columns, np.array([height], dtype=np.intp), np.empty((1, columns), dtype=np.float32)
        )


def _visits(nextmove, rows, output, text: bytes) -> tuple[list[int], list[float]]:
    """py3langid's visit count, one byte after another: the definition of ``langid_visits``."""
    state, counts = 0, Counter()
    for byte in text:
        state = nextmove[(rows[state] << 8) + byte]
        if output[state] >= 0:
            counts[output[state]] += 1
    return list(counts), [float(count) for count in counts.values()]


def _compiled_visits(compiled, nextmove, rows, output, text: bytes) -> tuple[list[int], list[float]]:
    """``langid_visits`` on the tables as buffers (uint32, uint16, int32), its answer as lists."""
    features, counts = compiled.langid_visits(nextmove, rows, output, text)
    return np.frombuffer(features, dtype=np.intp).tolist(), np.frombuffer(counts, dtype=np.float32).tolist()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=1200))
def test_langid_visits_walks_pieces_of_the_text_as_one_walk(text):
    """The compiled walk reads long texts as pieces at once; with langid's model (states that forget
    all but the last few bytes), every piece's early start catches up with the true state."""
    compiled = _compiled_module()
    from py3langid import langid

    identifier = langid._get_identifier()
    rows, output = list(identifier.tk_row), identifier.tk_output
    python = _visits(identifier.tk_nextmove, rows, output, text)
    assert python == _compiled_visits(
        compiled, identifier.tk_nextmove, identifier.tk_row, array("i", output), text
    )


def test_langid_visits_walks_again_when_a_piece_cannot_catch_up():
    """An automaton whose state is the parity of every "x" read so far never forgets: a piece started
    early from the start state is in the wrong state half the time, and the walk must notice."""
    compiled = _compiled_module()
    nextmove = [0] * 512
    nextmove[ord("x")], nextmove[256 + ord("x")] = 1, 0  # "x" flips the state
    for byte in range(256):
        if byte != ord("x"):
            nextmove[256 + byte] = 1
    rows, output = [0, 1], [-1, 7]
    rng = random.Random(3)
    for size in (10, 63, 64, 65, 300, 1000, 4096):
        for _ in range(20):
            text = bytes(rng.choice(b"xy.") for _ in range(size))
            buffers = array("I", nextmove), array("H", rows), array("i", output)
            assert _compiled_visits(compiled, *buffers, text) == _visits(nextmove, rows, output, text)


def test_language_classify(both_paths):
    for sample in _samples():
        python, fast = both_paths(classify, sample)
        assert python == fast, sample


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_language_classify_any_text(both_paths, sample):
    python, fast = both_paths(classify, sample)
    assert python == fast


# ---------------------------------------------------------------- the whole pipeline


def _pipeline(raws: list[tuple[str, str]]) -> tuple[list, list, list]:
    """Fingerprints, the verdicts of every pair that shares a shingle, and the clusters of ``raws``."""
    rules = load_rules()
    docs = []
    for name, raw in raws:
        try:
            docs.append(clean_document(Document(id=name, raw=raw), rules))
        except DocumentError:
            continue
    settings = DedupSettings()
    printed = list(fingerprint_documents(docs, settings))
    prints = [
        (doc.text, doc.language, fp.unit, fp.shingles.tolist(), fp.signature.tolist(), fp.figures.tolist())
        for doc, fp in printed
    ]
    verdicts = []
    for i in range(len(printed)):
        for j in range(i):
            pair = overlap(printed[i][1].shingles, printed[j][1].shingles)
            if pair.shared:
                verdicts.append((i, j, pair, verdict(pair, printed[i][1], printed[j][1], settings)))
    clusters = [
        (c.id, c.canonical.id, [(m.document.id, m.similarity) for m in c.members])
        for c in cluster_documents(printed, settings)
    ]
    return prints, verdicts, clusters


def _copies(count: int) -> list[tuple[str, str]]:
    """Articles with trimmed and edited copies, in several scripts."""
    rng = random.Random(5)
    raws = []
    for story in range(count):
        text = article(f"story{story}", 14)
        raws.append((f"s{story}", text))
        paragraphs = text.split("\n\n")
        raws.append((f"s{story}-trimmed", "\n\n".join(paragraphs[: rng.randint(3, len(paragraphs))])))
        raws.append((f"s{story}-edited", text.replace(" the ", " a ", 3) + "\n\nBaca juga: Berita lain"))
    raws += [(f"mixed{i}", text * 8) for i, text in enumerate(MIXED) if text.strip()]
    return raws


def test_fingerprints_verdicts_and_clusters_are_the_same_on_both_paths(both_paths):
    raws = _copies(12) + [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.txt"))]
    python, fast = both_paths(_pipeline, raws)
    assert python[0] == fast[0]  # fingerprints
    assert python[1] == fast[1] and any(v[3][0] for v in fast[1])  # verdicts, copies among them
    assert python[2] == fast[2] and any(len(c[2]) > 1 for c in fast[2])  # clusters


def test_fingerprints_are_the_same_in_one_batch_or_text_by_text(both_paths):
    texts = [article(f"t{i}", 1 + i % 9) for i in range(40)] + MIXED
    python, fast = both_paths(fingerprints, texts, 3, 128)
    for left, right in zip(python, fast, strict=True):
        assert left.unit == right.unit
        assert np.array_equal(left.shingles, right.shingles) and np.array_equal(
            left.signature, right.signature
        )


@pytest.mark.shared
def test_both_paths_agree_on_the_development_pages(both_paths):
    docs = sorted(shared_path("eval", "dedup", "dev", "docs").iterdir())
    raws = [(path.name, path.read_bytes().decode("utf-8", "replace")) for path in docs[:150]]
    python, fast = both_paths(_pipeline, raws)
    assert python == fast


def test_the_environment_variable_selects_pure_python():
    code = "from newsdedup import native; print(native.speedups is None)"
    env = {**os.environ, native.PURE_PYTHON_VARIABLE: "1"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"
