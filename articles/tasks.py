"""Articles' Celery tasks. Thin: each calls into the app's code and is safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from core.pagecache import purge

# Scheduled publishing: pages whose content changes with the clock --------------------
# A scheduled article goes live, an embargo lifts or a breaking flag expires with no write,
# through `Article.objects.published()`; cached pages would not notice. Celery beat runs
# this every minute (CELERY_BEAT_SCHEDULE) and it purges exactly the pages concerned.
LAST_RUN_KEY = "articles:purge-due-pages:last-run"
FIRST_LOOKBACK = timedelta(minutes=5)
MAX_LOOKBACK = timedelta(days=1)  # after a longer outage, the pages' lifetimes have done it


@shared_task(acks_late=True)
def purge_due_pages() -> list[str]:
    """Purge the pages of articles that crossed a time boundary since the last run."""
    from articles.models import Article, listing_keys

    now = timezone.now()
    since = cache.get(LAST_RUN_KEY) or now - FIRST_LOOKBACK
    since = max(since, now - MAX_LOOKBACK)
    due = Article.objects.filter(
        Q(published_at__gt=since, published_at__lte=now)
        | Q(embargo_until__gt=since, embargo_until__lte=now)
        | Q(breaking_until__gt=since, breaking_until__lte=now)
    ).values_list("pk", flat=True)
    # Published ones only: an embargo still running or a draft is on no list.
    listed = Article.objects.published(now).filter(pk__in=due)
    keys = sorted({*(Article.page_key_for(pk) for pk in due), *listing_keys(listed)}) if due else []
    purge(keys)
    cache.set(LAST_RUN_KEY, now, timeout=None)
    return keys


# Titles of embedded links -------------------------------------------------------------
# Queued after a save whose body embeds links (EMBED_FETCH_METADATA): a short fetch from
# each provider's oEmbed (or the page's title), public addresses only. A failure leaves the
# plain placeholder; nothing is retried, a later save asks again.


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def fetch_embed_titles(*, article_id: int) -> dict[str, str]:
    from articles.services import embed_titles_refresh

    return embed_titles_refresh(article_id=article_id)
