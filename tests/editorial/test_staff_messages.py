"""Every workflow action in admin says what it did; unpublishing asks first and why, and
readers then get 410 Gone with a short note instead of a bare 404."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from articles.models import Article
from editorial.models import Transition
from editorial.services import workflow
from tests.support.admin import CHANGELIST, action, article_form, change_url, errors

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_submitting_says_whose_review_it_went_to(client, transport_draft, rita, eddie):
    client.force_login(rita)
    response = client.post(
        reverse(CHANGELIST), action("submit_for_review", transport_draft), follow=True
    )
    assert any("Sent to the Transport desk's editors for review" in m for m in said(response))


def test_submitting_through_the_form_says_so_too(client, transport_draft, rita, eddie):
    client.force_login(rita)
    response = client.post(
        change_url(transport_draft), article_form(transport_draft, status="in_review"), follow=True
    )
    assert any("Sent to the Transport desk's editors for review" in m for m in said(response))


def test_publishing_shows_the_live_link(client, transport_draft, eddie):
    client.force_login(eddie)
    response = client.post(
        reverse(CHANGELIST), action("publish_selected", transport_draft), follow=True
    )
    transport_draft.refresh_from_db()
    url = transport_draft.get_absolute_url()
    assert any("is live" in m and f'href="{url}"' in m for m in said(response))


@time_machine.travel(dt.datetime(2026, 12, 2, 15, 0, tzinfo=LONDON), tick=False)
def test_scheduling_says_when_it_goes_live_in_newsroom_time(client, transport_draft, eddie):
    client.force_login(eddie)
    at = dt.datetime(2026, 12, 3, 16, 5, tzinfo=LONDON)
    response = client.post(
        change_url(transport_draft),
        article_form(transport_draft, status="published", published_at=at),
        follow=True,
    )
    assert response.status_code == 200, errors(response)
    assert any("Goes live on 3 December 2026, 16:05 GMT" in m for m in said(response))


@pytest.fixture
def live(transport_draft, eddie):
    return workflow.article_publish(article=transport_draft, user=eddie)


def test_unpublishing_asks_for_confirmation_and_a_reason_first(client, live, eddie):
    client.force_login(eddie)
    response = client.post(reverse(CHANGELIST), action("unpublish_selected", live))
    assert response.status_code == 200
    assert b"Fares rise" in response.content and b'name="note"' in response.content
    live.refresh_from_db()
    assert live.status == Article.Status.PUBLISHED


def test_unpublishing_without_a_reason_is_refused(client, live, eddie):
    client.force_login(eddie)
    data = {**action("unpublish_selected", live), "confirm": "yes", "note": "  "}
    response = client.post(reverse(CHANGELIST), data)
    assert response.status_code == 200
    assert b"Say why" in response.content
    live.refresh_from_db()
    assert live.status == Article.Status.PUBLISHED


def test_a_confirmed_unpublish_keeps_the_reason_in_the_log(client, live, eddie):
    client.force_login(eddie)
    data = {**action("unpublish_selected", live), "confirm": "yes", "note": "Legal hold"}
    response = client.post(reverse(CHANGELIST), data, follow=True)
    live.refresh_from_db()
    assert live.status == Article.Status.UNPUBLISHED
    step = Transition.objects.filter(article=live).latest("created_at", "id")
    assert (step.action, step.note) == ("unpublish", "Legal hold")
    assert any("withdrawn" in m for m in said(response))


def test_the_unpublish_button_on_the_article_page_confirms_too(client, live, eddie):
    client.force_login(eddie)
    response = client.post(
        change_url(live), action("unpublish_selected", live, location="change_form")
    )
    assert response.status_code == 200 and b'name="note"' in response.content
    live.refresh_from_db()
    assert live.status == Article.Status.PUBLISHED


def test_readers_get_410_gone_with_a_note_for_a_withdrawn_article(client, live, eddie):
    url = live.get_absolute_url()
    workflow.article_unpublish(article=live, user=eddie, note="Legal hold")
    response = client.get(url)
    assert response.status_code == 410
    assert b"This article has been withdrawn." in response.content
    assert b"Legal hold" not in response.content  # the reason is for staff
    assert "s-maxage=3600" not in response.headers.get("Cache-Control", "")


def test_an_address_that_never_had_an_article_is_still_404(client, live):
    response = client.get(live.get_absolute_url().replace(live.slug, "no-such-story"))
    assert response.status_code == 404


def test_a_draft_never_published_is_404_not_410(client, transport_draft):
    assert client.get(transport_draft.get_absolute_url()).status_code == 404


def test_the_status_field_cannot_unpublish_without_the_reason(client, live, eddie):
    """The form's status field would skip the confirmation and the reason: it points to the
    Unpublish button instead, and nothing changes."""
    client.force_login(eddie)
    response = client.post(change_url(live), article_form(live, status="unpublished"))
    assert response.status_code == 200
    assert "use Unpublish" in errors(response)
    live.refresh_from_db()
    assert live.status == Article.Status.PUBLISHED
