"""Headlines without the site name that a page's ``<title>`` wraps them in.

A ``<title>`` is often "Headline - Kompas.com", "Headline | Republika Online" or
"KapanLagi.com: Headline". When the site is known (its name, its address), the
part before or after a separator that names it goes; a part that names
something else ("Opinion | ...", "... | Editorial") stays. Plain text knows no
site: there a short last part goes only when the headline is long enough to
stand alone (:func:`strip_site_suffix`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .lines import word_count

# a separator between headline and site name: a bar, dash or similar with spaces around it, or a
# colon after a leading site name ("KapanLagi.com: Headline")
_SEPARATOR = re.compile(r"\s+[|–—\-·»:]{1,2}\s+|(?<=\w):\s+")
_SITE_SUFFIX = re.compile(r"^(?P<title>.+?)\s+[|–—-]\s+(?P<site>[^|–—]+)$")
_NOT_WORD = re.compile(r"[\W_]+")
MIN_KEY = (
    4  # characters of a site key that may stand for a longer name ("Inexhibit" for "Inexhibit magazine")
)
MIN_HEADLINE = 8  # characters of a headline left after stripping, at least
# labels of a host that name a registry, not a site: "kompas" is the site of regional.kompas.com,
# "republika" of nasional.republika.co.id
_REGISTRY_LABELS = frozenset("com co net org gov go ac edu or web sch info biz".split())


def strip_site_name(title: str, site: str | None = None, url: str | None = None) -> str:
    """``title`` without a leading or trailing part that names the site (its name or its host)."""
    keys = site_keys(site, url)
    if not keys:
        return title
    cuts = list(_SEPARATOR.finditer(title))
    # the longest part that names the site: a site name may hold a separator itself
    for match in cuts:
        rest = title[: match.start()]
        if _names_site(title[match.end() :], keys) and _enough(rest):
            return rest.strip()
    for match in reversed(cuts):
        rest = title[match.end() :]
        if _names_site(title[: match.start()], keys) and _enough(rest):
            return rest.strip()
    return title


def strip_site_suffix(title: str) -> str:
    """A title of plain text without a short " | Site" suffix (the site is not known)."""
    match = _SITE_SUFFIX.match(title)
    if match and word_count(match["site"]) <= 4 and word_count(match["title"]) >= 3:
        return match["title"].strip()
    return title


def url_host(url: str | None) -> str | None:
    """The host of an address; None without one, or when the address is broken (``https://[news``)."""
    try:
        return urlsplit(url).hostname if url else None
    except ValueError:
        return None


def site_keys(site: str | None, url: str | None) -> frozenset[str]:
    """The site's name and the distinctive label of its host, letters and digits only, lower case."""
    keys = {_key(site or "")}
    host = url_host(url)
    if host:
        labels = host.split(".")[:-1]  # the top-level domain names no site
        while labels and labels[-1] in _REGISTRY_LABELS:
            labels.pop()
        if labels:
            keys.add(_key(labels[-1]))
    return frozenset(key for key in keys if key)


def _names_site(part: str, keys: frozenset[str]) -> bool:
    """``part`` is a site name: one of ``keys``, one of them with a section added ("Kompas.com Regional"),
    or a long enough start of one ("Inexhibit" for "Inexhibit magazine")."""
    part = _key(part)
    if not part:
        return False
    for key in keys:
        if part == key:
            return True
        if len(key) >= MIN_KEY and part.startswith(key) and len(part) <= 2 * len(key):
            return True
        if len(part) >= MIN_KEY and key.startswith(part) and 2 * len(part) >= len(key):
            return True
    return False


def _enough(headline: str) -> bool:
    return len(_key(headline)) >= MIN_HEADLINE


def _key(text: str) -> str:
    return _NOT_WORD.sub("", text.casefold())
