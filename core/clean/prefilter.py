"""An exact shortcut for the phrase rules that search a whole line: most lines hold none of the phrases.

``[contains]`` and ``[copyright]`` phrases may stand anywhere in a line, so their case-insensitive
regexes try every position (4 to 5 µs a line). A line can only hold a phrase if it holds the
phrase's longest word as a word of its own: a phrase starts and ends at word boundaries, and the
regex matches the spaces and punctuation between its words as they are, never as letters. The
compiled word counter (``stopword_hits``) looks those words up in the lower-cased line in about a
microsecond; only a line that has one goes on to the regex.

Lower-casing a line gives the regex's case-insensitive view of it, except for a few characters
(the dotted and dotless i, the long s, the final sigma, old Cyrillic letter forms): a line that
holds one of them goes to the regex without the shortcut.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from .. import native

_LETTERS = re.compile(r"[^\W\d_]+")  # the words stopword_hits counts
_SIGMA = "\u03a3"  # lower-cased to σ or ς depending on the letter after it
LAST_SCANNED = 0xFFFF  # case pairs beyond the BMP stay beyond it (tests/test_prefilter.py checks)


class PhraseWords:
    """Which lines may hold one of ``phrases`` (phrase keys, matched case-insensitively as whole
    words) or one of ``marks`` (plain substrings, matched case-insensitively)."""

    def __init__(self, phrases: Iterable[str], marks: Iterable[str] = ()):
        phrases, marks = list(phrases), tuple(marks)
        self._given = (tuple(phrases), marks)
        longest = [max(_LETTERS.findall(phrase), key=len, default="") for phrase in phrases]
        self.words = frozenset(word.lower() for word in longest)
        self.marks = tuple(mark.lower() for mark in marks)
        self._alphabet = "".join(sorted(set("".join(phrases + list(marks)))))
        # a phrase without letters has no word to look for: every line may hold it
        self._always = "" in self.words
        # Built on first use, and kept in plain attributes: compiled with mypyc, the class has no
        # __dict__ for functools.cached_property, which then built them again on every line.
        self._table: object | None = None
        self._unsafe: re.Pattern | None = None

    def may_hold(self, line: str) -> bool:
        """False only when no phrase and no mark can be in ``line``."""
        speedups = native.speedups
        if speedups is None or self._always or self._unsafe_pattern().search(line) is not None:
            return True
        lowered = line.lower()
        if any(mark in lowered for mark in self.marks):
            return True
        if self._table is None:
            self._table = speedups.stopword_table(self.words)
        return speedups.stopword_hits(lowered, self._table)[0] > 0

    def __reduce__(self) -> tuple:
        # a copy is built again from the phrases: the compiled table is a capsule, which does not
        # pickle, and compiled with mypyc the object has no __dict__ to copy
        return (PhraseWords, self._given)

    def _unsafe_pattern(self) -> re.Pattern:
        # built on first use (about 30 ms): a run that never asks pays nothing
        if self._unsafe is None:
            unsafe = sorted(unsafe_characters(self._alphabet))
            self._unsafe = re.compile(f"[{''.join(map(re.escape, unsafe))}]" if unsafe else r"(?!x)x")
        return self._unsafe


@lru_cache(maxsize=8)
def unsafe_characters(alphabet: str, last: int = LAST_SCANNED) -> frozenset[str]:
    """Characters up to ``last`` whose lower case is not what the case-insensitive regex sees.

    Lower-casing such a character changes the length of the line or where its words begin and end,
    or the regex takes it for a character of ``alphabet`` other than its lower case.
    """
    chars = "".join(chr(code) for code in range(last + 1) if not 0xD800 <= code <= 0xDFFF)
    unsafe = set()
    for char in chars:
        lowered = char.lower()
        if lowered != char and (len(lowered) != 1 or _is_letter(lowered) != _is_letter(char)):
            unsafe.add(char)
    related = set(re.findall(f"(?i)[{''.join(map(re.escape, alphabet))}]", chars)) if alphabet else set()
    for char in related:
        for letter in alphabet:
            same = re.fullmatch(f"(?i){re.escape(letter)}", char) is not None
            if same and (char.lower() != letter.lower() or char == _SIGMA):
                unsafe.add(char)
    return frozenset(unsafe)


def _is_letter(char: str) -> bool:
    return char.isalnum() and not char.isdecimal()
