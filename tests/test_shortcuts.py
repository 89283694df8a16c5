"""The speed shortcuts give exactly what the plain code they replace gives (property tests against it)."""

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import figures
from newsdedup.candidates import ShortTexts
from newsdedup.clean import language, lines

# Pieces a date is made of, and the characters around one that decide a word boundary.
date_atoms = st.sampled_from(
    "2024 1999 0000 20245 12 5 0 ٢٠٢٤ ١٢ - / . , : march mar sept september okt des mei juni "
    "é _ x ab 年 月 日 ( ) Ⅻ".split()
    + [" ", "  ", "\n", "\u00a0", "\t\t\t"]
)
date_texts = st.one_of(st.lists(date_atoms, max_size=30).map("".join), st.text(max_size=200))


def _spans(matches):
    return [(m.span(), m.groups()) for m in matches]


@settings(max_examples=1500, deadline=None)
@given(date_texts)
def test_dates_read_around_the_years_are_finditers_matches(text):
    lowered = text.casefold()
    assert _spans(figures._date_matches(lowered)) == _spans(figures._DATES.finditer(lowered))


def test_a_date_after_a_long_run_of_white_space_is_found():
    text = "on 24" + " " * 300 + "october    2024 and 2024-10-25"
    assert figures.stated_dates(text).tolist() == [20241024, 20241025]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=60), st.text(alphabet="ab1_ .é٢", max_size=60)))
def test_the_letter_count_of_a_language_sample_stops_at_twenty(sample):
    plain = len(re.sub(r"[\W\d_]+", "", sample)) >= language.MIN_LETTERS
    assert bool(language._ENOUGH_LETTERS.match(sample)) == plain


line_atoms = st.sampled_from(
    ["Home", "|", "·", "»", ">", "/", " / ", " ", "\u00a0/\t", "www.", "WwW.", "://", "x.y"]
    + ["2024", "12", "7", ":", ".", "-", "WIB", "Oktober", ",", "١٢", "06:52", "24.10.2024"]
)
shortcut_lines = st.one_of(st.lists(line_atoms, max_size=12).map("".join), st.text(max_size=80))


@settings(max_examples=800, deadline=None)
@given(shortcut_lines)
def test_the_menu_link_and_date_prefilters_only_skip_lines_the_regexes_reject(line):
    assert lines._has_menu_mark(line) == bool(re.search(r"[|·•»›>]|\s/\s", line))
    assert lines._has_link(line) == bool(lines._URL_INSIDE.search(line))
    assert lines._has_date(line) == bool(lines._DATE.search(line))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=40, unique=True),
    st.lists(st.sets(st.integers(0, 39), max_size=30), min_size=1, max_size=12),
    st.data(),
)
def test_the_containment_probe_table_filter_drops_no_pair(pool, sets, data):
    # shingles drawn from a small pool of 32-bit values, so that texts share some and miss others
    shingles = [np.array(sorted({pool[i % len(pool)] for i in s}), dtype=np.uint32) for s in sets]
    shorts = sorted(data.draw(st.lists(st.sampled_from(range(len(sets))), unique=True, min_size=1)))

    def table(filtered: bool) -> ShortTexts:
        made = ShortTexts(np.array(shorts), [shingles[i] for i in shorts], lambda n: max(1, n // 2))
        if not filtered:
            made.low_bits[:] = True
        return made

    positions = np.arange(len(sets))
    assert list(table(True).contained(positions, shingles)) == list(
        table(False).contained(positions, shingles)
    )
