"""The documents of a run as they are gathered, for the stages that need all of them.

Positions in a batch are the indices every later stage speaks in: candidate
pairs, verified edges and cluster groups. Texts and shingles wait in a spool
file (see :mod:`newsdedup.spool`), signatures in one matrix.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

import numpy as np

from .document import Document
from .fingerprint import Fingerprint
from .spool import SpooledFingerprints, TextSpool


class Batch:
    """Documents by position, with their ids (``keys``, for ties) and fingerprints."""

    def __init__(self, num_perm: int):
        self.docs: list[Document] = []
        self.keys: list[str] = []
        self.prints = SpooledFingerprints(num_perm)
        self._texts = TextSpool()

    def __len__(self) -> int:
        return len(self.docs)

    def add(self, doc: Document, print_: Fingerprint) -> int:
        """Take in one document; its position."""
        if doc.text:
            doc.text = self._texts.store(doc.text)
        self.prints.append(print_)
        self.docs.append(doc)
        self.keys.append(doc.id)
        return len(self.docs) - 1

    def replace(self, position: int, text: str, print_: Fingerprint) -> None:
        """A document's text and fingerprint, changed (its site's template stripped)."""
        self.docs[position].text = self._texts.store(text)
        self.prints.replace(position, print_)

    def gather(self, printed: Iterable[tuple[Document, Fingerprint]], chunk_size: int) -> Iterator[range]:
        """Take in the stream, ``chunk_size`` documents at a time; after each chunk, its positions."""
        stream = iter(printed)
        while chunk := list(islice(stream, chunk_size)):
            first = len(self.docs)
            for doc, print_ in chunk:
                self.add(doc, print_)
            yield range(first, len(self.docs))

    def signatures(self) -> np.ndarray:
        """The signatures of every position so far, one row each."""
        return self.prints.signatures
