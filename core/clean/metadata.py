"""A page's title, date, address and site name, read from its parsed tree.

trafilatura's ``with_metadata`` also looks for authors, categories, tags and a
licence, which newsdedup does not use and which cost about a third of the
extraction time on news pages. Here only the four fields are looked up, with
trafilatura's own finders (meta tags, JSON-LD, then the page itself) and
htmldate, as trafilatura configures it, for the publication date.

htmldate's search of a page's text, when its markup states no date, takes the
first date-like words it finds: an event's date in the story ("The final was held
on 12 March 2021"), a year given as 1 January ("approved by voters in 2022", "©
2024"). So the text is searched outside the article only, for a dateline the page
prints beside it (a span under the headline), and a copyright line's year is no date.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from .lines import visible
from .titles import strip_site_name, url_host

_HANDLE = re.compile(r"^@+")
_LINKED_URL = ('.//head//link[@rel="canonical"]', './/head//link[@rel="alternate"][@hreflang="x-default"]')
# "© 2024", "Copyright (c) 2010-2024 ...": the last year of a copyright line
_COPYRIGHT_YEAR = re.compile(r"(?:©|\(c\)|copyright)\D{0,99}?(?:\d{4}\s*[-–]\s*)?(\d{4})\b", re.IGNORECASE)
# where an article's paragraphs are, to be left out of the search of a page's text for its date
_BLOCKS = ("p", "li", "blockquote", "dd", "dt", "td", "th", "pre", "figcaption", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class PageMetadata:
    title: str
    date: str | None  # as the markup, the address or a date's element states it (see publication_date)
    url: str | None
    site: str | None


def page_metadata(tree, url: str | None = None) -> PageMetadata:
    """The metadata of a parsed page; ``url`` is where it was fetched from, if known."""
    from htmldate import find_date
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_sitename, extract_title

    found = examine_meta(tree)
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # malformed JSON-LD is the page's problem: the meta tags still count
        pass
    page_url = found.url or _linked_url(tree, url)
    site = found.sitename or extract_sitename(tree)
    site = _HANDLE.sub("", site) if site else _host(page_url)
    title = " ".join((found.title or extract_title(tree) or "").split())
    return PageMetadata(
        title=strip_site_name(title, site, page_url),
        date=find_date(tree, url=page_url, **_date_params(extensive_search=False)),
        url=page_url,
        site=site,
    )


def _linked_url(tree, fetched: str | None) -> str | None:
    """The address the page's head links to as its own (its canonical link, else its x-default
    alternate), made absolute against its ``<base href>`` and the address it was fetched from; else
    that address; else its ``<base href>``, which names its site at least. (trafilatura's
    ``extract_url`` takes a relative link's host from any ``og:`` or ``twitter:`` tag, an image's CDN
    as well, drops it when there is none, and percent-encodes the blanks around an address.)"""
    base_element = tree.find(".//head//base[@href]")
    base_href = base_element.get("href").strip() if base_element is not None else ""
    base = _joined(fetched or "", base_href) or ""
    for selector in _LINKED_URL:
        element = tree.find(selector)
        href = (element.get("href") or "").strip() if element is not None else ""
        if href:
            return _absolute_url(_joined(base, href)) or fetched
    return fetched or _absolute_url(base)


def _joined(base: str, address: str) -> str | None:
    """``address`` read against ``base``; None when either is no address at all (``http://[::1``)."""
    try:
        return urljoin(base, address)
    except ValueError:
        return None


def _absolute_url(address: str | None) -> str | None:
    """``address`` normalised as trafilatura normalises a page's address, or None unless it is an
    absolute web address."""
    from courlan import normalize_url, validate_url

    if not address:
        return None
    if address.startswith("//"):  # protocol-relative: only the scheme is missing
        address = "https:" + address
    try:
        valid, parsed = validate_url(address)
        return normalize_url(parsed) if valid and parsed else None
    except ValueError:  # courlan parses some broken hosts without a guard ("https://[news]/a")
        return None


def publication_date(page: PageMetadata, tree, article: Iterable[str]) -> str | None:
    """The page's date as its markup states it, else as htmldate finds it in the page's text outside the
    ``article`` paragraphs, unless that is the year of a copyright line (given as 1 January)."""
    if page.date:
        return page.date
    from htmldate import find_date

    paragraphs = set(article)
    outside = copy.deepcopy(tree)
    for element in list(outside.iter(*_BLOCKS)):
        if (
            element.getparent() is not None
            and " ".join(visible(element.text_content()).split()) in paragraphs
        ):
            element.drop_tree()
    date = find_date(outside, url=page.url, **_date_params(extensive_search=True))
    if date and date.endswith("-01-01") and date[:4] in _COPYRIGHT_YEAR.findall(" ".join(outside.itertext())):
        return None  # the year of the site's copyright line
    return date


def _date_params(extensive_search: bool) -> dict:
    from trafilatura.settings import set_date_params

    return {**set_date_params(True), "extensive_search": extensive_search}


def _host(url: str | None) -> str | None:
    """The host of an address, without a leading ``www.``."""
    host = url_host(url)
    return host.removeprefix("www.") if host else None
