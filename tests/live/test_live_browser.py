"""Two people in real browsers through the real front: an editor posts from the composer
(Ctrl+Enter, the page stays) while a reader with JavaScript sees "1 new update" within the
poll interval and the entry once they click it; a reader without JavaScript sees it on
reload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from live import services
from live.models import LiveEntry
from tests.live.front import POLL_SECONDS, live_edge, session_cookie  # noqa: F401
from tests.support.factories import ArticleFactory, DeskFactory
from tests.support.personas import desk_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_editor_posts_and_readers_see_it_with_and_without_javascript(
    browser,
    live_edge,  # noqa: F811
):
    edge = live_edge
    desk = DeskFactory(slug="technology", name="Technology", title="The Technology Desk")
    editor = desk_member("ed_editor", "Editors", desk)
    article = ArticleFactory(desk=desk, slug="plant-fire", headline="Chip plant fire")
    blog = services.live_blog_start(
        article=article, user=editor, started_at=timezone.now() - timedelta(minutes=5)
    )
    services.live_entry_post(blog=blog, user=editor, body="<p>Smoke over the plant.</p>")
    url = edge.url + article.get_absolute_url()
    edge.get(article.get_absolute_url())  # kept by the front from here on

    reader = browser.new_context()
    no_js = browser.new_context(java_script_enabled=False)
    staff = browser.new_context()
    try:
        page = reader.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url)
        assert page.title().startswith("LIVE:")
        plain = no_js.new_page()
        plain.goto(url)
        assert "Smoke over the plant." in plain.content()

        staff.add_cookies([{"name": "sessionid", "value": session_cookie(editor), "url": edge.url}])
        composer = staff.new_page()
        composer.goto(f"{edge.url}/admin/live/liveblog/{blog.pk}/change/")
        composer.fill("input[name=headline]", "Crews arrive")
        composer.click(".prose-editor .ProseMirror[contenteditable=true]")
        composer.keyboard.type("Four fire crews are now at the scene.")
        composer.wait_for_timeout(700)  # the draft is kept in the browser meanwhile
        kept = composer.evaluate(
            "Object.keys(localStorage).filter(k => k.startsWith('newsroom:live-draft'))"
        )
        assert kept
        composer.keyboard.press("Control+Enter")
        composer.locator("[data-said]").get_by_text("Posted.").wait_for(timeout=5000)
        assert "/change/" in composer.url  # never left the page
        assert "Four fire crews" in composer.locator("#nr-entries").inner_text()
        body = composer.locator(".prose-editor .ProseMirror[contenteditable=true]")
        assert body.inner_text().strip() == ""  # ready for the next entry
        assert composer.evaluate(f"localStorage.getItem({kept[0]!r})") is None
        assert LiveEntry.objects.filter(blog=blog).count() == 2

        # The reader's page says so, without moving, within the poll interval (and a second).
        news = page.locator(".live__news button")
        news.get_by_text("1 new update").wait_for(timeout=(POLL_SECONDS + 1) * 1000 + 1000)
        assert page.locator(".live__news").get_attribute("aria-live") == "polite"
        assert "Four fire crews" not in page.locator("[data-live-entries]").inner_text()
        news.click()
        first = page.locator("[data-live-entries] .live-entry").first
        assert "Four fire crews are now at the scene." in first.inner_text()
        assert "Crews arrive" in first.inner_text()
        assert errors == []

        # Without JavaScript: a reload through the front shows it.
        response = plain.reload()
        assert response.status == 200
        assert "Four fire crews are now at the scene." in plain.content()
    finally:
        for context in (reader, no_js, staff):
            context.close()
