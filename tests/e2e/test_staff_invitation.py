"""An editor invites someone to their desk in the admin, in Debian's chromium; the mail
goes through the outbox to a real SMTP server; the invited person opens its link in their
own browser, chooses a username and password, lands signed in, and can sign in again."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from articles.desk_roles import desk_role
from articles.models import DeskMembership
from notifications.models import Notification
from notifications.services import notification_deliver
from tests.support.factories import DeskFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_editor_invites_a_reporter_who_sets_their_password(
    page, browser, live_server, mail_server, settings
):
    settings.SITE_URL = live_server.url
    business = DeskFactory(name="Business", slug="business")
    DeskFactory(name="World", slug="world")
    ella = User.objects.create_user(
        "ella", email="ella@newsroom.example", password="pw-ella", is_staff=True
    )
    DeskMembership.objects.create(desk=business, user=ella, role="editor")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "ella")
    page.fill("#id_password", "pw-ella")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    page.get_by_role("link", name="Invitations").first.click()
    page.get_by_role("link", name=re.compile("Add invitation")).click()
    desks = page.locator("#id_desk option")
    expect(desks).to_have_count(2)  # the empty choice and Business: World is not hers
    page.fill("#id_email", "nadia@example.org")
    page.select_option("#id_desk", label="Business")
    page.select_option("#id_role", "reporter")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("Invitation mailed to nadia@example.org")

    row = Notification.objects.get(kind="staff_invitation")
    assert notification_deliver(notification_id=row.pk) is True  # what the worker does
    body = mail_server.wait_for(1)[0].get_body(("plain",)).get_content()
    link = re.search(r"(https?://\S+/admin/invitation/\S+/)", body).group(1)

    context = browser.new_context(viewport={"width": 390, "height": 844})
    theirs = context.new_page()
    theirs.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    theirs.goto(link)
    expect(theirs.locator("#content-main")).to_contain_text("Business")
    theirs.fill("#id_username", "nadia")
    theirs.fill("#id_password1", "short")
    theirs.fill("#id_password2", "short")
    theirs.click("input[type=submit]")
    expect(theirs.locator(".errorlist")).to_contain_text("too short")
    theirs.fill("#id_password1", "Harbour-lights-42")
    theirs.fill("#id_password2", "Harbour-lights-42")
    theirs.click("input[type=submit]")
    theirs.wait_for_url(live_server.url + "/admin/")
    expect(theirs.locator(".messagelist")).to_contain_text("you are reporter on the Business desk")
    nadia = User.objects.get(username="nadia")
    assert nadia.is_staff and desk_role(nadia, business.pk) == "reporter"

    theirs.goto(link)  # used once
    expect(theirs.locator(".errornote")).to_contain_text("already been used")
    context.close()
    # The form with errors answers 400 and the used link 410, which chromium reports too.
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []

    login = browser.new_context()
    again = login.new_page()
    again.goto(live_server.url + "/admin/login/")
    again.fill("#id_username", "nadia")
    again.fill("#id_password", "Harbour-lights-42")
    again.click("input[type=submit]")
    again.wait_for_url(live_server.url + "/admin/")
    login.close()
