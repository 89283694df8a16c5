"""The small types that flow through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field

HTML = "html"
TEXT = "text"


@dataclass
class Document:
    """One article on its way through the stages.

    ``raw`` holds the decoded input until the clean stage has used it; the clean
    stage drops it so a long stream does not keep every page in memory.
    """

    id: str
    path: str | None = None
    raw: str | None = None
    kind: str = TEXT
    title: str = ""
    text: str = ""
    url: str | None = None
    date: str | None = None
    site: str | None = None
    language: str | None = None
    meta: dict = field(default_factory=dict)

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


@dataclass
class Member:
    """A document's place in its cluster."""

    document: Document
    similarity: float  # containment of the smaller text in the larger, against the canonical


@dataclass
class Cluster:
    """Documents that carry the same story, and the one chosen to stand for them."""

    id: int
    canonical: Document
    members: list[Member]

    @property
    def size(self) -> int:
        return len(self.members)
