"""Why two documents are (or are not) copies: the figures of verification and the passages they share."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    passages: list[Passage]


def explain(first: Document, second: Document, settings: DedupSettings | None = None) -> Explanation:
    """Compare two clean documents exactly as the verification step does."""
    settings = settings or DedupSettings()
    unit, second_unit = shingle_unit(first.text), shingle_unit(second.text)
    width = unit.width(settings.shingle_size)
    spans, tokens = _token_spans(first.text, unit)
    first_positions = positional_shingles(tokens, width, unit)
    second_set = shingle_hashes(
        unit_tokens(normalise(second.text), second_unit),
        second_unit.width(settings.shingle_size),
        second_unit,
    )
    pair = overlap(np.unique(first_positions), second_set)
    shared_at = np.isin(first_positions, second_set)
    prints = fingerprints([first.text, second.text], settings.shingle_size, settings.num_perm, settings.seed)
    copies, reason = verdict(pair, *prints, settings)
    return Explanation(
        first=first,
        second=second,
        first_shingles=len(np.unique(first_positions)),
        second_shingles=len(second_set),
        shared=pair.shared,
        containment=pair.containment,
        containment_lower_bound=pair.containment_lower_bound,
        jaccard=pair.jaccard,
        copies=copies,
        reason=reason,
        passages=_passages(first.text, spans, shared_at, width),
    )


def _token_spans(text: str, unit: ShingleUnit) -> tuple[list[tuple[int, int]], list[str]]:
    """Normalised tokens (words, or characters) with the character span of the text each came from."""
    spans, tokens = [], []
    pieces = _WORD_SPAN.finditer(text) if unit is WORDS else re.finditer(r"\w", text)
    for match in pieces:
        words = normalise(match.group())
        for token in words if unit is WORDS else "".join(words):
            spans.append(match.span())
            tokens.append(token)
    return spans, tokens


def _passages(text: str, spans: list[tuple[int, int]], shared_at: np.ndarray, size: int) -> list[Passage]:
    """Merge the tokens covered by shared shingles into passages of the original text."""
    covered = np.zeros(len(spans), dtype=bool)
    for start in np.flatnonzero(shared_at):
        covered[start : start + size] = True
    passages = []
    i = 0
    while i < len(spans):
        if not covered[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(spans) and covered[j + 1]:
            j += 1
        start, end = spans[i][0], spans[j][1]
        passages.append(Passage(start, end, text[start:end], j - i + 1))
        i = j + 1
    return passages
