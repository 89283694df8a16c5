import zlib

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

import newsdedup.fingerprint as fingerprint_module
import newsdedup.shingles as shingles_module
from newsdedup.fingerprint import fingerprint, fingerprints, signature, signatures
from newsdedup.shingles import (
    IDEOGRAPHS,
    LETTERS,
    WORDS,
    normalise,
    shingle_hash_sets,
    shingle_hashes,
    shingle_unit,
    token_hashes,
)


def test_normalise_ignores_case_punctuation_quotes_and_digit_grouping():
    assert (
        normalise("“10.000 Tentara,” kata DIA.")
        == normalise('"10,000 tentara" kata dia')
        == [
            "10000",
            "tentara",
            "kata",
            "dia",
        ]
    )


def test_shingles_are_sorted_unique_and_stable_across_calls():
    tokens = "a b c a b c a b c".split()
    hashes = shingle_hashes(tokens, 3)
    assert len(hashes) == 3 and np.all(np.diff(hashes.astype(np.int64)) > 0)
    assert np.array_equal(hashes, shingle_hashes(tokens, 3))
    assert len(shingle_hashes(["short"], 3)) == 1 and len(shingle_hashes([], 3)) == 0


def test_signature_equals_datasketch_minhash_on_the_same_hash_values():
    shingles = shingle_hashes(normalise("The quick brown fox jumps over the lazy dog " * 3), 3)
    reference = MinHash(num_perm=64, seed=1, hashfunc=lambda value: value)
    reference.update_batch([int(v) for v in shingles])
    assert np.array_equal(signature(shingles, 64), reference.hashvalues)


def test_similar_texts_get_similar_signatures():
    base = " ".join(f"word{i}" for i in range(300))
    near = base.replace("word150", "changed")
    far = " ".join(f"other{i}" for i in range(300))
    a, b, c = (fingerprint(t, 3, 128).signature for t in (base, near, far))
    assert np.mean(a == b) > 0.9 and np.mean(a == c) < 0.1


# ---------------------------------------------------------------- the batch path


def _datasketch_signature(shingles: np.ndarray, num_perm: int) -> np.ndarray:
    reference = MinHash(num_perm=num_perm, seed=1, hashfunc=lambda value: value)
    reference.update_batch([int(v) for v in shingles])
    return reference.hashvalues


token = st.sampled_from(["kata", "dia", "10000", "tentara", "ß", "İstanbul", "新闻", "x_y", "a", "rusia"])
token_lists = st.lists(st.lists(token, max_size=40), max_size=12)


@settings(max_examples=150, deadline=None)
@given(token_lists, st.integers(min_value=1, max_value=6))
def test_batch_shingles_equal_per_document_shingles(lists, size):
    batch = shingle_hash_sets(lists, size)
    assert len(batch) == len(lists)
    for tokens, shingles in zip(lists, batch, strict=True):
        assert shingles.dtype == np.uint32
        assert np.array_equal(shingles, shingle_hashes(tokens, size))


@settings(max_examples=60, deadline=None)
@given(token_lists, st.sampled_from([8, 64, 128]))
def test_batch_signatures_equal_per_document_signatures_and_datasketch(lists, num_perm):
    shingle_sets = [shingle_hashes(tokens, 3) for tokens in lists]
    batch = signatures(shingle_sets, num_perm)
    assert batch.shape == (len(lists), num_perm) and batch.dtype == np.uint32
    for shingles, row in zip(shingle_sets, batch, strict=True):
        assert np.array_equal(row, signature(shingles, num_perm))
        if len(shingles):  # datasketch's empty MinHash is the same all-ones row, in another dtype
            assert np.array_equal(row, _datasketch_signature(shingles, num_perm))


def test_batch_signatures_span_several_blocks(monkeypatch):
    # small blocks, so a set of 40 shingles lands in blocks of its own and others share one
    monkeypatch.setattr(fingerprint_module, "_SIGNATURE_BLOCK_VALUES", 50)
    sets = [
        shingle_hashes([f"w{d}x{i}" for i in range(n)], 2) for d, n in enumerate([40, 3, 0, 30, 1, 90, 7])
    ]
    for shingles, row in zip(sets, signatures(sets, 32), strict=True):
        assert np.array_equal(row, signature(shingles, 32))


def test_fingerprints_of_real_text_equal_fingerprint_and_datasketch(samples):
    texts = [path.read_text(encoding="utf-8") for path in sorted(samples.glob("*.txt"))]
    texts += ["", "Satu.", "dua kata", "“10.000 Tentara,” kata DIA."]
    for text, batch in zip(texts, fingerprints(texts, 3, 128), strict=True):
        single = fingerprint(text, 3, 128)
        assert np.array_equal(batch.shingles, single.shingles)
        assert np.array_equal(batch.signature, single.signature)
        if len(single.shingles):
            assert np.array_equal(batch.signature, _datasketch_signature(single.shingles, 128))


def test_token_hash_cache_starting_over_changes_no_hash(monkeypatch):
    tokens = normalise("the quick brown fox jumps over the lazy dog and the quick cat")
    expected = shingle_hashes(tokens, 3)
    monkeypatch.setattr(shingles_module, "_TOKEN_CACHE_LIMIT", 3)
    monkeypatch.setattr(shingles_module, "_token_hash_cache", shingles_module._TokenHashCache())
    assert np.array_equal(shingle_hashes(tokens, 3), expected)
    assert len(shingles_module._token_hash_cache) <= 3


def test_token_hashes_are_crc32_of_utf8():
    tokens = ["kata", "新闻", "ß"]
    assert token_hashes(tokens, 3).tolist() == [zlib.crc32(t.encode("utf-8")) for t in tokens]


def test_digit_grouping_is_removed_only_between_a_digit_and_three_digits():
    assert normalise("1.000.000 dan 3,14 serta 12.3456 atau ,000 dan 5’000") == [
        "1000000",
        "dan",
        "3",
        "14",
        "serta",
        "12",
        "3456",
        "atau",
        "000",
        "dan",
        "5000",
    ]


def test_the_unit_follows_the_script():
    assert shingle_unit("Pasukan Korea Utara tiba di Rusia, kata badan intelijen.") is WORDS
    assert shingle_unit("Северная Корея отправила войска в Россию.") is WORDS
    assert shingle_unit("東京都は十九日、新しい防災計画を発表した。") is IDEOGRAPHS
    assert shingle_unit("北京市政府周二宣布了新的空气污染防治计划。") is IDEOGRAPHS
    assert shingle_unit("กรุงเทพมหานครประกาศแผนป้องกันน้ำท่วมฉบับใหม่เมื่อวันอังคาร") is LETTERS
    assert shingle_unit("وزیر اعظم نے کہا ہے کہ حکومت نئی پالیسی کا اعلان کرے گی۔") is LETTERS
    assert (
        shingle_unit("Reuters: 東京 stocks rose on Monday as investors bought banks and exporters.") is WORDS
    )


def test_spacing_does_not_change_the_shingles_of_arabic_script():
    joined, spaced = "وزیر اعظم نے کہاہے کہ حکومت", "وزیر اعظم نے کہا ہے کہ حکومت"
    assert np.array_equal(fingerprint(joined, 3, 64).shingles, fingerprint(spaced, 3, 64).shingles)
    assert fingerprint(joined, 3, 64).unit == "letter"


def test_units_never_share_a_shingle():
    words = fingerprint("abc", 3, 64).shingles  # one word: one shingle
    letters = shingle_hashes(["a", "b", "c"], 3, LETTERS)
    ideographs = shingle_hashes(["a", "b", "c"], 3, IDEOGRAPHS)
    assert len({*words.tolist(), *letters.tolist(), *ideographs.tolist()}) == 3


def test_identical_unspaced_pages_get_a_shingle_per_character_window():
    page = "東京都は十九日、新しい防災計画を発表した。都内の避難所を増やし、備蓄品を見直す。" * 2
    fp = fingerprint(page, 3, 64)
    assert fp.unit == "ideograph" and len(fp.shingles) > 30


def test_a_fingerprint_sent_as_bytes_comes_back_the_same(samples):
    from newsdedup.document import Document
    from newsdedup.fingerprint import Fingerprint, fingerprint_documents
    from newsdedup.settings import DedupSettings

    doc = Document("000", text=next(samples.glob("000_*.txt")).read_text(encoding="utf-8"))
    [(_, original)] = fingerprint_documents([doc], DedupSettings())
    back = Fingerprint.from_bytes(*original.to_bytes())
    for name in ("shingles", "signature", "figures", "dates"):
        assert np.array_equal(getattr(back, name), getattr(original, name))
        assert getattr(back, name).dtype == np.uint32
    assert back.unit == original.unit and len(back.figures) > 0
    # bytes would lose any other type: such a fingerprint is refused, not sent as wrong numbers
    wide = Fingerprint(original.shingles.astype(np.int64), original.signature)
    with pytest.raises(TypeError, match="uint32"):
        wide.to_bytes()
