"""Through the real front: the live page and its poll URL are kept for every reader, and
an entry reaches them at once (hard purge), while other pages stay kept."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from live import services
from tests.live.front import live_edge, live_purging  # noqa: F401 - the real front
from tests.support.factories import ArticleFactory, DeskFactory
from tests.support.personas import desk_member

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def until(check, *, within: float) -> float:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < within, f"not within {within}s"
        time.sleep(0.02)
    return time.monotonic() - started


def test_an_entry_reaches_the_kept_page_and_poll_at_once_and_nothing_else_moves(
    live_purging,  # noqa: F811
):
    edge = live_purging
    desk = DeskFactory(slug="technology", name="Technology")
    editor = desk_member("ed_editor", "Editors", desk)
    article = ArticleFactory(desk=desk, slug="live-story")
    other = ArticleFactory(desk=desk, slug="other-story")
    blog = services.live_blog_start(
        article=article, user=editor, started_at=timezone.now() - timedelta(minutes=5)
    )
    page, poll = article.get_absolute_url(), f"/live/{blog.pk}/poll.json"
    for path in (page, poll, other.get_absolute_url(), "/"):
        edge.get(path)
        answer = edge.get(path)
        assert answer.hit, path
    answer = edge.get(poll)
    assert answer.headers["Cache-Control"].startswith("public, max-age=0")
    assert answer.headers["Set-Cookie"] is None
    entry = services.live_entry_post(blog=blog, user=editor, body="<p>Through the front.</p>")
    seconds = until(lambda: "Through the front." in edge.get(page).body, within=1)
    assert seconds < 1
    assert json.loads(edge.get(poll).body)["entries"][0][0] == entry.pk
    assert edge.get(other.get_absolute_url()).hit and edge.get("/").hit
    fragment = edge.get(f"/live/{blog.pk}/entries/{entry.pk}/")
    assert fragment.status == 200 and "Through the front." in fragment.body
    assert edge.get(f"/live/{blog.pk}/entries/{entry.pk}/").hit
    # Older pages keep their parameter through the front; junk does not split the cache.
    assert edge.get(page + "?page=1&junk=2").status == 200
    assert edge.get(page + "?junk=3&page=1").hit
    # A withdrawal is gone from every kept copy once its purge returns.
    services.live_entry_withdraw(entry=entry, user=editor, reason="Wrong")
    assert "Through the front." not in edge.get(page).body
    assert json.loads(edge.get(poll).body)["entries"] == []
    assert edge.get(f"/live/{blog.pk}/entries/{entry.pk}/").status == 404
