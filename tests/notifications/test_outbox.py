"""The outbox on its own: rows with their cause, one mail per row, locks, retries, digests."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from notifications import services
from notifications.models import Notification, Suppression
from tests.support.outbox import PUBLISHED, enqueue, hold


def deliver(pk: int) -> bool:
    return services.notification_deliver(notification_id=pk)


def test_rows_are_written_in_the_callers_transaction_and_roll_back_with_it(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue()
        assert Notification.objects.count() == 1
        raise RuntimeError("the cause failed")
    assert not Notification.objects.exists()


def test_delivery_is_enqueued_only_when_the_cause_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue(recipients=["a@example.org", "b@example.org"])
        assert Notification.objects.count() == 2
    assert len(callbacks) == 1


def test_one_row_per_event_and_recipient_so_a_repeated_event_adds_nothing(db):
    first = enqueue()
    again = enqueue(recipients=["ANA@example.org ", "ana@example.org"])
    assert first == again
    assert Notification.objects.count() == 1
    other_event = enqueue(event="comment-published:8")
    assert other_event != first


def test_an_unknown_kind_is_refused_where_it_is_made(db):
    with pytest.raises(ValueError, match="templates/emails/no_such_mail/subject.txt"):
        enqueue(kind="no_such_mail")
    with pytest.raises(ValueError, match="lower-case identifier"):
        enqueue(kind="../base")
    assert not Notification.objects.exists()


def test_an_empty_or_overlong_event_key_is_refused(db):
    with pytest.raises(ValueError, match="event key"):
        enqueue(event="")
    with pytest.raises(ValueError, match="event key"):
        enqueue(event="x" * 151)


def test_malformed_and_unsubscribed_addresses_get_no_row(db):
    Suppression.objects.create(email="gone@example.org", kind="comment_published")
    ids = enqueue(recipients=["not an address", "", "gone@example.org", "ok@example.org"])
    assert list(Notification.objects.values_list("recipient", flat=True)) == ["ok@example.org"]
    assert len(ids) == 1


def test_a_row_is_sent_once_with_text_html_and_one_click_unsubscribe(db, mail_server, settings):
    settings.SITE_URL = "https://news.example.org"
    [pk] = enqueue()
    assert deliver(pk) is True
    assert deliver(pk) is False  # a redelivered task finds it sent
    [message] = mail_server.wait_for(1)
    row = Notification.objects.get()
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at is not None
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == 'Your comment on "Metro fares rise" is published'
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert PUBLISHED["comment_url"] in text and PUBLISHED["comment_url"] in html
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://news.example.org/notifications/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On the wire the URL is plain, never RFC 2047 encoded words mail clients cannot parse.
    assert f"List-Unsubscribe: <{unsubscribe}>\r\n".encode() in mail_server.raw[0]
    assert unsubscribe in text and unsubscribe in html
    assert message["Message-ID"] == f"<notification-{pk}@news.example.org>"


def test_html_email_escapes_what_a_commenter_wrote(db, mail_server):
    [pk] = enqueue(context={**PUBLISHED, "name": "<b>Eve</b>", "excerpt": "<script>x</script>"})
    deliver(pk)
    [message] = mail_server.wait_for(1)
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>Eve</b>" not in html


@pytest.mark.django_db(transaction=True)
def test_a_row_locked_by_another_worker_is_skipped_not_sent_twice(transactional_db, mail_server):
    [pk] = enqueue()
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            Notification.objects.select_for_update().get(pk=pk)
            locked.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert locked.wait(10)
    try:
        assert deliver(pk) is False
        assert Notification.objects.get().state == "pending"
    finally:
        release.set()
        thread.join()
    assert deliver(pk) is True
    assert len(mail_server.wait_for(1)) == 1


def test_smtp_down_keeps_the_row_pending_with_its_error_and_backs_off(db, mail_server, settings):
    settings.NOTIFICATIONS_BACKOFF_SECONDS = 60
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    mail_server.stop()
    [pk] = enqueue()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert deliver(pk) is False
        row = Notification.objects.get()
        assert (row.state, row.attempts) == ("pending", 1)
        assert "Connection refused" in row.last_error
        assert row.next_attempt_at == start + timedelta(seconds=60)
        assert deliver(pk) is False  # not due yet: no attempt is spent
        assert Notification.objects.get().attempts == 1

        clock.shift(61)
        deliver(pk)
        row = Notification.objects.get()
        assert (row.state, row.attempts) == ("pending", 2)
        assert row.next_attempt_at == timezone.now() + timedelta(seconds=120)

        clock.shift(121)
        deliver(pk)
        row = Notification.objects.get()
        assert (row.state, row.attempts) == ("failed", 3)
        assert "Connection refused" in row.last_error

    mail_server.start()
    assert services.notification_retry(ids=[pk]) == 1
    assert deliver(pk) is True
    assert len(mail_server.wait_for(1)) == 1
    assert Notification.objects.get().state == "sent"


def test_backoff_doubles_and_is_capped(settings):
    settings.NOTIFICATIONS_BACKOFF_SECONDS = 60
    settings.NOTIFICATIONS_BACKOFF_MAX = 600
    waits = [Notification(attempts=n).backoff().total_seconds() for n in range(1, 7)]
    assert waits == [60, 120, 240, 480, 600, 600]


def test_a_temporary_smtp_refusal_is_retried(db, mail_server):
    mail_server.mode = "tempfail"
    [pk] = enqueue()
    deliver(pk)
    row = Notification.objects.get()
    assert (row.state, row.attempts) == ("pending", 1)
    assert "451" in row.last_error


def test_a_permanent_smtp_refusal_fails_at_once(db, mail_server):
    mail_server.mode = "reject"
    [pk] = enqueue()
    deliver(pk)
    row = Notification.objects.get()
    assert (row.state, row.attempts) == ("failed", 1)
    assert "550" in row.last_error


def test_cancelled_rows_are_never_sent(db, mail_server):
    [pk] = enqueue()
    assert services.notification_cancel(about="comment:7", reason="comment rejected") == 1
    assert deliver(pk) is False
    row = Notification.objects.get()
    assert row.state == "cancelled" and row.last_error == "Cancelled: comment rejected"
    assert services.notification_retry(ids=[pk]) == 0
    assert mail_server.count() == 0


def test_digest_rows_wait_for_the_window_then_go_as_one_mail(db, mail_server, settings):
    settings.NOTIFICATIONS_DIGEST_WINDOW = 600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        first = hold(1)
        clock.shift(120)
        hold(2)
        hold(3)
        assert deliver(first[0]) is False  # the window is still open
        clock.shift(481)
        assert deliver(first[0]) is True
    [message] = mail_server.wait_for(1)
    assert message["Subject"] == "3 comments waiting for moderation on Alverno Alpha"
    text = message.get_body(("plain",)).get_content()
    for n in (1, 2, 3):
        assert f"Held comment number {n}" in text
    assert "https://news.example.org/moderation/" in text
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}


def test_a_digest_is_never_sent_twice_within_one_window(db, mail_server, settings):
    settings.NOTIFICATIONS_DIGEST_WINDOW = 600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        [first] = hold(1)
        clock.shift(601)
        assert deliver(first) is True
        clock.shift(60)
        [second] = hold(2)
        services.notification_retry(ids=[second])  # made due at once, by hand
        assert deliver(second) is False
        held = Notification.objects.get(pk=second)
        assert held.state == "pending"
        assert held.next_attempt_at == Notification.objects.get(pk=first).sent_at + timedelta(
            seconds=600
        )
        clock.shift(541)
        assert deliver(second) is True
    assert len(mail_server.wait_for(2)) == 2


def test_immediate_mode_mails_each_held_comment_on_commit(
    db, mail_server, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_IMMEDIATE = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [pk] = hold(1)
    assert len(callbacks) == 1
    assert Notification.objects.get().digest is False
    assert deliver(pk) is True
    [message] = mail_server.wait_for(1)
    assert message["Subject"] == "1 comment waiting for moderation on Alverno Alpha"


@pytest.mark.parametrize(("window", "queued"), [(0, True), (600, False)])
def test_a_digest_is_queued_on_commit_only_when_there_is_no_window_to_wait_for(
    db, settings, monkeypatch, django_capture_on_commit_callbacks, window, queued
):
    settings.NOTIFICATIONS_DIGEST_WINDOW = window
    nudged: list[list[int]] = []
    monkeypatch.setattr(services, "_nudge", nudged.append)
    with django_capture_on_commit_callbacks(execute=True):
        ids = hold(1, recipients=["mod1@example.org", "mod2@example.org"])
    assert Notification.objects.filter(digest=True).count() == 2
    assert nudged == ([ids] if queued else [])


def test_without_a_digest_window_a_held_comment_is_sent_at_once_as_a_digest(
    db, mail_server, settings
):
    settings.NOTIFICATIONS_DIGEST_WINDOW = 0
    [pk] = hold(1)
    assert deliver(pk) is True
    [message] = mail_server.wait_for(1)
    assert message["Subject"] == "1 comment waiting for moderation on Alverno Alpha"


def test_the_sweep_nudges_each_due_row_and_each_digest_group_once(db, settings, monkeypatch):
    settings.NOTIFICATIONS_DIGEST_WINDOW = 0
    nudged: list[list[int]] = []
    monkeypatch.setattr(services, "_nudge", nudged.append)
    plain = enqueue(recipients=["a@example.org", "b@example.org"])
    for n in range(5):
        hold(n, recipients=["mod1@example.org", "mod2@example.org"])
    later = enqueue(event="comment-published:9")
    Notification.objects.filter(pk__in=later).update(next_attempt_at=timezone.now() + timedelta(1))
    nudged.clear()

    assert services.notification_sweep(digests=False) == 2
    assert sorted(nudged[-1]) == sorted(plain)
    assert services.notification_sweep(digests=True) == 2  # one per moderator, not five
    leads = Notification.objects.filter(pk__in=nudged[-1])
    assert sorted(leads.values_list("recipient", flat=True)) == [
        "mod1@example.org",
        "mod2@example.org",
    ]


def test_enqueue_and_sweep_use_a_bounded_number_of_queries(
    db, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(services, "_nudge", lambda ids: None)
    with django_assert_max_num_queries(5):
        enqueue(recipients=[f"r{n}@example.org" for n in range(50)])
    # The due rows, and two statements that settle mail awaiting a confirmation.
    with django_assert_max_num_queries(4):
        services.notification_sweep(digests=False)


def test_desk_editors_can_be_told_of_an_article_submitted_for_review(db, mail_server):
    """The mail issue 8 sends when a reporter submits: ready to enqueue with the article."""
    ids = services.notification_enqueue(
        kind="article_submitted",
        recipients=["desk1@newsroom.example", "desk2@newsroom.example"],
        event="article-submitted:42:1",
        about="article:42",
        context={
            "headline": "Metro fares rise again",
            "desk": "Transport",
            "reporter": "Ruth Reporter",
            "review_url": "https://news.example.org/admin/articles/article/42/change/",
        },
    )
    for pk in ids:
        assert deliver(pk) is True
    messages = mail_server.wait_for(2)
    assert {m["Subject"] for m in messages} == {
        'For review: "Metro fares rise again" by Ruth Reporter'
    }
    text = messages[0].get_body(("plain",)).get_content()
    assert "https://news.example.org/admin/articles/article/42/change/" in text
    assert "Transport desk" in text
