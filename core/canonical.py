"""Canonical stage: which member of a cluster stands for it, by a rule from one registry.

A rule turns the members into a sort key; the smallest key wins. Every rule
ends with the same tie-break (the longer text, then the earlier date, then the
smaller id), so the choice never depends on input order. Adding a rule is one
decorated function here: the settings, the option's help and its choices read
the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the registry is read by the command's help: no numpy at import time
    from .document import Document
    from .fingerprint import Fingerprint

SortKey = Callable[[int], tuple]


@dataclass(frozen=True)
class CanonicalRule:
    name: str
    summary: str  # a few words for the help
    sort_key: Callable[[Sequence, Sequence, Sequence], SortKey]
    # it compares members with each other: members that cannot be chosen count too (see choose_canonical)
    compares_members: bool = False


RULES: dict[str, CanonicalRule] = {}


def canonical_rule(name: str, summary: str, compares_members: bool = False):
    """Register ``function(docs, prints, others) -> key(i)`` as the rule ``name``."""

    def register(function: Callable[[Sequence, Sequence, Sequence], SortKey]):
        RULES[name] = CanonicalRule(name, summary, function, compares_members)
        return function

    return register


def _tie_break(docs: Sequence[Document], prints: Sequence[Fingerprint]) -> SortKey:
    return lambda i: (-len(prints[i].shingles), date_order(docs[i].date), docs[i].id)


@lru_cache(maxsize=1 << 12)
def date_order(date: str | None) -> tuple:
    """A date's place in time, for sorting: ISO 8601 and RFC 2822 dates (what pages and feeds write) as
    the moment in UTC they name, a time without a zone taken as UTC and a day as its start; a date in
    another form after those, as written; no date last. Compared as written, "Wed, 20 Mar 2024 17:00:00
    GMT" and "2024-03-21T01:00:00+07:00" both came after "2024-03-20T20:00:00Z"."""
    if not date:
        return (2, "")
    moment = _moment(date.strip())
    if moment is None:
        return (1, date)
    return (0, moment.timestamp())


def _moment(date: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(date)
    except ValueError:
        try:
            moment = parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:  # "0001-01-01T00:00:00+00:01" is before the first moment a datetime holds
        return None


@canonical_rule("longest", "the most complete text")
def _longest(
    docs: Sequence[Document], prints: Sequence[Fingerprint], others: Sequence[Fingerprint]
) -> SortKey:
    # Syndicated copies are mostly trimmed versions of the original: the longest holds what the others have.
    return _tie_break(docs, prints)


@canonical_rule("central", "the text that shares most with the others", compares_members=True)
def _central(
    docs: Sequence[Document], prints: Sequence[Fingerprint], others: Sequence[Fingerprint]
) -> SortKey:
    from .verify import containment

    ties = _tie_break(docs, prints)
    members = [*prints, *others]
    centrality = [
        sum(containment(prints[i].shingles, member.shingles) for j, member in enumerate(members) if j != i)
        for i in range(len(docs))
    ]
    return lambda i: (-round(centrality[i], 9), *ties(i))


@canonical_rule("earliest", "the earliest date; undated last")
def _earliest(
    docs: Sequence[Document], prints: Sequence[Fingerprint], others: Sequence[Fingerprint]
) -> SortKey:
    ties = _tie_break(docs, prints)
    return lambda i: (date_order(docs[i].date), *ties(i))


def choose_canonical(
    docs: Sequence[Document], prints: Sequence[Fingerprint], rule: str = "longest", others: Sequence = ()
) -> int:
    """Index (into ``docs``) of the canonical member; ``rule`` is a name of :data:`RULES`. ``others``: the
    fingerprints of members that cannot be chosen (an index keeps no text of them), which a rule that
    compares members with each other counts as members."""
    if len(docs) == 1:
        return 0
    return min(range(len(docs)), key=RULES[rule].sort_key(docs, prints, others))


def canonical_cluster(number: int, group: Sequence[int], docs: Sequence, prints: Sequence, settings):
    """The :class:`~newsdedup.document.Cluster` of a group of positions: its canonical member chosen by
    the settings' rule, and each member's similarity to it."""
    from .document import Cluster, Member
    from .verify import similarity, too_short

    # each fingerprint read once: a batch's are read back from its spool file
    group_prints = [prints[i] for i in group]
    place = choose_canonical([docs[i] for i in group], group_prints, settings.canonical)
    canonical = group_prints[place].shingles
    members = [
        Member(
            docs[i],
            1.0 if k == place else similarity(canonical, print_.shingles),
            too_short(len(print_.shingles)),
        )
        for k, (i, print_) in enumerate(zip(group, group_prints, strict=True))
    ]
    return Cluster(id=number, canonical=docs[group[place]], members=members)
