"""The figures and dates a text states: what tells one edition of a recurring report from another.

Daily market closes, gold prices, exchange rates, weather and prayer-time
notices and league tables share their template wording from one day to the
next and differ in their figures and their date. Verification
(:func:`newsdedup.verify.verdict`) compares these sets: a reprint that updates
one figure keeps most of them; another day's edition does not.

Figures are the numbers among the normalised words (``10.000`` and ``10,000``
are one number), hashed to 32 bits; dates are the full dates the text writes out,
in the common numeric forms and with English, Indonesian and Malay month names,
as ``year * 10000 + month * 100 + day`` (numeric day-month order is kept as
written, which is the same in a copy).
"""

from __future__ import annotations

import re
import zlib

import numpy as np

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
_DATES = (
    (re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTH})\.?,?\s+(\d{{4}})\b"), ("day", "month", "year")),
    (re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b"), ("month", "day", "year")),
    (re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b"), ("day", "month", "year")),
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), ("year", "month", "day")),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"), ("year", "month", "day")),
)
_DIGIT = re.compile(r"\d")


def stated_figures(words: list[str]) -> np.ndarray:
    """Sorted unique 32-bit hashes of the numbers among a text's normalised words."""
    numbers = {word for word in words if _DIGIT.search(word)}
    return np.array(sorted(zlib.crc32(n.encode()) for n in numbers), dtype=np.uint32)


def stated_dates(text: str) -> np.ndarray:
    """Sorted unique dates written out in ``text``, as ``year * 10000 + month * 100 + day``."""
    lowered = text.casefold()
    found = set()
    for pattern, order in _DATES:
        for match in pattern.finditer(lowered):
            parts = dict(zip(order, match.groups(), strict=True))
            month = int(parts["month"]) if parts["month"].isdigit() else _MONTHS[parts["month"]]
            found.add(int(parts["year"]) * 10000 + month * 100 + int(parts["day"]))
    return np.array(sorted(found), dtype=np.uint32)
