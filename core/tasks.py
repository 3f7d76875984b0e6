"""Project-level tasks: the smallest proofs that the worker and mail paths run."""

from celery import shared_task
from django.core.mail import EmailMessage


@shared_task
def ping() -> str:
    return "pong"


@shared_task(acks_late=True)
def send_plain_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain email through the default mailer (used by ops checks)."""
    return EmailMessage(subject=subject, body=body, to=to).send(using="default")


@shared_task(acks_late=True)
def replay_purges() -> int:
    """Send the purges a front missed (it was down or unreachable when they were made)."""
    from core.pagecache import purges_replay

    return purges_replay()
