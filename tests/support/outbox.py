"""Rows in the notifications outbox, as the content apps' events make them, and a way to wait
for the real worker to have run what is queued."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import MODERATOR_DIGEST, Mailbox

PUBLISHED = {
    "name": "Ana",
    "article": "Metro fares rise",
    "excerpt": "Fair point about the night buses.",
    "comment_url": "https://news.example.org/metro/2026/01/02/fares/#comment-7",
}


def enqueue(event="comment-published:7", recipients=("ana@example.org",), **overrides):
    arguments = {"kind": "comment_published", "context": PUBLISHED, "about": "comment:7"}
    arguments.update(overrides)
    return services.notification_enqueue(recipients=list(recipients), event=event, **arguments)


def cause(event: str = "comment-published:7") -> int:
    """One committed row, as a published comment causes it."""
    with transaction.atomic():
        [pk] = enqueue(event)
    return pk


def digest_item(n: int) -> dict:
    return {
        "comment_id": n,
        "name": f"Reader {n}",
        "article": "Metro fares rise",
        "excerpt": f"Held comment number {n}",
        "reasons": ["First comment from this email"],
        "queue_url": "https://news.example.org/moderation/",
        "item_url": f"https://news.example.org/moderation/#c{n}",
        "preferences_url": "https://news.example.org/notifications/preferences/",
    }


def hold(n: int, recipients=("mod@example.org",)) -> list[int]:
    """A held comment's row in the moderators' digest."""
    return services.notification_enqueue(
        kind=MODERATOR_DIGEST,
        recipients=list(recipients),
        event=f"comment-held:{n}",
        about=f"comment:{n}",
        context=digest_item(n),
        digest=True,
    )


def drain() -> None:
    """Wait until the (single, first-in first-out) worker has run everything queued so far."""
    from tests.worker_tasks import ping

    assert ping.delay().get(timeout=30) == "pong"


def confirmed(*addresses: str) -> None:
    """Mailboxes that confirmed they want mail about their comments (the double opt-in),
    as a returning commenter's has: their mail goes out without another request."""
    for address in addresses:
        Mailbox.objects.create(email=address, nonce="used", confirmed_at=timezone.now())
