"""Plain-text cleaner: text scraped with its boilerplate left in.

Each line is scored like a jusText paragraph (length, stopword density, a
sentence ending); the article body is the span of lines with the highest total
score (the "densest block"), which leaves out headers, menus and footers. Inside
that span, runs of label-like lines (link lists) go, while an isolated short
line (a subheading) stays. The shared line filter runs first.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, partial
from typing import NamedTuple

from .. import native
from .language import detect_language, stoplist
from .lines import (
    RUNNING_TEXT_WORDS,
    boilerplate_reason,
    drop_headline_bullets,
    drop_repeats,
    ends_sentence,
    ends_with_full_stop,
    first_commenter,
    headline_key_match,
    is_lead_in,
    is_more_headlines,
    is_prose,
    is_tail_marker,
    split_lines,
    starts_comments,
    word_count,
)
from .memo import LineMemo
from .rules import Rules, is_mark, phrase_key
from .titles import strip_site_suffix

_WORD = re.compile(r"[^\W\d_]+")
# where a combining mark may be: not ASCII, no word character, no blank
_MAYBE_MARK = re.compile(r"[^\w\s\x00-\x7f]")
_CJK_SENTENCE_END = re.compile(
    r"[。．][」』）】)”’\"']*$"
)  # an ideographic full stop, quotes closed after it
TITLE_SEARCH_LINES = 15
HEADLINE_WORDS = 4  # a shorter line right above a headline of this many words is a name or a section
MIN_STOPWORD_DENSITY = 0.1
FIGURE_SHARE = 0.25  # of a line's words that hold a digit: a sentence of figures
_MARK = "\x00"  # stand-in lines start with it; they are never output
_TAIL_MARK = "\x00tail-marker-"
_COMMENTS_MARK = "\x00comments-"
_HEADLINE_MARK = "\x00headline"
_HEADLINE_CANDIDATE = "\x00headline-candidate-"
HEADLINE_REACH = 8  # lines below the headline where the body may start (byline, date, photo between)
HEADLINE_BONUS = 40.0  # about one long paragraph: enough to outweigh a lone footer paragraph
IN_BODY_BOX_SHARE = 0.5  # running text after a marker, relative to before it, that makes it an in-body box
LIST_RUN = 3
LIST_ITEMS = 20  # short lines a sentence ending with a colon may introduce as a list
LIST_ITEM_WORDS = 30
LIST_RESUME_SCORE = 15.0  # a paragraph after the list, not a headline that ends with a full stop
LIST_CREDIT = 1.0  # the score of a list's lines: enough to keep them in the article, too little to make one
GALLERY_SHARED = 0.5  # share of the first body that a gallery's captions block may repeat
MIN_BODY_WORDS = 25  # less than this is no article: try again keeping photo captions
SHORT_BODY_WORDS = 80  # less than this, a caption right below the headline may be the article
SEPARATOR_WEIGHT = 2.0  # extra cost of a run of LIST_RUN+ label lines, so blocks do not bridge it
TEASER_RUN = 3  # headline + summary pairs in a row that make a teaser list
LABELLED_LINKS = 3  # headlines, each on its own line, that a related-link label alone may stand above
LINK_WORDS = 25  # a linked headline is no longer
LABEL_CHARS = 80  # nor is a label alone (the longest phrase: 33 characters)
TEASER_HEADLINE_WORDS = 4  # this many label-like lines in a row inside the body are a link list


def clean_text(raw: str, rules: Rules, title: str = "") -> tuple[str, list[str], str | None]:
    """Return ``(title, paragraphs, language)`` of plain text (``title``: when known already)."""
    return clean_lines(split_lines(raw), rules, title)


def clean_lines(lines: list[str], rules: Rules, title: str = "") -> tuple[str, list[str], str | None]:
    """``clean_text`` of a page already split by ``split_lines``.

    A page whose running text below the headline is photo captions is a gallery:
    then those captions are its content and are kept.
    """
    if (
        len(lines) == 1
        and is_prose(lines[0])
        and ends_sentence(lines[0])
        and boilerplate_reason(lines[0], rules) is None
    ):
        return title, lines, detect_language(lines[0])  # a page of one sentence has no headline
    lines = _without_labelled_links(lines, rules)
    found = title or find_title(lines, rules)
    body = _article(lines, found, rules)
    if not body.paragraphs and not title and _one_sentence(lines, found):
        # a page's only sentence was taken for its headline (below a dateline: "Jakarta")
        body = _article(lines, "", rules)
        return "", body.paragraphs, body.language
    return found, body.paragraphs, body.language


def _without_labelled_links(lines: list[str], rules: Rules) -> list[str]:
    """The lines without the linked headlines below a related-link label alone on its line ("Baca
    Juga:", then "Harga Emas Hari Ini Naik Tipis"): the label's own rule drops the label only."""
    labels = label_memo(rules)
    found = [len(line) <= LABEL_CHARS and labels[line] for line in lines]
    if not any(found):
        return lines
    kept: list[str] = []
    below = 0  # linked headlines the last label may still stand above
    for line, label in zip(lines, found, strict=True):
        # the first line below: a headline, even one that asks; the next ones only if no sentence ends them
        first = below == LABELLED_LINKS
        if below and not label and _reads_as_link(line, rules) and (first or not ends_sentence(line)):
            below -= 1
            continue
        below = LABELLED_LINKS if label else 0
        kept.append(line)
    return kept


def _reads_as_link(line: str, rules: Rules) -> bool:
    """A headline: a few words, no full stop or colon at the end (not a sentence, not a list's heading),
    and no marker of the page's tail ("More from Signal Weekly"), which cuts the page there."""
    return (
        word_count(line) <= LINK_WORDS
        and not ends_with_full_stop(line)
        and not line.endswith((":", "："))
        and not is_tail_marker(line, rules)
    )


@cache  # one per rules
def label_memo(rules: Rules) -> LineMemo:
    """Whether a line is a related-link label alone ("Baca Juga:", "Read also:"), by line, remembered."""
    return LineMemo(partial(_is_label_alone, rules=rules))


def _is_label_alone(line: str, rules: Rules) -> bool:
    # not a heading of a list of other stories ("Berita Terkait"): the tail's rules cut it and its list
    return rules.related_alone.match(line) is not None and not is_tail_marker(line, rules)


def _one_sentence(lines: list[str], title: str) -> bool:
    """The title is a sentence, and the page has no other line of two words or more."""
    return is_prose(title) and ends_sentence(title) and sum(word_count(line) > 1 for line in lines) == 1


def _article(lines: list[str], title: str, rules: Rules) -> _Body:
    """The body below ``title``: running text, else the captions of a gallery."""
    body = _body(lines, title, rules, keep_captions=False)
    body_words = sum(map(word_count, body.paragraphs))
    if body_words < SHORT_BODY_WORDS or not body.anchored:
        gallery = _body(lines, title, rules, keep_captions=True)
        if body_words < MIN_BODY_WORDS or (
            gallery.anchored and _elsewhere(body.paragraphs, gallery.paragraphs)
        ):
            body = gallery
        elif body_words < SHORT_BODY_WORDS and gallery.anchored and _caption_led(body, gallery):
            body = gallery  # a photo page: the caption below the headline is its article
    return body


def _caption_led(body: _Body, gallery: _Body) -> bool:
    """The captions kept, the block grows by what stands right below the headline: a photo's caption."""
    return (
        bool(gallery.paragraphs)
        and gallery.paragraphs[0] not in body.paragraphs
        and set(body.paragraphs) <= set(gallery.paragraphs)
    )


def _elsewhere(body: list[str], gallery: list[str]) -> bool:
    """Keeping captions moved the article to longer text: most of the first body is not in it."""
    body_words, gallery_words = sum(map(word_count, body)), sum(map(word_count, gallery))
    in_gallery = set(gallery)
    shared = sum(word_count(p) for p in body if p in in_gallery)
    return gallery_words > body_words and shared < GALLERY_SHARED * body_words


class _Body(NamedTuple):
    paragraphs: list[str]
    language: str | None
    anchored: bool  # the block starts right below the headline


def _body(lines: list[str], title: str, rules: Rules, keep_captions: bool) -> _Body:
    # A "more headlines" marker only ends the article once the body has begun, and on a
    # whole-page scrape the body is known only after the densest block is found: until
    # then each marker stays in place as a unique stand-in line.
    roles = role_memo(rules, keep_captions)
    commenter = first_commenter(lines)
    kept: list[str | None] = [
        line if role is _KEEP else _stand_in(i, role, rules, keep_captions)
        for i, line in enumerate(lines)
        if (role := _COMMENTS if i == commenter else roles[line]) is not _DROP
    ]
    lines = [line for line in kept if line is not None]
    # Every line that is the headline stands in as a candidate by now: told the title as well,
    # drop_repeats would take a marker's stand-in for it under a title such as "Comments".
    lines = _mark_headline(drop_repeats(_stand_in_headlines(drop_headline_bullets(lines, rules), title)))
    # The page template may be in another language than the article (an English story on an
    # Indonesian portal): find the body by shape first, then read its language from the body.
    language = detect_language("\n".join(densest_block(lines, frozenset(), rules)))
    # Captions are kept only as a gallery, and a gallery's captions follow its headline.
    paragraphs, anchored = _densest_block(lines, stoplist(language), rules, from_headline=keep_captions)
    return _Body(paragraphs, language, anchored)


_KEEP, _DROP, _TAIL, _COMMENTS = "keep", "drop", "tail", "comments"


def line_role(line: str, rules: Rules, keep_captions: bool) -> str:
    """What ``_body`` does with a line: keeps it, drops it, or puts a marker's stand-in in its place."""
    return role_memo(rules, keep_captions)[line]


@cache  # one memo per setting: pages of a site repeat their template lines
def role_memo(rules: Rules, keep_captions: bool) -> LineMemo:
    """``line_role`` by line, remembered (see :mod:`newsdedup.clean.memo`)."""
    return LineMemo(partial(_line_role, rules=rules, keep_captions=keep_captions))


def _line_role(line: str, rules: Rules, keep_captions: bool) -> str:
    if keep_captions:
        # Keeping captions only spares lines the caption rule drops, and the gallery pass reads the
        # lines the first pass has judged: any other verdict of that pass stands.
        role = role_memo(rules, False)[line]
        if role is not _DROP:
            return role
    key = phrase_key(line)
    if starts_comments(line, key, rules):
        return _COMMENTS
    if is_more_headlines(line, key, rules):  # the rest of is_tail_marker: not the comments
        return _TAIL
    # the line's role is cached: its reason need not be cached as well
    return _KEEP if boilerplate_reason.__wrapped__(line, rules, keep_captions) is None else _DROP


def _stand_in(position: int, role: str, rules: Rules, keep_captions: bool) -> str | None:
    """A marker's unique stand-in line; a comments stand-in passes the line filter like any line."""
    if role is _TAIL:
        return f"{_TAIL_MARK}{position}"
    stand_in = f"{_COMMENTS_MARK}{position}"
    return stand_in if boilerplate_reason(stand_in, rules, keep_captions) is None else None


def _stand_in_headlines(lines: list[str], title: str) -> list[str]:
    """Put a unique stand-in wherever the headline stands; ``_mark_headline`` picks the one above the body."""
    if not title:
        return lines
    title_key = phrase_key(title)
    return [
        f"{_HEADLINE_CANDIDATE}{i}"
        if not line.startswith(_MARK) and headline_key_match(phrase_key(line), title_key, line)
        else line
        for i, line in enumerate(lines)
    ]


def _mark_headline(lines: list[str]) -> list[str]:
    """Keep one headline stand-in: the one with the most running text right below it (the H1 above
    the body, not the same headline in a teaser list), the last one on a tie."""
    places = [i for i, line in enumerate(lines) if line.startswith(_HEADLINE_CANDIDATE)]
    if not places:
        return lines
    best = max(places, key=lambda i: (_text_below(lines, i), i))
    return [
        _HEADLINE_MARK if i == best else line
        for i, line in enumerate(lines)
        if i == best or not line.startswith(_HEADLINE_CANDIDATE)
    ]


def _text_below(lines: list[str], place: int) -> float:
    below = lines[place + 1 : place + 1 + HEADLINE_REACH]
    scores = score_memo(frozenset())
    return sum(max(0.0, scores[line]) for line in below if not line.startswith(_MARK))


def find_title(lines: list[str], rules: Rules) -> str:
    """The first headline-like line near the top, without a " | Site" suffix.

    Below a paragraph of running text, a line that ends with a full stop is more of it, not a
    headline: text without a headline (a record's body) would otherwise lose a paragraph to the title.
    """
    below_text = False
    top = lines[:TITLE_SEARCH_LINES]
    for i, line in enumerate(top):
        if _may_be_headline(line, below_text, rules):
            below = lines[i + 1 : i + 3]
            # a site's name or a section's above the headline ("THE METRO HERALD", "Breaking News")
            if _names_site_or_section(line, below) and _may_be_headline(below[0], below_text, rules):
                line = below[0]
            return strip_site_suffix(line)
        # the rules are asked last: of a candidate, and of a long sentence until one is running text
        below_text = below_text or (
            is_prose(line) and ends_sentence(line) and boilerplate_reason(line, rules) is None
        )
    return ""


def _names_site_or_section(line: str, below: list[str]) -> bool:
    """A name of fewer than ``HEADLINE_WORDS`` words, each capitalised, right above a longer headline: one
    that no full stop, comma or colon ends, and that the next line does not carry on in lower case (a
    short headline's standfirst, or hard-wrapped text)."""
    if len(below) < 1 or not word_count(line) < HEADLINE_WORDS <= word_count(below[0]):
        return False
    headline, after = below[0], below[1] if len(below) > 1 else ""
    return (
        all(not word[:1].islower() for word in line.split())
        and not ends_with_full_stop(headline)
        and not headline.endswith((",", ";", ":", "："))
        and not after[:1].islower()
    )


def _may_be_headline(line: str, below_text: bool, rules: Rules) -> bool:
    words = word_count(line)
    # a lone token (a site name in any script) is not a headline
    return (
        2 <= words <= 30
        and (" " in line or words >= 4)
        and not (below_text and ends_with_full_stop(line))
        and not _CJK_SENTENCE_END.search(line)  # a headline in Chinese or Japanese never ends so
        and boilerplate_reason(line, rules) is None
    )


def line_score(line: str, stopwords: frozenset[str]) -> float:
    """Positive for running text, negative for labels, links and headlines."""
    return score_memo(stopwords)[line]


@cache  # one memo per stoplist (and the empty one: the body is scored before its language is known)
def score_memo(stopwords: frozenset[str]) -> LineMemo:
    """``line_score`` by line, remembered (see :mod:`newsdedup.clean.memo`)."""
    return LineMemo(partial(_line_score, stopwords=stopwords))


def _line_score(line: str, stopwords: frozenset[str]) -> float:
    words = word_count(line)
    density = _stopword_density(line, stopwords)
    # a sentence of figures (prayer times, prices by weight) has few stopwords and is still content
    readable = not stopwords or density >= MIN_STOPWORD_DENSITY or _figure_share(line) >= FIGURE_SHARE
    if is_prose(line) and readable and (ends_sentence(line) or words >= RUNNING_TEXT_WORDS):
        return float(words)
    if ends_sentence(line) and words >= 4 and readable:
        return words / 2
    return -float(max(3, min(words, 12)))


def _figure_share(line: str) -> float:
    if native.speedups is not None:
        with_digit, words = native.speedups.digit_words(line)
        return with_digit / words if words else 0.0
    tokens = line.split()
    return sum(any(c.isdigit() for c in token) for token in tokens) / len(tokens) if tokens else 0.0


def _stopword_density(line: str, stopwords: frozenset[str]) -> float:
    if not stopwords:
        return 0.0
    lowered = _composed(line.lower())
    if native.speedups is not None:
        hits, words = native.speedups.stopword_hits(lowered, _stopword_table(stopwords), True)
        return hits / words if words else 0.0
    tokens = letter_words(lowered)
    return sum(map(stopwords.__contains__, tokens)) / len(tokens) if tokens else 0.0


def _composed(text: str) -> str:
    """NFC, as the stoplists are written: a page written decomposed (NFD Vietnamese) finds its stopwords."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def letter_words(text: str) -> list[str]:
    """The words of ``text``: runs of letters, with the combining marks among them (the vowel signs of a
    Hindi word, which ``[^\\W\\d_]+`` would cut it at), digits and punctuation left out."""
    if not any(map(is_mark, _MAYBE_MARK.findall(text))):
        return _WORD.findall(text)
    words, word = [], ""
    for char in text:
        if (char.isalnum() and not char.isdecimal()) or is_mark(char):
            word += char
        elif word:
            words.append(word)
            word = ""
    return words + [word] if word else words


@cache  # one per stoplist
def _stopword_table(stopwords: frozenset[str]) -> object:
    return native.speedups.stopword_table(stopwords)  # type: ignore[union-attr]  # called only when built


def densest_block(lines: list[str], stopwords: frozenset[str], rules: Rules) -> list[str]:
    """The maximum-sum span of line scores, ended by a tail marker inside it, without its link lists."""
    return _densest_block(lines, stopwords, rules)[0]


def _densest_block(
    lines: list[str], stopwords: frozenset[str], rules: Rules, from_headline: bool = False
) -> tuple[list[str], bool]:
    """``densest_block`` and whether it holds the first running text below the headline.

    ``from_headline``: the span must start there (when the page has a headline with text below it).
    """
    memo = score_memo(stopwords)
    scores, first_below = _after_headline_bonus(
        lines, _lists_credited(lines, [memo[line] for line in lines], rules)
    )
    weighted = _separators_weighted(scores)
    if from_headline and first_below is not None:
        start, end = first_below, _best_end(weighted, first_below)
    else:
        start, end = _max_sum_span(weighted)
    for i in range(start, end):
        if lines[i].startswith(_COMMENTS_MARK) or (
            lines[i].startswith(_TAIL_MARK) and _ends_article(scores[start:i], scores[i:end])
        ):
            end = i
            break
    anchored = first_below is not None and start <= first_below < end
    return _without_link_lists(lines, scores, start, end), anchored


def _lists_credited(lines: list[str], scores: list[float], rules: Rules) -> list[float]:
    """Give a list inside the article a small positive score: the short lines after a sentence that
    introduces them (``is_lead_in``), with running text before it and a paragraph after them. Scored
    as labels, the list and all the article after it were lost (the run of short lines read as a
    boundary)."""
    credited = scores
    for lead in range(1, len(lines) - 1):
        if (
            scores[lead] > 0
            or scores[lead - 1] <= 0
            or not is_lead_in(lines[lead], rules)
            or lines[lead].startswith(_MARK)
        ):
            continue  # the sentence stands in running text, right after a paragraph
        end = lead + 1
        while end < len(lines) and end - lead <= LIST_ITEMS and _is_list_item(lines[end], scores[end]):
            end += 1
        if end > lead + 1 and end < len(lines) and scores[end] >= LIST_RESUME_SCORE:
            credited = credited if credited is not scores else list(scores)
            for i in range(lead, end):
                credited[i] = LIST_CREDIT
    return credited


def _is_list_item(line: str, score: float) -> bool:
    return score <= 0 and not line.startswith(_MARK) and word_count(line) <= LIST_ITEM_WORDS


def _without_link_lists(lines: list[str], scores: list[float], start: int, end: int) -> list[str]:
    kept = []
    i = start
    while i < end:
        if scores[i] > 0:
            kept.append(lines[i])
            i += 1
            continue
        j = i
        while j < end and scores[j] <= 0:
            j += 1
        if j - i < LIST_RUN:
            kept.extend(line for line in lines[i:j] if not line.startswith(_MARK))
        i = j
    return kept


def _after_headline_bonus(lines: list[str], scores: list[float]) -> tuple[list[float], int | None]:
    """Credit the first running text right below the headline (an article starts there); its position."""
    if _HEADLINE_MARK not in lines:
        return scores, None
    mark = lines.index(_HEADLINE_MARK)
    for i in range(mark + 1, min(len(lines), mark + 1 + HEADLINE_REACH)):
        if scores[i] > 0:
            scores = list(scores)
            scores[i] += HEADLINE_BONUS
            return scores, i
    return scores, None


def _separators_weighted(scores: list[float]) -> list[float]:
    """Weigh runs of label lines (menus, share bars, link lists) as the block boundaries they are."""
    weighted = list(scores)
    i = 0
    while i < len(scores):
        j = i
        while j < len(scores) and scores[j] <= 0:
            j += 1
        if j - i >= LIST_RUN:
            for k in range(i, j):
                weighted[k] = scores[k] * SEPARATOR_WEIGHT
        i = max(j, i + 1)
    return weighted


def _ends_article(before: list[float], after: list[float]) -> bool:
    """A marker ends the article unless much of the body still follows it (an in-body "Related" box)."""
    text_after = sum(score for score in after if score > 0)
    return text_after < IN_BODY_BOX_SHARE * sum(score for score in before if score > 0)


def _best_end(scores: list[float], start: int) -> int:
    """The end of the span from ``start`` with the largest sum."""
    best, best_end, total = 0.0, start, 0.0
    for i in range(start, len(scores)):
        total += scores[i]
        if total > best:
            best, best_end = total, i + 1
    return best_end


def _max_sum_span(scores: list[float]) -> tuple[int, int]:
    """Kadane: the half-open span [start, end) with the largest sum (empty if all negative)."""
    best, best_span = 0.0, (0, 0)
    total, start = 0.0, 0
    for i, score in enumerate(scores):
        if total <= 0:
            total, start = 0.0, i
        total += score
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span
