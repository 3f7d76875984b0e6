"""One audit page across the site (/admin/audit/): who published, unpublished, scheduled,
corrected, restored, moderated and changed desk rights, filterable by person, desk and day.
Read-only, over the logs the services already write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from articles.models import DeskMembershipChange
from comments.models import ModerationLog
from editorial import services as editorial_services
from editorial.models import Revision
from tests.comments.conftest import CommentFactory
from tests.factories import ArticleFactory, DeskFactory, PhotoFactory

pytestmark = pytest.mark.django_db

AUDIT = "/admin/audit/"


@pytest.fixture
def record(editor, moderator, superuser):
    business = DeskFactory(name="Business", slug="business")
    sport = DeskFactory(name="Sport", slug="sport")
    fares = ArticleFactory(
        draft=True, desk=business, headline="Fares rise", hero_photo=PhotoFactory()
    )
    editorial_services.article_publish(article=fares, user=editor)
    editorial_services.article_unpublish(article=fares, user=editor, note="Legal hold")
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
