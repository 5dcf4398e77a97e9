"""Browser tests: Debian's Chromium driven by Playwright, every page checked by axe."""

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connections
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Response,
    sync_playwright,
)

from accounts.demo import demo_data_load

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make there (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# WCAG 2.1 A and AA.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser(django_db_setup) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    with sync_playwright() as playwright:
        # Playwright's event loop now counts as running in this thread, so Django
        # hands the tests a context-local connection. Give it the database state
        # saved after migrations, which `serialized_rollback` restores after a flush.
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh browser tab; fails the test on any CSP violation or script error."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        viewport={"width": 1280, "height": 800},
        # Bootstrap then shows states without transitions: axe checks the colours a
        # button ends with, not one caught half-way (a focused button after an error).
        reduced_motion="reduce",
    )
    page = context.new_page()
    problems: list[str] = []
    # Pages that answer 4xx by design (404, 403, a lock) are documents the tests
    # check themselves; Chromium reports each as a console error too.
    documents: set[str] = set()

    def on_response(response: Response) -> None:
        if response.request.resource_type == "document":
            documents.add(response.url)

    # A test that has the server refuse a script's request on purpose (a passkey
    # that does not pass, say) names its path here.
    refusals: set[str] = set()
    page.refusals_expected = refusals  # type: ignore[attr-defined]

    def on_console(message: ConsoleMessage) -> None:
        url = message.location.get("url")
        if message.text.startswith("Failed to load resource") and (
            url in documents or urlsplit(url or "").path in refusals
        ):
            return
        if message.type == "error":
            problems.append(f"{message.text} ({url})")

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    assert problems == [], "the browser reported errors"


@pytest.fixture
def demo_users(transactional_db):
    return demo_data_load()


def check_page(page: Page, name: str, *, preload_css: bool = True) -> None:
    """Assert zero WCAG 2.1 AA violations and keep a screenshot of the page.

    ``preload_css=False`` for a page whose stylesheet has an ``@import`` (Django
    admin's forms.css): axe copies such a sheet into an inline style to read it,
    which the CSP blocks, and the browser reports that as an error of the page.
    Only the rule on orientation lock (CSS-only) is then left unchecked.
    """
    options = AXE_OPTIONS if preload_css else {**AXE_OPTIONS, "preload": False}
    results = Axe().run(page, options=options)
    assert results.violations_count == 0, results.generate_report()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
