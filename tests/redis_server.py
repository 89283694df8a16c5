"""Redis for the tests: a real redis-server on 127.0.0.1, started by ``scripts/redis-test-server``.

``NEWSDEDUP_TEST_REDIS=redis://...`` uses that server instead (its database is
flushed before each test: give a throwaway one). Without a server the Redis
tests are skipped, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import redis

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "redis-test-server"


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def server_unavailable(reason: str):
    """Fail under CI (the Redis tests must run there), skip elsewhere."""
    if on_ci():
        pytest.fail(f"Redis tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(f"no Redis server for the Redis tests: {reason}")


def start_server(*options: str) -> str:
    """Start a server with the script; its URL."""
    try:
        result = subprocess.run(
            ["bash", str(SCRIPT), "start", *options], capture_output=True, text=True, timeout=600, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        server_unavailable(f"{SCRIPT.name} did not run: {error}")
    if result.returncode != 0:
        server_unavailable(
            result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "start failed"
        )
    return result.stdout.strip()


def stop_server(url: str, *, keep_data: bool = False) -> None:
    subprocess.run(
        ["bash", str(SCRIPT), "stop", url, *(["--keep-data"] if keep_data else [])],
        capture_output=True,
        timeout=60,
        check=True,
    )


@pytest.fixture(scope="session")
def redis_server_url():
    given = os.environ.get("NEWSDEDUP_TEST_REDIS")
    if given:
        yield given
        return
    url = start_server()
    try:
        yield url
    finally:
        stop_server(url)


@pytest.fixture
def redis_url(redis_server_url):
    """The test server's URL, its database emptied."""
    client = redis.Redis.from_url(redis_server_url)
    try:
        client.flushdb()
    except redis.RedisError as error:
        server_unavailable(f"{redis_server_url} does not answer: {error}")
    finally:
        client.close()
    return redis_server_url
