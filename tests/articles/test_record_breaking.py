"""Ticking "Breaking" on a story published a while ago flags it from now: the window starts
when the flag is set, not at publication (it used to be over before it began)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from editorial import services as editorial_services
from tests.articles.admin_helpers import article_form, change_url, errors
from tests.factories import ArticleFactory, PhotoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def older():
    return ArticleFactory(
        headline="Flood barrier fails",
        hero_photo=PhotoFactory(),
        published_at=timezone.now() - dt.timedelta(days=3),
    )


def test_ticking_breaking_on_an_older_story_flags_it_from_now(editor_client, older):
    with time_machine.travel(timezone.now(), tick=False):
        now = timezone.now()
        response = editor_client.post(change_url(older), article_form(older, is_breaking=True))
        assert response.status_code == 302, errors(response)
        older.refresh_from_db()
        assert older.breaking_until == now + dt.timedelta(
            hours=editorial_services.BREAKING_DEFAULT_HOURS
        )
        assert older.is_breaking_now()
        assert "breaking-banner" in Client().get("/").content.decode()


def test_ticking_breaking_again_after_an_old_window_starts_a_new_one(editor_client, older):
    older.is_breaking, older.breaking_until = False, timezone.now() - dt.timedelta(days=2)
    older.save()
    older.refresh_from_db()
    # The form still shows the old end time; the editor only ticks the box.
    response = editor_client.post(change_url(older), article_form(older, is_breaking=True))
    assert response.status_code == 302, errors(response)
    older.refresh_from_db()
    assert older.is_breaking_now()
    assert older.breaking_until > timezone.now() + dt.timedelta(hours=5)


def test_a_breaking_end_typed_in_the_past_is_a_form_error(editor_client, older):
    response = editor_client.post(
        change_url(older),
        article_form(
            older, is_breaking=True, breaking_until=timezone.now() - dt.timedelta(hours=1)
        ),
    )
    assert response.status_code == 200
    assert "breaking_until:" in errors(response) and "past" in errors(response)
    older.refresh_from_db()
    assert not older.is_breaking


def test_a_scheduled_story_breaks_from_its_publication(editor_client):
    later = timezone.now() + dt.timedelta(days=1)
    article = ArticleFactory(hero_photo=PhotoFactory(), published_at=later)
    response = editor_client.post(change_url(article), article_form(article, is_breaking=True))
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.breaking_until == article.published_at + dt.timedelta(
        hours=editorial_services.BREAKING_DEFAULT_HOURS
    )
