"""The workflow's clock: articles going live at their minute, breaking flags ending."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

# Scheduled publishing and breaking flags -------------------------------------
# Queued with an ETA for the minute (after commit) by editorial.services; the beat sweep
# (CELERY_BEAT_SCHEDULE, every minute) catches any whose message was lost. A Redis broker
# may deliver an ETA task twice (visibility timeout): the services make a repeat a no-op.
EARLY_RETRY_LIMIT = timedelta(minutes=5)

# Each task keeps the name it had before the workflow was its own app: messages queued with
# an ETA before an upgrade still find their task after it.


@shared_task(name="articles.tasks.go_live", bind=True, acks_late=True, max_retries=5)
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


@shared_task(name="articles.tasks.go_live_sweep", acks_late=True)
def go_live_sweep() -> list[int]:
    """Every minute: the going-live work of articles whose time came and whose task never
    ran (broker or worker down at the minute)."""
    from editorial.services import article_go_live_sweep

    return article_go_live_sweep()


@shared_task(name="articles.tasks.end_breaking", acks_late=True)
def end_breaking(*, article_id: int) -> bool:
    """When a breaking flag's time is up: clear it and purge the home page."""
    from editorial.services import article_end_breaking

    return article_end_breaking(article_id=article_id)
