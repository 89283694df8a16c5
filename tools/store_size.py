"""``make store-size``: bytes per document of the persistent index, and what they are spent on.

    python -m tools.store_size [--documents 2000] [--shingles 500] [--batch 500] [--location PATH|REDIS_URL]

Fills a fresh index (a temporary SQLite file unless ``--location``; a Redis
database given there is flushed first) with documents of random 32-bit
shingles (what real shingle hashes look like to a compressor) and realistic
metadata (path-like id and path, URL, headline, date, language), each looked up
for candidates and added as a pipeline would, and a 3,000-character canonical
text per cluster. Prints the index's stats and its size by part, per document.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import numpy as np

from newsdedup.document import Document
from newsdedup.fingerprint import Fingerprint, signature
from newsdedup.settings import DedupSettings
from newsdedup.store import BACKENDS, open_store

SETTINGS = DedupSettings()
TARGET = 1024  # bytes per document beyond the canonical texts


def fill(location: str, documents: int, shingles: int, batch: int) -> tuple[dict, float]:
    rng = np.random.default_rng(1)
    store = open_store(location, SETTINGS)
    began = time.perf_counter()
    for start in range(0, documents, batch):
        with store.transaction():
            for number in range(start, min(start + batch, documents)):
                values = np.unique(rng.integers(0, 2**32, shingles, dtype=np.uint64)).astype(np.uint32)
                fingerprint = Fingerprint(values, signature(values, SETTINGS.num_perm))
                site = f"site-{number % 7}"
                path = f"crawl/{site}/2024/05/article-{number:06d}.html"
                document = Document(
                    id=path,
                    path=path,
                    url=f"https://{site}.example/2024/05/a-slug-made-of-the-headline-{number:06d}",
                    title=f"A headline of the usual length for news article number {number}",
                    date="2024-05-17",
                    language="id",
                    text="x" * 3000,
                )
                store.candidates(fingerprint.signature)
                store.add_document(document, fingerprint)
    seconds = time.perf_counter() - began
    stats = store.stats()
    store.close()
    return stats, seconds


def entropy_bytes(shingles: int) -> float:
    """Bytes of information in one set of ``shingles`` random 32-bit values (log2 of C(2**32, n) / 8)."""
    return (
        (math.lgamma(2**32 + 1) - math.lgamma(shingles + 1) - math.lgamma(2**32 - shingles + 1))
        / math.log(2)
        / 8
    )


def measure(
    location: str | None = None, documents: int = 2000, shingles: int = 500, batch: int = 500
) -> dict:
    """Fill a fresh index (a temporary SQLite file unless ``location``) and return its size figures."""
    with tempfile.TemporaryDirectory() as scratch:
        location = location or str(Path(scratch) / "index.db")
        if location.partition("://")[0] in BACKENDS:  # a Redis database: emptied first
            import redis

            redis.Redis.from_url(location).flushdb()
        stats, seconds = fill(location, documents, shingles, batch)
    return {
        "backend": stats["backend"],
        "documents": stats["documents"],
        "shingles_per_document": shingles,
        "seconds": seconds,
        "bytes_per_document": stats["bytes_per_document"],
        "target_bytes_per_document": TARGET,
        "shingle_set_entropy_bytes": entropy_bytes(shingles),
        "breakdown": stats["breakdown"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--shingles", type=int, default=500)
    parser.add_argument("--batch", type=int, default=500, help="documents per batch")
    parser.add_argument("--location", help="index location (default: a temporary SQLite file)")
    args = parser.parse_args()
    figures = measure(args.location, args.documents, args.shingles, args.batch)
    count = figures["documents"]
    print(
        f"{figures['backend']}: {count} documents of ~{args.shingles} shingles in {figures['seconds']:.1f} s"
    )
    print(
        f"bytes per document, canonical texts excluded: {figures['bytes_per_document']:.0f} (target {TARGET})"
    )
    print(
        f"entropy of one random {args.shingles}-shingle set: {figures['shingle_set_entropy_bytes']:.0f} bytes"
        " (no exact encoding is smaller)"
    )
    for part, size in sorted(figures["breakdown"].items(), key=lambda item: -item[1]):
        print(f"  {part:30s} {size:>12,d} bytes {size / count:>8.0f} per document")


if __name__ == "__main__":
    main()
