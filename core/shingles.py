"""The first half of the fingerprint stage: text -> normalised tokens -> shingle hashes, in the unit
the document's script calls for.

* **words** where words are separated by spaces: word ``shingle_size``-grams;
* **ideographs** (Chinese, Japanese): the characters of the text, spaces and
  punctuation removed, in ``IDEOGRAPHS.size``-grams: words are not spaced;
* **letters** (Thai, Lao, Khmer, Myanmar, and Arabic script: Arabic, Urdu,
  Persian): the same over letters, in ``LETTERS.size``-grams: Thai writes no
  spaces between words, and Arabic-script text is spaced unreliably (the same
  Urdu words are written joined or apart), so spaces must not matter.

Each unit hashes into its own space (a salt), so shingles of different units
never match. A text's tokens are lower-cased and NFKC-normalised; quotes,
punctuation and digit grouping (``10.000`` / ``10,000``) do not matter. Tokens
are hashed to 32 bits (CRC-32 of their UTF-8 bytes), a shingle is its tokens'
hashes combined and mixed (MurmurHash3's finaliser), and a text shorter than one
shingle is one shingle of all its tokens.

``script_counts``, ``text_token_hashes`` and ``window_hashes`` have compiled
twins (:mod:`newsdedup.native`) that give the same values.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

import numpy as np

from . import native

_TOKEN = re.compile(r"\w+")
# "10.000", "10,000" and "10000" are one number in syndicated copies. The pattern starts at the
# separator and looks back for the digit: scanning for a separator is much faster than trying a
# look-behind at every character.
_DIGIT_GROUP = re.compile(r"[.,\u00a0\u202f'’](?<=\d.)(?=\d{3}\b)")
_SHINGLE_MULTIPLIERS = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1], dtype=np.uint32)
_TOKEN_CACHE_LIMIT = 1 << 18  # distinct tokens remembered (~35 MB) before the cache starts over
_IDEOGRAPHS = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_UNSPACED_LETTERS = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"  # Thai, Lao, Myanmar, Khmer
    r"\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"  # Arabic script
)
_LETTER = re.compile(r"[^\W\d_]")
SCRIPT_SAMPLE_CHARS = 2000  # the script of a document is read from its beginning
SCRIPT_SHARE = 0.3  # of the letters sampled, for a script to decide the unit


@dataclass(frozen=True)
class ShingleUnit:
    """What a shingle is made of; ``size`` 0 means the settings' words per shingle."""

    name: str  # recorded with the document in a persistent index
    size: int
    salt: int  # keeps the units' hash spaces apart (0 for words: their hashes predate the units)

    def width(self, shingle_size: int) -> int:
        return self.size or shingle_size


WORDS = ShingleUnit("word", 0, 0)
IDEOGRAPHS = ShingleUnit("ideograph", 5, 0x2545F491)
LETTERS = ShingleUnit("letter", 9, 0x6C8E9CF5)
UNITS = {unit.name: unit for unit in (WORDS, IDEOGRAPHS, LETTERS)}


def shingle_unit(text: str) -> ShingleUnit:
    """The unit a text's script calls for (see the module)."""
    if text.isascii():
        return WORDS
    letters, ideographs, unspaced = script_counts(text[:SCRIPT_SAMPLE_CHARS])
    if ideographs + unspaced < SCRIPT_SHARE * letters or not letters:
        return WORDS
    return IDEOGRAPHS if ideographs >= unspaced else LETTERS


def script_counts(sample: str) -> tuple[int, int, int]:
    """How many letters, ideographs and letters of scripts written without spaces ``sample`` holds."""
    if native.speedups is not None:
        return native.speedups.script_counts(sample)
    return (
        len(_LETTER.findall(sample)),
        len(_IDEOGRAPHS.findall(sample)),
        len(_UNSPACED_LETTERS.findall(sample)),
    )


def normalise(text: str) -> list[str]:
    """Lower-cased word tokens; quotes, punctuation and digit grouping do not matter."""
    return _TOKEN.findall(_DIGIT_GROUP.sub("", fold(text)))


def fold(text: str) -> str:
    """NFKC-normalised and case-folded: what tokens are read from."""
    return unicodedata.normalize("NFKC", text).casefold()


def unit_tokens(words: list[str], unit: ShingleUnit) -> list[str]:
    """The tokens in ``unit`` of a text's normalised words: the words, or their characters, spaces removed."""
    return words if unit is WORDS else list("".join(words))


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


def text_token_hashes(text: str, unit: ShingleUnit) -> np.ndarray:
    """CRC-32 (uint32) of each token of ``text`` in ``unit``: ``token_hashes`` of its ``unit_tokens``."""
    if native.speedups is not None:
        return _compiled_token_hashes(fold(text), unit)
    tokens = unit_tokens(normalise(text), unit)
    return token_hashes(tokens, len(tokens))


def _compiled_token_hashes(folded: str, unit: ShingleUnit) -> np.ndarray:
    return np.frombuffer(native.speedups.unit_token_hashes(folded, unit is not WORDS), dtype=np.uint32)


class FoldedText(NamedTuple):
    """A text as the compiled tokeniser reads it: folded (``fold``), and the hashes of its word tokens
    and (sorted, unique) of those holding a digit, the figures of ``figures.stated_figures``, both read
    in one pass."""

    folded: str
    words: np.ndarray
    numbers: np.ndarray


def token_sources(texts: Sequence[str]) -> list:
    """What each text's tokens are read from, once per text: its :class:`FoldedText` for the compiled
    tokeniser, its normalised words (``normalise``) in Python."""
    if native.speedups is not None:
        return [_folded_text(fold(text)) for text in texts]
    return [normalise(text) for text in texts]


def _folded_text(folded: str) -> FoldedText:
    words, numbers = native.speedups.word_and_number_hashes(folded)
    return FoldedText(folded, np.frombuffer(words, dtype=np.uint32), np.frombuffer(numbers, dtype=np.uint32))


def _windows(token_hashes: np.ndarray, width: int, salt: int) -> np.ndarray:
    """The unmixed hash of every run of ``width`` consecutive tokens, by start position."""
    count = len(token_hashes) - width + 1
    combined = np.full(count, salt, dtype=np.uint32)
    for offset in range(width):
        combined = (
            combined * _SHINGLE_MULTIPLIERS[offset % len(_SHINGLE_MULTIPLIERS)]
            + token_hashes[offset : offset + count]
        )
    return combined


def positional_shingles(tokens: list[str], width: int, unit: ShingleUnit = WORDS) -> np.ndarray:
    """The hash of the shingle that starts at each token position, in text order (for ``explain``)."""
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    return fmix32(_windows(token_hashes(tokens, len(tokens)), min(width, len(tokens)), unit.salt))


def shingle_hashes(tokens: list[str], width: int, unit: ShingleUnit = WORDS) -> np.ndarray:
    """Sorted unique 32-bit hashes of the ``width``-grams of ``tokens`` (one shingle for shorter texts)."""
    return window_hashes(token_hashes(tokens, len(tokens)), width, unit)


def window_hashes(hashes: np.ndarray, width: int, unit: ShingleUnit = WORDS) -> np.ndarray:
    """``shingle_hashes`` from the tokens' hashes: every window of ``width`` mixed, sorted, unique."""
    if native.speedups is not None:
        hashes = np.ascontiguousarray(hashes, dtype=np.uint32)
        return np.frombuffer(native.speedups.shingle_set(hashes, width, unit.salt), dtype=np.uint32)
    if not len(hashes):
        return np.empty(0, dtype=np.uint32)
    return sorted_unique(fmix32(_windows(hashes, min(width, len(hashes)), unit.salt)))


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of a 1-d array; several times faster than it for these sizes (numpy 2)."""
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def text_shingles(
    texts: Sequence[str], sources: Sequence, shingle_size: int
) -> list[tuple[ShingleUnit, np.ndarray]]:
    """Each text's unit and its sorted unique shingle hashes (``sources``: their ``token_sources``), the
    texts of each unit in one numpy pass (compiled: text by text)."""
    units = [shingle_unit(text) for text in texts]
    if native.speedups is not None:
        return [
            (unit, window_hashes(_unit_hashes(source, unit), unit.width(shingle_size), unit))
            for source, unit in zip(sources, units, strict=True)
        ]
    result: list = [None] * len(texts)
    for unit in UNITS.values():
        rows = [i for i, chosen in enumerate(units) if chosen is unit]
        if rows:
            token_lists = [unit_tokens(sources[i], unit) for i in rows]
            for i, shingles in zip(
                rows, shingle_hash_sets(token_lists, unit.width(shingle_size), unit), strict=True
            ):
                result[i] = (unit, shingles)
    return result


def _unit_hashes(source: FoldedText, unit: ShingleUnit) -> np.ndarray:
    return source.words if unit is WORDS else _compiled_token_hashes(source.folded, unit)


def shingle_hash_sets(
    token_lists: Sequence[list[str]], width: int, unit: ShingleUnit = WORDS
) -> list[np.ndarray]:
    """``shingle_hashes`` of many token lists, identical results, computed in one numpy pass.

    The token lists are concatenated; the windows that would straddle two lists
    are left out, and one sort of (list number, hash) keys orders and
    de-duplicates every list's shingles at once.
    """
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    result = [np.empty(0, dtype=np.uint32) for _ in token_lists]
    for i in np.flatnonzero((lengths > 0) & (lengths < width)):
        result[i] = shingle_hashes(
            token_lists[i], width, unit
        )  # shorter than a shingle: one shingle of it all
    rows = np.flatnonzero(lengths >= width)
    if rows.size == 0:
        return result
    row_lengths = lengths[rows]
    hashes = token_hashes(chain.from_iterable(token_lists[i] for i in rows), int(row_lengths.sum()))
    windows = _windows(hashes, width, unit.salt)
    counts = row_lengths - width + 1  # windows inside each list
    token_starts = np.cumsum(row_lengths) - row_lengths
    window_starts = np.cumsum(counts) - counts
    inside = np.arange(int(counts.sum())) + np.repeat(token_starts - window_starts, counts)
    owner = np.repeat(np.arange(len(rows), dtype=np.uint64), counts)
    keys = sorted_unique((owner << np.uint64(32)) | fmix32(windows[inside]).astype(np.uint64))
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
