"""The infrastructure's clock-driven work."""

from celery import shared_task


@shared_task(acks_late=True)
def replay_purges() -> int:
    """Send the purges a front missed (it was down or unreachable when they were made)."""
    from core.pagecache import purges_replay

    return purges_replay()
