"""Readers comment from pages gunicorn answers from its kept copies, in a real browser.

`make serve`'s stack: gunicorn with production settings, where each worker answers a page
it keeps before Django runs (newsroom/pagefront.py). Two readers in separate browsers,
JavaScript off, get the same kept page and each posts with their own CSRF cookie, token
and form stamp.
"""

from __future__ import annotations

import urllib.request

import pytest

from comments.models import Comment
from tests.factories import ArticleFactory, DeskFactory
from tests.faults.cluster import serve_test_database
from tests.notifications.conftest import RedisBroker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_two_readers_comment_from_a_kept_page_with_javascript_off(browser, tmp_path):
    desk = DeskFactory(name="Technology", slug="technology", title="The Technology Desk")
    article = ArticleFactory(desk=desk, headline="Tidal power comes of age", slug="tidal-power")
    redis = RedisBroker(tmp_path)
    redis.start()
    server = serve_test_database(
        f"redis://127.0.0.1:{redis.port}/0", f"redis://127.0.0.1:{redis.port}/1"
    )
    url = server.url + article.get_absolute_url()
    try:
        for _ in range(10):  # both workers have served it as a hit: they answer it themselves
            with urllib.request.urlopen(url) as response:  # noqa: S310 - loopback
                assert response.headers["X-Page-Cache"] in ("miss", "hit")
        for name in ("Ada Reader", "Grace Reader"):
            context = browser.new_context(java_script_enabled=False)
            try:
                page = context.new_page()
                response = page.goto(url)
                assert response.headers["x-page-cache"] == "hit"
                page.fill("#id_name", name)
                page.fill("#id_email", f"{name.split()[0].lower()}@example.net")
                page.fill("#id_body", f"{name} thinks the estuary birds matter most.")
                page.click("button:has-text('Post comment')")
                page.wait_for_load_state()
                assert "awaiting moderation" in page.locator(".messages").inner_text()
                page.reload()  # the thanks is shown once
                assert page.locator(".messages").count() == 0
            finally:
                context.close()
    finally:
        server.stop()
        redis.stop()
    stored = Comment.objects.filter(article=article).order_by("name")
    assert [c.name for c in stored] == ["Ada Reader", "Grace Reader"]
    assert {c.status for c in stored} == {Comment.Status.PENDING}
