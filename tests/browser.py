"""Fixtures for the browser tests: a real headless chromium (tools/browser.py).

Without a browser (none found, and none could be installed) the browser tests
are skipped, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import pytest

from tests.redis_server import on_ci
from tools.browser import Browser, NoBrowser, chromium_binary


@pytest.fixture(scope="session")
def chromium() -> str:
    try:
        return chromium_binary()
    except NoBrowser as error:
        if on_ci():
            pytest.fail(f"the browser tests cannot run under CI: {error}", pytrace=False)
        pytest.skip(f"no browser for the browser tests: {error}")


@pytest.fixture
def browser(chromium, tmp_path):
    opened = Browser(chromium, tmp_path / "chromium-profile")
    yield opened
    opened.close()
