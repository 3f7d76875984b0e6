"""Comments' periodic work: thin tasks that call a service."""

from celery import shared_task

from comments import services


@shared_task(acks_late=True)
def clear_old_ip_hashes() -> int:
    """Forget IP hashes older than COMMENTS_IP_HASH_DAYS (beat runs it hourly; idempotent)."""
    return services.comment_clear_old_ip_hashes()
