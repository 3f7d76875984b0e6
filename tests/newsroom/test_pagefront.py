"""The page cache's WSGI front: kept pages answered before Django, forgotten on every purge.

These tests drive the real WSGI stack (the front around Django's WSGIHandler, as
newsroom/wsgi.py builds it) against the real Redis, including the purge channel.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory

from newsroom import pagecache, pagefront
from tests.newsroom import pagecache_urls

pytestmark = pytest.mark.urls("tests.newsroom.pagecache_urls")


class Django:
    """Django's WSGI application, counting the requests that reach it."""

    def __init__(self, during: Callable[[], None] | None = None) -> None:
        self.app, self.calls, self.during = WSGIHandler(), 0, during

    def __call__(self, environ, start_response):
        self.calls += 1
        if self.during:
            self.during()
        return self.app(environ, start_response)


class Response:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status, self.headers, self.body = int(status[:3]), headers, body

    def __getitem__(self, name: str) -> str:
        return next(value for key, value in self.headers if key.lower() == name.lower())

    def has(self, name: str) -> bool:
        return any(key.lower() == name.lower() for key, _ in self.headers)

    @property
    def nonce(self) -> str:
        return re.search(r"'nonce-([^']+)'", self["Content-Security-Policy"])[1]

    @property
    def token(self) -> str:
        return re.search(rb'csrfmiddlewaretoken" value="([^"]+)"', self.body)[1].decode()

    @property
    def csrf_secret(self) -> str:
        return re.match(r"csrftoken=(\w+);", self["Set-Cookie"])[1]


def call(app, path: str, method: str = "GET", cookies: str = "", **headers) -> Response:
    environ = RequestFactory().generic(method, path, headers=headers).environ
    if cookies:
        environ["HTTP_COOKIE"] = cookies
    sent = []
    body = b"".join(
        app(environ, lambda status, headers, exc_info=None: sent.extend([status, headers]))
    )
    return Response(sent[0], sent[1], body)


def wait_for(condition: Callable[[], bool], seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def django_app(transactional_db) -> Django:
    pagecache_urls.CALLS["count"] = 0
    return Django()


@pytest.fixture
def front(django_app) -> pagefront.PageCacheFront:
    app = pagefront.PageCacheFront(django_app)
    pagefront.listener.start()
    wait_for(lambda: pagefront.listener.live)
    pagecache.forget_kept_pages()
    return app


def warm(front, path: str = "/a/1/", **kwargs) -> None:
    """A miss, then a hit through Django: from then on the front knows the page."""
    assert call(front, path, **kwargs)["X-Page-Cache"] == "miss"
    assert call(front, path, **kwargs)["X-Page-Cache"] == "hit"


def test_a_page_django_served_as_a_hit_is_then_served_without_django(front, django_app):
    warm(front)
    response = call(front, "/a/1/")
    assert django_app.calls == 2
    assert pagecache_urls.CALLS["count"] == 1
    assert response.status == 200
    assert response["X-Page-Cache"] == "hit"
    assert b"article 1 render 1" in response.body
    assert int(response["Content-Length"]) == len(response.body)


def test_the_front_sends_the_headers_django_sent(front):
    call(front, "/a/1/")
    from_django = call(front, "/a/1/")
    from_front = call(front, "/a/1/")

    def normalised(response: Response) -> list[tuple[str, str]]:
        own_values = (response.nonce, response.csrf_secret)
        headers = [(k, v) for k, v in response.headers if k not in ("Age", "Content-Length")]
        for value in own_values:
            headers = [(k, v.replace(value, "*")) for k, v in headers]
        return sorted(headers)

    assert normalised(from_front) == normalised(from_django)
    assert from_front["X-Frame-Options"] == "DENY"
    assert from_front["Vary"] == "Cookie"


def test_each_front_response_has_its_own_nonce_csrf_token_and_cookie(front, django_app):
    warm(front)
    one, two = call(front, "/a/1/"), call(front, "/a/1/")
    assert django_app.calls == 2
    assert one.nonce != two.nonce
    for response in (one, two):
        assert f'nonce="{response.nonce}"'.encode() in response.body
        assert _unmask_cipher_token(response.token) == response.csrf_secret
    assert one.csrf_secret != two.csrf_secret
    # the cookie's attributes are Django's own
    django_cookie = call(pagefront.PageCacheFront(Django()), "/plain/", cookies="x=1")
    assert not django_cookie.has("Set-Cookie")  # no form, no token: no cookie
    attributes = one["Set-Cookie"].split(";", 1)[1]
    assert "Max-Age=31449600" in attributes and "Path=/" in attributes and "HttpOnly" in attributes


def test_a_reader_with_a_csrf_cookie_keeps_their_secret(front, django_app):
    secret = "a" * 16 + "B" * 16
    warm(front, cookies=f"csrftoken={secret}")
    response = call(front, "/a/1/", cookies=f"csrftoken={secret}; theme=dark")
    assert django_app.calls == 2
    assert response.csrf_secret == secret
    assert _unmask_cipher_token(response.token) == secret


def test_a_purge_in_this_process_drops_the_kept_pages_at_once(front, django_app):
    warm(front)
    pagecache.purge(["article-1"])
    response = call(front, "/a/1/")
    assert response["X-Page-Cache"] == "miss"
    assert b"render 2" in response.body


def test_a_purge_made_by_another_process_reaches_this_one(front, django_app):
    warm(front)
    call(front, "/a/1/")
    calls = django_app.calls
    # Another process's purge: the keys' versions move, then the channel says so.
    other_process = redis.Redis.from_url(settings.REDIS_URL)
    version = cache.incr(pagecache.SEQUENCE_KEY)
    cache.set(pagecache.TAG_PREFIX + "article-1", version, timeout=None)
    cache.incr(pagecache.SEQUENCE_KEY)
    other_process.publish(cache.channel(pagecache.PURGE_CHANNEL), "1")
    wait_for(lambda: not pagecache._front_pages)
    response = call(front, "/a/1/")
    assert django_app.calls == calls + 1
    assert response["X-Page-Cache"] == "miss"


def test_a_purge_whose_message_was_lost_is_caught_by_the_counter_check(front, monkeypatch):
    monkeypatch.setattr(pagefront, "CHECK_SECONDS", 0.05)
    warm(front)
    assert pagecache._front_pages
    cache.incr(pagecache.SEQUENCE_KEY)  # a purge elsewhere whose PUBLISH never went out
    wait_for(lambda: not pagecache._front_pages, seconds=3)


def test_while_the_channel_is_lost_every_request_goes_to_django(front, django_app):
    warm(front)
    calls = django_app.calls
    server = redis.Redis.from_url(settings.REDIS_URL)
    db = server.connection_pool.connection_kwargs.get("db", 0)
    for client in server.client_list(_type="pubsub"):  # this test database's listeners
        if int(client["db"]) == db:
            server.client_kill_filter(_id=client["id"])
    wait_for(lambda: not pagefront.listener.live)
    assert not pagecache._front_pages  # purges may be missed: nothing kept is trusted
    call(front, "/a/1/")
    call(front, "/a/1/")
    assert django_app.calls == calls + 2
    # It comes back by itself, and the front learns pages again.
    wait_for(lambda: pagefront.listener.live)
    warm_calls = django_app.calls
    call(front, "/a/1/")
    call(front, "/a/1/")
    assert django_app.calls == warm_calls + 1


@pytest.mark.parametrize(
    ("method", "cookies"),
    [
        ("POST", ""),
        ("HEAD", ""),
        ("GET", "sessionid=abc"),  # a signed-in visitor
        ("GET", "messages=abc"),  # a flash message to show
        ("GET", "csrftoken=short"),  # Django replaces a broken cookie
    ],
)
def test_requests_the_front_leaves_to_django(front, django_app, method, cookies):
    warm(front)
    calls = django_app.calls
    call(front, "/a/1/", method=method, cookies=cookies)
    assert django_app.calls == calls + 1


def test_a_304_comes_from_the_front_once_django_has_answered_one(front, django_app):
    warm(front)
    etag = call(front, "/a/1/")["ETag"]
    calls = django_app.calls
    from_django = call(front, "/a/1/", if_none_match=etag)
    from_front = call(front, "/a/1/", if_none_match=etag)
    assert django_app.calls == calls + 1
    assert from_django.status == from_front.status == 304
    assert from_front.body == b""
    assert from_front["ETag"] == etag
    assert not from_front.has("Set-Cookie")


def test_a_page_purged_while_django_answered_is_not_kept(transactional_db):
    pagecache_urls.CALLS["count"] = 0
    django_app = Django(during=pagecache.forget_kept_pages)  # a purge heard meanwhile
    front = pagefront.PageCacheFront(django_app)
    pagefront.listener.start()
    wait_for(lambda: pagefront.listener.live)
    for _ in range(3):
        call(front, "/a/1/")
    assert django_app.calls == 3
    assert not pagecache._front_pages


def test_answers_that_belong_to_one_visitor_are_never_kept():
    assert pagefront._answer("200 OK", [("Set-Cookie", "sessionid=abc; Path=/")]) is None
    assert pagefront._answer("302 Found", [("Location", "/")]) is None
    kept = pagefront._answer(
        "200 OK",
        [
            ("Content-Security-Policy", "script-src 'nonce-abc123'"),
            ("Set-Cookie", "csrftoken=x; Path=/"),
            ("Age", "3"),
            ("Content-Length", "10"),
        ],
    )
    assert kept.headers == [("Content-Security-Policy", f"script-src {pagefront.NONCE_SLOT}")]
    assert kept.sets_csrf_cookie


def test_a_page_older_than_the_cache_timeout_goes_to_django(front, django_app, settings):
    warm(front)
    settings.PAGE_CACHE_TIMEOUT = 0
    calls = django_app.calls
    call(front, "/a/1/")
    assert django_app.calls == calls + 1


def test_a_big_page_is_left_to_django(front, django_app, monkeypatch):
    monkeypatch.setattr(pagecache, "LOCAL_PAGE_MAX_BYTES", 100)
    warm(front)
    call(front, "/a/1/")
    assert django_app.calls == 3
    assert not pagecache._front_pages


def test_the_front_can_be_switched_off(front, django_app, settings):
    settings.PAGE_CACHE_FRONT = False
    warm(front)
    call(front, "/a/1/")
    assert django_app.calls == 3


@pytest.mark.urls("newsroom.urls")
def test_two_readers_post_comments_from_pages_the_front_served(front, django_app):
    from articles.models import Article
    from comments.models import Comment
    from tests.factories import ArticleFactory

    article: Article = ArticleFactory()
    path = article.get_absolute_url()
    warm(front, path)
    pages = [call(front, path) for _ in range(2)]
    assert django_app.calls == 2
    for number, page in enumerate(pages):
        reader = Client(enforce_csrf_checks=True)
        reader.cookies["csrftoken"] = page.csrf_secret
        stamp = re.search(rb'name="timestamp" value="([^"]+)"', page.body)[1].decode()
        response = reader.post(
            f"{path}comments/",
            {
                "name": f"Reader {number}",
                "email": f"reader{number}@example.net",
                "body": "A point about the story, made with care.",
                "parent": "",
                "website": "",
                "timestamp": stamp,
                "csrfmiddlewaretoken": page.token,
            },
        )
        assert response.status_code in (302, 303)
    stored = Comment.objects.filter(article=article).order_by("name")
    assert [c.name for c in stored] == ["Reader 0", "Reader 1"]
    assert {c.status for c in stored} == {Comment.Status.PENDING}
