"""loaddemo's live blog: running on the Technology desk, at least five entries (a key event,
a photo, an embed), shown on its page; a second run adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from live.models import LiveBlog, LiveEntry

pytestmark = pytest.mark.django_db


def test_loaddemo_runs_a_live_blog_on_the_technology_desk(client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("loaddemo", stdout=io.StringIO())
    blog = LiveBlog.objects.select_related("article__desk").get()
    assert blog.is_running() and blog.article.desk.slug == "technology"
    shown = list(LiveEntry.objects.filter(blog=blog).shown())
    assert len(shown) >= 5
    assert sum(entry.is_key_event for entry in shown) == 1
    assert any("data-photo-id" in entry.body for entry in shown)
    assert any("data-embed-url" in entry.body for entry in shown)
    assert LiveEntry.objects.filter(blog=blog, status="pending").count() == 1
    times = [entry.published_at for entry in shown]
    assert times == sorted(times, reverse=True) and len(set(times)) == len(times)
    html = client.get(blog.article.get_absolute_url()).content.decode()
    assert "<title>LIVE:" in html and "Key events" in html
    assert "Photo: Alverno Alpha Graphics" in html and 'embed--youtube"' in html
    assert 'flag--live">Live</span>' in client.get("/").content.decode()
    call_command("loaddemo", stdout=io.StringIO())
    assert LiveBlog.objects.count() == 1 and LiveEntry.objects.count() == len(shown) + 1
