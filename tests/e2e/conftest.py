"""Real headless Chromium (Debian's) driven by Playwright against the live test server."""

import os
from pathlib import Path

import pytest

from tests.e2e.helpers import browser_page

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    yield from browser_page(browser, live_server)


@pytest.fixture
def shot(artifact_dir):
    """Full-page screenshots into `<artifacts>/screenshots/` (printed at the end of the run)."""
    folder = artifact_dir("screenshots")

    def take(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def demo(transactional_db):
    from django.core.management import call_command

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def demo_people(transactional_db):
    """Only the demo offices and logins, for journeys that make their own dossiers."""
    from offices.demo import load

    load()
