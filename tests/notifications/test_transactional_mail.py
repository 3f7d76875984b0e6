"""Mail a person needs to use their account (a password reset, an invitation to a desk) is
transactional: it goes through the outbox like every mail, but an unsubscribe never stops it
and it carries no unsubscribe link or List-Unsubscribe header. Its row holds an id; the link's
token is made by the sending task, so none is ever stored or shown in the outbox's admin.
All through the real SMTP test server."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from articles import staff
from articles.models import DeskMembership
from notifications.models import Notification, Suppression
from notifications.services import notification_deliver, notification_unsubscribe
from tests.support.factories import DeskFactory

pytestmark = pytest.mark.django_db


def text(message) -> str:
    return message.get_body(("plain",)).get_content()


def html(message) -> str:
    return message.get_body(("html",)).get_content()


def superuser_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("outbox-root", "root@example.org", "pw"))
    return client


def test_an_unsubscribe_never_stops_a_password_reset(client, editor, mail_server):
    """Main sent reset mail with an unsubscribe link, and a click on it suppressed every
    later reset for the address."""
    notification_unsubscribe(recipient=editor.email, kind="password_reset")
    client.post("/admin/password_reset/", {"email": editor.email})
    row = Notification.objects.get(kind="password_reset")
    assert notification_deliver(notification_id=row.pk) is True
    message = mail_server.wait_for(1)[0]
    assert "List-Unsubscribe" not in message and "List-Unsubscribe-Post" not in message
    assert "unsubscribe" not in text(message).lower()
    assert "unsubscribe" not in html(message).lower()
    assert "/admin/reset/" in text(message)


def test_ordinary_mail_keeps_its_unsubscribe_link(editor, mail_server):
    from notifications.services import notification_enqueue

    [pk] = notification_enqueue(
        kind="article_submitted",
        recipients=[editor.email],
        event="test:unsubscribe",
        context={"headline": "H", "desk": "D", "reporter": "R", "note": "", "review_url": "/"},
    )
    notification_deliver(notification_id=pk)
    message = mail_server.wait_for(1)[0]
    assert message["List-Unsubscribe"].startswith("<http")
    assert "Unsubscribe" in html(message)


@pytest.fixture
def business():
    return DeskFactory(name="Business", slug="business")


@pytest.fixture
def ella(business):
    user = User.objects.create_user("ella", email="ella@newsroom.example", is_staff=True)
    DeskMembership.objects.create(desk=business, user=user, role="editor")
    return User.objects.get(pk=user.pk)


def test_the_invitation_mail_arrives_with_a_working_link_and_no_token_stored(
    ella, business, mail_server
):
    Suppression.objects.create(email="nadia@example.org", kind="staff_invitation")
    invitation = staff.invitation_create(
        email="nadia@example.org", desk=business, role="reporter", by=ella
    )
    row = Notification.objects.get(kind="staff_invitation")
    assert notification_deliver(notification_id=row.pk) is True
    message = mail_server.wait_for(1)[0]
    assert message["To"] == "nadia@example.org"
    assert "Business" in message["Subject"]
    assert "List-Unsubscribe" not in message
    body = text(message)
    assert "as reporter" in body and "unsubscribe" not in body.lower()
    link = re.search(r"https?://[^/\s]+(/admin/invitation/[^\s]+/)", body).group(1)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert staff.invitation_read(token) == invitation

    # The token is nowhere in the outbox or its admin, nor in the invitation's admin.
    row.refresh_from_db()
    assert token not in str(row.context) and token not in row.last_error
    admin = superuser_client()
    for url in (
        f"/admin/notifications/notification/{row.pk}/change/",
        f"/admin/articles/invitation/{invitation.pk}/change/",
        "/admin/articles/invitation/",
    ):
        assert token not in admin.get(url).content.decode()

    person = Client()
    assert person.get(link).status_code == 200
    done = person.post(
        link, {"username": "nadia", "password1": "a-Long-pass-42", "password2": "a-Long-pass-42"}
    )
    assert done.status_code == 302
    assert User.objects.get(username="nadia").check_password("a-Long-pass-42")
    assert person.get(link).status_code == 410  # used once


def test_an_invitation_withdrawn_before_its_mail_went_sends_nothing(ella, business, mail_server):
    invitation = staff.invitation_create(
        email="nadia@example.org", desk=business, role="reporter", by=ella
    )
    staff.invitation_withdraw(invitation=invitation, by=ella)
    row = Notification.objects.get(kind="staff_invitation")
    assert notification_deliver(notification_id=row.pk) is False
    row.refresh_from_db()
    assert row.state == "cancelled" and "can no longer be used" in row.last_error
    assert mail_server.messages == []
