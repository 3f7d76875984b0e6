"""The anonymous page cache: whole pages in Redis, purged precisely by surrogate key.

How it works:
- A public view tags its response with the keys of what it shows
  (`tag_response(response, ["article-12", "desk-3", "home"])`).
- For anonymous GETs (no session cookie) the middleware stores the rendered page with the
  version of each key. Versions come from one purge counter in Redis. A hit is one cache
  round trip: the page and the current versions of its keys in one MGET (each process
  remembers which keys a page has); any changed version means the page is stale. A process
  also keeps the pages it served: while the purge counter has not moved, a hit is one
  small GET of the counter.
- `purge(keys)` gives each key the next version, so exactly the pages that show it go
  stale; nothing else is flushed. A page rendered while a purge happened is not stored
  (the counter read before rendering is older than one of its keys' versions), so a
  render that started before a comment was approved never lands as a fresh page.
- The same keys go out as `Surrogate-Key`/`Cache-Tag` headers and to the pluggable purge
  hook (`PAGE_PURGE_HOOK`) so a CDN can purge by key too.
- Redis should evict only keys with a lifetime (`maxmemory-policy volatile-lru`, as in
  docker-compose.yml): pages expire, the counter and the key versions must not.
- Per-request values never live in the cached HTML: templates emit placeholders (the CSRF
  token, the comment form's signed timestamp, the CSP nonce, flash messages) that are
  filled in one pass on every response, hit or miss.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import operator
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.messages.storage import default_storage
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.template.loader import render_to_string
from django.utils.http import http_date, parse_etags, quote_etag
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

CSRF_PLACEHOLDER = "__NR_CSRF_TOKEN__"
MESSAGES_PLACEHOLDER = "__NR_MESSAGES__"
NONCE_PLACEHOLDER = "__NR_CSP_NONCE__"
NONCE_PLACEHOLDER_BYTES = NONCE_PLACEHOLDER.encode()
PAGE_PREFIX = "pc:page:"
TAG_PREFIX = "pc:tag:"
SEQUENCE_KEY = "pc:sequence"
# Which tag keys each page has, as this process last saw them, so a hit needs one round
# trip. Bounded: a miss here only costs a second round trip.
_known_tags: dict[str, list[str]] = {}
KNOWN_TAGS_MAX = 20_000
# Pages this process has served, with the purge counter they were valid at: while the
# counter stays put, a hit is one small GET (the counter) instead of the page and its keys'
# versions. Any purge anywhere moves the counter, and the page is checked in Redis again.
_local_pages: dict[str, tuple[int, dict]] = {}
LOCAL_PAGES_MAX = 256
LOCAL_PAGE_MAX_BYTES = 512 * 1024  # a big sitemap stays in Redis only
PRIVATE_PREFIXES = ("/admin/", "/moderation/", "/healthz")
# Pages the WSGI front (newsroom/pagefront.py) serves without Django, kept while this
# process hears every purge. Emptied, under the lock, on each purge heard or made here; the
# generation lets the front tell whether a purge came while it was learning a page.
_front_pages: dict[tuple, object] = {}
_kept_lock = threading.Lock()
_kept_generation = 0
PURGE_CHANNEL = "pc:purged"
HIT_ENTRY = "newsroom.pagecache.hit"  # environ key: the entry a hit was served from


def tag_response(response: HttpResponse, keys: Iterable[str]) -> HttpResponse:
    """Mark a response as a cacheable public page that depends on `keys`."""
    response.surrogate_keys = sorted(set(keys))
    return response


def purge(keys: Iterable[str]) -> None:
    """Make every cached page that shows one of `keys` stale, here and at the CDN."""
    keys = sorted(set(keys))
    if not keys:
        return
    try:
        version = _next_version()
        cache.set_many({TAG_PREFIX + key: version for key in keys}, timeout=None)
        # Moved again once the keys have their versions: a process that read the counter
        # between the two steps (and the keys' old versions) keeps nothing past this.
        sequence = _next_version()
        if hasattr(cache, "publish"):  # every process's front forgets its pages
            cache.publish(PURGE_CHANNEL, str(sequence))
    except Exception:  # a cache outage must not break the write that caused the purge
        logger.exception("page cache purge failed for %s", keys)
    forget_kept_pages()
    hook = getattr(settings, "PAGE_PURGE_HOOK", "")
    if hook:
        import_string(hook)(keys)


def forget_kept_pages() -> None:
    """Drop the pages this process keeps: a purge was made or heard, or may have been missed."""
    global _kept_generation
    with _kept_lock:
        _kept_generation += 1
        _local_pages.clear()
        _front_pages.clear()


def _next_version() -> int:
    try:
        return cache.incr(SEQUENCE_KEY)
    except ValueError:  # no counter yet (a new or flushed Redis)
        _start_counter()
        return cache.incr(SEQUENCE_KEY)


def _start_counter() -> None:
    """Start the purge counter, once, at a random point: no page a process remembers can
    match a counter from before a flushed Redis."""
    cache.add(SEQUENCE_KEY, secrets.randbelow(2**60), timeout=None)


def noop_purge_hook(keys: list[str]) -> None:
    """The default CDN purge hook: nothing to purge when no CDN is configured."""


def fill_csrf_token(request: HttpRequest) -> str:
    """Django's `get_token()`, made with one read of the OS's randomness instead of 64.

    Django draws its secret and mask a character at a time (`secrets.choice`), a system
    call each: ~190 µs for a new visitor on this machine, a quarter of a cached article's
    cost. Same contract: the secret in `request.META["CSRF_COOKIE"]` (CsrfViewMiddleware
    sets the cookie), the token a fresh mask plus the secret ciphered with it, so
    CsrfViewMiddleware checks it unchanged (tests/newsroom/test_pagecache.py).
    """
    if "CSRF_COOKIE" not in request.META:  # a new visitor: secret and mask from one read
        indexes = _random_indexes(2 * CSRF_SECRET_LENGTH)
        secret, mask = indexes[:CSRF_SECRET_LENGTH], indexes[CSRF_SECRET_LENGTH:]
        request.META["CSRF_COOKIE"] = secret.translate(_INDEX_TO_CHAR).decode()
    else:
        secret = request.META["CSRF_COOKIE"].encode().translate(_CHAR_TO_INDEX)
        mask = _random_indexes(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    # Django's cipher, character by character: (secret + mask) mod 62.
    cipher = bytes(map(_CHARS_TWICE.__getitem__, map(operator.add, secret, mask)))
    return (mask.translate(_INDEX_TO_CHAR) + cipher).decode()


_CHARS = CSRF_ALLOWED_CHARS.encode()
_CHARS_TWICE = _CHARS * 2
_INDEX_TO_CHAR = _CHARS + bytes(256 - len(_CHARS))
_CHAR_TO_INDEX = bytes.maketrans(_CHARS, bytes(range(len(_CHARS))))
# A random byte maps onto the 62 characters evenly: 0–247 are four rounds of 62, and the
# eight bytes above them are dropped (so no character is likelier than another).
_EVEN_BYTES = 256 - 256 % len(_CHARS)
_BYTE_TO_INDEX = bytes(b % len(_CHARS) for b in range(256))
_UNEVEN_BYTES = bytes(range(_EVEN_BYTES, 256))


def _random_indexes(count: int) -> bytes:
    """`count` random indexes into CSRF_ALLOWED_CHARS, from one OS read (a quarter more
    bytes than needed leaves fewer than `count` even ones about once in a million)."""
    indexes = b""
    while len(indexes) < count:
        indexes += secrets.token_bytes(count + count // 4).translate(_BYTE_TO_INDEX, _UNEVEN_BYTES)
    return indexes[:count]


def fill_csp_nonce(request: HttpRequest) -> str:
    return str(request._csp_nonce)


def fill_messages(request: HttpRequest) -> str:
    """The visitor's flash messages ("Thanks — your comment is awaiting moderation"), read
    from their cookie: a hit never reaches Django's MessageMiddleware, and a reader who has
    just posted still gets the cached page. `_finish_messages` then clears the cookie."""
    storage = getattr(request, "_messages", None)
    if storage is None:
        if CookieStorage.cookie_name not in request.COOKIES:
            return ""  # the common case, without a template render
        storage = default_storage(request)  # MESSAGE_STORAGE, as MessageMiddleware would
    request._messages_filled = storage
    return render_to_string("includes/messages.html", {"messages": storage})


def _finish_messages(request: HttpRequest, response: HttpResponse) -> None:
    """Messages shown are spent: clear them from the cookie, and keep this copy of the page
    (it shows this visitor's message) out of shared caches."""
    storage = getattr(request, "_messages_filled", None)
    if storage is not None and storage.used:
        storage.update(response)
        response.headers["Cache-Control"] = "private, no-store"
        for header in ("ETag", "Last-Modified"):
            if header in response.headers:
                del response.headers[header]


@functools.cache
def _load_fillers(configured: tuple[tuple[str, str], ...]) -> tuple[dict, re.Pattern]:
    fillers = {
        NONCE_PLACEHOLDER: fill_csp_nonce,
        CSRF_PLACEHOLDER: fill_csrf_token,
        MESSAGES_PLACEHOLDER: fill_messages,
    }
    fillers |= {placeholder: import_string(path) for placeholder, path in configured}
    fillers = {placeholder.encode(): fill for placeholder, fill in fillers.items()}
    return fillers, re.compile(b"(" + b"|".join(map(re.escape, fillers)) + b")")


def _fillers() -> tuple[dict[bytes, Callable[[HttpRequest], str]], re.Pattern]:
    """{placeholder: filler} and a pattern that finds any of them; built once per distinct
    PAGE_CACHE_FILLERS value."""
    return _load_fillers(tuple(sorted(getattr(settings, "PAGE_CACHE_FILLERS", {}).items())))


def _split(body: bytes) -> list[bytes]:
    """The page as text and placeholders, alternating: placeholders at the odd indexes."""
    return _fillers()[1].split(body)


def fill_page(request: HttpRequest, parts: list[bytes]) -> bytes:
    """The page with this request's own values in place of the placeholders, in one copy
    (a replace per placeholder would scan the whole page each time)."""
    fillers = _fillers()[0]
    values: dict[bytes, bytes] = {}
    filled = list(parts)
    for i in range(1, len(filled), 2):
        placeholder = filled[i]
        if placeholder not in values:
            values[placeholder] = fillers[placeholder](request).encode()
        filled[i] = values[placeholder]
    return b"".join(filled)


def _is_cacheable_request(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(PRIVATE_PREFIXES)
    )


def _page_key(request: HttpRequest) -> str:
    raw = f"{request.get_host()}{request.get_full_path()}"
    return PAGE_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _cache_control(has_form: bool) -> str:
    if has_form:
        # The page carries this visitor's CSRF token: shared caches must not keep it, but the
        # browser may revalidate it cheaply with its ETag (a 304 from the page cache).
        return "private, no-cache"
    return (
        f"public, max-age={settings.PAGE_CACHE_MAX_AGE}, s-maxage={settings.PAGE_CACHE_S_MAXAGE}"
        f", stale-while-revalidate={settings.PAGE_CACHE_STALE_WHILE_REVALIDATE}"
    )


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cacheable = _is_cacheable_request(request)
        started_at = None
        if cacheable:
            hit, started_at = self._lookup(request)
            if hit is not None:
                return hit
        response = self.get_response(request)
        keys = getattr(response, "surrogate_keys", None)
        if keys is None:  # not a page for the cache, but it may hold placeholders too
            is_html = response.get("Content-Type", "").startswith("text/html")
            return self._fill(request, response) if is_html else response
        response.headers["Surrogate-Key"] = " ".join(keys)
        response.headers["Cache-Tag"] = ",".join(keys)
        # A response that sets a cookie (a session, a flash message) belongs to one visitor.
        if not cacheable or response.status_code != 200 or response.streaming or response.cookies:
            response.headers.setdefault("Cache-Control", "private, no-cache")
            return self._fill(request, response)
        return self._store(request, response, keys, started_at)

    def _lookup(self, request: HttpRequest) -> tuple[HttpResponse | None, int | None]:
        """(the cached response or None, the purge counter before this request rendered)."""
        page_key = _page_key(request)
        try:
            local = _local_pages.get(page_key)
            if local is not None:
                sequence = cache.get(SEQUENCE_KEY)
                fresh = time.time() - local[1]["stored_at"] < settings.PAGE_CACHE_TIMEOUT
                if fresh and sequence is not None and sequence == local[0]:  # nothing purged
                    return _hit(request, local[1]), sequence
            tag_keys = _known_tags.get(page_key, [])
            found = cache.get_many([page_key, SEQUENCE_KEY, *tag_keys])
            entry = found.get(page_key)
            if entry is None:
                return None, found.get(SEQUENCE_KEY, 0)
            wanted = [TAG_PREFIX + key for key in entry["keys"]]
            if wanted != tag_keys:  # first sight of this page in this process
                if len(_known_tags) >= KNOWN_TAGS_MAX:
                    _known_tags.clear()
                _known_tags[page_key] = wanted
                found |= cache.get_many(wanted)
        except Exception:  # Redis down: serve from the database instead (degraded, logged)
            logger.warning("page cache unavailable; rendering from the database", exc_info=True)
            return None, None
        started_at = found.get(SEQUENCE_KEY, 0)
        if any(found.get(TAG_PREFIX + k) != v for k, v in entry["versions"].items()):
            return None, started_at
        small = sum(map(len, entry["parts"])) <= LOCAL_PAGE_MAX_BYTES
        if small and SEQUENCE_KEY in found:  # valid as of this counter: keep it till it moves
            if len(_local_pages) >= LOCAL_PAGES_MAX:
                _local_pages.clear()
            _local_pages[page_key] = (started_at, entry)
        return _hit(request, entry), started_at

    def _store(
        self,
        request: HttpRequest,
        response: HttpResponse,
        keys: list[str],
        started_at: int | None,
    ) -> HttpResponse:
        body = response.content
        nonce = getattr(request, "_csp_nonce", None)
        if nonce:  # evaluated during rendering: make it a placeholder, filled per response
            body = body.replace(str(nonce).encode(), NONCE_PLACEHOLDER_BYTES)
        parts = _split(body)
        etag = quote_etag(hashlib.md5(body, usedforsecurity=False).hexdigest())
        headers = {
            "Cache-Control": _cache_control(CSRF_PLACEHOLDER.encode() in parts[1::2]),
            "ETag": etag,
            "Last-Modified": http_date(),
            "Surrogate-Key": response.headers["Surrogate-Key"],
            "Cache-Tag": response.headers["Cache-Tag"],
        }
        try:
            if not started_at:  # no counter yet: start it, so later hits can be kept here
                _start_counter()
            versions = _current_versions(keys)
            # Purged while we rendered: what we rendered may be stale, so don't keep it.
            fresh = started_at is not None and max(versions.values()) <= started_at
            if fresh:
                entry = {
                    "parts": parts,
                    "content_type": response["Content-Type"],
                    "headers": headers,
                    "keys": keys,
                    "versions": versions,
                    "etag": etag,
                    "stored_at": time.time(),
                }
                cache.set(_page_key(request), entry, settings.PAGE_CACHE_TIMEOUT)
        except Exception:
            logger.warning("page cache store failed", exc_info=True)
            fresh = False
        if not fresh:
            response.headers.setdefault("Cache-Control", "private, no-cache")
            return self._fill(request, response)
        _set_headers(response, headers)
        response.headers["X-Page-Cache"] = "miss"
        if etag_matches(request.META.get("HTTP_IF_NONE_MATCH", ""), etag) and not _has_messages(
            request
        ):
            not_modified = HttpResponseNotModified()
            _set_headers(not_modified, headers)
            return not_modified
        return _put(request, response, parts)

    def _fill(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Put this request's own values where a freshly rendered page holds placeholders."""
        if response.status_code == 304 or response.streaming:
            return response
        return _put(request, response, _split(response.content))


def _hit(request: HttpRequest, entry: dict) -> HttpResponse:
    not_modified = etag_matches(
        request.META.get("HTTP_IF_NONE_MATCH", ""), entry["etag"]
    ) and not _has_messages(request)
    response = (
        HttpResponseNotModified()
        if not_modified
        else HttpResponse(content_type=entry["content_type"])
    )
    _set_headers(response, entry["headers"])
    request.META[HIT_ENTRY] = entry  # valid now: the front may serve it from here on
    response.headers["Age"] = str(max(0, int(time.time() - entry["stored_at"])))
    response.headers["X-Page-Cache"] = "hit"
    return response if not_modified else _put(request, response, entry["parts"])


def _put(request: HttpRequest, response: HttpResponse, parts: list[bytes]) -> HttpResponse:
    response.content = fill_page(request, parts)
    # The filled page has its own length: CommonMiddleware (outside) sets it afresh.
    if "Content-Length" in response.headers:
        del response.headers["Content-Length"]
    _finish_messages(request, response)
    return response


def _current_versions(keys: list[str]) -> dict[str, int]:
    """Each key's version; a key never purged (or evicted from Redis) starts at 0."""
    tag_keys = [TAG_PREFIX + key for key in keys]
    current = cache.get_many(tag_keys)
    missing = [k for k in tag_keys if k not in current]
    for tag_key in missing:  # add, not set: a purge that lands meanwhile must win
        cache.add(tag_key, 0, timeout=None)
    if missing:
        current |= cache.get_many(missing)
    return {key: current[TAG_PREFIX + key] for key in keys}


def _set_headers(response: HttpResponse, headers: dict[str, str]) -> None:
    for name, value in headers.items():
        response.headers[name] = value


def _has_messages(request: HttpRequest) -> bool:
    """A flash message waits: the page must be sent whole to show it, never as a 304."""
    return CookieStorage.cookie_name in request.COOKIES


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match, compared weakly as RFC 9110 says (Django's parser)."""
    tags = parse_etags(if_none_match)
    return "*" in tags or etag in [tag.removeprefix("W/") for tag in tags]
