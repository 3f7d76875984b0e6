"""One audit page across the site (/admin/audit/): who published, unpublished, scheduled,
corrected, restored, moderated and changed desk rights, filterable by person, desk and day.
Read-only, over the logs the services already write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from articles.models import DeskMembershipChange
from comments.models import ModerationLog
from editorial.models import Revision
from editorial.services import workflow
from tests.support.factories import ArticleFactory, CommentFactory, DeskFactory, PhotoFactory

pytestmark = pytest.mark.django_db

AUDIT = "/admin/audit/"


@pytest.fixture
def record(editor, moderator, superuser):
    business = DeskFactory(name="Business", slug="business")
    sport = DeskFactory(name="Sport", slug="sport")
    fares = ArticleFactory(
        draft=True, desk=business, headline="Fares rise", hero_photo=PhotoFactory()
    )
    workflow.article_publish(article=fares, user=editor)
    workflow.article_unpublish(article=fares, user=editor, note="Legal hold")
    Revision.objects.create(
        article=fares, number=9, user=editor, kind=Revision.Kind.RESTORE, note="Back to 2"
    )
    goal = ArticleFactory(desk=sport, headline="Late goal")
    comment = CommentFactory(article=goal)
    ModerationLog.objects.create(
        comment=comment,
        moderator=moderator,
        from_status="pending",
        to_status="spam",
        reason="links",
    )
    DeskMembershipChange.objects.create(desk=sport, member=moderator, action="added", by=superuser)
    return {"business": business, "sport": sport}


def rows(client, query: str = "") -> str:
    response = client.get(AUDIT + query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_page_lists_every_kind_of_step(client, superuser, record):
    client.force_login(superuser)
    html = rows(client)
    for text in ("Published", "Unpublished", "Legal hold", "Restored", "Fares rise"):
        assert text in html, text
    assert "Comment marked spam" in html and "Late goal" in html
    assert "moderator added to the Sport desk" in html


def test_filtered_by_person(client, superuser, moderator, record):
    client.force_login(superuser)
    html = rows(client, f"?user={moderator.pk}")
    assert "Comment marked spam" in html
    assert "Fares rise" not in html


def test_filtered_by_desk(client, superuser, record):
    client.force_login(superuser)
    html = rows(client, f"?desk={record['business'].pk}")
    assert "Fares rise" in html
    assert "Comment marked spam" not in html and "Sport desk" not in html


def test_filtered_by_day(client, superuser, record):
    client.force_login(superuser)
    today = timezone.localdate()
    assert "Fares rise" in rows(client, f"?day={today:%Y-%m-%d}")
    yesterday = today - dt.timedelta(days=1)
    assert "Fares rise" not in rows(client, f"?day={yesterday:%Y-%m-%d}")


@pytest.mark.parametrize("query", ["?user=abc", "?desk=1.5", "?day=2026-13-40", "?day=x"])
def test_bad_filters_are_400(client, superuser, query):
    client.force_login(superuser)
    assert client.get(AUDIT + query).status_code == 400


@pytest.mark.parametrize("persona", ["reporter", "editor", "moderator", "outsider"])
def test_only_those_with_every_log_right_see_it(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(AUDIT).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(AUDIT)
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login/")


def test_the_admin_index_links_to_the_audit_page_for_those_who_may_see_it(client, superuser):
    client.force_login(superuser)
    assert f'href="{AUDIT}"' in client.get("/admin/").content.decode()


# --- Staff: roles given, changed and taken, invitations, deactivations --------------------


@pytest.fixture
def staffing(superuser):
    from django.contrib.auth.models import Group, User

    from articles import staff
    from articles.models import DeskMembership

    world = DeskFactory(name="World", slug="world")
    sam = User.objects.create_user("sam", email="sam@example.org", is_staff=True)
    sam.groups.add(Group.objects.get(name="Site administrators"))
    wendy = User.objects.create_user("wendy", email="wendy@example.org", is_staff=True)
    DeskMembership.objects.create(desk=world, user=wendy, role="editor")
    wendy = User.objects.get(pk=wendy.pk)
    nora = User.objects.create_user("nora", email="nora@example.org", is_staff=True)
    staff.membership_set(desk=world, person=nora, role="reporter", by=wendy)
    staff.membership_set(desk=world, person=nora, role="editor", by=wendy)
    invitation = staff.invitation_create(
        email="newbie@example.org", desk=world, role="reporter", by=wendy
    )
    staff.invitation_accept(
        token=staff.invitation_token(invitation), username="newbie", password="a-Long-pass-42"
    )
    dropped = staff.invitation_create(
        email="never@example.org", desk=world, role="moderator", by=wendy
    )
    staff.invitation_withdraw(invitation=dropped, by=wendy)
    staff.person_deactivate(person=User.objects.get(username="newbie"), by=sam)
    return {"world": world, "sam": sam, "wendy": wendy, "nora": nora}


def test_staff_changes_and_invitations_are_in_the_log(client, staffing):
    client.force_login(staffing["sam"])  # a site administrator, not a superuser
    html = rows(client).replace("&#x27;", "'")
    for text in (
        "nora added to the World desk as reporter",
        "nora's role on the World desk changed from reporter to editor",
        "Invited newbie@example.org as reporter",
        "newbie accepted the invitation to the World desk as reporter",
        "Withdrew the invitation of never@example.org",
        "newbie removed from the World desk",
        "newbie deactivated",
    ):
        assert text in html, text


def test_a_person_filter_shows_what_they_did_and_what_was_done_to_their_roles(
    client, superuser, staffing
):
    client.force_login(superuser)
    html = rows(client, f"?user={staffing['nora'].pk}").replace("&#x27;", "'")
    assert "nora's role on the World desk changed" in html
    assert "Invited newbie" not in html
    html = rows(client, f"?user={staffing['wendy'].pk}")
    assert "Invited newbie@example.org" in html and "Withdrew the invitation" in html
    assert "newbie deactivated" not in html  # the site administrator did that


def test_the_desk_filter_keeps_staff_steps_of_that_desk(client, superuser, staffing, record):
    client.force_login(superuser)
    html = rows(client, f"?desk={staffing['world'].pk}")
    assert "Invited newbie@example.org" in html and "Fares rise" not in html
    assert "World desk" in html
    html = rows(client, f"?desk={record['business'].pk}")
    assert "Invited" not in html
