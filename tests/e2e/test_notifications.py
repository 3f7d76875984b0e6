"""Notification mail as people meet it, in Debian's chromium: the HTML digest, the signed
unsubscribe page, and a moderator's notification settings."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from notifications import services
from notifications.models import NotificationPreference, Suppression
from tests.support.outbox import hold

DIGEST_LABEL = "Email me a digest of comments waiting for moderation"
SHOTS = Path("/tmp/newsroom-notifications")  # noqa: S108 - screenshots for people to look at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _plain_static_names(settings):
    # live_server serves /static/ through the finders, which know no hashed manifest names.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_digest_email_shows_each_held_comment_and_a_link_to_the_queue(
    page, mail_server, settings
):
    settings.NOTIFICATIONS_DIGEST_WINDOW = 0
    settings.SITE_URL = "https://news.example.org"
    ids = [hold(n)[0] for n in range(3)]
    assert services.notification_deliver(notification_id=ids[0]) is True
    [message] = mail_server.wait_for(1)
    page.set_content(message.get_body(("html",)).get_content())
    button = page.get_by_role("link", name="Open the moderation queue")
    assert button.is_visible()
    assert button.get_attribute("href") == "https://news.example.org/moderation/"
    assert page.get_by_role("link", name="Moderate this comment").count() == 3
    assert page.get_by_text("Held comment number 2").is_visible()
    unsubscribe = page.get_by_role("link", name="Unsubscribe")
    assert unsubscribe.get_attribute("href").startswith(
        "https://news.example.org/notifications/unsubscribe/"
    )
    shot(page, "digest-email")


def test_a_reader_unsubscribes_from_the_link_in_a_mail(page, live_server):
    url = services.unsubscribe_url(recipient="ana@example.org", kind="comment_reply")
    path = url.removeprefix(services.settings.SITE_URL)
    page.goto(live_server.url + path)
    assert page.get_by_role("heading", name="Unsubscribe?").is_visible()
    assert page.get_by_text("emails when someone replies to your comments").is_visible()
    assert not Suppression.objects.exists()  # opening the page changed nothing
    shot(page, "unsubscribe-confirm")
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    assert Suppression.objects.filter(email="ana@example.org", kind="comment_reply").exists()
    shot(page, "unsubscribe-done")


def test_a_moderator_turns_the_digest_off_in_their_settings(page, live_server):
    # Any signed-in staff member may set this; no group needed (flushed tables have none).
    moderator = User.objects.create_user(
        "moderator", email="moderator@example.org", password="pw-moderator", is_staff=True
    )
    page.goto(live_server.url + "/notifications/preferences/")
    page.fill("#id_username", "moderator")
    page.fill("#id_password", "pw-moderator")
    page.get_by_role("button", name="Log in").click()
    box = page.get_by_label(DIGEST_LABEL)
    box.wait_for()
    assert box.is_checked()
    box.uncheck()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your notification settings are saved.").wait_for()
    assert not page.get_by_label(
        "Email me a digest of comments waiting for moderation"
    ).is_checked()
    shot(page, "preferences-saved")
    preference = NotificationPreference.objects.get(user=moderator)
    assert preference.moderator_digest is False


def test_an_operator_finds_failed_mail_in_admin_and_retries_it(page, live_server, superuser):
    from notifications.models import Notification

    Notification.objects.create(
        kind="comment_published",
        recipient="ana@example.org",
        about="comment:7",
        event="comment-published:7",
        state="failed",
        attempts=8,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    page.goto(live_server.url + "/admin/notifications/notification/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "pw-root")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Failed").click()
    page.get_by_text("Connection unexpectedly closed").wait_for()
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "retry")
    shot(page, "admin-outbox-failed")
    page.get_by_role("button", name="Run").click()
    message = page.locator(".messagelist li")
    message.wait_for()
    assert message.inner_text() == "1 notification(s) queued for another round of attempts."
    assert Notification.objects.get().state == "pending"
    shot(page, "admin-outbox-retried")
