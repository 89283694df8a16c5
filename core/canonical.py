"""Canonical stage: which member of a cluster stands for it.

``longest`` (default): the most complete clean body, i.e. the most shingles;
   syndicated copies are mostly trimmed versions of the original, so the
   longest copy is usually the original and holds everything the others have.
``central``: the member whose text is most contained in, and contains most of,
   the others (sum of containment to the other members).
``earliest``: the member with the earliest date (documents without a date last).
Ties go to the longer text, then the earlier date, then the smaller id, so the
choice never depends on input order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .document import Document
from .errors import UsageError
from .fingerprint import Fingerprint
from .settings import CANONICAL_RULES as RULES
from .similarity import overlap


def choose_canonical(docs: Sequence[Document], prints: Sequence[Fingerprint], rule: str = "longest") -> int:
    """Index (into ``docs``) of the canonical member."""
    if rule not in RULES:
        raise UsageError(f"unknown canonical rule {rule!r}; choose one of {', '.join(RULES)}")
    if len(docs) == 1:
        return 0

    def tie_break(i: int):
        return (-len(prints[i].shingles), docs[i].date or "\uffff", docs[i].id)

    key: Callable[[int], tuple]
    if rule == "longest":
        key = tie_break
    elif rule == "earliest":
        key = lambda i: (docs[i].date or "\uffff", *tie_break(i))  # noqa: E731
    else:
        centrality = [
            sum(
                overlap(prints[i].shingles, prints[j].shingles).containment
                for j in range(len(docs))
                if j != i
            )
            for i in range(len(docs))
        ]
        key = lambda i: (-round(centrality[i], 9), *tie_break(i))  # noqa: E731
    return min(range(len(docs)), key=key)
