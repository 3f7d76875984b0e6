"""Staff reset a forgotten password from the admin's sign-in page. The mail goes through the
outbox; its row holds the user's id only, and the token is made when the mail is sent, so
no reset token is ever stored in the outbox or shown in its admin."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from notifications.models import Notification
from notifications.services import notification_deliver

pytestmark = pytest.mark.django_db

RESET = "/admin/password_reset/"


def ask_for_reset(client, email: str):
    return client.post(RESET, {"email": email})


def reset_link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    match = re.search(r"https?://[^/\s]+(/admin/reset/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_the_sign_in_page_offers_a_password_reset(client):
    html = client.get("/admin/login/").content.decode()
    assert "Forgotten your password" in html and f'href="{RESET}"' in html


def test_the_reset_pages_are_in_the_admin_style(client):
    html = client.get(RESET).content.decode()
    assert 'id="site-name"' in html and 'name="email"' in html


def test_asking_writes_one_outbox_row_with_the_users_id_and_no_token(client, editor):
    response = ask_for_reset(client, editor.email)
    assert response.status_code == 302 and response.headers["Location"].endswith("/done/")
    row = Notification.objects.get(kind="password_reset")
    assert row.recipient == editor.email
    assert row.context == {"user_id": editor.pk}


def test_an_unknown_address_says_the_same_and_sends_nothing(client, editor):
    response = ask_for_reset(client, "nobody@example.org")
    assert response.status_code == 302
    assert not Notification.objects.filter(kind="password_reset").exists()


def test_a_reader_without_staff_rights_gets_no_reset_mail(client, reader):
    ask_for_reset(client, reader.email)
    assert not Notification.objects.filter(kind="password_reset").exists()


def test_the_mail_arrives_and_its_link_works_once(client, editor, mail_server):
    ask_for_reset(client, editor.email)
    row = Notification.objects.get(kind="password_reset")
    assert notification_deliver(notification_id=row.pk) is True
    message = mail_server.wait_for(1)[0]
    assert message["To"] == editor.email
    link = reset_link(message)

    # The token appears nowhere in the outbox: not in the row, not on its admin page.
    token = link.rstrip("/").rsplit("/", 1)[1]
    row.refresh_from_db()
    assert token not in str(row.context) and token not in row.last_error
    admin = client_for_superuser()
    page = admin.get(f"/admin/notifications/notification/{row.pk}/change/").content.decode()
    assert token not in page

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and b'name="new_password1"' in form_page.content
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "a-Brand-new-pass-42", "new_password2": "a-Brand-new-pass-42"}
    )
    assert done.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password("a-Brand-new-pass-42")

    # Used once: the same link now says it is no longer valid.
    again = client.get(link, follow=True)
    assert b'name="new_password1"' not in again.content
    assert b"invalid" in again.content.lower()


def client_for_superuser():
    from django.test import Client

    root = User.objects.create_superuser("outbox-root", "root@example.org", "pw")
    admin = Client()
    admin.force_login(root)
    return admin
