"""Articles' Celery tasks. Thin: each calls into the app's code and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

# Titles of embedded links -------------------------------------------------------------
# Queued after a save whose body embeds links (EMBED_FETCH_METADATA): a short fetch from
# each provider's oEmbed (or the page's title), public addresses only. A failure leaves the
# plain placeholder; nothing is retried, a later save asks again.


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def fetch_embed_titles(*, article_id: int) -> dict[str, str]:
    from articles.services import embed_titles_refresh

    return embed_titles_refresh(article_id=article_id)
