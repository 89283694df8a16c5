"""The settings of a run: one typed object, validated once, and the identity of a persistent index.

Kept free of heavy imports: the command reads its defaults and ranges to write its help.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace

from .canonical import RULES as CANONICAL_RULES
from .errors import SettingError

SEED = 1  # of the MinHash permutations: signatures must agree across runs and with a persistent index
# The longest time limit of a document's cleaning, in seconds: the interval timer takes no more (1e10
# made every page fail)
MAX_TIMEOUT = 1_000_000.0
# Fields that decide what a fingerprint is: an index built with other values cannot be read by this run.
IDENTITY = ("shingle_size", "num_perm", "bands", "seed")


@dataclass(frozen=True)
class DedupSettings:
    """Knobs of the near-duplicate search.

    ``threshold`` is the containment (shared shingles over the smaller set) a
    verified pair must reach with 99% confidence (see :mod:`newsdedup.verify`);
    ``min_shared`` the shingles it must share at least.
    """

    shingle_size: int = 3
    num_perm: int = 128
    bands: int = 64
    threshold: float = 0.37
    min_shared: int = 25
    canonical: str = "longest"
    seed: int = SEED
    templates: bool = True  # strip lines that repeat on most pages of a site (see newsdedup.templates)

    def __post_init__(self) -> None:
        for field, problem in self._problems():
            raise SettingError(problem, field)

    def _problems(self):
        if not isinstance(self.threshold, (int, float)) or not 0.0 < self.threshold <= 1.0:
            yield "threshold", f"the threshold must be more than 0 and at most 1, got {self.threshold}"
        if not _integer_in(self.shingle_size, 1, 10):
            yield (
                "shingle_size",
                f"the shingle size must be a whole number from 1 to 10, got {self.shingle_size}",
            )
        if not _integer_in(self.num_perm, 8, 1024):
            yield (
                "num_perm",
                f"the number of permutations must be a whole number from 8 to 1024, got {self.num_perm}",
            )
        if not _integer_in(self.bands, 2, self.num_perm) or self.num_perm % self.bands:
            yield (
                "bands",
                f"the number of bands must be at least 2 and divide the number of permutations "
                f"({self.num_perm}), got {self.bands}",
            )
        if not _integer_in(self.min_shared, 1, None):
            yield (
                "min_shared",
                f"the minimum of shared shingles must be a whole number of at least 1, got {self.min_shared}",
            )
        if self.canonical not in CANONICAL_RULES:
            yield (
                "canonical",
                f"unknown canonical rule {self.canonical!r}; choose one of {', '.join(CANONICAL_RULES)}",
            )
        if not _integer_in(self.seed, 0, 2**32 - 1):
            yield "seed", f"the seed must be a whole number from 0 to 4294967295, got {self.seed}"

    def identity(self) -> dict:
        """What a persistent index must agree on with the run that reads it."""
        return {name: getattr(self, name) for name in IDENTITY}

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping, **overrides) -> DedupSettings:
        """Settings from a stored dict (unknown keys ignored), with ``overrides`` applied."""
        known = {f.name for f in fields(cls)}
        return replace(cls(**{k: v for k, v in values.items() if k in known}), **overrides)

    def differences(self, other: DedupSettings, names=IDENTITY) -> str:
        """``"bands 32 (asked 64)"``: the ``names`` whose values differ, ``self`` stored, ``other`` asked."""
        return ", ".join(
            f"{name.replace('_', ' ')} {getattr(self, name)} (asked {getattr(other, name)})"
            for name in names
            if getattr(self, name) != getattr(other, name)
        )


def _integer_in(value, low: int, high: int | None) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value >= low
        and (high is None or value <= high)
    )
