"""Settings of the near-duplicate search (kept free of heavy imports: the CLI reads its defaults)."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UsageError

CANONICAL_RULES = ("longest", "central", "earliest")


@dataclass(frozen=True)
class DedupSettings:
    """Knobs of the near-duplicate search, validated on creation.

    ``threshold`` is the containment (shared shingles over the smaller set) a
    verified pair must reach with 99% confidence (see :mod:`core.similarity`);
    ``min_shared`` the shingles it must share at least.
    """

    shingle_size: int = 3
    num_perm: int = 128
    bands: int = 64
    threshold: float = 0.37
    min_shared: int = 25
    canonical: str = "longest"

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise UsageError(f"threshold must be in (0, 1], got {self.threshold}")
        if not 1 <= self.shingle_size <= 10:
            raise UsageError(f"shingle size must be between 1 and 10, got {self.shingle_size}")
        if self.num_perm < 1 or self.bands < 1 or self.num_perm % self.bands:
            raise UsageError(f"bands ({self.bands}) must divide the number of permutations ({self.num_perm})")
        if self.min_shared < 1:
            raise UsageError(f"min shared shingles must be at least 1, got {self.min_shared}")
        if self.canonical not in CANONICAL_RULES:
            raise UsageError(
                f"unknown canonical rule {self.canonical!r}; choose one of {', '.join(CANONICAL_RULES)}"
            )
