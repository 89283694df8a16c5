"""Why two documents are (or are not) copies: the figures of verification and the passages they share."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .document import Document
from .fingerprint import normalise, positional_shingles, shingle_hashes
from .settings import DedupSettings
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
    spans, tokens = _token_spans(first.text)
    first_positions = positional_shingles(tokens, settings.shingle_size)
    second_set = shingle_hashes(normalise(second.text), settings.shingle_size)
    pair = overlap(np.unique(first_positions), second_set)
    shared_at = np.isin(first_positions, second_set)
    copies, reason = verdict(pair, settings)
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
        passages=_passages(first.text, spans, shared_at, settings.shingle_size),
    )


def _token_spans(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Normalised tokens with the character span of the text each came from."""
    spans, tokens = [], []
    for match in _WORD_SPAN.finditer(text):
        for token in normalise(match.group()):
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
