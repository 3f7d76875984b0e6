"""Read-only queries for the live pages: what readers see of a blog, in fixed numbers of
queries whatever the number of entries."""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from articles.body_render import body_photo_ids, render_body
from articles.models import Author
from live.models import LiveBlog, LiveEntry
from photos.models import Photo

logger = logging.getLogger(__name__)

# How many of the newest entries the poll URL lists (a reader's page fetches at most these
# after a pause; one away longer reloads the page by the link).
POLL_SIZE = 30
# The latest entries named in the JSON-LD's liveBlogUpdate.
SCHEMA_UPDATES = 10
SPLIT = "<!--live-entry-->"  # never in a cleaned body: the allow-list drops comments


def shown_entries(blog: LiveBlog) -> QuerySet[LiveEntry]:
    """The entries readers see, newest first, with their authors (one more query)."""
    return (
        LiveEntry.objects.filter(blog=blog)
        .shown()
        .only(
            "blog_id",
            "headline",
            "body",
            "is_key_event",
            "published_at",
            "edited_at",
            "revision",
        )
        .prefetch_related(Prefetch("authors", queryset=Author.objects.only("name", "slug")))
    )


def key_events(blog: LiveBlog) -> list[LiveEntry]:
    """The pinned entries, newest first, for the summary at the top of the blog."""
    rows = list(
        LiveEntry.objects.filter(blog=blog, is_key_event=True)
        .shown()
        .only("blog_id", "headline", "body", "published_at")
    )
    for entry in rows:
        entry.blog = blog
        entry.summary = entry_summary(entry)
    return rows


def entry_summary(entry: LiveEntry, words: int = 16) -> str:
    return entry.headline or Truncator(strip_tags(entry.body)).words(words)


def entry_page(entry: LiveEntry, *, page_size: int) -> int:
    """The page of the blog (newest first) that shows `entry` now."""
    newer = (
        LiveEntry.objects.filter(blog_id=entry.blog_id)
        .shown()
        .filter(
            Q(published_at__gt=entry.published_at)
            | Q(published_at=entry.published_at, pk__gt=entry.pk)
        )
        .count()
    )
    return newer // page_size + 1


def with_html(entries: list[LiveEntry]) -> list[LiveEntry]:
    """Each entry's body made into HTML (`entry.html`): the photos of all of them are read
    in one query, by rendering the bodies as one and cutting the result apart."""
    if not entries:
        return entries
    rendered = render_body(SPLIT.join(entry.body for entry in entries)).split(SPLIT)
    for entry, html in zip(entries, rendered, strict=True):
        entry.html = mark_safe(html)  # noqa: S308 - each part of the cleaned, rendered body
    return entries


def entry_page_keys(entries: list[LiveEntry]) -> list[str]:
    """The keys of what entries show beside their own text: authors and photos."""
    keys = {author.page_key for entry in entries for author in entry.authors.all()}
    keys |= {Photo.page_key_for(pk) for entry in entries for pk in body_photo_ids(entry.body)}
    return sorted(keys)


def poll_payload(blog: LiveBlog) -> dict:
    """What every reader's page polls: the blog's version, whether it runs, and the newest
    entries as [id, revision] (a revision moves with an edit or pin)."""
    rows = LiveEntry.objects.filter(blog=blog).shown().values_list("pk", "revision")[:POLL_SIZE]
    return {
        "version": blog.version,
        "live": blog.is_running(),
        "entries": [list(row) for row in rows],
    }


RUNNING_CACHE_KEY = "live:blogs-not-ended"
RUNNING_CACHE_SECONDS = 300


def running_article_ids(at: datetime | None = None) -> frozenset[int]:
    """The articles whose live blog runs now: the cards' LIVE badge. Read from the cache
    (the blogs not ended, with their times; live.services forgets it when one starts or
    ends), so pages of cards keep their query budget; the database when the cache is down."""
    now = at or timezone.now()
    try:
        blogs = cache.get(RUNNING_CACHE_KEY)
    except Exception:
        blogs = None
    if blogs is None:
        blogs = list(
            LiveBlog.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now)).values_list(
                "article_id", "started_at", "ended_at"
            )
        )
        try:
            cache.set(RUNNING_CACHE_KEY, blogs, RUNNING_CACHE_SECONDS)
        except Exception:
            logger.warning("live blogs not kept: cache down", exc_info=True)
    return frozenset(
        article_id
        for article_id, started, ended in blogs
        if started <= now and (ended is None or ended > now)
    )


def forget_running() -> None:
    try:
        cache.delete(RUNNING_CACHE_KEY)
    except Exception:  # the cache is down: it holds nothing to forget
        logger.warning("live blogs not forgotten: cache down", exc_info=True)
