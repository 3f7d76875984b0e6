"""The page cache on its own: hits, precise purges, 304s, placeholders, bypasses."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from newsroom import pagecache
from tests.newsroom import pagecache_urls

pytestmark = pytest.mark.urls("tests.newsroom.pagecache_urls")


@pytest.fixture(autouse=True)
def _reset_calls():
    pagecache_urls.CALLS["count"] = 0


def test_second_anonymous_view_is_a_hit_without_rendering(client):
    first = client.get("/a/1/")
    second = client.get("/a/1/")
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert pagecache_urls.CALLS["count"] == 1
    assert b"article 1 render 1" in second.content


def test_purging_a_key_makes_exactly_the_pages_that_show_it_stale(client):
    client.get("/a/1/")
    client.get("/a/2/")
    pagecache.purge(["article-1"])
    assert client.get("/a/1/")["X-Page-Cache"] == "miss"
    assert client.get("/a/2/")["X-Page-Cache"] == "hit"


def test_purging_a_shared_key_makes_every_page_that_shows_it_stale(client):
    client.get("/a/1/")
    client.get("/plain/")
    pagecache.purge(["home"])
    assert client.get("/a/1/")["X-Page-Cache"] == "miss"
    assert client.get("/plain/")["X-Page-Cache"] == "miss"


def test_a_page_rendered_while_its_keys_were_purged_is_not_kept(client):
    first = client.get("/racing/")
    second = client.get("/racing/")
    assert b"racing 2" in second.content  # rendered again: the first render may be stale
    assert first["Cache-Control"] == second["Cache-Control"] == "private, no-cache"
    assert "X-Page-Cache" not in second


def test_a_page_that_sets_a_cookie_is_never_shared(client):
    client.get("/sets-cookie/")
    again = Client().get("/sets-cookie/")
    assert b"cookie 2" in again.content
    assert again.cookies["welcome"].value == "seen"


def test_a_page_is_a_hit_in_a_process_that_has_not_seen_it_yet(client):
    client.get("/a/1/")
    pagecache._known_tags.clear()  # as in another gunicorn worker
    pagecache._local_pages.clear()
    assert client.get("/a/1/")["X-Page-Cache"] == "hit"
    pagecache.purge(["article-1"])
    assert client.get("/a/1/")["X-Page-Cache"] == "miss"


def test_a_flash_message_is_shown_on_the_cached_page_once_and_never_shared(client, db):
    first = client.get("/")
    assert first["X-Page-Cache"] == "miss"
    assert pagecache.MESSAGES_PLACEHOLDER not in first.content.decode()

    client.get("/flash/")  # sets the messages cookie, like a comment's "thanks"
    page = client.get("/", headers={"if-none-match": first["ETag"]})

    assert page.status_code == 200  # not a 304: the message must be shown
    assert page["X-Page-Cache"] == "hit"  # the reader who just posted still gets the cache
    assert 'class="messages"' in page.content.decode()
    assert "Thanks, noted." in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"  # this copy is this reader's own
    assert "ETag" not in page
    assert client.cookies["messages"].value == ""  # spent
    again = client.get("/")
    assert "Thanks, noted." not in again.content.decode()
    assert "ETag" in again


def test_a_flash_message_is_shown_on_a_freshly_rendered_page_too(client, db, settings):
    settings.PAGE_CACHE_ENABLED = False
    client.get("/flash/")
    page = client.get("/")
    assert "Thanks, noted." in page.content.decode()
    assert client.cookies["messages"].value == ""
    assert "Thanks, noted." not in client.get("/").content.decode()


def test_content_length_is_the_length_of_the_filled_page(client, db):
    client.get("/flash/")
    for response in (client.get("/a/1/"), client.get("/a/1/"), client.get("/")):
        assert int(response["Content-Length"]) == len(response.content)


def test_a_process_keeps_the_pages_it_served_until_anything_is_purged(client):
    client.get("/a/1/")
    client.get("/a/1/")  # checked in Redis, and kept in this process
    cache.delete_many([key for key in pagecache._known_tags if key.startswith("pc:page:")])
    assert client.get("/a/1/")["X-Page-Cache"] == "hit"  # from this process, Redis not asked
    pagecache.purge(["article-2"])  # any purge moves the counter: check in Redis again
    assert client.get("/a/1/")["X-Page-Cache"] == "miss"


def test_a_big_page_is_not_kept_in_the_process(client, monkeypatch):
    monkeypatch.setattr(pagecache, "LOCAL_PAGE_MAX_BYTES", 10)
    pagecache._local_pages.clear()
    client.get("/a/1/")
    assert client.get("/a/1/")["X-Page-Cache"] == "hit"  # from Redis
    assert pagecache._local_pages == {}


def test_a_flushed_redis_never_revives_a_page_kept_in_a_process(client):
    client.get("/plain/")
    client.get("/plain/")
    cache.clear()
    assert b"plain 2" in client.get("/plain/").content


def test_surrogate_keys_are_sent_for_cdns(client):
    response = client.get("/a/7/")
    assert response["Surrogate-Key"] == "article-7 home"
    assert response["Cache-Tag"] == "article-7,home"


def test_pages_without_forms_are_public_for_shared_caches(client):
    cache_control = client.get("/plain/")["Cache-Control"]
    assert "public" in cache_control
    assert re.search(r"max-age=\d+", cache_control)
    assert re.search(r"s-maxage=\d+", cache_control)
    assert re.search(r"stale-while-revalidate=\d+", cache_control)


def test_conditional_get_with_the_etag_is_a_304_from_the_cache(client):
    first = client.get("/plain/")
    again = client.get("/plain/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert pagecache_urls.CALLS["count"] == 1


def test_a_changed_page_answers_a_stale_etag_with_the_new_page(client):
    first = client.get("/plain/")
    pagecache.purge(["home"])
    again = client.get("/plain/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_two_readers_share_the_cached_page_but_each_gets_their_own_csrf_token(db):
    reader_one, reader_two = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one = reader_one.get("/a/1/")
    page_two = reader_two.get("/a/1/")
    assert page_two["X-Page-Cache"] == "hit"
    token_one = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page_one.content)[1]
    token_two = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page_two.content)[1]
    assert token_one != token_two
    assert pagecache.CSRF_PLACEHOLDER.encode() not in page_two.content
    for reader, token in ((reader_one, token_one), (reader_two, token_two)):
        assert reader.post("/post/", {"csrfmiddlewaretoken": token.decode()}).status_code == 200
    # and a token from one reader is useless to the other
    assert reader_two.post("/post/", {"csrfmiddlewaretoken": token_one.decode()}).status_code == 403


def test_the_csrf_token_is_djangos_masked_form_of_the_cookie_secret(db):
    from django.middleware.csrf import _unmask_cipher_token

    reader = Client(enforce_csrf_checks=True)
    tokens = []
    for _ in range(3):  # a new visitor, then the same visitor with the cookie
        page = reader.get("/a/1/")
        tokens.append(re.search(rb'csrfmiddlewaretoken" value="([^"]+)"', page.content)[1].decode())
    secret = reader.cookies["csrftoken"].value
    assert len(secret) == 32
    assert all(len(token) == 64 and _unmask_cipher_token(token) == secret for token in tokens)
    assert len(set(tokens)) == 3  # a fresh mask every time (BREACH)


def test_pages_with_a_personal_token_are_private_to_shared_caches(client):
    assert client.get("/a/1/")["Cache-Control"] == "private, no-cache"


def test_each_response_gets_a_fresh_csp_nonce_matching_its_header(client):
    nonces = []
    for _ in range(2):
        response = client.get("/a/1/")
        body_nonce = re.search(rb'nonce="([^"]+)"', response.content)[1].decode()
        assert f"'nonce-{body_nonce}'" in response["Content-Security-Policy"]
        nonces.append(body_nonce)
    assert nonces[0] != nonces[1]


def test_signed_in_visitors_bypass_the_cache(client, editor):
    client.get("/a/1/")
    client.force_login(editor)
    response = client.get("/a/1/")
    assert "X-Page-Cache" not in response
    assert pagecache_urls.CALLS["count"] == 2


def test_untagged_views_are_never_cached(client):
    client.get("/untagged/")
    response = client.get("/untagged/")
    assert b"untagged 2" in response.content
    assert "X-Page-Cache" not in response


def test_the_purge_hook_receives_the_keys(settings):
    settings.PAGE_PURGE_HOOK = "tests.newsroom.test_pagecache.record_purge"
    RECORDED.clear()
    pagecache.purge(["desk-3", "article-1", "desk-3"])
    received = RECORDED[0]
    assert received == ["article-1", "desk-3"]


RECORDED: list = []


def record_purge(keys):
    RECORDED.append(keys)


def test_a_cache_outage_serves_pages_from_the_view(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    from django.core.cache import caches

    caches._settings = None  # drop the configured connection so the override applies
    try:
        response = client.get("/plain/")
        assert response.status_code == 200
        assert b"plain 1" in response.content
    finally:
        caches._settings = None


@pytest.mark.urls("newsroom.urls")
def test_a_page_kept_from_before_midnight_shows_the_new_date(client, db):
    import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    london = ZoneInfo("Europe/London")
    with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 59, tzinfo=london), tick=False):
        before = client.get("/")
    with time_machine.travel(datetime.datetime(2027, 1, 1, 0, 1, tzinfo=london), tick=False):
        after = client.get("/")
    assert b"Thursday 31 December 2026" in before.content
    assert b"&copy; 2026" in before.content
    assert after["X-Page-Cache"] == "hit"
    assert b"Friday 1 January 2027" in after.content
    assert b"&copy; 2027" in after.content
