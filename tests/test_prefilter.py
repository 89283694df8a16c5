"""The phrase prefilter never turns away a line that the [contains] or [copyright] regex matches."""

from __future__ import annotations

import importlib
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import native
from newsdedup.clean import load_rules
from newsdedup.clean.lines import boilerplate_reason
from newsdedup.clean.prefilter import PhraseWords, unsafe_characters
from newsdedup.clean.rules import compile_rules


@pytest.fixture(autouse=True)
def compiled(monkeypatch):
    """The prefilter looks words up with the compiled counter; without it, it lets every line through."""
    try:
        module = importlib.import_module("newsdedup._speedups")
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("the compiled extension newsdedup._speedups was not built")
        pytest.skip("the compiled extension newsdedup._speedups is not built")
    monkeypatch.setattr(native, "speedups", module)


RULES = load_rules()


def _matched(line: str) -> bool:
    return bool(RULES.contains.search(line) or RULES.copyright.search(line))


def _alphabet(rules=RULES) -> str:
    return rules.phrase_words._alphabet


# Lines with a phrase in them, written in the ways a page may write it, and the characters whose lower
# case differs from what the case-insensitive regex sees (dotted and dotless i, long s, Kelvin sign,
# final sigma, old Cyrillic forms).
TRICKY = [
    "ALL RIGHTS RESERVED.",
    "Copyright 2024 PT Kompas",
    "© Kompas.com",
    "(C) 2020 Detik",
    "(c)2019",
    "All rights reſerved",
    "ALL RIGHTS RESERVED",
    "Copyrıght 2024",
    "Hak Cİpta Dilindungi",
    "Hak cıpta dilindungi",
    "Mark contrıbuted to this report",
    "Ikuti saluran WhatſApp",
    "\u212alik di sini",
    "Все права защищены",
    "ВСЕ ПРАВА ЗАЩИЩЕНЫ",
    "\u1c80се права защищены",
    "Tous droits RÉSERVÉS",
    "tous   droits\u00a0réservés",
    "Follow us on\tTwitter",
    "For your personal, non-commercial use only.",
    "FOR YOUR PERSONAL,   NON-COMMERCIAL USE",
    "ΣΑΣ copyright ς",
]


@pytest.mark.parametrize("line", TRICKY)
def test_lines_a_rule_matches_pass_the_prefilter(line):
    assert _matched(line)
    assert RULES.phrase_words.may_hold(line)


def test_lines_without_a_phrase_word_skip_the_regexes():
    for line in [
        "The minister spoke on Tuesday.",
        "Menteri berbicara pada hari Selasa.",
        "Министр выступил.",
    ]:
        assert not RULES.phrase_words.may_hold(line)
        assert not _matched(line)


def test_the_unsafe_characters_are_found_in_the_bmp():
    """Case pairs beyond U+FFFF stay beyond it, so scanning the BMP finds every unsafe character."""
    alphabet = _alphabet()
    assert unsafe_characters(alphabet) == unsafe_characters(alphabet, last=0x10FFFF)
    assert {"İ", "ı", "ſ"} <= unsafe_characters(alphabet)


def test_a_phrase_without_letters_lets_every_line_through():
    words = PhraseWords(["2024", "hak cipta"])
    assert words.may_hold("nothing here")


def test_without_the_compiled_counter_every_line_goes_to_the_regexes(monkeypatch):
    monkeypatch.setattr(native, "speedups", None)
    assert RULES.phrase_words.may_hold("The minister spoke on Tuesday.")


# other spellings the case-insensitive regex takes for a letter
SPELLINGS = {"i": "iIıİ", "s": "sSſ", "k": "kK\u212a", "в": "вВ\u1c80", "с": "сС\u1c83", "σ": "σςΣ"}


def _respelled(phrase: str) -> st.SearchStrategy[str]:
    letters = [st.sampled_from(SPELLINGS.get(char, char + char.upper())) for char in phrase]
    return st.tuples(*letters).map("".join)


phrase_pieces = st.sampled_from(
    sorted(RULES.phrase_words.words) + ["all rights reserved", "hak cipta", "(c) 2024", "©", "reporting by"]
).flatmap(_respelled)
noise = st.text(alphabet="aAiIıİsſkK\u212aσςΣвВ\u1c80сС\u1c83éÉ _-,.:()0123456789\t\u00a0", max_size=12)
lines = st.lists(st.one_of(phrase_pieces, noise), max_size=8).map(" ".join)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(lines, st.text(max_size=80)))
def test_the_prefilter_never_hides_a_match(line):
    if _matched(line):
        assert RULES.phrase_words.may_hold(line)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="abcıİſσΣ ,-", min_size=1, max_size=8), min_size=1, max_size=4), lines)
def test_any_phrase_list_keeps_the_guarantee(phrases, line):
    rules = compile_rules({name: set() for name in RULES.__dataclass_fields__} | _sections(phrases))
    if rules.contains.search(line) or rules.copyright.search(line):
        assert rules.phrase_words.may_hold(line)


def _sections(phrases: list[str]) -> dict[str, set[str]]:
    from newsdedup.clean.rules import SECTIONS, phrase_key

    keys = {key for key in map(phrase_key, phrases) if key}
    return {name: set() for name in SECTIONS} | {"contains": keys, "copyright": set(keys)}


def test_verdicts_are_those_of_the_regexes_on_the_sample_lines(monkeypatch):
    samples = TRICKY + ["Editing by Jane Doe", "Reporting by Ed Davies; writing by Ann", "Klik di sini untuk"]
    fast = [boilerplate_reason.__wrapped__(line, RULES) for line in samples]
    monkeypatch.setattr(native, "speedups", None)
    slow = [boilerplate_reason.__wrapped__(line, RULES) for line in samples]
    assert fast == slow


def test_the_rules_pickle_after_use():
    import pickle

    assert RULES.phrase_words.may_hold("Copyright 2024")
    copy = pickle.loads(pickle.dumps(RULES.phrase_words))
    assert copy.may_hold("Copyright 2024") and not copy.may_hold("The minister spoke.")


def test_the_word_table_and_the_unsafe_pattern_are_built_once():
    # compiled with mypyc, functools.cached_property kept nothing: both were built again per line
    words = PhraseWords(["all rights reserved"], marks=["(c)"])
    assert words.may_hold("All rights reserved 2024")
    table, asked = words._table, unsafe_characters.cache_info()
    assert table is not None and words._unsafe is not None
    assert not words.may_hold("The ministers met on Tuesday")
    assert words._table is table and unsafe_characters.cache_info() == asked
