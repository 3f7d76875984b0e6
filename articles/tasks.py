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
    keys = sorted({*(f"article-{pk}" for pk in due), *listing_keys(listed)}) if due else []
    purge(keys)
    cache.set(LAST_RUN_KEY, now, timeout=None)
    return keys


# Scheduled publishing and breaking flags -------------------------------------
# Queued with an ETA for the minute (after commit) by articles.services; the beat sweep
# (CELERY_BEAT_SCHEDULE, every minute) catches any whose message was lost. A Redis broker
# may deliver an ETA task twice (visibility timeout): the services make a repeat a no-op.
EARLY_RETRY_LIMIT = timedelta(minutes=5)


@shared_task(bind=True, acks_late=True, max_retries=5)
def go_live(self, *, article_id: int) -> bool:
    """At an article's publication minute: purge the pages that now show it, log it, mail
    its writers. A worker whose clock runs a little early waits for the minute."""
    from articles.models import Article
    from editorial.services import article_go_live

    went = article_go_live(article_id=article_id)
    if not went:
        article = Article.objects.filter(pk=article_id).first()
        when = article.goes_live_at() if article and article.is_scheduled() else None
        # Run in-process (no broker, as under `make run`) a task runs at once, whatever its
        # ETA, and a retry would run it again at once: leave the minute to the beat sweep.
        early = when is not None and when - timezone.now() < EARLY_RETRY_LIMIT
        if early and not self.request.is_eager:
            raise self.retry(eta=when)
    return went


@shared_task(acks_late=True)
def go_live_sweep() -> list[int]:
    """Every minute: the going-live work of articles whose time came and whose task never
    ran (broker or worker down at the minute)."""
    from editorial.services import article_go_live_sweep

    return article_go_live_sweep()


@shared_task(acks_late=True)
def end_breaking(*, article_id: int) -> bool:
    """When a breaking flag's time is up: clear it and purge the home page."""
    from editorial.services import article_end_breaking

    return article_end_breaking(article_id=article_id)
