"""What both index backends share: shingle blobs, LSH buckets, settings, masking, representatives."""

from __future__ import annotations

import math
import struct
import zlib
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.fingerprint import signature
from newsdedup.store import mask_location
from newsdedup.store.codec import (
    CorruptData,
    band_buckets,
    choose_representatives,
    decode_shingles,
    decode_site_pages,
    encode_shingles,
    encode_site_pages,
)
from newsdedup.templates import lines_key

uint32_sets = st.sets(st.integers(0, 2**32 - 1), max_size=300).map(
    lambda s: np.array(sorted(s), dtype=np.uint32)
)
dense_sets = st.sets(st.integers(0, 2000), max_size=300).map(lambda s: np.array(sorted(s), dtype=np.uint32))


@settings(max_examples=300)
@given(st.one_of(uint32_sets, dense_sets))
def test_shingle_blobs_round_trip(values):
    decoded = decode_shingles(encode_shingles(values))
    assert decoded.dtype == np.uint32 and np.array_equal(decoded, values)


@pytest.mark.parametrize("values", [[], [0], [2**32 - 1], [0, 2**32 - 1], list(range(1000))])
def test_shingle_blob_edge_cases(values):
    values = np.array(values, dtype=np.uint32)
    assert np.array_equal(decode_shingles(encode_shingles(values)), values)


def test_a_shingle_blob_is_near_the_entropy_of_a_random_set():
    values = np.unique(np.random.default_rng(7).integers(0, 2**32, 500, dtype=np.uint64)).astype(np.uint32)
    n = len(values)
    entropy_bytes = (
        (math.lgamma(2**32 + 1) - math.lgamma(n + 1) - math.lgamma(2**32 - n + 1)) / math.log(2) / 8
    )
    size = len(encode_shingles(values))
    assert size < 1.02 * entropy_bytes + 16  # header and checksum
    assert size < 3.2 * n  # vs. 4 bytes a value raw


def test_every_damaged_byte_and_truncation_is_detected():
    values = np.unique(np.random.default_rng(3).integers(0, 2**32, 60, dtype=np.uint64)).astype(np.uint32)
    blob = encode_shingles(values)
    for position in range(len(blob)):
        for flip in (0x01, 0x80):
            damaged = bytearray(blob)
            damaged[position] ^= flip
            with pytest.raises(CorruptData):
                decode_shingles(bytes(damaged))
    for length in range(len(blob)):
        with pytest.raises(CorruptData):
            decode_shingles(blob[:length])
    with pytest.raises(CorruptData):
        decode_shingles(blob + b"\0")


digests64 = st.integers(0, 2**64 - 1)
digest_pages = st.lists(st.tuples(digests64, digests64, st.frozensets(digests64, max_size=30)), max_size=12)


@settings(max_examples=200)
@given(digest_pages)
def test_site_pages_round_trip_in_order(pages):
    assert decode_site_pages(encode_site_pages(pages)) == pages


def test_site_pages_written_before_title_keys_were_kept_are_read_as_pages_without_titles():
    pages = [(7, frozenset({1, 2, 3})), (8, frozenset()), (2**64 - 1, frozenset({2**64 - 1, 0}))]
    ids = np.array([page_id for page_id, _ in pages], dtype="<u8").tobytes()
    counts = np.array([len(lines) for _, lines in pages], dtype="<u4").tobytes()
    digests = np.array([line for _, lines in pages for line in sorted(lines)], dtype="<u8").tobytes()
    body = struct.pack("<I", len(pages)) + ids + counts + digests  # the first layout
    blob = body + struct.pack("<I", zlib.crc32(body))
    assert decode_site_pages(blob) == [(page_id, lines_key(lines), lines) for page_id, lines in pages]


def test_damaged_or_truncated_site_pages_are_detected():
    blob = encode_site_pages(
        [(7, 70, frozenset({1, 2, 3})), (8, 80, frozenset()), (2**64 - 1, 0, frozenset({2**64 - 1, 0}))]
    )
    for position in range(len(blob)):
        damaged = bytearray(blob)
        damaged[position] ^= 0x10
        with pytest.raises(CorruptData):
            decode_site_pages(bytes(damaged))
    for length in range(len(blob)):
        with pytest.raises(CorruptData):
            decode_site_pages(blob[:length])


def test_only_sorted_unique_uint32_shingles_are_encoded():
    with pytest.raises(ValueError, match="sorted and unique"):
        encode_shingles(np.array([3, 3], dtype=np.uint32))
    with pytest.raises(ValueError, match="uint32"):
        encode_shingles(np.array([1, 2], dtype=np.int64))


def test_band_buckets_agree_exactly_when_a_band_agrees():
    rng = np.random.default_rng(5)
    first = rng.integers(0, 2**32, 128, dtype=np.uint64).astype(np.uint32)
    second = first.copy()
    second[::2] += np.uint32(1)  # every band differs in its first row
    second[:2] = first[:2]  # except band 0
    a, b = band_buckets(first, 64), band_buckets(second, 64)
    assert a.dtype == np.int32 and a.shape == (64,)
    assert a[0] == b[0] and not np.any(a[1:] == b[1:])
    # the band number is mixed in: equal rows in different bands give different buckets
    assert len(set(band_buckets(np.zeros(128, dtype=np.uint32), 64).tolist())) == 64
    assert band_buckets(first, 128).shape == (128,) and band_buckets(first, 16).shape == (16,)


def test_band_buckets_collide_only_at_the_32_bit_birthday_rate():
    signatures = [signature(np.array([i], dtype=np.uint32), 128) for i in range(2000)]
    buckets = np.concatenate([band_buckets(s, 64) for s in signatures])
    # 128,000 buckets in 2**32 values: n**2 / 2**33 = 1.9 collisions expected
    assert len(buckets) - len(np.unique(buckets)) <= 8


@pytest.mark.parametrize(
    "location, masked",
    [
        ("redis://:secret@host:6379/0", "redis://:***@host:6379/0"),
        ("rediss://user:secret@host:6380/2", "rediss://user:***@host:6380/2"),
        ("redis://user:p@ss:w/rd@host:6379/0", "redis://user:***@host:6379/0"),
        ("redis://host:6379/0?password=secret&db=1", "redis://host:6379/0?password=***&db=1"),
        ("unix:///run/redis.sock?db=0&password=secret", "unix:///run/redis.sock?db=0&password=***"),
        ("redis://host:6379/0", "redis://host:6379/0"),
        ("/data/index.db", "/data/index.db"),
    ],
)
def test_passwords_are_masked_in_locations(location, masked):
    assert mask_location(location) == masked


def test_representatives_are_the_four_longest_ties_by_id():
    docs = [
        SimpleNamespace(key=k, id=doc_id, shingle_count=n)
        for k, doc_id, n in [(1, "b", 5), (2, "a", 5), (3, "c", 9), (4, "d", 1), (5, "e", 2), (6, "f", 3)]
    ]
    assert choose_representatives(docs) == [3, 2, 1, 6]
    assert choose_representatives(docs[:1]) == [1] and choose_representatives([]) == []
