"""Option values as people write them, each refusal one plain sentence.

typer turns text into numbers and choices with pydantic, whose refusals read
"Input should be a valid integer" or "Value error, 'x' is not one of ...";
these parsers (typer's ``parser=``) do the conversion instead. Whether a value
is sensible for the near-duplicate search is :class:`DedupSettings`' call:
here only the form is checked, except for options the settings do not hold.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from enum import Enum

import typer

from ..read.decode import size_text

# GNU's units (as in sort -S, head -c): K, M, G, T and KiB... are powers of 1024, kB, MB, GB, TB of 1000
_SIZE = re.compile(r"(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>(?:[kKmMgGtT](?:i?B)?)?|B)")
_POWERS = {"k": 1, "m": 2, "g": 3, "t": 4}
SIZE_HELP = "a number of bytes, or with a unit: 512k, 20M or 20MiB (powers of 1024), 20MB (powers of 1000)"


def byte_size(text: str | int) -> int:
    """``20MB``, ``512k``, ``1GiB``, ``1048576`` -> bytes (a default given as a number stays)."""
    if isinstance(text, int):
        return text
    match = _SIZE.fullmatch(text.strip())
    if match is None:
        raise typer.BadParameter(f"{text!r} is not a size; give {SIZE_HELP}")
    number, unit = float(match["number"]), match["unit"]
    if unit in ("", "B"):
        size = number
    else:
        base = 1000 if unit.endswith("B") and not unit.endswith("iB") else 1024
        size = number * base ** _POWERS[unit[0].lower()]
    if size < 1:
        raise typer.BadParameter(f"the size must be at least 1 byte, got {text!r}")
    return int(size)


def format_size(size: int) -> str:
    """Bytes as a size option is written: ``size_text`` without its blank (20971520 -> ``20MiB``)."""
    return size_text(size).removesuffix(" bytes").replace(" ", "")


def not_empty(what: str) -> Callable[[str], str]:
    """A parser that takes any text but an empty one (``--errors ''`` was ignored, ``--db=`` failed as
    "index error: : is a directory")."""

    def parse(text: str) -> str:
        if not text.strip():
            raise typer.BadParameter(f"needs {what}, got an empty value")
        return text

    return parse


def whole_number(minimum: int | None = None) -> Callable[[str], int]:
    """A parser of whole numbers, at least ``minimum`` when given."""
    return _number_parser(int, "a whole number", minimum)


def number(minimum: float | None = None, maximum: float | None = None) -> Callable[[str], float]:
    """A parser of decimal numbers (``0.5``), at least ``minimum`` and at most ``maximum`` when given."""
    return _number_parser(float, "a number", minimum, maximum)


def _number_parser(convert: type, noun: str, minimum: float | None, maximum: float | None = None):
    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            raise typer.BadParameter(f"{text!r} is not {noun}") from None
        if not math.isfinite(value):  # nan, inf
            raise typer.BadParameter(f"{text!r} is not {noun}")
        if minimum is not None and value < minimum:
            raise typer.BadParameter(f"must be at least {minimum:g}, got {value:g}")
        if maximum is not None and value > maximum:
            raise typer.BadParameter(f"must be at most {maximum:g}, got {value:.15g}")
        return value

    return parse


def choice(choices: type[Enum]) -> Callable[[str], Enum]:
    """A parser of one of an enumeration's values."""

    def parse(text: str):
        try:
            return choices(text)
        except ValueError:
            names = ", ".join(member.value for member in choices)
            raise typer.BadParameter(f"{text!r} is not one of {names}") from None

    return parse
