"""Faults with real parts: our own broker taken down, a worker SIGKILLed mid-send, a flood.

Each test bounds its waits (seconds, not minutes) and stops every process it started.
"""

import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from comments import services as comment_services
from comments.models import Comment
from core.tasks import ping
from notifications.models import MODERATOR_DIGEST, Notification
from notifications.tasks import flush_digests, sweep_notifications
from tests.factories import ArticleFactory
from tests.notifications.conftest import start_worker_process
from tests.notifications.test_comment_mail import confirmed, submit
from tests.notifications.test_worker import cause, drain

pytestmark = pytest.mark.django_db(transaction=True)


def add_moderator(name: str) -> User:
    user = User.objects.create_user(name, email=f"{name}@newsroom.example", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def post_comment(client, article, n: int) -> float:
    """Post through the real form; return how long the poster waited."""
    started = time.monotonic()
    response = client.post(
        article.get_absolute_url() + "comments/",
        {
            "name": f"Reader {n}",
            "email": f"reader{n}@example.org",
            "body": f"Comment number {n} about the fares.",
            "notify_on_publish": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert b"awaiting moderation" in response.content
    return time.monotonic() - started


def test_broker_down_comments_are_stored_and_every_mail_arrives_once_it_is_back(
    own_broker, worker_processes, mail_server, client, settings, tmp_path
):
    settings.NOTIFICATIONS_IMMEDIATE = True  # one mail per held comment: easy to count
    moderators = [add_moderator("mod1"), add_moderator("mod2")]
    article = ArticleFactory(headline="Metro fares rise again")
    start_worker_process(
        worker_processes,
        broker_url=own_broker.url,
        smtp_port=mail_server.port,
        tmp_path=tmp_path,
    )

    confirmed(*(f"reader{n}@example.org" for n in range(3)))  # returning commenters
    own_broker.stop()
    waits = [post_comment(client, article, n) for n in range(3)]
    assert max(waits) < 5, waits  # the poster is not kept waiting by the dead broker
    assert Comment.objects.count() == 3
    first = Comment.objects.order_by("pk").first()
    comment_services.comment_moderate(decision="approve", comment=first, moderator=moderators[0])
    pending = Notification.objects.filter(state="pending")
    # Two moderators × two comments still held, and the first commenter's publish mail.
    assert pending.count() == 5
    assert all(row.attempts == 0 for row in pending)

    own_broker.start()
    assert sweep_notifications.delay().get(timeout=60) == 5  # what beat does every minute
    messages = mail_server.wait_for(5, timeout=60)
    assert ping.delay().get(timeout=30) == "pong"
    assert sweep_notifications.delay().get(timeout=30) == 0
    assert ping.delay().get(timeout=30) == "pong"
    assert mail_server.count() == 5
    # Exactly one mail per pending row: the Message-ID names the row it came from.
    host = urlsplit(settings.SITE_URL).hostname  # the worker reads the same environment
    sent = Notification.objects.filter(state="sent").values_list("pk", flat=True)
    sent_ids = {f"<notification-{pk}@{host}>" for pk in sent}
    assert {m["Message-ID"] for m in messages} == sent_ids
    assert sorted(m["To"] for m in messages) == [
        "mod1@newsroom.example",
        "mod1@newsroom.example",
        "mod2@newsroom.example",
        "mod2@newsroom.example",
        "reader0@example.org",
    ]
    for n in (1, 2):  # each still-held comment reached each moderator once
        texts = [m.get_body(("plain",)).get_content() for m in messages]
        assert sum(f"Comment number {n} about" in text for text in texts) == 2
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent", "cancelled"}


def test_a_worker_killed_mid_delivery_leaves_the_mail_to_the_next_worker_exactly_once(
    own_broker, worker_processes, mail_server, tmp_path
):
    first_worker = start_worker_process(
        worker_processes, broker_url=own_broker.url, smtp_port=mail_server.port, tmp_path=tmp_path
    )
    mail_server.hold()  # the SMTP conversation stalls after MAIL FROM: mid-delivery
    pk = cause()
    assert mail_server.rcpt_started.wait(20), "the worker never took the task"
    with transaction.atomic():  # the worker holds the row lock while it sends
        assert not Notification.objects.select_for_update(skip_locked=True).filter(pk=pk)

    first_worker.kill()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # Postgres drops the dead worker's lock
        with transaction.atomic():
            if Notification.objects.select_for_update(skip_locked=True).filter(pk=pk):
                break
        time.sleep(0.1)
    row = Notification.objects.get(pk=pk)
    assert (row.state, row.attempts) == ("pending", 0)
    mail_server.release()
    assert mail_server.count() == 0

    start_worker_process(
        worker_processes, broker_url=own_broker.url, smtp_port=mail_server.port, tmp_path=tmp_path
    )
    assert sweep_notifications.delay().get(timeout=30) == 1
    [message] = mail_server.wait_for(1)
    assert message["To"] == "ana@example.org"
    # The killed worker's own message comes back one day (acks_late): it finds the row sent.
    from notifications.tasks import deliver_notification

    deliver_notification.delay(pk)
    assert ping.delay().get(timeout=30) == "pong"
    assert mail_server.count() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 1)


def test_a_flood_of_held_comments_makes_one_digest_per_moderator(
    celery_worker, mail_server, settings, moderator
):
    settings.NOTIFICATIONS_DIGEST_WINDOW = 600  # the default: ten minutes
    add_moderator("mod2")
    add_moderator("mod3")
    article = ArticleFactory(headline="Metro fares rise again")
    with time_machine.travel(timezone.now(), tick=True) as clock:
        for n in range(200):  # 200 held comments within one minute
            submit(article, body=f"Flood comment {n}")
            if n % 50 == 49:
                clock.shift(timedelta(seconds=14))
                assert flush_digests.delay().get(timeout=30) == 0  # beat, every "minute"
        assert Comment.objects.filter(status="pending").count() == 200
        assert Notification.objects.filter(kind=MODERATOR_DIGEST).count() == 600
        assert mail_server.count() == 0

        clock.shift(timedelta(minutes=10))
        assert flush_digests.delay().get(timeout=30) == 3
        messages = mail_server.wait_for(3, timeout=60)
        drain()
        assert flush_digests.delay().get(timeout=30) == 0
        drain()
    assert mail_server.count() == 3
    assert sorted(m["To"] for m in messages) == [
        "mod2@newsroom.example",
        "mod3@newsroom.example",
        "moderator@example.org",
    ]
    for message in messages:
        assert message["Subject"] == "200 comments waiting for moderation on Alverno Alpha"
        text = message.get_body(("plain",)).get_content()
        assert all(f'Flood comment {n}"' in text for n in range(200))
