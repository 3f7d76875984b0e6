"""axe-core finds nothing on the pages readers and moderators use, on a phone and a desktop.

One live server and one set of pages per width: home, a desk, an article with a
conversation, the same article showing a comment form's errors, an author, a search and the
moderation queue. axe-core (npm, `node_modules/axe-core`) is injected by Playwright into
Debian's chromium. Screenshots of every page go to tests/e2e/artifacts/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from comments import services
from tests.articles.rich_article import build_rich_article
from tests.support import seed_article as seed
from tests.support.browser import ARTIFACTS
from tests.support.factories import CommentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; the violations, each with a few of its nodes.

    Reflow (WCAG 1.4.10) is checked here too, as axe cannot: nothing may make the reader
    scroll sideways."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        {
            "id": v["id"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:3],
        }
        for v in result["violations"]
    ]
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        violations.append({"id": "reflow", "help": f"{scroll_width}px wide in a {width}px window"})
    return violations


def sign_in(context, live_server, user) -> None:
    """Give a browser context the session of `user` (signing in is the journeys' subject)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
    )


@pytest.fixture(autouse=True)
def _plain_static_names(settings):
    """live_server serves static files through the finders, which know no hashed names."""
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


@pytest.fixture
def newsroom(transactional_db):
    article = seed.build_seed_article()
    first = CommentFactory(article=article, name="Grace Okafor", body="Open weights matter.")
    services.comment_moderate(decision="approve", comment=first, moderator=None)
    reply = CommentFactory(
        article=article,
        parent=first,
        name="Tomás Ruiz",
        body="See https://example.org/benchmarks for the numbers.",
    )
    services.comment_moderate(decision="approve", comment=reply, moderator=None)
    services.comment_pick(comment=reply, moderator=None)  # the editors' picks section too
    for n in range(3):
        CommentFactory(article=article, name=f"Held reader {n}", body=f"Held comment {n}.")
    return article


@pytest.mark.parametrize("width", WIDTHS)
def test_the_public_pages_and_the_queue_have_no_axe_violations(
    browser, live_server, newsroom, moderator, width
):
    w, h = WIDTHS[width]
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": w, "height": h})
    found = {}
    rich = build_rich_article()  # in-body photos, embeds, related coverage
    try:
        page = context.new_page()
        pages = {
            "home": "/",
            "desk": "/technology/",
            "article": newsroom.get_absolute_url(),
            "article with photos and embeds": rich.get_absolute_url(),
            "author": "/authors/mei-lin/",
            "search": "/search/?q=deepseek",
        }
        for name, path in pages.items():
            page.goto(live_server.url + path)
            found[name] = axe_violations(page)
            page.screenshot(path=str(ARTIFACTS / f"a11y-{width}-{name}.png"), full_page=True)

        # The article with the comment form sent back with errors (the browser's own checks
        # skipped, as an old browser or a robot would).
        page.goto(live_server.url + newsroom.get_absolute_url())
        page.fill("#id_email", "not-an-address")
        page.eval_on_selector("#leave-a-comment form", "form => form.noValidate = true")
        page.click("button:has-text('Post comment')")
        page.wait_for_load_state()
        assert page.locator(".invalid-feedback, .errorlist").count() > 0
        found["article with form errors"] = axe_violations(page)
        page.screenshot(path=str(ARTIFACTS / f"a11y-{width}-form-errors.png"), full_page=True)

        sign_in(context, live_server, moderator)
        page.goto(live_server.url + "/moderation/")
        assert page.locator(".mod-item").count() == 3
        found["moderation queue"] = axe_violations(page)
        page.screenshot(path=str(ARTIFACTS / f"a11y-{width}-moderation.png"), full_page=True)
    finally:
        context.close()
    failing = {name: violations for name, violations in found.items() if violations}
    assert failing == {}, json.dumps(failing, indent=1, ensure_ascii=False)
