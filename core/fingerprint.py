"""Fingerprint stage: normalise -> word shingles -> MinHash signature.

Shingles are hashed to 32 bits (CRC-32 of each token, combined and mixed), and
signatures are computed exactly as datasketch's ``MinHash`` (scheme
``affine32``, same seed) computes them for the same 32-bit values, so they can
go into a ``datasketch.MinHashLSH`` unchanged.

``fingerprint`` does one text; ``fingerprints`` does many at once with the
same results, paying numpy's per-call overhead once per batch instead of a
dozen times per document; ``fingerprint_documents`` is the stage over a stream.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice

import numpy as np

from .document import Document
from .settings import SEED, DedupSettings

FINGERPRINT_BATCH = 256  # documents fingerprinted together: numpy's per-call overhead is paid per batch
_TOKEN = re.compile(r"\w+")
# "10.000", "10,000" and "10000" are one number in syndicated copies. The pattern starts at the
# separator and looks back for the digit: scanning for a separator is much faster than trying a
# look-behind at every character.
_DIGIT_GROUP = re.compile(r"[.,\u00a0\u202f'’](?<=\d.)(?=\d{3}\b)")
_SHINGLE_MULTIPLIERS = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1], dtype=np.uint32)
_EMPTY_SIGNATURE_VALUE = np.iinfo(np.uint32).max
# Shingles hashed per block of the batch signature: the block's (permutations x values) uint32
# matrix is then about 8 MB with 128 permutations. Much smaller blocks pay numpy's per-call
# overhead again; much larger ones fall out of the CPU caches (measured: 2-4x slower either way).
_SIGNATURE_BLOCK_VALUES = 16384
_TOKEN_CACHE_LIMIT = 1 << 18  # distinct tokens remembered (~35 MB) before the cache starts over


@dataclass(frozen=True)
class Fingerprint:
    """The sorted unique shingle hashes of a text and their MinHash signature."""

    shingles: np.ndarray  # uint32, sorted, unique
    signature: np.ndarray  # uint32, one value per permutation


def normalise(text: str) -> list[str]:
    """Lower-cased word tokens; quotes, punctuation and digit grouping do not matter."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _TOKEN.findall(_DIGIT_GROUP.sub("", text))


class _TokenHashCache(dict):
    """CRC-32 of a token's UTF-8 bytes, remembered.

    News text repeats its words, and a dict lookup costs a fraction of encoding
    and hashing the token again. The cache is emptied when full, which changes
    no hash value.
    """

    def __missing__(self, token: str) -> int:
        if len(self) >= _TOKEN_CACHE_LIMIT:
            self.clear()
        value = self[token] = zlib.crc32(token.encode("utf-8"))
        return value


_token_hash_cache = _TokenHashCache()


def token_hashes(tokens: Iterable[str], count: int) -> np.ndarray:
    """CRC-32 (uint32) of each of ``count`` tokens."""
    return np.fromiter(map(_token_hash_cache.__getitem__, tokens), dtype=np.uint32, count=count)


def _windows(token_hashes: np.ndarray, width: int) -> np.ndarray:
    """The unmixed hash of every run of ``width`` consecutive tokens, by start position."""
    count = len(token_hashes) - width + 1
    combined = np.zeros(count, dtype=np.uint32)
    for offset in range(width):
        combined = (
            combined * _SHINGLE_MULTIPLIERS[offset % len(_SHINGLE_MULTIPLIERS)]
            + token_hashes[offset : offset + count]
        )
    return combined


def shingle_hashes(tokens: list[str], size: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the word ``size``-grams (one shingle for shorter texts)."""
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    width = min(size, len(tokens))
    return _sorted_unique(fmix32(_windows(token_hashes(tokens, len(tokens)), width)))


def positional_shingles(tokens: list[str], size: int) -> np.ndarray:
    """The hash of the shingle that starts at each token position, in text order (for ``explain``)."""
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    return fmix32(_windows(token_hashes(tokens, len(tokens)), min(size, len(tokens))))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of a 1-d array; several times faster than it for these sizes (numpy 2)."""
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def shingle_hash_sets(token_lists: Sequence[list[str]], size: int) -> list[np.ndarray]:
    """``shingle_hashes`` of many token lists, identical results, computed in one numpy pass.

    The token lists are concatenated; the windows that would straddle two lists
    are left out, and one sort of (list number, hash) keys orders and
    de-duplicates every list's shingles at once.
    """
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    result = [np.empty(0, dtype=np.uint32) for _ in token_lists]
    for i in np.flatnonzero((lengths > 0) & (lengths < size)):
        result[i] = shingle_hashes(token_lists[i], size)  # shorter than a shingle: one shingle of it all
    rows = np.flatnonzero(lengths >= size)
    if rows.size == 0:
        return result
    row_lengths = lengths[rows]
    hashes = token_hashes(chain.from_iterable(token_lists[i] for i in rows), int(row_lengths.sum()))
    windows = _windows(hashes, size)
    counts = row_lengths - size + 1  # windows inside each list
    token_starts = np.cumsum(row_lengths) - row_lengths
    window_starts = np.cumsum(counts) - counts
    inside = np.arange(int(counts.sum())) + np.repeat(token_starts - window_starts, counts)
    owner = np.repeat(np.arange(len(rows), dtype=np.uint64), counts)
    keys = _sorted_unique((owner << np.uint64(32)) | fmix32(windows[inside]).astype(np.uint64))
    bounds = np.searchsorted(keys >> np.uint64(32), np.arange(len(rows) + 1, dtype=np.uint64))
    values = keys.astype(np.uint32)  # the low 32 bits: the shingle hash
    for position, row in enumerate(rows):
        result[row] = values[bounds[position] : bounds[position + 1]]
    return result


def fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (the pre-mix datasketch applies to every value)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters ``(a, b)`` for ``num_perm`` and ``seed``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def signature(shingles: np.ndarray, num_perm: int, seed: int = SEED) -> np.ndarray:
    """MinHash signature of a set of 32-bit shingle hashes (all-ones for an empty set)."""
    if len(shingles) == 0:
        return np.full(num_perm, _EMPTY_SIGNATURE_VALUE, dtype=np.uint32)
    a, b = permutations(num_perm, seed)
    mixed = fmix32(shingles)[:, None]
    return (mixed * a + b).min(axis=0)


def signatures(shingle_sets: Sequence[np.ndarray], num_perm: int, seed: int = SEED) -> np.ndarray:
    """MinHash signatures of many shingle sets, one row each, identical to ``signature`` of each.

    The sets are hashed in blocks of about ``_SIGNATURE_BLOCK_VALUES`` values:
    one (permutations x values) matrix per block, and ``np.minimum.reduceat``
    takes each set's minimum per permutation along the rows (along the columns
    of the transposed layout, numpy's reduceat is an order of magnitude slower).
    """
    a, b = permutations(num_perm, seed)
    out = np.full((len(shingle_sets), num_perm), _EMPTY_SIGNATURE_VALUE, dtype=np.uint32)
    block: list[int] = []
    block_values = 0
    for i, shingles in enumerate(shingle_sets):
        if len(shingles) == 0:
            continue  # an empty set keeps the all-ones row
        block.append(i)
        block_values += len(shingles)
        if block_values >= _SIGNATURE_BLOCK_VALUES:
            _sign_block(shingle_sets, block, a, b, out)
            block, block_values = [], 0
    if block:
        _sign_block(shingle_sets, block, a, b, out)
    return out


def _sign_block(
    shingle_sets: Sequence[np.ndarray], rows: list[int], a: np.ndarray, b: np.ndarray, out: np.ndarray
) -> None:
    sizes = np.fromiter((len(shingle_sets[i]) for i in rows), dtype=np.int64, count=len(rows))
    mixed = fmix32(np.concatenate([shingle_sets[i] for i in rows]))
    hashed = np.multiply.outer(a, mixed)
    hashed += b[:, None]
    out[rows] = np.minimum.reduceat(hashed, np.cumsum(sizes) - sizes, axis=1).T


def fingerprint(text: str, shingle_size: int, num_perm: int, seed: int = SEED) -> Fingerprint:
    shingles = shingle_hashes(normalise(text), shingle_size)
    return Fingerprint(shingles=shingles, signature=signature(shingles, num_perm, seed))


def fingerprints(
    texts: Sequence[str], shingle_size: int, num_perm: int, seed: int = SEED
) -> list[Fingerprint]:
    """``fingerprint`` of many texts, identical results, in one batch."""
    shingle_sets = shingle_hash_sets([normalise(text) for text in texts], shingle_size)
    rows = signatures(shingle_sets, num_perm, seed)
    return [Fingerprint(shingles=s, signature=row) for s, row in zip(shingle_sets, rows, strict=True)]


def fingerprint_documents(
    docs: Iterable[Document], settings: DedupSettings
) -> Iterator[tuple[Document, Fingerprint]]:
    """Fingerprint stage: clean Documents -> (Document, shingles + MinHash signature).

    Documents are fingerprinted ``FINGERPRINT_BATCH`` at a time (the results do
    not depend on the batching) and yielded one by one, in order.
    """
    stream = iter(docs)
    while batch := list(islice(stream, FINGERPRINT_BATCH)):
        prints = fingerprints(
            [doc.text for doc in batch], settings.shingle_size, settings.num_perm, settings.seed
        )
        yield from zip(batch, prints, strict=True)
