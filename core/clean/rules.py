"""Boilerplate phrase lists, one data file per language under ``rules/``.

Adding a language is adding ``rules/<code>.txt``. Every file is loaded and the
phrases of all languages are applied together, because a page in one language
often sits in a template of another ("Baca juga:" above an English wire story).

File format: sections in brackets, one phrase per line, ``#`` starts a comment;
matching ignores case, punctuation at the ends and repeated spaces.

``[related]``   a line that starts with the phrase and then a separator (``:``
                ``-`` ``|`` ``>``) or, for phrases of two words or more, a
                capitalised word, is a related-link insert ("Baca juga: ...").
``[insert]``    a related phrase (it counts as [related] too) that labels nothing but a
                related-link insert ("Baca juga", not "Watch"): inside a paragraph, its
                insert is removed whatever text follows the link when a separator ends
                the label, else unless the text carries the sentence on (see
                ``html.drop_related_inserts``).
``[drop]``      a line that is exactly the phrase ("Bagikan", "ADVERTISEMENT").
``[prefix]``    a short line that starts with the phrase (share, newsletter,
                app and cookie prompts).
``[contains]``  a line of at most 40 words that contains the phrase anywhere
                (credits such as "contributed to this report", share widgets).
``[byline]``    a short line that starts with the phrase and ``:``, or the phrase
                and a name ("Editor: ...", "By Jane Doe", "Sumber : AFP").
``[tail]``      a line that is exactly the phrase starts a "more headlines" list
                ("Terkini Lainnya"): once the body has begun, it and all that
                follows are cut.
``[comments]``  a line that is exactly the phrase starts the readers' comments:
                once the body has begun, it ends the article even when much
                text follows (comments are often longer than the article).
``[copyright]`` a short line that contains the phrase.
``[counter]``   what a short line holds besides its numbers when it is a counter
                ("1,234 views", "3 min read", "Dilihat 1.234 kali"): its words,
                digits and punctuation left out ("views", "min read", "dilihat kali").
``[listing]``   a phrase that makes a sentence ending with a colon the heading of a list of
                other stories ("Simak berita menarik lainnya di bawah ini:"), not of a
                list in the article ("Syarat yang harus dipenuhi pemohon:").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from .. import native
from .prefilter import PhraseWords

SECTIONS = (
    "related",
    "insert",
    "drop",
    "prefix",
    "contains",
    "byline",
    "tail",
    "comments",
    "copyright",
    "counter",
    "listing",
)
_PHRASE_END = ""  # trie key: a phrase ends at this node
_COPYRIGHT_MARKS = ("©", "(c)")  # the copyright regex's alternatives that are not phrases
# what may stand before a related-link label: blanks, brackets, bullets
_LABEL_MARKS = r"[\s\[(（【»›▶►•*·–—-]"
# what ends a related-link label ("Baca juga:", "Read also -", "相关阅读：", "【相关阅读】")
LABEL_SEPARATOR = r"\s*[:\-–—|>»›→▶►：｜\]】]"
# after a one-word label a dash needs a blank beside it: "Baca-tulis", "More—far more—will" are words
WORD_LABEL_SEPARATOR = r"(?:\s*[:|>»›→▶►：｜\]】]|\s+[\-–—]|[\-–—]\s)"
_BYLINE_SEPARATOR = r"\s*[:|：｜]"  # "Editor: ...", "责任编辑：..."
# Full stops of every script that has its own: Latin, CJK (full and half width), the Devanagari and
# Bengali danda, Urdu, Ethiopic, Myanmar, Armenian, Khmer, Tibetan; then the other marks that end a
# sentence (question and exclamation marks, the ellipsis)
FULL_STOPS = ".。．｡।॥۔።။։។།"
QUESTION_MARKS = "?？؟፧\u037e"  # U+037E: the Greek question mark, as some pages write it
SENTENCE_ENDS = FULL_STOPS + QUESTION_MARKS + "!…！"
SENTENCE_CLOSERS = '"”’“»«›‹)]」』）'  # what may close a sentence before what follows it (quotes, brackets)
# sections matched as patterns on the line as written (the others compare phrase keys)
_PATTERN_SECTIONS = ("related", "insert", "prefix", "contains", "byline", "copyright")


@lru_cache(maxsize=1 << 16)
def phrase_key(text: str) -> str:
    """Lower-case, NFKC, single spaces, no punctuation at either end.

    Cached: the same lines (titles, template phrases) come back on every page of a site.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    folded = text.casefold()
    if native.speedups is not None:
        return native.speedups.edge_trimmed_words(folded)
    return " ".join(_without_edge_punctuation(folded).split())


def _without_edge_punctuation(text: str) -> str:
    """``text`` without the non-alphanumerics at either end, except the combining marks of its last
    alphanumeric.

    A vowel sign or a nukta ends many words of Indic scripts ("पढ़ें"), and a harakat many Arabic
    ones: cut off, two different words would give one key. A mark after anything else (the
    variation selector of an emoji, "▶️") goes. A loop over the few edge characters: a regex
    substitution scans the whole line.
    """
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        letter = end - 1
        while letter > start and is_mark(text[letter]):
            letter -= 1
        if letter == end - 1:
            end -= 1  # no mark
        elif text[letter].isalnum():
            break  # the marks belong to this letter
        else:
            end = letter + 1  # marks after a symbol go (the symbol next)
    return text[start:end]


def is_mark(char: str) -> bool:
    """A combining mark (general category M*): a vowel sign, a nukta, a harakat, an accent written apart."""
    return not char.isascii() and unicodedata.category(char)[0] == "M"


@dataclass(frozen=True, eq=False)
class Rules:
    """Compiled phrase lists of every language.

    Compared and hashed by identity: per-line verdicts are cached with the rules in the key,
    and hashing a compiled pattern hashes all of its code.
    """

    related: re.Pattern
    # a related-link label inside a paragraph, right before its link (see html.drop_related_inserts):
    # ending a text after a sentence, with a separator; an inline element's whole text (an [insert]
    # phrase needs no separator there: group "bare"); or the start of the link's own text. Group
    # "insert" holds an [insert] phrase followed by its separator
    related_label: re.Pattern
    related_alone: re.Pattern
    related_lead: re.Pattern
    drop: frozenset[str]
    prefix: re.Pattern
    contains: re.Pattern
    byline_colon: re.Pattern
    byline_name: re.Pattern
    tail: frozenset[str]
    comments: frozenset[str]
    copyright: re.Pattern
    counter: frozenset[str]
    listing: frozenset[str]
    languages: tuple[str, ...]
    # which lines may hold a [contains] or [copyright] phrase: the others skip those two regexes
    phrase_words: PhraseWords


def parse_rules(text: str, source: str = "<rules>") -> dict[str, list[str]]:
    """Parse one rules file into ``{section: [phrase, ...]}``."""
    sections: dict[str, list[str]] = {name: [] for name in SECTIONS}
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            if current not in sections:
                raise ValueError(f"{source}:{number}: unknown section [{current}]")
        elif current is None:
            raise ValueError(f"{source}:{number}: phrase before any [section]")
        else:
            sections[current].append(phrase_key(line))
    return sections


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """Load and compile every ``rules/*.txt`` shipped with the package."""
    merged: dict[str, set[str]] = {name: set() for name in SECTIONS}
    languages = []
    for entry in sorted(resources.files(__package__).joinpath("rules").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".txt"):
            continue
        languages.append(entry.name[:-4])
        for section, phrases in parse_rules(entry.read_text(encoding="utf-8"), entry.name).items():
            merged[section].update(phrases)
    return compile_rules(merged, tuple(languages))


def _alternation(phrases: Iterable[str]) -> str:
    """A pattern for any of the phrases (a space stands for ``\\s+``), shared beginnings factored out.

    The rules are only ever asked whether they match, never what, so a trie gives the same answers;
    a flat case-insensitive alternation tries every phrase at every position.
    """
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[_PHRASE_END] = {}
    return _trie_pattern(trie) or r"(?!x)x"


def _trie_pattern(node: dict[str, dict]) -> str:
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_pattern(child)
        for char, child in sorted(node.items())
        if char != _PHRASE_END
    ]
    if not branches:
        return ""
    pattern = "|".join(branches)
    if _PHRASE_END in node:
        return f"(?:{pattern})?"
    return f"(?:{pattern})" if len(branches) > 1 else pattern


def _with_precomposed(phrases: set[str]) -> set[str]:
    """The phrases, and each spelt with the precomposed letters that NFKC (which made the phrase keys)
    takes apart and never puts together again ("ढ़" as one code point, U+095D): pages use both."""
    letters = _precomposed_letters()
    spelt = set()
    for phrase in phrases:
        for parts, letter in letters.items():
            phrase = phrase.replace(parts, letter)
        spelt.add(phrase)
    return phrases | spelt


@cache
def _precomposed_letters() -> dict[str, str]:
    """The letters of Indic scripts and Tibetan that NFC does not compose, by their parts."""
    letters = {}
    for code in range(0x0900, 0x1000):
        letter = chr(code)
        parts = unicodedata.normalize("NFD", letter)
        if len(parts) > 1 and unicodedata.normalize("NFC", parts) != letter:
            letters[parts] = letter
    return letters


def compile_rules(phrases: dict[str, set[str]], languages: tuple[str, ...] = ()) -> Rules:
    phrases = {
        name: _with_precomposed(keys) if name in _PATTERN_SECTIONS else keys for name, keys in phrases.items()
    }
    separator = LABEL_SEPARATOR
    related_phrases = phrases["related"] | phrases["insert"]
    multiword = [p for p in related_phrases if " " in p]
    related_phrase = _alternation(related_phrases)
    # a label's phrase: one that only labels inserts (group "insert"), or another related phrase
    insert_phrase = _alternation(phrases["insert"])
    label_phrase = rf"(?P<insert>{insert_phrase})|{related_phrase}"
    # the phrase, then a separator or the end of the line; or a multi-word phrase, then a capital
    # (group "capital": "Baca juga Harga Emas Naik", but also "Also on Monday, ...", see lines.py)
    single = [p for p in related_phrases if " " not in p]
    related = (
        rf"^\W*(?:(?:{_alternation(multiword)})(?:{separator}|\W*$)"
        rf"|(?:{_alternation(single)})(?:{WORD_LABEL_SEPARATOR}|\W*$)"
        rf"|(?P<capital>{_alternation(multiword)})\s+(?=(?-i:[A-Z0-9À-Þ\"'“‘])))"
    )
    return Rules(
        related=re.compile(related, re.IGNORECASE),
        related_label=re.compile(
            rf"(?:^|(?<=[{re.escape(SENTENCE_ENDS + SENTENCE_CLOSERS)}]))({_LABEL_MARKS}*?(?:{label_phrase}){separator}\s*)$",
            re.IGNORECASE,
        ),
        related_alone=re.compile(
            rf"^{_LABEL_MARKS}*(?:(?:{label_phrase}){separator}|(?P<bare>{insert_phrase}))\s*$", re.IGNORECASE
        ),
        related_lead=re.compile(rf"^{_LABEL_MARKS}*(?:{label_phrase}){separator}\s*(?=\S)", re.IGNORECASE),
        drop=frozenset(phrases["drop"]),
        # (?<!\w) and (?!\w): no word character next to the phrase (what \b means beside a letter; \b
        # would fail after a phrase that ends with a combining mark, which is no word character)
        prefix=re.compile(rf"^\W*(?:{_alternation(phrases['prefix'])})(?!\w)", re.IGNORECASE),
        contains=re.compile(rf"(?<!\w)(?:{_alternation(phrases['contains'])})(?!\w)", re.IGNORECASE),
        byline_colon=re.compile(
            rf"^\W*(?:{_alternation(phrases['byline'])}){_BYLINE_SEPARATOR}", re.IGNORECASE
        ),
        byline_name=re.compile(rf"^\W*(?:{_alternation(phrases['byline'])})\s+\S", re.IGNORECASE),
        tail=frozenset(phrases["tail"]),
        comments=frozenset(phrases["comments"]),
        copyright=re.compile(
            rf"©|\(c\)\s*\d{{4}}|(?<!\w)(?:{_alternation(phrases['copyright'])})(?!\w)", re.IGNORECASE
        ),
        counter=frozenset(phrases["counter"]),
        listing=frozenset(phrases["listing"]),
        languages=languages,
        phrase_words=PhraseWords(phrases["contains"] | phrases["copyright"], marks=_COPYRIGHT_MARKS),
    )
