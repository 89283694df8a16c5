"""Fingerprint stage: shingles (:mod:`newsdedup.shingles`) -> MinHash signature.

Signatures are computed exactly as datasketch's ``MinHash`` (scheme
``affine32``, same seed) computes them for the same 32-bit shingle hashes, so
they can go into a ``datasketch.MinHashLSH`` unchanged.

``fingerprint`` does one text; ``fingerprints`` does many at once with the
same results, paying numpy's per-call overhead once per batch instead of a
dozen times per document; ``fingerprint_documents`` is the stage over a stream.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

import numpy as np

from . import native
from .document import Document
from .figures import stated_dates, text_figures
from .settings import SEED, DedupSettings
from .shingles import WORDS, fmix32, text_shingles, token_sources

FINGERPRINT_BATCH = 256  # documents fingerprinted together: numpy's per-call overhead is paid per batch
_EMPTY_SIGNATURE_VALUE = np.iinfo(np.uint32).max
# Shingles hashed per block of the batch signature: the block's (permutations x values) uint32
# matrix is then about 8 MB with 128 permutations. Much smaller blocks pay numpy's per-call
# overhead again; much larger ones fall out of the CPU caches (measured: 2-4x slower either way).
_SIGNATURE_BLOCK_VALUES = 16384


_NONE = np.empty(0, dtype=np.uint32)


@dataclass(frozen=True)
class Fingerprint:
    """What verification knows of a text: its sorted unique shingle hashes and their unit, their MinHash
    signature, and the figures and dates it states (see newsdedup.figures)."""

    shingles: np.ndarray  # uint32, sorted, unique
    signature: np.ndarray  # uint32, one value per permutation
    unit: str = WORDS.name  # see newsdedup.shingles
    figures: np.ndarray = field(default_factory=lambda: _NONE)  # uint32 hashes, sorted, unique
    dates: np.ndarray = field(default_factory=lambda: _NONE)  # uint32 yyyymmdd, sorted, unique

    def to_bytes(self) -> PackedFingerprint:
        """The four arrays as bytes, and the unit: what a worker process sends back (pickled as numpy
        arrays, they cost the two sides 12-19 us more a document, about 2% of a run's CPU)."""
        arrays = (self.shingles, self.signature, self.figures, self.dates)
        if not all(array.dtype == _UINT32 and array.ndim == 1 for array in arrays):
            raise TypeError("a fingerprint's arrays are one-dimensional uint32 arrays")
        return (*(array.tobytes() for array in arrays), self.unit)

    @classmethod
    def from_bytes(
        cls, shingles: bytes, signature: bytes, figures: bytes, dates: bytes, unit: str
    ) -> Fingerprint:
        """The fingerprint ``to_bytes`` gave, its arrays read-only (as the batch's spool gives them)."""
        return cls(
            np.frombuffer(shingles, _UINT32),
            np.frombuffer(signature, _UINT32),
            unit,
            np.frombuffer(figures, _UINT32),
            np.frombuffer(dates, _UINT32),
        )


_UINT32 = _NONE.dtype
PackedFingerprint = tuple[bytes, bytes, bytes, bytes, str]


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters ``(a, b)`` for ``num_perm`` and ``seed``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def signature(shingles: np.ndarray, num_perm: int, seed: int = SEED) -> np.ndarray:
    """MinHash signature of a set of 32-bit shingle hashes (all-ones for an empty set)."""
    if native.speedups is not None:
        return signatures([shingles], num_perm, seed)[0]
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
    of the transposed layout, numpy's reduceat is an order of magnitude slower). The compiled twin
    takes the sets one by one.
    """
    a, b = permutations(num_perm, seed)
    if native.speedups is not None:
        out = np.empty((len(shingle_sets), num_perm), dtype=np.uint32)
        contiguous = [np.ascontiguousarray(shingles, dtype=np.uint32) for shingles in shingle_sets]
        native.speedups.minhash_signatures(contiguous, a, b, out)
        return out
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
    return fingerprints([text], shingle_size, num_perm, seed)[0]


def fingerprints(
    texts: Sequence[str], shingle_size: int, num_perm: int, seed: int = SEED
) -> list[Fingerprint]:
    """``fingerprint`` of many texts, identical results, in one batch."""
    sources = token_sources(texts)  # each text folded or tokenised once, for its shingles and its figures
    shingled = text_shingles(texts, sources, shingle_size)
    rows = signatures([shingles for _, shingles in shingled], num_perm, seed)
    figures = text_figures(sources)
    return [
        Fingerprint(shingles, row, unit.name, numbers, stated_dates(text))
        for (unit, shingles), row, numbers, text in zip(shingled, rows, figures, texts, strict=True)
    ]


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
