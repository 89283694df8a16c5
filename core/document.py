"""The small types that flow through the pipeline."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

HTML = "html"
TEXT = "text"


class _Text:
    """The ``text`` field: a string, or a :class:`~newsdedup.spool.SpooledText` read back on each access."""

    def __set_name__(self, owner, name):
        self.attribute = f"_{name}"

    def __get__(self, doc, owner=None) -> str:
        if doc is None:
            return ""  # the field's default, as dataclasses ask for it
        value = doc.__dict__[self.attribute]
        return value if isinstance(value, str) else value.read()

    def __set__(self, doc, value) -> None:
        doc.__dict__[self.attribute] = value


@dataclass
class Document:
    """One article on its way through the stages.

    ``raw`` holds the decoded input until the clean stage has used it; the clean
    stage drops it so a long stream does not keep every page in memory. For the
    same reason a big batch keeps ``text`` in a spool file while it is clustered
    (see :mod:`newsdedup.spool`); reading the attribute always gives the string.
    ``digest`` identifies the input's content (see :func:`content_digest`): a
    persistent index knows a document by its id *and* its content.
    """

    id: str
    path: str | None = None
    raw: str | None = None
    kind: str = TEXT
    title: str = ""
    text: str = _Text()  # type: ignore[assignment]  # a str to every reader
    url: str | None = None
    date: str | None = None
    site: str | None = None
    language: str | None = None
    digest: str | None = None
    template: str | None = None  # the site template the page was made with (see newsdedup.templates)
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.digest is None and self.raw is not None:
            self.digest = content_digest(self.raw)

    @property
    def source(self) -> str:
        """How a failure names the document: its id, and the file it came from when that holds many
        (``crawl.warc#<urn:uuid:...>``, ``feed.jsonl#42``), so that it can be found and retried."""
        return self.id if self.path is None or self.path == self.id else f"{self.path}#{self.id}"

    def content_key(self) -> tuple[str, str]:
        """``(id, digest)``: what a persistent index knows the document by (the text's digest if none)."""
        return self.id, self.digest or content_digest(self.text)

    def summary(self) -> dict:
        """The fields every output record shares."""
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "url": self.url,
            "date": self.date,
            "language": self.language,
        }


def content_digest(text: str) -> str:
    """A short hash of a document's content, as read."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


@dataclass
class Member:
    """A document's place in its cluster."""

    document: Document
    similarity: float  # containment of the smaller text in the larger, against the canonical
    too_short: bool = False  # too few shingles to be judged as a near-duplicate (see verify.too_short)


@dataclass
class Cluster:
    """Documents that carry the same story, and the one chosen to stand for them."""

    id: int
    canonical: Document
    members: list[Member]
    indexed_size: int | None = None  # with a persistent index: members it holds, earlier runs' included

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def duplicates(self) -> int:
        """Members that repeat a story already told: all but the first, or all of them when an earlier
        run indexed the story (with a persistent index; members read again, ``seen``, do not count)."""
        statuses = [m.document.meta.get("status", "new") for m in self.members]
        fresh = sum(status != "seen" for status in statuses)
        return fresh if "duplicate" in statuses else max(0, fresh - 1)
