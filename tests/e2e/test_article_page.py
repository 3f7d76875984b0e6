"""The seed article in a real browser (Debian's chromium): what a reader actually sees."""

import json
from pathlib import Path

import pytest

from tests.support import seed_article as seed

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def article(transactional_db, settings):
    # live_server serves /static/ from the source folders (staticfiles finders), which know
    # no hashed manifest names: use plain names so the page gets its stylesheet.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    return seed.build_seed_article()


def test_reader_sees_the_photo_credit_link_and_the_analysis_box(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())

    credit = page.get_by_role("link", name=seed.CREDIT_NAME)
    assert credit.is_visible()
    assert credit.get_attribute("href") == seed.CREDIT_URL
    assert (
        page.locator("figure.hero figcaption").inner_text().endswith(f"Photo: {seed.CREDIT_NAME}")
    )

    box = page.locator("aside.aside")
    assert box.is_visible()
    assert box.get_by_role("heading", name=seed.ANALYSIS_TITLE).is_visible()
    # A box, not just text: it is drawn apart from the body (its own background).
    body_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert box.evaluate("el => getComputedStyle(el).backgroundColor") != body_background
    assert page.get_by_role("heading", level=1).inner_text() == seed.HEADLINE


def test_the_article_page_has_no_accessibility_violations(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    violations = [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, indent=1)


def test_the_article_fits_a_phone_screen_without_sideways_scrolling(page, live_server, article):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + article.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("aside.aside").is_visible()


def test_keyboard_users_can_skip_to_the_article(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()  # shown when focused
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
