"""Readers comment through the real front in a real browser, with JavaScript off and no
cookie at all: the article page is the one copy Varnish keeps for everyone."""

from __future__ import annotations

import pytest

from comments.models import Comment
from tests.support.factories import ArticleFactory, DeskFactory
from tests.support.front import edge  # noqa: F401 - the real front (Varnish, nginx, gunicorn)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_two_readers_comment_from_the_kept_page_with_javascript_off(browser, edge):  # noqa: F811
    desk = DeskFactory(name="Technology", slug="technology", title="The Technology Desk")
    article = ArticleFactory(desk=desk, headline="Tidal power comes of age", slug="tidal-power")
    url = edge.url + article.get_absolute_url()
    edge.get(article.get_absolute_url())  # kept by the front from here on
    for name in ("Ada Reader", "Grace Reader"):
        context = browser.new_context(java_script_enabled=False)
        try:
            page = context.new_page()
            response = page.goto(url)
            assert response.headers["x-cache"] == "hit"
            page.fill("#id_name", name)
            page.fill("#id_email", f"{name.split()[0].lower()}@example.net")
            page.fill("#id_body", f"{name} thinks the estuary birds matter most.")
            page.click("button:has-text('Post comment')")
            page.wait_for_load_state()
            assert "awaiting moderation" in page.locator("#comment-posted").inner_text()
            assert context.cookies() == []  # not one cookie, before or after
        finally:
            context.close()
    stored = Comment.objects.filter(article=article).order_by("name")
    assert [c.name for c in stored] == ["Ada Reader", "Grace Reader"]
    assert {c.status for c in stored} == {Comment.Status.PENDING}
