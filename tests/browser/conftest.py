"""Headless Chromium from Debian's `chromium` package, driven by Playwright for Python (its own
browser download is not reachable here). Where the browser or Playwright is missing the tests
are skipped with the reason, except under CI=true, where they fail with it: a CI run must not
pass without having looked at the page."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SCREENSHOTS = "ORDERBOT_SCREENSHOTS"  # a folder: the tests save their screenshots there


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (.ci/run installs it: apt-get install chromium)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        _unavailable("no `chromium` executable on PATH: the browser tests need Debian's chromium")
    return str(path)


# Module-scoped: Playwright's sync API runs an event loop in this thread while it is open,
# and the tests after these (asyncio.run in the CLI's tests) need the thread without one.
@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path)
        yield chromium
        chromium.close()


@pytest.fixture
def screenshot_folder() -> Path | None:
    folder = os.environ.get(SCREENSHOTS)
    return Path(folder) if folder else None
