"""Per-line verdicts remembered across pages: the pages of a site repeat their template lines.

A verdict that depends on more than the line (the rules, a stoplist) is remembered in one
:class:`LineMemo` per setting, looked up where the lines are walked (``memo[line]``). A hit is a
plain dict lookup: about a fifth of an ``lru_cache`` hit with several arguments, which builds and
hashes a key tuple and moves a list node (measured: 62 against 304 ns a line). When full, the memo
is emptied: a verdict never changes, so that costs only computing it again.
"""

from __future__ import annotations

from collections.abc import Callable

from .compiled import checkpoint

MEMO_LINES = 1 << 16  # lines remembered per setting, as the single-argument caches keep


class LineMemo(dict):
    """``verdict(line)`` by line, computed on first use."""

    def __init__(self, verdict: Callable[[str], object], limit: int = MEMO_LINES):
        super().__init__()
        self.verdict, self.limit = verdict, limit

    def __missing__(self, line: str):
        checkpoint()  # a time limit reaches compiled code here (see checkpoint)
        if len(self) >= self.limit:
            self.clear()
        value = self[line] = self.verdict(line)
        return value
