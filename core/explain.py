"""Why two documents are (or are not) copies: the figures of verification and the passages they share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .document import Document
from .fingerprint import fingerprints
from .settings import DedupSettings
from .shingles import (
    WORDS,
    ShingleUnit,
    normalise,
    positional_shingles,
    shingle_hashes,
    shingle_unit,
    unit_tokens,
)
from .verify import overlap, verdict

_WORD_SPAN = re.compile(r"\w+(?:[.,\u00a0\u202f'’]\d{3}\b)*")
_CHARACTER = re.compile(r"\w")


@dataclass(frozen=True)
class Passage:
    """A stretch of the first document's text that the second one also carries."""

    start: int
    end: int
    text: str
    words: int


@dataclass(frozen=True)
class Explanation:
    first: Document
    second: Document
    first_shingles: int
    second_shingles: int
    shared: int
    containment: float
    containment_lower_bound: float
    jaccard: float
    copies: bool
    reason: str  # the rule that decided (see newsdedup.verify.verdict)
    passages: list[Passage]  # of the first text
    second_passages: list[Passage]  # the same shared shingles, in the second text


def explain(first: Document, second: Document, settings: DedupSettings | None = None) -> Explanation:
    """Compare two clean documents exactly as the verification step does."""
    settings = settings or DedupSettings()
    first_text = ShingledText(first.text, settings.shingle_size)
    second_text = ShingledText(second.text, settings.shingle_size)
    pair = overlap(first_text.own_shingles, second_text.shingles)
    prints = fingerprints([first.text, second.text], settings.shingle_size, settings.num_perm, settings.seed)
    copies, reason = verdict(pair, *prints, settings)
    return Explanation(
        first=first,
        second=second,
        first_shingles=len(first_text.own_shingles),
        second_shingles=len(second_text.shingles),
        shared=pair.shared,
        containment=pair.containment,
        containment_lower_bound=pair.containment_lower_bound,
        jaccard=pair.jaccard,
        copies=copies,
        reason=reason,
        passages=first_text.passages_shared_with(second_text),
        second_passages=second_text.passages_shared_with(first_text),
    )


class ShingledText:
    """A text cut into shingles once (in the unit its script calls for), to find the passages it shares
    with several others (a cluster's canonical against each of its members) without cutting it again."""

    def __init__(self, text: str, shingle_size: int):
        self.text = text
        unit = shingle_unit(text)
        self.width = unit.width(shingle_size)
        self.spans, tokens = _token_spans(text, unit)
        self.positions = positional_shingles(tokens, self.width, unit)  # the shingle starting at each token
        self.own_shingles = np.unique(self.positions)
        # the set verification sees comes from the whole text's tokens; they are nearly always the same
        whole = unit_tokens(normalise(text), unit)
        self.shingles = self.own_shingles if whole == tokens else shingle_hashes(whole, self.width, unit)

    def passages_shared_with(self, other: ShingledText) -> list[Passage]:
        """The stretches of this text covered by shingles that ``other`` also has (as ``explain`` finds them)."""
        shared_at = np.isin(self.positions, other.shingles)
        return _passages(self.text, self.spans, shared_at, self.width)


def _token_spans(text: str, unit: ShingleUnit) -> tuple[list[tuple[int, int]], list[str]]:
    """Normalised tokens (words, or characters) with the character span of the text each came from."""
    if unit is WORDS:
        pieces = list(_WORD_SPAN.finditer(text))
        tokens = [_word_tokens(match.group()) for match in pieces]
    else:
        pieces = list(_CHARACTER.finditer(text))
        tokens = ["".join(_word_tokens(match.group())) for match in pieces]
    if all(len(piece) == 1 for piece in tokens):  # the common case: one token per word or character
        return [match.span() for match in pieces], [piece[0] for piece in tokens]
    spans = [match.span() for match, piece in zip(pieces, tokens, strict=True) for _ in piece]
    return spans, [token for piece in tokens for token in piece]


@lru_cache(maxsize=1 << 16)  # news repeats its words: the report cuts thousands of texts
def _word_tokens(word: str) -> tuple[str, ...]:
    return tuple(normalise(word))


def _passages(text: str, spans: list[tuple[int, int]], shared_at: np.ndarray, size: int) -> list[Passage]:
    """Merge the tokens covered by shared shingles into passages of the original text."""
    starts = np.flatnonzero(shared_at)
    # a shared shingle starting at token s covers tokens s .. s + size - 1: count open shingles per token
    opened = np.zeros(len(spans) + 1, dtype=np.int64)
    np.add.at(opened, starts, 1)
    np.add.at(opened, np.minimum(starts + size, len(spans)), -1)
    covered = np.cumsum(opened[:-1]) > 0
    edges = np.diff(np.concatenate(([0], covered.astype(np.int8), [0])))
    passages = []
    for first, last in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True):
        start, end = spans[first][0], spans[last][1]
        passages.append(Passage(start, end, text[start:end], int(last - first + 1)))
    return passages
