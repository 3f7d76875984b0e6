"""Real-browser fixtures: Playwright driving Debian's chromium (never Playwright's own build).

Registered for the whole suite by tests/conftest.py, so one browser serves every test that
asks for `page` (a second sync Playwright in the same process cannot start).
"""

import os
import shutil
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
# test body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).parents[1] / "e2e" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not path:
        pytest.fail("Debian's chromium is not installed: apt-get install chromium (.ci/run does)")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request, settings):
    # live_server serves /static/ from the source folders, which know no hashed names.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    if "live_server" in request.fixturenames:
        last_beacons_landed()


def last_beacons_landed(seconds: float = 5) -> None:
    """A page that closes sends its last requests as beacons (the edit lock let go, the last
    autosave), which the live server may still be handling as the test ends. The test
    database is then flushed and its ids start again at 1, so a late beacon could deadlock
    the flush, or let go of the next test's lock on "the same" article: wait until every
    request that reached the server is done with the database."""
    from django.db import connection

    time.sleep(0.3)  # a beacon sent as the page closed reaches the server
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


def log_in(page, live_server, username: str, password: str | None = None) -> None:
    """Sign in through the admin's login form; personas' passwords are "pw-" + username."""
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or f"pw-{username}")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
