"""Playwright driving Debian's chromium, headless, with no network beyond localhost.

The browser comes from the system package (installed by scripts/bootstrap.sh); Playwright never downloads one.
Tests here use pytest-django's `live_server` (a real HTTP server on a free localhost port). On the SQLite pass
they save screenshots of the main pages into docs/screenshots/ (the `shoot` fixture), which the README shows.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("DOUDI_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"chromium not found at {CHROMIUM}: run scripts/bootstrap.sh (installs Debian's chromium)"
        )
    # The live server runs in this process; Playwright's sync API needs no running event loop here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


# Screenshots of the main pages -----------------------------------------------------------------------------------

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MAX_HEIGHT = 2_000  # pixels


def screenshots_wanted() -> bool:
    """Only the SQLite pass writes docs/screenshots/ (the PostgreSQL pass would show the same pages again);
    DOUDI_SCREENSHOTS=0 turns it off, DOUDI_SCREENSHOTS=1 forces it on any database."""
    wanted = os.environ.get("DOUDI_SCREENSHOTS", "")
    if wanted in ("0", "1"):
        return wanted == "1"
    return bool(settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"))


Shoot = Callable[[Page, str], None]


@pytest.fixture
def shoot() -> Shoot:
    """shoot(page, "dashboard") saves docs/screenshots/dashboard.png (the page, at most MAX_HEIGHT pixels high)
    on the SQLite pass."""

    def save(page: Page, name: str) -> None:
        if not screenshots_wanted():
            return
        page.wait_for_load_state("networkidle")
        if page.locator("div.chart").count():
            # Not an assertion: let ECharts finish drawing its bars before the picture.
            page.wait_for_timeout(700)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # The whole page, cut at MAX_HEIGHT: a long list's first screens show it, and the files stay small.
        height = min(int(page.evaluate("document.documentElement.scrollHeight")), MAX_HEIGHT)
        width = page.viewport_size["width"] if page.viewport_size else 1280
        clip = {"x": 0, "y": 0, "width": width, "height": height}
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, clip=clip)  # type: ignore[arg-type]

    return save
