"""Public pages for shared caches, purged precisely by key.

The page cache is Varnish's job (deploy/varnish/default.vcl), or a CDN's; this module only
says what a page is and when it changes:

- A public view tags its response with the keys of what it shows
  (`tag_response(response, ["article-12", "desk-3", "desks"])`).
- `PublicPageMiddleware` makes a tagged 200 for an anonymous GET a page any shared cache
  may keep: `Cache-Control: public, max-age=0, s-maxage=…` (browsers revalidate, shared
  caches keep), an `ETag` (Django's ConditionalGetMiddleware) and `Surrogate-Key` (the
  VCL copies it to `xkey`; Fastly reads it as it is; `Cache-Tag` for Cloudflare). Such a
  page carries nothing of the visitor: no CSRF token, nonce, cookie or date.
- `purge_on_commit(keys, objects=…)`, the services' one way to purge, gathers a
  transaction's purges into one `purge(keys)` once it commits, which tells every configured front
  (`VARNISH_URLS`) and the CDN hook (`PAGE_PURGE_HOOK`) to drop exactly the pages that show
  one of the keys. Removals are hard purges (gone at once); additions may be soft (the old
  page is served while the new one renders). A front that cannot be reached never fails
  the save that purged: the purge is logged and kept (`PurgeBacklog`), and the beat
  replays it until the front takes it.
- A render that began before a purge must not be kept as fresh after it. Each purge first
  gives its keys a new version in Redis; a response whose keys got a new version while it
  was being rendered (or one read from a replica whose lag may hide a recent purge's
  change) is not kept as fresh: after an addition it goes out already stale (`s-maxage=0`),
  served only while the front fetches the page again, so readers neither wait nor all rush
  to the app at once; after a removal it goes out private, never served again. Redis down:
  nothing can be checked, so pages are kept only briefly (`PAGE_CACHE_UNSURE_S_MAXAGE`).
"""

from __future__ import annotations

import http.client
import itertools
import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, ClassVar, Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import split_header_value
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

SEQUENCE_KEY = "pc:sequence"
TAG_PREFIX = "pc:tag:"
HARD_PREFIX = "pc:hard:"  # the version of a key's last removal
PRIVATE_PREFIXES = ("/admin/", "/moderation/", "/notifications/", "/healthz", "/livez")
STARTED = "_page_cache_started"  # the purge counter read as the request began


class PageKeys:
    """A model whose pages are tagged for the page cache, saying its keys itself:
    `<key_prefix>-<pk>` on every page that shows it, `list-<key_prefix>-<pk>` on its own list
    of cards (a desk's, an author's or a topic's page and feed). The one place a model's
    key is spelled: views tag with it, services purge with it."""

    key_prefix: ClassVar[str]

    @classmethod
    def page_key_for(cls, pk: object) -> str:
        return f"{cls.key_prefix}-{pk}"

    @classmethod
    def list_key_for(cls, pk: object) -> str:
        return f"list-{cls.key_prefix}-{pk}"

    @property
    def page_key(self) -> str:
        return self.page_key_for(self.pk)

    @property
    def list_key(self) -> str:
        return self.list_key_for(self.pk)


def tag_response(response: HttpResponse, keys: Iterable[str]) -> HttpResponse:
    """Mark a response as a public page that depends on `keys`."""
    response.surrogate_keys = sorted(set(keys))
    return response


def is_shared_request(request: HttpRequest) -> bool:
    """A request whose answer may be a shared page: an anonymous GET of a public path.

    Anyone with a session cookie (staff) is never given, nor gives, a shared copy."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(PRIVATE_PREFIXES)
    )


# --- Purging ----------------------------------------------------------------------------


def purge(keys: Iterable[str], *, soft: bool = False) -> None:
    """Drop every cached page that shows one of `keys`, at every front and the CDN.

    Call it once the change is committed. `soft` is for additions (a comment approved, a
    new card on a list): the front may serve the old page while it fetches the new one.
    Never raises: a front that is down is logged and the purge replayed later."""
    keys = sorted(set(keys))
    if not keys:
        return
    _new_versions(keys, soft=soft)
    for front in settings.VARNISH_URLS:
        try:
            send_purge(front, keys, soft=soft)
        except (OSError, http.client.HTTPException, PurgeRefused) as exc:
            logger.warning("purge of %s at %s failed (%s); kept to replay", keys, front, exc)
            _keep_for_replay(front, keys, soft=soft)
    hook = settings.PAGE_PURGE_HOOK
    if hook:
        try:
            import_string(hook)(keys)
        except Exception:
            logger.exception("CDN purge hook failed for %s", keys)


class CacheKeyed(Protocol):
    """A model instance that answers which pages show it: `cache_keys()`."""

    pk: Any

    def cache_keys(self) -> list[str]: ...


def purge_on_commit(
    keys: Iterable[str] = (),
    *,
    objects: Iterable[CacheKeyed] = (),
    soft: bool = False,
    using: str | None = None,
) -> None:
    """Purge `keys`, and the pages of each of `objects` as they are once committed, when
    the current transaction commits (at once outside one): the one way services purge.

    A workflow action saves an article, logs it, marks it live, all in one transaction, and
    several of those steps make pages stale; each says which through this call, and the
    whole transaction makes one purge (a key named twice, or an object saved twice, is
    purged once; hard keys win over the same keys named `soft`). Never before the commit: no
    reader may re-cache the old page in between. An object's keys depend on the lists it is
    on once the change is committed (a desk, byline or topic set by the admin's inlines
    after the save), so they are asked for at commit time, once per object. Keys named inside
    a savepoint that rolls back are purged all the same: a page made stale for nothing costs
    one render; a stale page left cached would be wrong."""
    connection = transaction.get_connection(using)
    pending: list[_Purge] | None = getattr(connection, "_pagecache_pending_purges", None)
    if pending is None:
        pending = connection._pagecache_pending_purges = []
    call = _Purge(pending)
    (call.soft_keys if soft else call.keys).update(keys)
    for obj in objects:
        call.objects.setdefault((obj._meta.label, obj.pk), obj)
    if not connection.in_atomic_block:
        call.run()
        return
    if not connection.run_on_commit:  # none of the earlier calls will run: rolled back
        pending.clear()
    pending.append(call)
    connection.on_commit(call.run)


_order = itertools.count()


class _Purge:
    """What one `purge_on_commit` call made stale. Each call registers its own commit
    callback (so a savepoint rolled back drops its callback as Django drops any), and the
    first callback that runs purges its own call's keys and those of every call made after
    it that is not purged yet: at a commit, that is the whole transaction in one purge.
    Calls made before it are left out: their transaction rolled back, or (in tests, which
    run callbacks by hand) they are not being committed now."""

    def __init__(self, pending: list[_Purge]) -> None:
        self.order = next(_order)
        self.pending = pending
        self.keys: set[str] = set()
        self.soft_keys: set[str] = set()
        self.objects: dict[tuple[str, Any], CacheKeyed] = {}
        self.done = False

    def run(self) -> None:
        if self.done:
            return
        batch = [self, *(p for p in self.pending if not p.done and p.order > self.order)]
        hard: set[str] = set()
        soft: set[str] = set()
        objects: dict[tuple[str, Any], CacheKeyed] = {}
        for call in batch:
            call.done = True
            hard |= call.keys
            soft |= call.soft_keys
            objects |= call.objects
        self.pending[:] = [p for p in self.pending if not p.done]
        for obj in objects.values():
            hard.update(obj.cache_keys())
        if hard:
            purge(hard)
        if soft - hard:
            purge(soft - hard, soft=True)


class PurgeRefused(Exception):
    """The front answered a purge with something other than 200."""


def send_purge(front: str, keys: list[str], *, soft: bool) -> None:
    """One purge request to one Varnish: `PURGE /` with the keys in `xkey-purge` (hard) or
    `xkey-softpurge` (soft), as the shipped VCL takes them."""
    url = urlsplit(front)
    connection = http.client.HTTPConnection(
        url.hostname, url.port or 80, timeout=settings.VARNISH_PURGE_TIMEOUT
    )
    header = "xkey-softpurge" if soft else "xkey-purge"
    try:
        connection.request("PURGE", "/", headers={header: " ".join(keys)})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise PurgeRefused(f"HTTP {response.status}")


def _keep_for_replay(front: str, keys: list[str], *, soft: bool) -> None:
    from core.models import PurgeBacklog

    try:
        PurgeBacklog.objects.create(front=front, keys=" ".join(keys), soft=soft)
    except Exception:
        logger.exception("purge of %s at %s lost: the backlog cannot be written", keys, front)


def purges_replay() -> int:
    """Send the purges that fronts missed, oldest first; returns how many went through.

    A purge older than the longest a front keeps a page has nothing left to drop."""
    from core.models import PurgeBacklog

    longest = settings.PAGE_CACHE_S_MAXAGE + settings.PAGE_CACHE_STALE_IF_ERROR
    PurgeBacklog.objects.filter(created_at__lt=_ago(longest)).delete()
    sent = 0
    for row in PurgeBacklog.objects.order_by("pk"):
        try:
            send_purge(row.front, row.keys.split(), soft=row.soft)
        except (OSError, http.client.HTTPException, PurgeRefused) as exc:
            logger.warning("purge replay at %s failed again (%s)", row.front, exc)
            continue
        row.delete()
        sent += 1
    return sent


def _ago(seconds: int) -> datetime:
    return timezone.now() - timedelta(seconds=seconds)


def noop_purge_hook(keys: list[str]) -> None:
    """The default CDN purge hook: nothing to purge when no CDN is configured."""


# --- Versions: no render that raced a purge is kept -----------------------------------


def _new_versions(keys: list[str], *, soft: bool) -> None:
    """Each key's version (and when it moved); a removal also moves its hard version."""
    try:
        version = _next_version()
        moved = {TAG_PREFIX + key: (version, time.time()) for key in keys}
        if not soft:
            moved |= {HARD_PREFIX + key: version for key in keys}
        cache.set_many(moved, timeout=None)
    except Exception:  # Redis down: renders meanwhile are kept only briefly (see below)
        logger.warning("page versions not moved for %s: cache down", keys, exc_info=True)


def _next_version() -> int:
    try:
        return cache.incr(SEQUENCE_KEY)
    except ValueError:  # no counter yet (a new or flushed Redis)
        cache.add(SEQUENCE_KEY, 0, timeout=None)
        return cache.incr(SEQUENCE_KEY)


def _raced(keys: list[str], started: int, *, read_replica: bool) -> str:
    """How one of `keys` was purged after the render began (or, for a render read from a
    replica, within the replica's lag before it): "hard", "soft" or "" (not at all)."""
    found = cache.get_many([prefix + key for key in keys for prefix in (TAG_PREFIX, HARD_PREFIX)])
    if any(found.get(HARD_PREFIX + key, 0) > started for key in keys):
        return "hard"
    lag_start = time.time() - settings.DATABASE_REPLICA_MAX_LAG
    for key in keys:
        version, purged_at = found.get(TAG_PREFIX + key, (0, 0.0))
        if version > started or (read_replica and purged_at >= lag_start):
            return "soft"
    return ""


# --- The middleware ---------------------------------------------------------------------


def shared_cache_control(s_maxage: int) -> str:
    return (
        f"public, max-age=0, s-maxage={s_maxage}"
        f", stale-while-revalidate={settings.PAGE_CACHE_STALE_WHILE_REVALIDATE}"
        f", stale-if-error={settings.PAGE_CACHE_STALE_IF_ERROR}"
    )


class PublicPageMiddleware:
    """Marks tagged pages for anonymous readers as shared pages; everything else private."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        shared = is_shared_request(request)
        started = None
        if shared:
            try:
                started = cache.get(SEQUENCE_KEY, 0)
            except Exception:
                logger.warning("page versions unreadable: cache down", exc_info=True)
        response = self.get_response(request)
        keys = getattr(response, "surrogate_keys", None)
        if keys is None:  # not a shared page: no cache between here and the visitor keeps it
            response.headers.setdefault("Cache-Control", "private, no-cache")
            return response
        response.headers["Surrogate-Key"] = " ".join(keys)
        response.headers["Cache-Tag"] = ",".join(keys)
        s_maxage = None
        if shared and response.status_code == 200 and not response.cookies:
            s_maxage = self._s_maxage(keys, started)
        if s_maxage is None:  # for this visitor only, or maybe showing what was removed
            response.headers["Cache-Control"] = "private, no-cache"
            return response
        response.headers["Cache-Control"] = shared_cache_control(s_maxage)
        # Shared pages never depend on cookies: the front strips them (but the session's).
        if response.has_header("Vary"):
            vary = [v for v in split_header_value(response["Vary"]) if v.lower() != "cookie"]
            del response.headers["Vary"]
            if vary:
                response.headers["Vary"] = ", ".join(vary)
        return response

    def _s_maxage(self, keys: list[str], started: int | None) -> int | None:
        """How long shared caches may keep this page as fresh: 0 if it raced an addition (it
        may be served while it is fetched again), None if it raced a removal (what was
        removed may be in it: never served again)."""
        if started is None:
            return settings.PAGE_CACHE_UNSURE_S_MAXAGE
        from core.replica import reads_from_replica

        try:
            raced = _raced(keys, started, read_replica=reads_from_replica())
        except Exception:
            logger.warning("page versions unreadable: cache down", exc_info=True)
            return settings.PAGE_CACHE_UNSURE_S_MAXAGE
        return {"hard": None, "soft": 0}.get(raced, settings.PAGE_CACHE_S_MAXAGE)
