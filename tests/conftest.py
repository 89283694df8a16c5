"""Shared fixtures. ``shared_path`` is the one way tests reach ../shared (skips when it is absent)."""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.browser import browser, chromium  # noqa: F401  (fixtures for the browser tests)
from tests.dask_cluster import dask_engine, dask_scheduler  # noqa: F401  (fixtures for the Dask tests)
from tests.redis_server import redis_server_url, redis_url  # noqa: F401  (fixtures for the Redis tests)

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_docs"


@pytest.fixture(scope="session", autouse=True)
def cache_dir():
    """The run's own cache directory (the language model's unpacked tables), inherited by every process
    a test starts: tests never write to the user's cache, and start from an empty one."""
    directory = tempfile.mkdtemp(prefix="newsdedup-test-cache-")
    previous = os.environ.get("NEWSDEDUP_CACHE_DIR")
    os.environ["NEWSDEDUP_CACHE_DIR"] = directory
    yield Path(directory)
    if previous is None:
        del os.environ["NEWSDEDUP_CACHE_DIR"]
    else:
        os.environ["NEWSDEDUP_CACHE_DIR"] = previous
    shutil.rmtree(directory, ignore_errors=True)


def shared_path(*parts: str) -> Path:
    """A path inside the read-only development data; the calling test is skipped when it is missing."""
    root = Path(os.environ.get("NEWSDEDUP_SHARED", REPO.parent / "shared"))
    path = root.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"development data not available: {path}")
    return path


@pytest.fixture
def samples() -> Path:
    return SAMPLES


_FUNCTION_WORDS = "the a of to and in that for on with as by at from said would will".split()


def article(topic: str, sentences: int = 12, start: int = 0) -> str:
    """A deterministic English-like article about ``topic``: its own content words, shared function words.

    Sentence ``i`` is the same for a topic whatever ``start`` is, so ``article(t, 6, start=6)``
    continues ``article(t, 6)``. Two paragraphs' worth of sentences per paragraph pair.
    """
    sentences_out = []
    for i in range(start, start + sentences):
        rng = random.Random(f"{topic}:{i}")
        words = []
        for _ in range(rng.randint(14, 24)):
            if rng.random() < 0.35:
                words.append(rng.choice(_FUNCTION_WORDS))
            else:
                words.append(
                    topic[:3] + "".join(rng.choice("aeioubdklmnprst") for _ in range(rng.randint(3, 8)))
                )
        sentences_out.append(" ".join(words).capitalize() + ".")
    paragraphs = [" ".join(sentences_out[i : i + 2]) for i in range(0, len(sentences_out), 2)]
    return "\n\n".join(paragraphs)


def slow_page() -> str:
    """A plain-text page that takes seconds to clean (about 3 s here): for the time-limit tests."""
    words = "the minister said that the new harbour would be finished by the end of the year".split()
    return "\n".join(" ".join(words[i % 7 : i % 7 + 3 + i % 9]) + f" {i}." for i in range(150_000))


def photo_captions(count: int) -> list[str]:
    """``count`` distinct photo captions, each ending with a wire credit."""
    sentences = article("harbour", count).replace("\n\n", " ").split(". ")
    return [f"{sentence.rstrip('.')}. (Reuters/Jane Doe)" for sentence in sentences]


def warc_of_pages(count: int, gzip: bool = False) -> bytes:
    """A WARC archive (uncompressed, or gzipped per record) of ``count`` HTML responses, ``http://x.example/N``."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    for i in range(count):
        body = (
            f"<html><body><article><p>Page {i}: {'words of the page ' * 40}end.</p></article></body></html>"
        )
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                f"http://x.example/{i}", "response", payload=io.BytesIO(body.encode()), http_headers=headers
            )
        )
    return buffer.getvalue()
