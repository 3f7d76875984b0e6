"""Tasks only the tests queue: the smallest proofs that a worker runs tasks and sends mail.
Workers the tests start load them (`celery worker --include tests.worker_tasks`; the
in-process worker shares this process's registry)."""

from celery import shared_task
from django.core.mail import EmailMessage


@shared_task(name="tests.ping")
def ping() -> str:
    return "pong"


@shared_task(name="tests.send_plain_email", acks_late=True)
def send_plain_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain email through the default mailer."""
    return EmailMessage(subject=subject, body=body, to=to).send(using="default")
