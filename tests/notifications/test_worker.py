"""The outbox through a real Celery worker on the real Redis broker, to a real SMTP server."""

import pytest
from django.db import transaction
from django.utils import timezone

from core.tasks import ping
from notifications import services
from notifications.models import Notification
from notifications.tasks import deliver_notification, flush_digests, sweep_notifications
from tests.notifications.test_outbox import PUBLISHED, hold

pytestmark = pytest.mark.django_db(transaction=True)


def drain() -> None:
    """Wait until the (single, first-in first-out) worker has run everything queued so far."""
    assert ping.delay().get(timeout=30) == "pong"


def cause(event: str = "comment-published:7") -> int:
    with transaction.atomic():
        [pk] = services.notification_enqueue(
            kind="comment_published",
            recipients=["ana@example.org"],
            event=event,
            about="comment:7",
            context=PUBLISHED,
        )
    return pk


def test_a_committed_row_is_delivered_by_the_worker_once(celery_worker, mail_server):
    pk = cause()
    [message] = mail_server.wait_for(1)
    assert message["To"] == "ana@example.org"
    deliver_notification.delay(pk)  # a duplicate or redelivered message
    drain()
    assert mail_server.count() == 1
    row = Notification.objects.get(pk=pk)
    assert (row.state, row.attempts) == ("sent", 1)


def test_the_beat_sweep_sends_a_row_whose_message_was_lost(celery_worker, mail_server):
    row = Notification.objects.create(
        kind="comment_published",
        recipient="ana@example.org",
        event="comment-published:7",
        context=PUBLISHED,
    )  # written without a nudge, as if the broker had been down at commit
    assert sweep_notifications.delay().get(timeout=30) == 1
    mail_server.wait_for(1)
    drain()
    assert sweep_notifications.delay().get(timeout=30) == 0
    assert mail_server.count() == 1
    row.refresh_from_db()
    assert row.state == "sent"


def test_smtp_down_then_back_every_mail_arrives_once(celery_worker, mail_server, settings):
    settings.NOTIFICATIONS_BACKOFF_SECONDS = 0  # retry at the next sweep
    mail_server.stop()
    pk = cause()
    drain()
    row = Notification.objects.get(pk=pk)
    assert (row.state, row.attempts) == ("pending", 1)
    assert "Connection refused" in row.last_error

    sweep_notifications.delay().get(timeout=30)  # still down: another attempt, still pending
    drain()
    assert Notification.objects.get(pk=pk).attempts == 2

    mail_server.start()
    sweep_notifications.delay().get(timeout=30)
    mail_server.wait_for(1)
    drain()
    sweep_notifications.delay().get(timeout=30)
    drain()
    assert mail_server.count() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("sent", 3, "")


def test_after_max_attempts_the_row_fails_and_the_admin_retry_delivers_it(
    celery_worker, mail_server, settings, superuser, client
):
    settings.NOTIFICATIONS_BACKOFF_SECONDS = 0
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    mail_server.mode = "tempfail"
    pk = cause()
    drain()
    sweep_notifications.delay().get(timeout=30)
    drain()
    row = Notification.objects.get(pk=pk)
    assert (row.state, row.attempts) == ("failed", 2)
    assert "451" in row.last_error

    client.force_login(superuser)
    failed = client.get("/admin/notifications/notification/?state__exact=failed")
    assert failed.status_code == 200
    assert b"ana@example.org" in failed.content and b"451" in failed.content

    mail_server.mode = "accept"
    response = client.post(
        "/admin/notifications/notification/",
        {"action": "retry", "_selected_action": [pk]},
        follow=True,
    )
    assert b"1 notification(s) queued" in response.content
    mail_server.wait_for(1)
    drain()
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 1)
    assert mail_server.count() == 1


def test_the_digest_flush_sends_one_digest_per_moderator(celery_worker, mail_server, settings):
    settings.NOTIFICATIONS_DIGEST_WINDOW = 600
    with transaction.atomic():
        for n in range(4):
            hold(n, recipients=["mod1@example.org", "mod2@example.org"])
    drain()
    assert mail_server.count() == 0  # nothing is queued for a digest: it waits for the flush
    Notification.objects.update(next_attempt_at=timezone.now())  # the window has passed
    assert flush_digests.delay().get(timeout=30) == 2
    messages = mail_server.wait_for(2)
    drain()
    assert flush_digests.delay().get(timeout=30) == 0
    drain()
    assert mail_server.count() == 2
    assert sorted(m["To"] for m in messages) == ["mod1@example.org", "mod2@example.org"]
    assert {m["Subject"] for m in messages} == {
        "4 comments waiting for moderation on Alverno Alpha"
    }


def test_without_a_digest_window_held_comments_go_out_at_once_one_digest_each(
    celery_worker, mail_server, settings
):
    settings.NOTIFICATIONS_DIGEST_WINDOW = 0
    with transaction.atomic():
        for n in range(3):
            hold(n, recipients=["mod1@example.org", "mod2@example.org"])
    messages = mail_server.wait_for(2)  # no beat: the commit queued the sends
    drain()
    assert mail_server.count() == 2
    assert sorted(m["To"] for m in messages) == ["mod1@example.org", "mod2@example.org"]
    assert {m["Subject"] for m in messages} == {
        "3 comments waiting for moderation on Alverno Alpha"
    }
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}
