"""The figures and dates a text states: what tells one edition of a recurring report from another.

Daily market closes, gold prices, exchange rates, weather and prayer-time
notices and league tables share their template wording from one day to the
next and differ in their figures and their date. Verification
(:func:`newsdedup.verify.verdict`) compares these sets: a reprint that updates
one figure keeps most of them; another day's edition does not.

Figures are the numbers among the normalised words (``10.000`` and ``10,000``
are one number), and the digit runs of such a word outside ASCII written in ASCII
digits, hashed to 32 bits; dates are the full dates the text writes out,
in the common numeric forms and with English, Indonesian and Malay month names,
as ``year * 10000 + month * 100 + day`` (numeric day-month order is kept as
written, which is the same in a copy).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterator, Sequence

import numpy as np

from . import native

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january januari jan",
            "february februari pebruari feb",
            "march maret mac mar",
            "april apr",
            "may mei",
            "june juni jun",
            "july juli julai jul",
            "august agustus ogos aug agu",
            "september sept sep",
            "october oktober okt oct",
            "november nopember nov",
            "december desember disember dec des",
        ),
        1,
    )
    for name in names.split()
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH_START = "".join(sorted({name[0] for name in _MONTHS}))
# The written forms of a date, one alternative each, read in one pass (four passes cost 2.5x more).
# The look-ahead lets the regex engine skip to the characters a date can start with.
_DATE_FORMS = (
    (rf"(\d{{1,2}})\.?\s+({_MONTH})\.?,?\s+(\d{{4}})\b", ("day", "month", "year")),
    (rf"({_MONTH})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", ("month", "day", "year")),
    (r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b", ("day", "month", "year")),
    (r"(\d{4})-(\d{1,2})-(\d{1,2})\b", ("year", "month", "day")),
)
_DATES = re.compile(rf"(?=[\d{_MONTH_START}])\b(?:{'|'.join(form for form, _ in _DATE_FORMS)})")
# Every date names a year: a run of exactly four digits, which a date ends with or (ISO) starts with.
# Runs of four or more are found, longer ones skipped (spelt out, the pattern scans twice as fast as \d{4,}).
_DIGIT_RUN = re.compile(r"\d\d\d\d+")
# Before its year a date has at most 14 characters other than white space ("24. september, ", "sept. 24, ",
# "24/10/"), all of them digits, ASCII letters (month names) or ".,/-"; after it at most 6 ("-10-24").
_LEAD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz.,/-")
_LEAD_SOLID = 16
_TRAIL = 6
_KANJI_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")


def stated_figures(words: list[str]) -> np.ndarray:
    """Sorted unique 32-bit hashes of the numbers among a text's normalised words, and of the digit
    runs, in ASCII, of such a word outside ASCII: a copy that writes its digits in another script
    ("٢٠٢٤" for "2024") or joins them to the words around ("增长7" for "增长 7") shares those."""
    numbers = {
        word for word in words if not word.isalpha() and _DIGIT.search(word)
    }  # isalpha: fast, no digits
    runs = {_ascii_digits(run) for word in numbers if not word.isascii() for run in _DIGITS.findall(word)}
    return np.array(sorted({zlib.crc32(n.encode()) for n in numbers | runs}), dtype=np.uint32)


def _ascii_digits(run: str) -> str:
    return "".join(chr(48 + unicodedata.decimal(digit)) for digit in run)


def text_figures(sources: Sequence) -> list[np.ndarray]:
    """``stated_figures`` of each text from its ``shingles.token_sources`` (the compiled tokeniser read them
    with the words, Python reads the normalised words)."""
    if native.speedups is not None:
        return [source.numbers for source in sources]
    return [stated_figures(words) for words in sources]


def stated_dates(text: str) -> np.ndarray:
    """Sorted unique dates written out in ``text``, as ``year * 10000 + month * 100 + day``."""
    lowered = text.casefold()
    found = set()
    for match in _date_matches(lowered):
        form = (
            match.lastindex - 1
        ) // 3  # each form has three groups; the last one matched is its year or day
        parts = dict(zip(_DATE_FORMS[form][1], match.groups()[3 * form : 3 * form + 3], strict=True))
        found.add(_date_number(parts["year"], parts["month"], parts["day"]))
    if "年" in lowered:
        found.update(_date_number(*match.groups()) for match in _KANJI_DATE.finditer(lowered))
    return np.array(sorted(found), dtype=np.uint32)


def _date_matches(text: str) -> Iterator[re.Match]:
    """``_DATES.finditer(text)``, read only around the years: the few places a date can be.

    Each stretch from a year's possible date start to its possible end is read with the whole
    text behind it (``\\b`` looks at the character before), stretches that overlap as one, so
    the matches are finditer's own.
    """
    start = end = -1
    for year in _year_starts(text):
        lead = _lead_start(text, year)
        if lead >= end:  # apart from the stretch so far: read that one
            if end > start:
                yield from _DATES.finditer(text, start, end)
            start = lead
        end = min(len(text), year + 4 + _TRAIL + 1)  # + 1: the character a closing \b looks at
    if end > start:
        yield from _DATES.finditer(text, start, end)


def _year_starts(text: str) -> list[int]:
    """Where each run of exactly four digits starts: the years."""
    if native.speedups is not None:
        return native.speedups.year_starts(text)
    return [year.start() for year in _DIGIT_RUN.finditer(text) if year.end() - year.start() == 4]


def _lead_start(text: str, year: int) -> int:
    """The earliest place a date whose year starts at ``year`` can start."""
    place, solid = year, 0
    while place > 0:
        char = text[place - 1]
        if not char.isspace():
            if solid == _LEAD_SOLID or not (char.isdecimal() or char in _LEAD_CHARS):
                break
            solid += 1
        place -= 1
    return place


def _date_number(year: str, month: str, day: str) -> int:
    """``year * 10000 + month * 100 + day`` of a date's written parts (the month as a number or a name)."""
    return int(year) * 10000 + (int(month) if month.isdigit() else _MONTHS[month]) * 100 + int(day)
