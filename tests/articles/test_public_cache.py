"""Public pages in the page cache: served from Redis, purged by edits and by the clock."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.tasks import purge_due_pages
from tests.factories import ArticleFactory, DeskFactory


def test_an_article_page_is_served_from_the_cache_the_second_time(client, db):
    article = ArticleFactory()
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_the_article_page_is_tagged_with_what_it_shows(client, db):
    article = ArticleFactory()
    keys = client.get(article.get_absolute_url())["Surrogate-Key"].split()
    assert f"article-{article.pk}" in keys
    assert f"desk-{article.desk_id}" in keys
    assert "desks" in keys


@pytest.mark.parametrize("path", ["/", "/desk-x/", "/feed/", "/sitemap.xml", "/news-sitemap.xml"])
def test_every_list_of_cards_is_cached_under_the_listings_key(client, db, path):
    ArticleFactory(desk=DeskFactory(slug="desk-x"))
    response = client.get(path)
    assert response.status_code == 200
    assert "listings" in response["Surrogate-Key"].split()


def test_editing_an_article_purges_its_page_and_every_list(
    client, db, django_capture_on_commit_callbacks
):
    article = ArticleFactory(headline="First version")
    for path in (article.get_absolute_url(), "/", "/feed/"):
        client.get(path)
        assert client.get(path)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "Second version"
        article.save()
    for path in (article.get_absolute_url(), "/", "/feed/"):
        response = client.get(path)
        assert response["X-Page-Cache"] == "miss"
        assert "Second version" in response.content.decode()


def test_unpublishing_purges_the_cached_page(client, db, django_capture_on_commit_callbacks):
    article = ArticleFactory()
    client.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.UNPUBLISHED
        article.save()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_search_results_are_never_cached(client, db):
    ArticleFactory(headline="Cacheable words")
    client.get("/search/?q=words")
    assert "X-Page-Cache" not in client.get("/search/?q=words")


def test_a_staff_preview_is_never_cached(client, editor):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert response["Cache-Control"] == "private, no-store"
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_scheduled_article_reaches_cached_pages_through_the_worker(client, celery_worker):
    """Going live is a moment, not a write: the beat task purges what it changes."""
    article = ArticleFactory(
        headline="Goes live in a moment", published_at=timezone.now() + timedelta(seconds=2)
    )
    client.get("/")
    assert "Goes live in a moment" not in client.get("/").content.decode()
    time.sleep(max(0.0, (article.published_at - timezone.now()).total_seconds()) + 0.2)
    assert client.get("/")["X-Page-Cache"] == "hit"  # stale until the task runs

    purged = purge_due_pages.delay().get(timeout=20)

    assert f"article-{article.pk}" in purged
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "Goes live in a moment" in response.content.decode()


def test_an_expired_breaking_banner_leaves_cached_pages_through_the_worker(client, celery_worker):
    ArticleFactory(
        headline="Storm warning",
        is_breaking=True,
        breaking_until=timezone.now() + timedelta(seconds=2),
    )
    assert "breaking-banner" in client.get("/").content.decode()
    time.sleep(2.2)
    purge_due_pages.delay().get(timeout=20)
    assert "breaking-banner" not in client.get("/").content.decode()


def test_the_clock_task_purges_nothing_when_nothing_is_due(db):
    ArticleFactory(published_at=timezone.now() - timedelta(days=3))
    purge_due_pages()
    assert purge_due_pages() == []


def test_beat_runs_the_clock_task_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["articles-purge-due-pages"]
    assert entry["task"] == purge_due_pages.name
    assert entry["schedule"] <= 60
