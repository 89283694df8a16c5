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
from urllib.parse import urlsplit

from .titles import strip_site_name

_HANDLE = re.compile(r"^@+")
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
    from trafilatura.metadata import (
        examine_meta,
        extract_meta_json,
        extract_sitename,
        extract_title,
        extract_url,
    )
    from trafilatura.settings import set_date_params

    found = examine_meta(tree)
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # malformed JSON-LD is the page's problem: the meta tags still count
        pass
    page_url = found.url or extract_url(tree, url)
    site = found.sitename or extract_sitename(tree)
    site = _HANDLE.sub("", site) if site else _host(page_url)
    title = " ".join((found.title or extract_title(tree) or "").split())
    return PageMetadata(
        title=strip_site_name(title, site, page_url),
        date=_publication_date(tree, page_url, find_date, set_date_params(True)),
        url=page_url,
        site=site,
    )


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
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None
