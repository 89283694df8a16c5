"""Fingerprint stage: normalise -> word shingles -> MinHash signature.

Shingles are hashed to 32 bits (CRC-32 of each token, combined and mixed), and
signatures are computed exactly as datasketch's ``MinHash`` (scheme
``affine32``, same seed) computes them for the same 32-bit values, so they can
go into a ``datasketch.MinHashLSH`` unchanged.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SEED = 1  # fixed: signatures must agree across runs and with a persistent index
_TOKEN = re.compile(r"\w+")
# "10.000", "10,000" and "10000" are one number in syndicated copies
_DIGIT_GROUP = re.compile(r"(?<=\d)[.,\u00a0\u202f'’](?=\d{3}\b)")
_SHINGLE_MULTIPLIERS = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1], dtype=np.uint32)


@dataclass(frozen=True)
class Fingerprint:
    """The sorted unique shingle hashes of a text and their MinHash signature."""

    shingles: np.ndarray  # uint32, sorted, unique
    signature: np.ndarray  # uint32, one value per permutation


def normalise(text: str) -> list[str]:
    """Lower-cased word tokens; quotes, punctuation and digit grouping do not matter."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _TOKEN.findall(_DIGIT_GROUP.sub("", text))


def shingle_hashes(tokens: list[str], size: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the word ``size``-grams (one shingle for shorter texts)."""
    return np.unique(positional_shingles(tokens, size))


def positional_shingles(tokens: list[str], size: int) -> np.ndarray:
    """The hash of the shingle that starts at each token position, in text order."""
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    token_hashes = np.fromiter(
        (zlib.crc32(t.encode("utf-8")) for t in tokens), dtype=np.uint32, count=len(tokens)
    )
    width = min(size, len(token_hashes))
    count = len(token_hashes) - width + 1
    combined = np.zeros(count, dtype=np.uint32)
    for offset in range(width):
        combined = (
            combined * _SHINGLE_MULTIPLIERS[offset % len(_SHINGLE_MULTIPLIERS)]
            + token_hashes[offset : offset + count]
        )
    return fmix32(combined)


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
        return np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    a, b = permutations(num_perm, seed)
    mixed = fmix32(shingles)[:, None]
    return (mixed * a + b).min(axis=0)


def fingerprint(text: str, shingle_size: int, num_perm: int, seed: int = SEED) -> Fingerprint:
    shingles = shingle_hashes(normalise(text), shingle_size)
    return Fingerprint(shingles=shingles, signature=signature(shingles, num_perm, seed))
