"""The page cache's front door: cached pages served before Django's handler runs.

A hit through Django (newsroom/pagecache.py) still passes Django's handler and the six
middleware every response needs, and makes a Redis round trip to learn whether anything
was purged. That is most of a hit's cost: on this machine about eight times a bare
Django view. So each process also keeps, for the pages it has just served as hits, the
exact answer Django gave (status, security headers, CSP, X-Frame-Options, Vary, whether
it set the CSRF cookie), and answers the next request for that page itself. It fills the
per-request values as the middleware does: this visitor's CSRF token and cookie, a fresh
CSP nonce in the header and the page, the comment form's stamp.

A kept page is only as fresh as this process's knowledge of purges. So each process
listens on a Redis channel that every purge publishes to. Each message, and every doubt
(the subscription dropped, or not yet confirmed), drops all kept pages. While a process
is not listening, its front serves nothing and every request goes through Django.

The front leaves to Django:
- anything but GET;
- signed-in visitors (a session cookie) and pending flash messages;
- a CSRF cookie Django would rewrite;
- any answer it has not yet seen Django give for exactly this scheme, host, path and
  query.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, parse_cookie
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.csp import generate_nonce

from newsroom import pagecache

logger = logging.getLogger(__name__)

FRONT_PAGES_MAX = 256
NONCE_IN_POLICY = re.compile(r"'nonce-[^']*'")
NONCE_SLOT = "'nonce-\x00'"  # where a kept CSP header takes each response's nonce
CSRF_SECRET = re.compile(r"[a-zA-Z0-9]{32}")
# Every few seconds the listener pings Redis (unanswered by the next check: the subscription
# is given up) and checks the purge counter against the last purge it heard.
CHECK_SECONDS = 5.0
RETRY_SECONDS = 1.0


@dataclass
class Answer:
    """How Django answered one kind of request for a page: 200 or 304."""

    status: str
    headers: list[tuple[str, str]]  # no Age, Set-Cookie, or Content-Length on a 200
    sets_csrf_cookie: bool

    def headers_for(self, nonce: str, age: int) -> list[tuple[str, str]]:
        headers = self.headers.copy()
        for i in self.nonce_slots:
            name, value = headers[i]
            headers[i] = (name, value.replace(NONCE_SLOT, f"'nonce-{nonce}'"))
        headers.append(("Age", str(age)))
        return headers

    @functools.cached_property
    def nonce_slots(self) -> list[int]:
        return [i for i, (_, value) in enumerate(self.headers) if NONCE_SLOT in value]


@dataclass
class FrontPage:
    entry: dict  # the page cache's entry: the page's parts, ETag, when it was stored
    answers: dict[int, Answer] = field(default_factory=dict)

    def serve(self, environ: dict, csrf_secret: str | None, start_response) -> list[bytes] | None:
        """The response, or None to leave this request to Django (nothing sent yet)."""
        entry = self.entry
        age = time.time() - entry["stored_at"]
        if age >= settings.PAGE_CACHE_TIMEOUT:
            return None
        not_modified = pagecache.etag_matches(environ.get("HTTP_IF_NONE_MATCH", ""), entry["etag"])
        answer = self.answers.get(304 if not_modified else 200)
        if answer is None:
            return None
        nonce = generate_nonce()
        headers = answer.headers_for(nonce, int(age))
        if not_modified:
            start_response(answer.status, headers)
            return []
        request = WSGIRequest(environ)
        request._csp_nonce = nonce
        if csrf_secret:
            request.META["CSRF_COOKIE"] = csrf_secret
        body = pagecache.fill_page(request, entry["parts"])
        if bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE")) != answer.sets_csrf_cookie:
            return None  # not the page Django answered (a filler changed?): ask Django
        headers.append(("Content-Length", str(len(body))))
        if answer.sets_csrf_cookie:
            headers.append(("Set-Cookie", csrf_cookie(request.META["CSRF_COOKIE"])))
        start_response(answer.status, headers)
        return [body]


class PageCacheFront:
    """WSGI middleware around Django's application (see the module docstring)."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        if not _enabled():
            return self.app(environ, start_response)
        listener.start()
        visit = _visit(environ)
        if visit is None:
            return self.app(environ, start_response)
        key, csrf_secret = visit
        page = pagecache._front_pages.get(key)
        if page is not None and listener.live:
            body = page.serve(environ, csrf_secret, start_response)
            if body is not None:
                return body
        return self._learn(environ, start_response, key)

    def _learn(self, environ: dict, start_response, key: tuple) -> Iterable[bytes]:
        """Pass the request to Django; if it was a page-cache hit, keep Django's answer."""
        generation, live = pagecache._kept_generation, listener.live
        sent: list = []

        def remember(status, headers, exc_info=None):
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        response = self.app(environ, remember)
        entry = environ.get(pagecache.HIT_ENTRY)
        if entry is not None and live and sent and _small(entry):
            answer = _answer(*sent)
            if answer is not None:
                _keep(key, entry, int(sent[0][:3]), answer, generation)
        return response


def _enabled() -> bool:
    # A cache without pub/sub (local memory) never lets the listener go live: the front
    # then keeps and serves nothing.
    return (
        settings.PAGE_CACHE_ENABLED and settings.PAGE_CACHE_FRONT and not settings.CSRF_USE_SESSIONS
    )


def _small(entry: dict) -> bool:
    """A big page (a sitemap) stays in Redis only, as with the middleware's kept pages."""
    return sum(map(len, entry["parts"])) <= pagecache.LOCAL_PAGE_MAX_BYTES


def _visit(environ: dict) -> tuple[tuple, str | None] | None:
    """(what identifies the page and its outer headers, the visitor's CSRF secret), or None
    when Django must see this request."""
    if environ.get("REQUEST_METHOD") != "GET":
        return None
    csrf_secret = None
    raw_cookies = environ.get("HTTP_COOKIE")
    if raw_cookies:
        cookies = parse_cookie(raw_cookies)
        if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
            return None
        csrf_secret = cookies.get(settings.CSRF_COOKIE_NAME)
        if csrf_secret is not None and not CSRF_SECRET.fullmatch(csrf_secret):
            return None  # an old or broken token: Django replaces the cookie
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    key = (
        environ.get("wsgi.url_scheme"),
        environ.get(proxy_header[0]) if proxy_header else None,
        environ.get("HTTP_HOST"),
        environ.get("HTTP_X_FORWARDED_HOST") if settings.USE_X_FORWARDED_HOST else None,
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
    )
    return key, csrf_secret


def _answer(status: str, headers: list[tuple[str, str]]) -> Answer | None:
    """Django's answer with this response's own values taken out, or None if it cannot be
    given to anyone else (it set a cookie other than CSRF's)."""
    code = int(status[:3])
    if code not in (200, 304):
        return None
    kept, sets_csrf_cookie = [], False
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie":
            if not value.startswith(settings.CSRF_COOKIE_NAME + "="):
                return None
            sets_csrf_cookie = True
        elif lowered == "age" or (lowered == "content-length" and code == 200):
            continue
        elif lowered.startswith("content-security-policy"):
            kept.append((name, NONCE_IN_POLICY.sub(NONCE_SLOT, value)))
        else:
            kept.append((name, value))
    return Answer(status, kept, sets_csrf_cookie)


def _keep(key: tuple, entry: dict, code: int, answer: Answer, generation: int) -> None:
    with pagecache._kept_lock:
        if pagecache._kept_generation != generation or not listener.live:
            return  # a purge came while Django answered: the answer may be stale already
        page = pagecache._front_pages.get(key)
        if page is None or page.entry["etag"] != entry["etag"]:
            if len(pagecache._front_pages) >= FRONT_PAGES_MAX:
                pagecache._front_pages.clear()
            page = pagecache._front_pages[key] = FrontPage(entry)
        page.answers[code] = answer


def csrf_cookie(secret: str) -> str:
    """The Set-Cookie value CsrfViewMiddleware would send, made by it once a second."""
    return f"{settings.CSRF_COOKIE_NAME}={secret}{_csrf_cookie_attributes(int(time.time()))}"


@functools.lru_cache(maxsize=1)
def _csrf_cookie_attributes(second: int) -> str:
    """What follows the value: expiry (so, once a second), path, flags."""
    request, response = HttpRequest(), HttpResponse()
    request.META["CSRF_COOKIE"] = "0" * 32
    CsrfViewMiddleware(lambda request: response)._set_csrf_cookie(request, response)
    cookie = response.cookies[settings.CSRF_COOKIE_NAME].OutputString()
    return cookie.removeprefix(f"{settings.CSRF_COOKIE_NAME}={'0' * 32}")


class PurgeListener:
    """Hears every purge published on the page cache's channel, in a thread of each process.

    `live` is true only while subscribed. Any change of state drops the kept pages, since
    purges may have been missed meanwhile.
    """

    def __init__(self) -> None:
        self.live = False
        self._pid: int | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start listening in this process, once (a forked worker starts its own)."""
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid, self.live = os.getpid(), False
            threading.Thread(target=self._run, name="page-purge-listener", daemon=True).start()

    def _run(self) -> None:
        if not hasattr(cache, "pubsub"):
            return  # not Redis: nothing to listen to, so never live
        while True:
            try:
                self._listen()
            except Exception:
                logger.warning(
                    "page cache: purge channel lost; pages go through Django", exc_info=True
                )
            self._set_live(False)
            time.sleep(RETRY_SECONDS)

    def _listen(self) -> None:
        pubsub = cache.pubsub()
        try:
            pubsub.subscribe(cache.channel(pagecache.PURGE_CHANNEL))
            heard_at = checked_at = time.monotonic()
            sequence = None  # the purge counter as of the last purge heard
            while True:
                message = pubsub.get_message(timeout=min(CHECK_SECONDS, 1.0))
                now = time.monotonic()
                if message is not None:
                    heard_at = now
                    if message["type"] == "subscribe":
                        sequence = cache.get(pagecache.SEQUENCE_KEY)
                        self._set_live(True)
                    elif message["type"] == "message":
                        sequence = int(message["data"])
                        pagecache.forget_kept_pages()
                if now - checked_at >= CHECK_SECONDS:
                    if heard_at < checked_at:  # not even the last check's ping was answered
                        raise ConnectionError("Redis stopped answering the purge channel's pings")
                    checked_at = now
                    pubsub.ping()
                    # A purge whose message was lost (its PUBLISH failed) still moved the
                    # counter: kept pages are never stale for longer than this check.
                    current = cache.get(pagecache.SEQUENCE_KEY)
                    if current != sequence:
                        sequence = current
                        pagecache.forget_kept_pages()
        finally:
            pubsub.close()

    def _set_live(self, live: bool) -> None:
        self.live = False  # first: nothing is kept (or served) past this line
        pagecache.forget_kept_pages()
        self.live = live


listener = PurgeListener()
