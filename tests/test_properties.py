"""Property tests: the cleaner and the clustering on arbitrary input."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdedup.clean.lines import filter_lines, split_lines
from newsdedup.clean.rules import load_rules
from newsdedup.clean.text import clean_text
from newsdedup.document import Document
from newsdedup.pipeline import dedup_documents
from newsdedup.verify import shared_count

RULES = load_rules()
words = st.sampled_from(
    "the minister said budget plan baca juga harbour read also © terkini lainnya 2024 . , “ ”".split()
)
line = st.lists(words, min_size=0, max_size=25).map(" ".join)
page = st.lists(line, max_size=40).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(page, st.text(max_size=2000)))
def test_cleaner_never_raises_never_invents_text_and_is_deterministic(raw):
    title, paragraphs, _ = clean_text(raw, RULES)
    input_lines = set(split_lines(raw))
    assert all(p in input_lines for p in paragraphs)
    assert title == "" or title in raw or any(title in line for line in input_lines)
    assert clean_text(raw, RULES)[1] == paragraphs


@settings(max_examples=100, deadline=None)
@given(st.lists(line, max_size=30))
def test_filter_lines_keeps_a_subsequence(lines):
    lines = [ln for ln in lines if ln.strip()]
    kept = filter_lines(lines, RULES)
    iterator = iter(lines)
    assert all(any(k == candidate for candidate in iterator) for k in kept)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(range(6)), min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_clustering_is_a_partition_invariant_to_input_order(choices, rng):
    bases = [" ".join(f"s{k}w{i}" for i in range(120)) for k in range(6)]
    docs = [Document(id=f"d{n}", text=bases[k] + f" tail{n}") for n, k in enumerate(choices)]
    shuffled = docs[:]
    rng.shuffle(shuffled)

    def partition(items):
        return {frozenset(m.document.id for m in c.members) for c in dedup_documents(items)}

    result = partition(docs)
    assert result == partition(shuffled)
    assert sorted(i for group in result for i in group) == sorted(d.id for d in docs)
    expected = {frozenset(f"d{n}" for n, k in enumerate(choices) if k == base) for base in set(choices)}
    assert result == expected


# ---- the read and clean stages on arbitrary bytes (a short fuzz run of the readers and cleaners)

from newsdedup.clean import clean_document  # noqa: E402
from newsdedup.errors import DocumentError  # noqa: E402
from newsdedup.read.decode import document_from_bytes  # noqa: E402

tags = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<script>",
        "</script>",
        "<a href='x'>",
        "</a>",
        "<br>",
        "&amp;",
        "<!--",
        "-->",
    ]
)
html_pages = st.lists(st.one_of(tags, words, line), max_size=60).map(
    lambda parts: "<html><body>" + " ".join(parts)
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=4000), page.map(str.encode), html_pages.map(str.encode)))
def test_reading_and_cleaning_any_bytes_only_ever_fails_with_a_document_error(data):
    try:
        doc = clean_document(document_from_bytes("fuzz", data))
    except DocumentError:
        return
    assert doc.text and doc.raw is None
    again = clean_document(document_from_bytes("fuzz", data))
    assert (again.title, again.text) == (doc.title, doc.text)


@settings(max_examples=100, deadline=None)
@given(page)
def test_plain_text_output_is_made_of_input_lines(raw):
    try:
        doc = clean_document(document_from_bytes("fuzz", raw.encode()))
    except DocumentError:
        return
    input_lines = set(split_lines(raw))
    assert all(paragraph in input_lines for paragraph in doc.text.split("\n\n"))


shingle_set = st.sets(st.integers(0, 2**32 - 1), max_size=300).map(
    lambda values: np.array(sorted(values), dtype=np.uint32)
)


@given(shingle_set, shingle_set)
def test_shared_count_is_the_size_of_the_intersection(a, b):
    assert shared_count(a, b) == len(set(a.tolist()) & set(b.tolist()))
