"""The line-level filter shared by the HTML and the plain-text cleaners.

It works on a list of paragraphs (one per line) and removes what an extractor
leaves in: related-link inserts, share/ad/prompt lines, bylines, copyright
lines, bare URLs, "more headlines" tails, bulleted headline lists and lines a
page prints twice. Phrases come from :mod:`core.clean.rules`.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .. import native
from .rules import FULL_STOPS, QUESTION_MARKS, SENTENCE_ENDS, Rules, phrase_key

_SUFFIX_SEPARATORS = set("|-–—:·»")
# What may close a sentence after its full stop: quotes (English, German „…“, French and Danish
# guillemets both ways, Chinese and Japanese 「…」), brackets
_CLOSERS = "\"'”’»)]*“‘«›‹」』）】〉》"
# "... (REUTERS/Andrew Kelly)", "... (ANTARA FOTO/Budi)", "... (Photo: AP)": a photo caption
_PHOTO_CREDIT = re.compile(
    r"\((?:[^()]*/[^()]*|[^()]*\b(?:foto|photo|image|getty|pic)\b[^()]*)\)\s*$", re.IGNORECASE
)
# "Plague fears grow in Asia [VIDEO]": a tabloid's link to another story
_TAGGED_HEADLINE = re.compile(r"\[[A-Z][A-Z ]{2,}\]\W*$")
# "... sedikit pun. (ant/red)": a wire's sign-off (lower-case codes) after a paragraph's last sentence
_SIGN_OFF = re.compile(r"[.!?…\"”’]\s*\(((?:[a-z\d]+/)+[a-z\d]+)\)\s*$")
_PHOTO_CODES = frozenset(("foto", "photo", "pic", "ist", "dok", "doc"))  # "(foto/ist)" credits a photo
_TRAILING_CREDIT = re.compile(r"\s*\([^()]{1,30}\)$")
_URL = re.compile(r"^(?:https?://|www\.)\S+$|^/[\w\-./%~+]+/?$", re.IGNORECASE)
_URL_INSIDE = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
_NETWORKS = "twitter|facebook|instagram|youtube|tiktok|linkedin|whatsapp|telegram"
_SOCIAL = re.compile(rf"\b(?:{_NETWORKS})\b", re.IGNORECASE)
# what share buttons name, in a line made lower case (twice as fast as a case-blind search)
_SHARE_NETWORKS = re.compile(rf"\b(?:{_NETWORKS}|google|pinterest|reddit|e-?mail)\b")
_LETTER_WORDS = re.compile(r"[^\W\d_]+")
_CONNECTORS = frozenset("on via to in at ke di lewat melalui auf sur su em en por per".split())  # "Share on"
_HANDLE = re.compile(r"(?<!\w)@\w+")
# "34 responses to ...", "12 Comments"; not a sentence that starts with a count ("300 comments were
# posted ...")
_COMMENT_COUNT = re.compile(
    r"^(?:\d+|one)\s+(?:comments?|responses?|replies|thoughts?|reactions?|komentar|kommentare|comentários)"
    r"(?:\s+(?:to|on)\s.*[^.\s]|(?:\s+[^\s.]+){0,3})?\W*$",
    re.IGNORECASE,
)
# "jjackwagon says:", "maria gonzalez says:": a comment's author above it (see first_commenter)
_COMMENTER = re.compile(
    r"^(?!(?:the|a|an|this|that|it|he|she|they|we|his|her|its|their|our|one|who|which)\s)[\w.'’\- ]{1,40} says:$",
    re.IGNORECASE,
)  # not a text's subject ("The notice says:", "The letter says:")
_MORE_FROM = re.compile(r"^(?:more|also) (?:from|on|in) \w")
_BULLET = re.compile(r"^(?:[-•*–·▪►◦]|\d{1,2}[.)])\s+")
_HASHTAGS = re.compile(r"^(?:#\S+\s*)+$")
# cheap test first: most lines have none of the separators (a substring test each costs a fifth of one
# regex scan; written out, compiled code makes each a direct call)
_SPACED_SLASH = re.compile(r"\s/\s")
_MENU_SEPARATOR = re.compile(r"\s*(?:[|·•»›]|(?<=\s)[>/](?=\s))\s*")
_LETTER = re.compile(r"[^\W\d_]")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_YEAR_NEXT = re.compile(r"\W{0,3}(?:19|20)\d\d\b")
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_DIGIT = re.compile(r"\d")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0e7f]")  # kana, CJK, Thai
_DATE = re.compile(
    r"\b\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}\b"  # 24.10.2024, 24/10/2024
    r"|\b(?:19|20)\d{2}-\d{2}-\d{2}\b"  # 2024-10-24
    r"|\b\d{1,2}\.?\s+[^\W\d_]{3,}\.?\s+(?:19|20)\d{2}\b"  # 24 Oktober 2024
    r"|\b[^\W\d_]{3,}\.?\s+\d{1,2},\s+(?:19|20)\d{2}\b"  # October 24, 2024
    r"|\b\d{1,2}[:.]\d{2}\s*(?:WIB|WITA|WIT|UTC|GMT|Uhr|[AaPp]\.?[Mm]\.?)\b"  # 06:52 WIB
    r"|\b\d{1,2}:\d{2}\b"
)
_DAYS_AND_MONTHS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday senin selasa rabu kamis jumat sabtu minggu "
    "january february march april may june july august september october november december "
    "januari februari maret mei juni juli agustus oktober desember".split()
)
_DATED_ENTRY = re.compile(r"\s*:\s+(\S+)(?:\s+\S+){2,}")  # after a date: what happened then
# every form of _DATE holds a four-digit year or a time ("06:52"): a scan that starts with \d is fast
_DATE_HINT = re.compile(r"\d\d\d\d|\d[:.]\d\d")

SHARE_ROW_WORDS = 12  # share buttons' labels in a row are no longer
SHORT_LINE_WORDS = 40  # prompts, credits, bylines and copyright lines are never longer
PROSE_WORDS = 10  # a line this long or longer reads as running text, not a label
SENTENCE_WORDS = 6  # a line this long that ends with a full stop is a sentence, not a linked headline
MIN_BODY_LINES = 2  # prose lines that must precede a "more headlines" marker before it cuts
TABLE_BARS = 3  # "| 1 July 2024 | Road repairs |" is a table's row; "| November 18, 2019" a dateline
# Format characters that show as nothing, scattered inside words: a soft hyphen (&shy;), a zero-width
# space (a Thai page's word breaks), a word joiner, a byte order mark of a file joined to another. Kept,
# they cut words in two and tell copies of one text apart. (ZWJ and ZWNJ spell Persian and Indic words.)
INVISIBLE = "\u00ad\u200b\u2060\ufeff"
_WITHOUT_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))
MIN_COMMENTERS = 2  # "NAME says:" lines on a page that make them its comments' authors
LEAD_IN_WORDS = 4  # a line that ends with a colon and is this long introduces a list
RUNNING_TEXT_WORDS = 20  # a line this long is running text, whatever it ends with
COUNTER_WORDS = 6  # "120 likes 30 shares", "Dibaca 1.234 kali": a counter is a few words
COUNTER_ABBREVIATION = 3  # letters of a counter's last word that may end with a full stop ("min.")
TIME_ABBREVIATION = 2  # letters and digits of the last word of a dated byline that ends "a.m."


@lru_cache(maxsize=1 << 16)
def word_count(line: str) -> int:
    """Words separated by spaces; in scripts written without spaces, two characters count as a word."""
    if native.speedups is not None:
        return native.speedups.word_count(line)
    words = len(line.split())
    if line.isascii():
        return words
    return words + len(_UNSPACED.findall(line)) // 2


@lru_cache(maxsize=1 << 16)
def ends_sentence(line: str) -> bool:
    """True when the line ends like a sentence (quotes, brackets and a "(AFP)" credit looked through)."""
    stripped = line.rstrip()
    if stripped.endswith(")"):
        stripped = _TRAILING_CREDIT.sub("", stripped)
    stripped = stripped.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_ENDS


def ends_with_full_stop(line: str) -> bool:
    """The line ends with a full stop (not a question, an exclamation or an ellipsis)."""
    stripped = line.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in FULL_STOPS and not stripped.endswith("..")


def is_prose(line: str) -> bool:
    return word_count(line) >= PROSE_WORDS


@lru_cache(maxsize=1 << 16)  # pages of a site repeat their template lines
def boilerplate_reason(line: str, rules: Rules, keep_captions: bool = False) -> str | None:
    """Why this single line is boilerplate, or None when it may be content.

    ``keep_captions``: photo captions are content (a gallery page has no other text).
    """
    if not _LETTER.search(line):
        return "no letters"
    if _is_related_link(line, rules) or _TAGGED_HEADLINE.search(line):
        return "related link"
    if _HASHTAGS.match(line):
        return "hashtags"
    items = _menu_items(line)
    if items and (_is_menu_of(items) or _is_menu_of_phrases(items, rules)):
        return "menu"
    if not keep_captions and _PHOTO_CREDIT.search(line) and not _is_signed_off_paragraph(line):
        return "photo caption"
    words = word_count(line)
    return _short_line_reason(line, words, rules) if words <= SHORT_LINE_WORDS else None


def _is_related_link(line: str, rules: Rules) -> bool:
    """A related-link line. A linked headline does not end with a full stop: a sentence that starts
    with a label and a capital ("Also on Monday, councillors approved higher fees.") is no insert, nor
    one whose label a lower-case word carries on ("Read next: the council's own audit found ...")."""
    related = rules.related.match(line)
    if related is None or not (ends_with_full_stop(line) and word_count(line) >= SENTENCE_WORDS):
        return related is not None
    return not (related.group("capital") or line[related.end() :].lstrip()[:1].islower())


def _is_signed_off_paragraph(line: str) -> bool:
    """Running text that ends with a wire's sign-off ("… sedikit pun. (ant/red)"), no photo credit
    ("… Senin malam. (foto/ist)")."""
    sign_off = _SIGN_OFF.search(line) if is_prose(line) else None
    return sign_off is not None and _PHOTO_CODES.isdisjoint(sign_off.group(1).split("/"))


def _short_line_reason(line: str, words: int, rules: Rules) -> str | None:
    """The rules that only ever apply to lines of a few dozen words."""
    if words <= 2 and _URL.match(line):
        return "url"
    has_link = words <= 30 and _has_link(line)
    if words <= 12 and has_link:
        return "link line"
    if words <= 30 and (has_link or _has_handle(line)) and _SOCIAL.search(line):
        return "social media prompt"
    if words <= SHARE_ROW_WORDS and _is_share_row(line):
        return "share buttons"
    key = phrase_key(line)
    if key in rules.drop or key in rules.tail:
        return "boilerplate phrase"
    prompt = rules.prefix.match(line)
    if prompt and not _starts_sentence(line, prompt, words):
        return "prompt"
    may_hold_phrase = rules.phrase_words.may_hold(line)
    if may_hold_phrase and rules.contains.search(line):
        return "credit or widget"
    if words <= 12 and rules.byline_colon.match(line) and not _asks(line):
        return "byline"  # "REPORTER: Will council tax go up?" is a question of an interview
    byline = rules.byline_name.match(line)
    if byline and (
        (words <= 8 and not ends_sentence(line))
        or (
            words <= 16
            and ("|" in line or (_has_date(line) and _is_dated_byline(line, byline.end() - 1, words)))
        )
    ):
        return "byline"
    if words <= 30 and may_hold_phrase and _is_copyright_notice(line, words, rules):
        return "copyright"
    if words <= 12 and not ends_sentence(line) and _has_date(line) and not _is_dated_item(line):
        return "dateline"
    return None


def _is_share_row(line: str) -> bool:
    """Share buttons' labels: two networks or more, and besides them at most one word, a label before a
    colon or before each network ("Bagikan: Facebook Twitter WhatsApp", "Share on Facebook Share on
    Twitter", "Facebook Twitter Google+ Whatsapp"); not a headline about them ("Facebook, Twitter
    sued", "Facebook, Instagram and WhatsApp down worldwide")."""
    lowered = line.lower()
    networks = len(_SHARE_NETWORKS.findall(lowered))
    if networks < 2:
        return False
    others = [
        word for word in _LETTER_WORDS.findall(_SHARE_NETWORKS.sub(" ", lowered)) if word not in _CONNECTORS
    ]
    return not others or (len(set(others)) == 1 and (len(others) >= networks or f"{others[0]}:" in lowered))


def _starts_sentence(line: str, prompt: re.Match, words: int) -> bool:
    """A one-word prompt that a word carries on starts a sentence ("Langganan air bersih ...
    dianggarkan.", "Gabung Persib, pemain asal Brasil itu ..."), not a label ("Newsletter: Our ...") or
    a phrase ("Gabung bersama ...")."""
    return (
        len(prompt.group().split()) == 1
        and line[prompt.end() : prompt.end() + 1].isspace()
        and _is_sentence(line, words)
    )


def _is_sentence(line: str, words: int) -> bool:
    return words >= PROSE_WORDS and ends_with_full_stop(line)


def _is_dated_byline(line: str, name: int, words: int) -> bool:
    """A dated line that starts with a byline word is a byline when it is short, does not end like a
    sentence, or names someone after the word ("By Jane Doe and John Smith, AP. Published March 4,
    2024."); not "By March 31, 2025, every school must ...", "Oleh karena itu, mulai 1 Juli 2024 ..."."""
    return words <= 8 or not _ends_with_sentence(line) or _names_someone(line[name:])


def _names_someone(text: str) -> bool:
    """The text starts with a name: two capitalised words, or one that a full stop ends ("Reuters."),
    and no day or date ("By Friday, the agency ...", "March 31, 2025"); not "Oleh KPK, tersangka ..."."""
    first, *rest = text.split(maxsplit=2)
    if not first[:1].isupper() or _DATE.match(text) or first.strip(",.").casefold() in _DAYS_AND_MONTHS:
        return False
    return first.endswith(".") or not rest or rest[0][:1].isupper()


def _is_dated_item(line: str) -> bool:
    """A table row ("| 1 July 2024 | Road repairs | $120m |") or a timeline's entry ("12 January 2024:
    the council publishes its draft budget"), not a dateline ("| November 18, 2019 | 12:01 PM",
    "Monday, 4 March 2024 - by Jane Doe")."""
    if line.startswith("|") and line.endswith("|") and line.count("|") >= TABLE_BARS:
        return True
    date = _DATE.search(line)
    entry = _DATED_ENTRY.match(line, date.end()) if date is not None else None
    return entry is not None and entry.group(1)[:1].islower()  # not "05/10/2018 - Publicado por: ..."


def _ends_with_sentence(line: str) -> bool:
    """Ends like a sentence, and not with an abbreviation of a time ("… 2019 at 11:08 a.m.")."""
    return ends_sentence(line) and len(_LETTER_OR_DIGIT.findall(line.split()[-1])) > TIME_ABBREVIATION


def _asks(line: str) -> bool:
    stripped = line.rstrip().rstrip(_CLOSERS)
    return stripped[-1:] in QUESTION_MARKS


def _is_copyright_notice(line: str, words: int, rules: Rules) -> bool:
    """A copyright line; in a sentence, the phrase must start it, have a year after it ("This article is
    copyright 2024 ..."), come twice ("... copyright of the author unless otherwise stated.") or "©" be
    there: "The estate said the copyright on her recordings would pass to ..." is news."""
    found = rules.copyright.search(line)
    if found is None:
        return False
    if (
        not _is_sentence(line, words)
        or "©" in line
        or _LETTER_OR_DIGIT.search(line, 0, found.start()) is None
    ):
        return True
    return (
        _YEAR_NEXT.match(line, found.end()) is not None
        or rules.copyright.search(line, found.end()) is not None
    )


def drop_counters(paragraphs: list[str], rules: Rules) -> list[str]:
    """The article's paragraphs without its counters (see ``is_counter``). Taken out of the article
    found, not before: like any short line, a counter keeps the article apart from the lists around
    it while it is looked for."""
    return [p for p in paragraphs if not is_counter(p, rules)]


def is_counter(line: str, rules: Rules) -> bool:
    """ "1,234 views", "3 min read", "Dilihat 1.234 kali": numbers and a ``[counter]`` phrase in a
    short line that is no list item, table row, percentage or sentence ("- 12,000,000 views" in a
    list of a video's figures, "Shares -3.2%", "—Hace 3 días." are content)."""
    if word_count(line) > COUNTER_WORDS or _BULLET.match(line) or "|" in line or "%" in line:
        return False
    key = phrase_key(line)
    if _DIGIT.search(key) is None:
        return False
    words = _NOT_LETTERS.sub(" ", key).split()
    if ends_with_full_stop(line) and len(words[-1] if words else "") > COUNTER_ABBREVIATION:
        return False  # a sentence, not "Hace 5 min." or "vor 2 Std."
    return " ".join(words) in rules.counter


# Cheap tests first: a whole-line search is costly, and most short lines have no year or time, no
# "://" or "www." and no "@".
def _has_date(line: str) -> bool:
    return _DATE_HINT.search(line) is not None and _DATE.search(line) is not None


def _has_link(line: str) -> bool:
    # every match holds "://" or, in any case, "www."
    return ("://" in line or "www." in line.lower()) and _URL_INSIDE.search(line) is not None


def _has_handle(line: str) -> bool:
    return "@" in line and _HANDLE.search(line) is not None


@lru_cache(maxsize=1 << 16)  # asked of a page's top lines, which a site's pages share
def is_menu(line: str) -> bool:
    """Three or more short items between separators: a navigation bar ("Berita · Foto · Video"), a
    footer link row ("About | Contact | Jobs") or a breadcrumb trail ("Home > Foto > Nasional").

    A line that starts with "|" is a table row, which is content.
    """
    items = _menu_items(line)
    return bool(items) and _is_menu_of(items)


def _menu_items(line: str) -> list[str]:
    """The items between a line's separators; none when it has no separator or is a table row."""
    if line.startswith("|") or not _has_menu_mark(line):
        return []
    return _MENU_SEPARATOR.split(line)


def _is_menu_of(items: list[str]) -> bool:
    return len(items) >= 3 and sum(len(item.split()) for item in items) <= 3 * len(items)


def _is_menu_of_phrases(items: list[str], rules: Rules) -> bool:
    """Two items or more, each a line the rules drop ("Sign in | Register")."""
    return len(items) >= 2 and all(phrase_key(item) in rules.drop for item in items)


def _has_menu_mark(line: str) -> bool:
    return (
        "|" in line
        or "·" in line
        or "•" in line
        or "»" in line
        or "›" in line
        or ">" in line
        or ("/" in line and _SPACED_SLASH.search(line) is not None)
    )


@lru_cache(maxsize=1 << 16)
def is_tail_marker(line: str, rules: Rules) -> bool:
    """A "more headlines" heading ("Terkini Lainnya", "More from The Times"), or the start of the comments."""
    key = phrase_key(line)
    return is_more_headlines(line, key, rules) or starts_comments(line, key, rules)


@lru_cache(maxsize=1 << 16)
def is_comments_start(line: str, rules: Rules) -> bool:
    """ "12 Comments", "34 responses to ...", "Leave a reply" (authors' lines: ``first_commenter``)."""
    return starts_comments(line, phrase_key(line), rules)


# The two tests above on a line and its phrase key, uncached: a caller that has the key (the
# plain-text cleaner's verdict on each new line) saves a cache entry and a key lookup each.
def is_more_headlines(line: str, key: str, rules: Rules) -> bool:
    if key in rules.tail:
        return True
    # "More on this story." heads a list; "Also on the agenda." and "Also on Monday, councillors ..." are news
    words = word_count(line)
    return bool(
        _MORE_FROM.match(key)
        and words <= 8
        and not (ends_sentence(line) and (key.startswith("also") or words >= SENTENCE_WORDS))
    )


def starts_comments(line: str, key: str, rules: Rules) -> bool:
    return key in rules.comments or bool(_COMMENT_COUNT.match(line))


def first_commenter(lines: list[str]) -> int | None:
    """Where comments signed "NAME says:" start: the first such line, when the page has two or more.
    One alone is an article's lead-in to a quote ("The notice says:"), whose text goes on."""
    signed = [i for i, line in enumerate(lines) if line.endswith(" says:") and _COMMENTER.match(line)]
    return signed[0] if len(signed) >= MIN_COMMENTERS else None


def cut_tail(lines: list[str], rules: Rules) -> list[str]:
    """Cut at the first "more headlines" marker, or the comments' first author, that comes after the
    body has begun."""
    prose_seen = 0
    commenter = first_commenter(lines)
    for i, line in enumerate(lines):
        if prose_seen >= MIN_BODY_LINES and (i == commenter or is_tail_marker(line, rules)):
            return lines[:i]
        prose_seen += is_prose(line)
    return lines


def drop_rule_lines(lines: list[str], rules: Rules) -> list[str]:
    return [line for line in lines if boilerplate_reason(line, rules) is None]


def is_lead_in(line: str, rules: Rules) -> bool:
    """A sentence that introduces a list: "Syarat yang harus dipenuhi pemohon antara lain sebagai
    berikut:", "The five films nominated for best picture are:" (a label, "Tags:", is shorter), and
    not one of other stories ("Here is more of our coverage:", "Berikut berita lainnya:", ``[listing]``)."""
    return (
        line.endswith((":", "："))
        and LEAD_IN_WORDS <= word_count(line) < RUNNING_TEXT_WORDS
        and not _names_other_stories(line, rules)
    )


def _names_other_stories(line: str, rules: Rules) -> bool:
    words = f" {' '.join(_NOT_LETTERS.sub(' ', phrase_key(line)).split())} "
    return any(f" {phrase} " in words for phrase in rules.listing)


def drop_headline_bullets(lines: list[str], rules: Rules) -> list[str]:
    """Remove runs of two or more bullet lines that read as headlines (no sentence ends), unless a
    sentence introduces them as a list."""
    kept: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _BULLET.match(lines[j]):
            j += 1
        run = lines[i:j]
        listed = bool(kept) and is_lead_in(kept[-1], rules)
        if len(run) >= 2 and not listed and sum(ends_sentence(line) for line in run) * 2 < len(run):
            i = j
            continue
        if run:
            kept.extend(run)
            i = j
        else:
            kept.append(lines[i])
            i += 1
    return kept


def is_headline(line: str, title: str) -> bool:
    """The line is the title, or the title with a site name added or removed."""
    return bool(title) and headline_key_match(phrase_key(line), phrase_key(title), line)


def headline_key_match(line_key: str, title_key: str, line: str) -> bool:
    """``is_headline`` of a line and a title given as their phrase keys (pages test every line)."""
    if line_key == title_key:
        return True
    shorter, longer = (line_key, title_key) if len(line_key) <= len(title_key) else (title_key, line_key)
    return (
        bool(shorter)
        and longer.startswith(shorter)
        and longer[len(shorter) :].lstrip()[:1] in _SUFFIX_SEPARATORS
        and not ends_sentence(line)
    )


def drop_repeats(lines: list[str], title: str = "") -> list[str]:
    """Handle lines a scraped page prints more than once.

    The title is never part of the body. A repeated line that is not a sentence
    (a caption or headline printed twice) goes entirely; a repeated sentence (a
    lede shown as the standfirst and again in the body) keeps its first copy.
    """
    keys = [phrase_key(line) for line in lines]
    counts = Counter(keys)
    title_key = phrase_key(title)
    seen: set[str] = set()
    kept = []
    for line, key in zip(lines, keys, strict=True):
        if title and headline_key_match(key, title_key, line):
            continue
        if counts[key] > 1 and (not ends_sentence(line) or key in seen):
            continue
        seen.add(key)
        kept.append(line)
    return kept


def drop_title_and_stutter(lines: list[str], title: str = "") -> list[str]:
    """For extracted HTML: drop the title and a line printed twice in a row, keep other repeats.

    Extracted bodies legitimately repeat short lines (the same heading for each
    day of a plan, the same feature list for two products).
    """
    kept: list[str] = []
    previous = None
    title_key = phrase_key(title)
    for line in lines:
        key = phrase_key(line)
        if key != previous and not (title and headline_key_match(key, title_key, line)):
            kept.append(line)
        previous = key
    return kept


def drop_link_lists(lines: list[str], link_texts: frozenset[str]) -> list[str]:
    """Drop lines that are wholly the text of a link on the page, when they come in runs or close the body.

    A run of such lines is a list of links to other stories; one at the very
    end is a "read more" pointer. A line of running text is never dropped.
    """

    def is_link(line: str) -> bool:
        return not ends_sentence(line) and phrase_key(line) in link_texts

    flags = [is_link(line) for line in lines]
    kept = []
    for i, line in enumerate(lines):
        in_run = flags[i] and ((i > 0 and flags[i - 1]) or (i + 1 < len(lines) and flags[i + 1]))
        closing = flags[i] and all(flags[i:])
        if not (in_run or closing):
            kept.append(line)
    return kept


def filter_lines(lines: list[str], rules: Rules) -> list[str]:
    """The filter both cleaners share: the "more headlines" tail, then the phrase and shape rules."""
    return drop_rule_lines(cut_tail(lines, rules), rules)


def split_lines(text: str) -> list[str]:
    """Non-empty lines with runs of white space collapsed, without NUL or ``INVISIBLE`` characters.

    NUL means nothing in text (a broken export, a JSON "\\u0000"), and the plain-text
    cleaner marks its own stand-in lines with it: a page must not be able to write one.
    """
    if "\x00" in text:
        text = text.replace("\x00", "")
    if native.speedups is not None:
        return native.speedups.split_lines(text)
    return [" ".join(words) for line in visible(text).splitlines() if (words := line.split())]


def visible(text: str) -> str:
    """``text`` without its ``INVISIBLE`` characters."""
    return text.translate(_WITHOUT_INVISIBLE) if any(map(text.__contains__, INVISIBLE)) else text
