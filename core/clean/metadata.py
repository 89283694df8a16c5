"""A page's title, date, address and site name, read from its parsed tree.

trafilatura's ``with_metadata`` also looks for authors, categories, tags and a
licence, which newsdedup does not use and which cost about a third of the
extraction time on news pages. Here only the four fields are looked up, with
trafilatura's own finders (meta tags, JSON-LD, then the page itself) and
htmldate, as trafilatura configures it, for the publication date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from .titles import strip_site_name, url_host

_HANDLE = re.compile(r"^@+")
_LINKED_URL = ('.//head//link[@rel="canonical"]', './/head//link[@rel="alternate"][@hreflang="x-default"]')
# "© 2024", "Copyright (c) 2010-2024 ...": the last year of a copyright line
_COPYRIGHT_YEAR = re.compile(r"(?:©|\(c\)|copyright)\D{0,99}?(?:\d{4}\s*[-–]\s*)?(\d{4})\b", re.IGNORECASE)


@dataclass(frozen=True)
class PageMetadata:
    title: str
    date: str | None
    url: str | None
    site: str | None


def page_metadata(tree, url: str | None = None) -> PageMetadata:
    """The metadata of a parsed page; ``url`` is where it was fetched from, if known."""
    from htmldate import find_date
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_sitename, extract_title
    from trafilatura.settings import set_date_params

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
        date=_publication_date(tree, page_url, find_date, set_date_params(True)),
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


def _publication_date(tree, url: str | None, find_date, params: dict) -> str | None:
    """htmldate's date, unless it is the year of a copyright line given as 1 January: its search of the
    page's text ends with that year ("© 2024", on every page of a site), which is no publication date.
    A 1 January that the markup or the address states is kept, and one in the text of a page whose
    copyright line names another year (or that has none)."""
    date = find_date(tree, url=url, **params)
    if (
        date
        and date.endswith("-01-01")
        and date[:4] in _COPYRIGHT_YEAR.findall(" ".join(tree.itertext()))
        and find_date(tree, url=url, **{**params, "extensive_search": False}) != date
    ):
        return None
    return date


def _host(url: str | None) -> str | None:
    """The host of an address, without a leading ``www.``."""
    host = url_host(url)
    return host.removeprefix("www.") if host else None
