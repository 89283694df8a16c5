"""Plain-text cleaner: text scraped with its boilerplate left in.

Each line is scored like a jusText paragraph (length, stopword density, a
sentence ending); the article body is the span of lines with the highest total
score (the "densest block"), which leaves out headers, menus and footers. Inside
that span, runs of label-like lines (link lists) go, while an isolated short
line (a subheading) stays. The shared line filter runs first.
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.clean.language import detect_language, stoplist
from core.clean.lines import (
    boilerplate_reason,
    drop_headline_bullets,
    drop_repeats,
    ends_sentence,
    is_comments_start,
    is_headline,
    is_prose,
    is_tail_marker,
    split_lines,
    word_count,
)
from core.clean.rules import Rules

_WORD = re.compile(r"[^\W\d_]+")
_SITE_SUFFIX = re.compile(r"^(?P<title>.+?)\s+[|–—-]\s+(?P<site>[^|–—]+)$")
TITLE_SEARCH_LINES = 15
MIN_STOPWORD_DENSITY = 0.1
_MARK = "\x00"  # stand-in lines start with it; they are never output
_TAIL_MARK = "\x00tail-marker-"
_COMMENTS_MARK = "\x00comments-"
_HEADLINE_MARK = "\x00headline"
HEADLINE_REACH = 8  # lines below the headline where the body may start (byline, date, photo between)
HEADLINE_BONUS = 40.0  # about one long paragraph: enough to outweigh a lone footer paragraph
IN_BODY_BOX_SHARE = 0.5  # running text after a marker, relative to before it, that makes it an in-body box
LIST_RUN = 3
MIN_BODY_WORDS = 25  # less than this is no article: try again keeping photo captions
SEPARATOR_WEIGHT = 2.0  # extra cost of a run of LIST_RUN+ label lines, so blocks do not bridge it
TEASER_RUN = 3  # headline + summary pairs in a row that make a teaser list
TEASER_HEADLINE_WORDS = 4  # this many label-like lines in a row inside the body are a link list


def clean_text(raw: str, rules: Rules) -> tuple[str, list[str], str | None]:
    """Return ``(title, paragraphs, language)`` of plain text.

    A page whose only running text is photo captions is a gallery: then the
    captions are its content and are kept.
    """
    lines = split_lines(raw)
    title = find_title(lines, rules)
    paragraphs, language = _body(lines, title, rules, keep_captions=False)
    if sum(word_count(p) for p in paragraphs) < MIN_BODY_WORDS:
        paragraphs, language = _body(lines, title, rules, keep_captions=True)
    return title, paragraphs, language


def _body(lines: list[str], title: str, rules: Rules, keep_captions: bool) -> tuple[list[str], str | None]:
    # A "more headlines" marker only ends the article once the body has begun, and on a
    # whole-page scrape the body is known only after the densest block is found: until
    # then each marker stays in place as a unique stand-in line.
    lines = [_stand_in(i, line, rules) for i, line in enumerate(lines)]
    lines = [
        line
        for line in lines
        if line.startswith(_TAIL_MARK) or boilerplate_reason(line, rules, keep_captions) is None
    ]
    lines = _mark_headline(drop_headline_bullets(lines), title)
    lines = drop_repeats(lines, title)
    # The page template may be in another language than the article (an English story on an
    # Indonesian portal): find the body by shape first, then read its language from the body.
    language = detect_language("\n".join(densest_block(lines, frozenset())))
    return densest_block(lines, stoplist(language)), language


def _stand_in(position: int, line: str, rules: Rules) -> str:
    if is_comments_start(line, rules):
        return f"{_COMMENTS_MARK}{position}"
    return f"{_TAIL_MARK}{position}" if is_tail_marker(line, rules) else line


def _mark_headline(lines: list[str], title: str) -> list[str]:
    """Put a stand-in where the headline stands last (the H1 above the body): the body follows it."""
    places = [i for i, line in enumerate(lines) if not line.startswith(_MARK) and is_headline(line, title)]
    if not places:
        return lines
    marked = list(lines)
    marked[places[-1]] = _HEADLINE_MARK
    return marked


def find_title(lines: list[str], rules: Rules) -> str:
    """The first headline-like line near the top, without a " | Site" suffix."""
    for line in lines[:TITLE_SEARCH_LINES]:
        words = word_count(line)
        # a lone token (a site name in any script) is not a headline
        if 2 <= words <= 30 and (" " in line or words >= 4) and boilerplate_reason(line, rules) is None:
            return strip_site_suffix(line)
    return ""


def strip_site_suffix(title: str) -> str:
    match = _SITE_SUFFIX.match(title)
    if match and word_count(match["site"]) <= 4 and word_count(match["title"]) >= 3:
        return match["title"].strip()
    return title


@lru_cache(maxsize=1 << 16)  # the body is scored twice: before and after its language is known
def line_score(line: str, stopwords: frozenset[str]) -> float:
    """Positive for running text, negative for labels, links and headlines."""
    words = word_count(line)
    density = _stopword_density(line, stopwords)
    readable = not stopwords or density >= MIN_STOPWORD_DENSITY
    if is_prose(line) and readable and (ends_sentence(line) or words >= 20):
        return float(words)
    if ends_sentence(line) and words >= 4 and readable:
        return words / 2
    return -float(max(3, min(words, 12)))


def _stopword_density(line: str, stopwords: frozenset[str]) -> float:
    if not stopwords:
        return 0.0
    tokens = _WORD.findall(line.lower())
    return sum(map(stopwords.__contains__, tokens)) / len(tokens) if tokens else 0.0


def densest_block(lines: list[str], stopwords: frozenset[str]) -> list[str]:
    """The maximum-sum span of line scores, ended by a tail marker inside it, without its link lists."""
    scores = _after_headline_bonus(lines, [line_score(line, stopwords) for line in lines])
    start, end = _max_sum_span(_separators_weighted(scores))
    for i in range(start, end):
        if lines[i].startswith(_COMMENTS_MARK) or (
            lines[i].startswith(_TAIL_MARK) and _ends_article(scores[start:i], scores[i:end])
        ):
            end = i
            break
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


def _after_headline_bonus(lines: list[str], scores: list[float]) -> list[float]:
    """Credit the first running text right below the headline: an article starts there."""
    if _HEADLINE_MARK not in lines:
        return scores
    mark = lines.index(_HEADLINE_MARK)
    for i in range(mark + 1, min(len(lines), mark + 1 + HEADLINE_REACH)):
        if scores[i] > 0:
            scores = list(scores)
            scores[i] += HEADLINE_BONUS
            break
    return scores


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
