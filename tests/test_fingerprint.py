import numpy as np
from datasketch import MinHash

from core.fingerprint import fingerprint, normalise, shingle_hashes, signature


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
