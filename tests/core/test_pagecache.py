"""The shared-page rules on their own: what a shared cache may keep, and the purge path up to
the HTTP request (tests/edge sends it to a real Varnish)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client

from core import pagecache, replica
from core.models import PurgeBacklog

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.pagecache_urls")]


@pytest.fixture
def sent(settings, monkeypatch) -> list[tuple[str, list[str], bool]]:
    settings.VARNISH_URLS = ["http://front-a.test", "http://front-b.test"]
    calls = []
    monkeypatch.setattr(
        pagecache, "send_purge", lambda front, keys, *, soft: calls.append((front, keys, soft))
    )
    return calls


def test_a_tagged_page_for_an_anonymous_reader_is_shared(client, settings):
    response = client.get("/a/1/")
    assert response["Cache-Control"] == (
        f"public, max-age=0, s-maxage={settings.PAGE_CACHE_S_MAXAGE}, "
        f"stale-while-revalidate={settings.PAGE_CACHE_STALE_WHILE_REVALIDATE}, "
        f"stale-if-error={settings.PAGE_CACHE_STALE_IF_ERROR}"
    )
    assert response["Surrogate-Key"] == "article-1 home"
    assert response["Cache-Tag"] == "article-1,home"
    assert response["ETag"]
    assert client.get("/a/1/", headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_reading_the_session_does_not_make_a_shared_page_vary_by_cookie(client):
    response = client.get("/reads-session/")
    assert "public" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("path", ["/sets-cookie/", "/untagged/"])
def test_a_page_that_sets_a_cookie_or_has_no_keys_is_never_shared(client, path):
    assert client.get(path)["Cache-Control"] == "private, no-cache"


def test_a_signed_in_visitor_is_never_given_a_shared_page(client, editor):
    client.force_login(editor)
    assert client.get("/a/1/")["Cache-Control"] == "private, no-cache"


def test_a_render_that_raced_an_addition_goes_out_already_stale(client, sent):
    """Shared caches serve it only while they fetch it again: never kept as fresh."""
    assert "s-maxage=0," in client.get("/racing/soft/")["Cache-Control"]
    assert "s-maxage=3600," in client.get("/a/1/")["Cache-Control"]  # other keys: kept


def test_a_render_that_raced_a_removal_is_never_shared(client, sent):
    """It may show what was removed: not even served while the page is fetched again."""
    assert client.get("/racing/hard/")["Cache-Control"] == "private, no-cache"
    # An addition after the removal does not hide it.
    assert client.get("/racing/both/")["Cache-Control"] == "private, no-cache"


def test_a_replica_render_just_after_a_purge_is_not_kept_as_fresh(
    client, sent, monkeypatch, settings
):
    """The replica may not yet hold the change the purge was for."""
    settings.DATABASE_REPLICA_MAX_LAG = 30
    monkeypatch.setattr(replica, "reads_from_replica", lambda: True)
    pagecache.purge(["article-1"])
    assert "s-maxage=0," in client.get("/a/1/")["Cache-Control"]
    settings.DATABASE_REPLICA_MAX_LAG = 0
    assert "s-maxage=3600," in client.get("/a/1/")["Cache-Control"]


def test_a_purge_goes_to_every_front_hard_or_soft(sent):
    pagecache.purge(["b", "a", "a"])
    pagecache.purge(["c"], soft=True)
    assert sent == [
        ("http://front-a.test", ["a", "b"], False),
        ("http://front-b.test", ["a", "b"], False),
        ("http://front-a.test", ["c"], True),
        ("http://front-b.test", ["c"], True),
    ]


def test_a_front_that_cannot_be_reached_keeps_the_purge_for_replay(settings, caplog):
    settings.VARNISH_URLS = ["http://127.0.0.1:9"]  # discard port: nothing listens
    settings.VARNISH_PURGE_TIMEOUT = 1
    pagecache.purge(["article-7"])  # no exception reaches the save that purged
    row = PurgeBacklog.objects.get()
    assert (row.front, row.keys, row.soft) == ("http://127.0.0.1:9", "article-7", False)
    assert "kept to replay" in caplog.text
    assert pagecache.purges_replay() == 0
    assert PurgeBacklog.objects.count() == 1


def test_replay_drops_purges_older_than_any_kept_page(settings):
    settings.VARNISH_URLS = []
    row = PurgeBacklog.objects.create(front="http://127.0.0.1:9", keys="x")
    longest = settings.PAGE_CACHE_S_MAXAGE + settings.PAGE_CACHE_STALE_IF_ERROR
    PurgeBacklog.objects.filter(pk=row.pk).update(
        created_at=row.created_at - timedelta(seconds=longest + 1)
    )
    assert pagecache.purges_replay() == 0
    assert not PurgeBacklog.objects.exists()


def test_the_cdn_hook_gets_the_keys_and_its_failure_is_only_logged(settings, caplog):
    settings.VARNISH_URLS = []
    settings.PAGE_PURGE_HOOK = "tests.core.test_pagecache.failing_hook"
    pagecache.purge(["home"])
    assert "CDN purge hook failed" in caplog.text


def failing_hook(keys):
    raise RuntimeError("CDN said no")


def test_with_redis_unreadable_a_page_is_kept_only_briefly(client, settings, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "get", down)
    response = client.get("/a/1/")
    assert f"s-maxage={settings.PAGE_CACHE_UNSURE_S_MAXAGE}," in response["Cache-Control"]


def test_two_readers_get_the_same_bytes_and_headers():
    first, second = Client().get("/a/1/"), Client().get("/a/1/")
    assert first.content == second.content
    assert first.headers == second.headers
