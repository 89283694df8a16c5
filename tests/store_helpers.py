"""Documents and settings for the index tests, shared with the worker processes they start."""

from __future__ import annotations

import zlib

import numpy as np

from newsdedup.document import Document, content_digest
from newsdedup.fingerprint import Fingerprint, fingerprint, signature
from newsdedup.settings import DedupSettings
from tests.conftest import article

SETTINGS = DedupSettings()


def random_fingerprint(seed: str, shingles: int = 500) -> Fingerprint:
    """About ``shingles`` random shingle hashes (a deterministic function of ``seed``) and their signature."""
    rng = np.random.default_rng(zlib.crc32(seed.encode()))
    values = np.unique(rng.integers(0, 2**32, shingles, dtype=np.uint64)).astype(np.uint32)
    return Fingerprint(values, signature(values, SETTINGS.num_perm))


def batch_document(batch: str, number: int, shingles: int = 500) -> tuple[Document, Fingerprint]:
    """Document ``number`` of a named batch, with a random fingerprint (fast to make, unlike a text)."""
    doc_id = f"{batch}/{number:05d}.html"
    document = Document(id=doc_id, path=doc_id, title=f"{batch} headline {number}", text=f"text of {doc_id}")
    return document, random_fingerprint(doc_id, shingles)


def text_document(
    doc_id: str, topic: str, sentences: int = 12, start: int = 0
) -> tuple[Document, Fingerprint]:
    """A document with a real text (``article``), so that overlapping ones are near-duplicates."""
    text = article(topic, sentences, start)
    document = Document(
        id=doc_id,
        path=f"crawl/{doc_id}.html",
        title=f"{topic} {doc_id}",
        text=text,
        url=f"https://news.example/{doc_id}",
        date="2024-05-17",
        language="en",
    )
    return document, fingerprint(text, SETTINGS.shingle_size, SETTINGS.num_perm)


def minhash(signature: np.ndarray, num_perm: int = 128):
    """A datasketch LeanMinHash holding ``signature`` (the reference the project is compatible with)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=SETTINGS.seed, hashvalues=signature, scheme="affine32")


class ReferenceLSH:
    """datasketch's in-memory MinHashLSH, to check newsdedup's own candidate search against."""

    def __init__(self, num_perm: int, bands: int):
        from datasketch import MinHashLSH

        self.num_perm = num_perm
        self._lsh = MinHashLSH(num_perm=num_perm, params=(bands, num_perm // bands))

    def query(self, signature: np.ndarray) -> list:
        return self._lsh.query(minhash(signature, self.num_perm))

    def add(self, key, signature: np.ndarray) -> list:
        """Insert ``key``; the keys indexed before that share a band with it."""
        found = self.query(signature)
        self._lsh.insert(key, minhash(signature, self.num_perm), check_duplication=False)
        return found


def indexed_ids(store, ids) -> dict[str, int]:
    """The store keys of documents made by :func:`batch_document`, by id (their content is known)."""
    found = store.lookup((doc_id, content_digest(f"text of {doc_id}")) for doc_id in ids)
    return {doc_id: key for (doc_id, _), key in found.items()}
