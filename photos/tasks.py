"""The photo worker's task: make one photo's renditions."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError

# Photo renditions -------------------------------------------------------------
# Queued after commit whenever a photo's file or focal point changes (Photo.save), by the
# admin's "remake renditions" action and by `remake_renditions --queue`.


# The name it had before photos were their own app: messages queued before an upgrade
# still find their task after it.
@shared_task(name="articles.tasks.make_renditions", bind=True, acks_late=True, max_retries=3)
def make_renditions(self, *, photo_id: int, force: bool = False) -> str:
    """Make one photo's renditions. A bad file ends as the photo's failed state with the
    reason, and the worker goes on; a storage or database hiccup is retried."""
    from photos.services import photo_fail, photo_process

    try:
        photo = photo_process(photo_id=photo_id, force=force)
    except SoftTimeLimitExceeded:
        limit = self.soft_time_limit or self.app.conf.task_soft_time_limit
        photo = photo_fail(
            photo_id=photo_id, reason=f"Making the renditions took longer than {limit} s."
        )
    except (DatabaseError, OSError) as exc:
        if self.request.retries >= self.max_retries:
            photo_fail(photo_id=photo_id, reason=f"The renditions could not be stored: {exc}")
            raise
        raise self.retry(exc=exc, countdown=10 * 2**self.request.retries) from exc
    return photo.status if photo else "deleted"
