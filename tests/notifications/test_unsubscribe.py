"""The signed one-click unsubscribe, staff notification settings, and the outbox admin."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from comments import notify
from notifications import services
from notifications.models import MODERATOR_DIGEST, Notification, NotificationPreference, Suppression
from tests.support.comments import submit
from tests.support.factories import ArticleFactory
from tests.support.outbox import enqueue


def unsubscribe_path(recipient="ana@example.org", kind="comment_published") -> str:
    url = services.unsubscribe_url(recipient=recipient, kind=kind)
    return url.removeprefix(services.settings.SITE_URL)


def test_the_link_is_built_from_the_https_site_url(settings):
    settings.SITE_URL = "https://news.example.org"
    url = services.unsubscribe_url(recipient="ana@example.org", kind="comment_published")
    assert url.startswith("https://news.example.org/notifications/unsubscribe/")
    assert "ana@example.org" not in url  # signed and compressed, not a readable address


def test_opening_the_link_only_asks_so_link_scanners_unsubscribe_nobody(db, client):
    response = client.get(unsubscribe_path())
    assert response.status_code == 200
    assert b"Unsubscribe?" in response.content
    assert b"emails when your comments are published" in response.content
    assert not Suppression.objects.exists()


def test_one_click_post_from_a_mail_client_unsubscribes_without_a_csrf_token(db):
    [pk] = enqueue()
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(unsubscribe_path(), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert b"You are unsubscribed" in response.content
    assert Suppression.objects.filter(email="ana@example.org", kind="comment_published").exists()
    assert Notification.objects.get(pk=pk).state == "cancelled"  # the pending one too
    assert enqueue(event="comment-published:99") == []  # and nothing new
    assert enqueue(kind="comment_reply", event="comment-reply:99", context={}) != []  # other kinds


def test_unsubscribing_twice_is_harmless(db, client):
    client.post(unsubscribe_path())
    response = client.post(unsubscribe_path())
    assert response.status_code == 200
    assert Suppression.objects.count() == 1


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"r": "ana@example.org", "k": "comment_published"}, salt="other.salt"),
        signing.dumps(["ana@example.org"], salt=services.UNSUBSCRIBE_SALT),
    ],
    ids=["not-signed", "another-salt", "not-a-mapping"],  # the same in every xdist worker
)
def test_a_forged_or_malformed_link_is_refused_clearly(db, client, token):
    for method in (client.get, client.post):
        response = method(f"/notifications/unsubscribe/{token}/")
        assert response.status_code == 400
        assert b"This unsubscribe link is not valid" in response.content
    assert not Suppression.objects.exists()


def test_a_tampered_link_is_refused(db, client):
    path = unsubscribe_path()
    response = client.post(path.replace(":", ":x", 1))
    assert response.status_code == 400
    assert not Suppression.objects.exists()


def test_an_expired_link_says_so(db, client, settings):
    settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE = 3600
    path = unsubscribe_path()
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        response = client.post(path)
    assert response.status_code == 400
    assert b"This unsubscribe link has expired" in response.content
    assert not Suppression.objects.exists()


def test_only_get_and_post_are_allowed(db, client):
    assert client.put(unsubscribe_path()).status_code == 405


def test_a_moderator_unsubscribed_from_the_digest_gets_no_more_rows(db, client, moderator):
    client.post(unsubscribe_path(recipient=moderator.email, kind=MODERATOR_DIGEST))
    notify.comment_held(comment=submit(ArticleFactory()))
    assert not Notification.objects.filter(kind=MODERATOR_DIGEST).exists()


def test_settings_page_needs_a_login(db, client):
    response = client.get("/notifications/preferences/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_moderator_opts_out_of_the_digest_and_back_in(client, moderator):
    client.force_login(moderator)
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200
    assert b"Email me a digest of comments waiting for moderation" in page.content
    assert b"checked" in page.content

    article = ArticleFactory()
    notify.comment_held(comment=submit(article))
    response = client.post("/notifications/preferences/", {})  # the box unticked
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=moderator).moderator_digest is False
    assert Notification.objects.get(kind=MODERATOR_DIGEST).state == "cancelled"
    notify.comment_held(comment=submit(article))
    assert Notification.objects.filter(kind=MODERATOR_DIGEST, state="pending").count() == 0

    Suppression.objects.create(email=moderator.email, kind=MODERATOR_DIGEST)  # a one-click too
    assert b"checked" not in client.get("/notifications/preferences/").content
    client.post("/notifications/preferences/", {"moderator_digest": "on"})
    assert not Suppression.objects.exists()
    notify.comment_held(comment=submit(article))
    assert Notification.objects.filter(kind=MODERATOR_DIGEST, state="pending").count() == 1


def test_the_settings_form_refuses_a_post_without_its_csrf_token(moderator):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)
    response = browser.post("/notifications/preferences/", {"moderator_digest": ""})
    assert response.status_code == 403
    assert not NotificationPreference.objects.exists()


def failed_rows(count: int) -> list[Notification]:
    return Notification.objects.bulk_create(
        Notification(
            kind="comment_published",
            recipient=f"r{n}@example.org",
            event=f"comment-published:{n}",
            state="failed",
            attempts=8,
            last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        )
        for n in range(count)
    )


def test_the_outbox_admin_filters_by_state_and_kind_in_few_queries(
    client, superuser, django_assert_max_num_queries
):
    failed_rows(60)
    enqueue()
    client.force_login(superuser)
    with django_assert_max_num_queries(12):
        response = client.get(
            "/admin/notifications/notification/?state__exact=failed&kind=comment_published"
        )
    assert response.status_code == 200
    assert b"60 notifications" in response.content
    assert b"Connection unexpectedly closed" in response.content
    assert b"ana@example.org" not in response.content  # pending, filtered out
    response = client.get("/admin/notifications/notification/?state__exact=pending")
    assert b"ana@example.org" in response.content


def test_outbox_rows_cannot_be_added_or_deleted_by_hand(client, superuser):
    [row] = failed_rows(1)
    client.force_login(superuser)
    assert client.get("/admin/notifications/notification/add/").status_code == 403
    assert client.get(f"/admin/notifications/notification/{row.pk}/delete/").status_code == 403


@pytest.mark.parametrize("persona", ["moderator", "editor", "reporter", "outsider"])
def test_staff_without_the_right_cannot_see_or_retry_the_outbox(db, client, request, persona):
    [row] = failed_rows(1)
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/admin/notifications/notification/").status_code == 403
    response = client.post(
        "/admin/notifications/notification/", {"action": "retry", "_selected_action": [row.pk]}
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.state == "failed"


def test_the_retry_action_leaves_sent_rows_alone(
    client, superuser, django_capture_on_commit_callbacks
):
    [failed] = failed_rows(1)
    sent = Notification.objects.create(
        kind="comment_published", recipient="s@example.org", event="e:1", state="sent"
    )
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/admin/notifications/notification/",
            {"action": "retry", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert b"1 notification(s) queued" in response.content
    assert b"1 already sent or cancelled were left alone" in response.content
    assert len(callbacks) == 1
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.state, failed.attempts) == ("pending", 0)
    assert sent.state == "sent"
