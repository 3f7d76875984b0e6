"""Thin Celery tasks over the outbox services: take an id, call a service.

All are `acks_late` (a message is acknowledged only after the task ran, so a worker that
dies mid-task leaves it to be redelivered) and idempotent (the services re-read and lock
the rows, so a redelivered or duplicate message never sends a mail twice). The time
limits bound a hung SMTP connection well beyond the mailer's own 10-second timeout. The
sweeps keep their result (how many rows they nudged) for whoever watches the beat.
"""

from celery import shared_task

from notifications import services

OPTIONS = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(
    name="notifications.deliver", soft_time_limit=60, time_limit=90, ignore_result=True, **OPTIONS
)
def deliver_notification(notification_id: int) -> bool:
    return services.notification_deliver(notification_id=notification_id)


@shared_task(name="notifications.sweep", soft_time_limit=50, time_limit=55, **OPTIONS)
def sweep_notifications() -> int:
    """Beat, every minute: re-send what is still pending (lost messages, backoff over)."""
    return services.notification_sweep(digests=False)


@shared_task(name="notifications.flush_digests", soft_time_limit=50, time_limit=55, **OPTIONS)
def flush_digests() -> int:
    """Beat, every minute: send the digests whose window has passed."""
    return services.notification_sweep(digests=True)
