"""Documents and settings for the index tests, shared with the worker processes they start."""

from __future__ import annotations

import zlib

import numpy as np

from newsdedup.document import Document
from newsdedup.fingerprint import Fingerprint, fingerprint, signature
from tests.conftest import article

SETTINGS = {"shingle_size": 3, "num_perm": 128, "bands": 64, "seed": 1, "schema": 1}


def random_fingerprint(seed: str, shingles: int = 500) -> Fingerprint:
    """About ``shingles`` random shingle hashes (a deterministic function of ``seed``) and their signature."""
    rng = np.random.default_rng(zlib.crc32(seed.encode()))
    values = np.unique(rng.integers(0, 2**32, shingles, dtype=np.uint64)).astype(np.uint32)
    return Fingerprint(values, signature(values, SETTINGS["num_perm"]))


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
    return document, fingerprint(text, SETTINGS["shingle_size"], SETTINGS["num_perm"])
