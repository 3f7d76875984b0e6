"""Public pages behind a shared cache: kept, and purged by edits and by the clock."""

import time
from datetime import timedelta

from django.utils import timezone

from articles.models import Article
from articles.services import article_store
from editorial.tasks import clock_sweep
from tests.support.factories import ArticleFactory, BylineFactory, DeskFactory, TopicFactory


def test_an_article_page_is_served_from_the_cache_the_second_time(shared_cache, db):
    article = ArticleFactory()
    assert shared_cache.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert shared_cache.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_the_article_page_is_tagged_with_what_it_shows(client, db):
    article = ArticleFactory()
    keys = client.get(article.get_absolute_url())["Surrogate-Key"].split()
    assert f"article-{article.pk}" in keys
    assert f"desk-{article.desk_id}" in keys
    assert "desks" in keys


def test_every_list_of_cards_is_cached_under_its_own_list_key(client, db):
    article = ArticleFactory(desk=DeskFactory(slug="desk-x"))
    author = BylineFactory(article=article).author
    topic = TopicFactory()
    article.topics.add(topic)
    lists = {
        "/": "list-all",
        "/feed/": "list-all",
        "/sitemap.xml": "list-all",
        "/news-sitemap.xml": "list-all",
        "/corrections/": "list-all",
        "/desk-x/": f"list-desk-{article.desk_id}",
        "/desk-x/feed/": f"list-desk-{article.desk_id}",
        author.get_absolute_url(): f"list-author-{author.pk}",
        f"{author.get_absolute_url()}feed/": f"list-author-{author.pk}",
        topic.get_absolute_url(): f"list-topic-{topic.pk}",
    }
    for path, key in lists.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert key in response["Surrogate-Key"].split(), path


def test_editing_an_article_purges_its_page_and_its_lists_but_no_other_list(
    shared_cache, db, django_capture_on_commit_callbacks
):
    article = ArticleFactory(headline="First version", desk=DeskFactory(slug="news"))
    author = BylineFactory(article=article).author
    topic = TopicFactory()
    article.topics.add(topic)
    other = ArticleFactory(desk=DeskFactory(slug="sport"))
    other_author = BylineFactory(article=other).author
    other_topic = TopicFactory()
    other.topics.add(other_topic)
    showing = [
        article.get_absolute_url(),
        "/",
        "/feed/",
        "/news/",
        "/news/feed/",
        author.get_absolute_url(),
        topic.get_absolute_url(),
    ]
    not_showing = [
        other.get_absolute_url(),
        "/sport/",
        "/sport/feed/",
        other_author.get_absolute_url(),
        other_topic.get_absolute_url(),
    ]
    for path in showing + not_showing:
        shared_cache.get(path)
        assert shared_cache.get(path)["X-Page-Cache"] == "hit", path
    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "Second version"
        article_store(article=article)
    for path in showing:
        response = shared_cache.get(path)
        assert response["X-Page-Cache"] == "miss", path
        assert "Second version" in response.content.decode(), path
    for path in not_showing:
        assert shared_cache.get(path)["X-Page-Cache"] == "hit", path


def test_a_story_moved_to_another_desk_leaves_the_old_desk_page_too(
    shared_cache, db, django_capture_on_commit_callbacks
):
    article = ArticleFactory(headline="Moving story", desk=DeskFactory(slug="news"))
    sport = DeskFactory(slug="sport")
    for path in ("/news/", "/sport/"):
        shared_cache.get(path)
    with django_capture_on_commit_callbacks(execute=True):
        article.desk = sport
        article_store(article=article)
    assert "Moving story" not in shared_cache.get("/news/").content.decode()
    assert "Moving story" in shared_cache.get("/sport/").content.decode()


def test_a_removed_byline_purges_the_former_authors_page(
    shared_cache, db, django_capture_on_commit_callbacks
):
    article = ArticleFactory(headline="Whose story")
    byline = BylineFactory(article=article)
    shared_cache.get(byline.author.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):  # as the admin: article, inlines
        article_store(article=article)
        byline.delete()
    assert "Whose story" not in shared_cache.get(byline.author.get_absolute_url()).content.decode()


def test_unpublishing_purges_the_cached_page(shared_cache, db, django_capture_on_commit_callbacks):
    article = ArticleFactory()
    shared_cache.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.UNPUBLISHED
        article_store(article=article)
    assert shared_cache.get(article.get_absolute_url()).status_code == 410


def test_search_results_are_never_shared(client, db):
    """Every query is a new page: shared caches would fill with them for one reader each."""
    ArticleFactory(headline="Cacheable words")
    response = client.get("/search/?q=words")
    assert "Cacheable words" in response.content.decode()
    assert response["Cache-Control"] == "private, no-cache"


def test_a_staff_preview_is_never_cached(client, editor):
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert response["Cache-Control"] == "private, no-store"
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_scheduled_article_reaches_cached_pages_through_the_worker(shared_cache, celery_worker):
    """Going live is a moment, not a write: the clock sweep purges what it changes."""
    article = ArticleFactory(
        headline="Goes live in a moment", published_at=timezone.now() + timedelta(seconds=2)
    )
    shared_cache.get("/")
    assert "Goes live in a moment" not in shared_cache.get("/").content.decode()
    time.sleep(max(0.0, (article.published_at - timezone.now()).total_seconds()) + 0.2)

    swept = clock_sweep.delay().get(timeout=20)

    assert swept["went_live"] == [article.pk]
    response = shared_cache.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "Goes live in a moment" in response.content.decode()


def test_an_expired_breaking_banner_leaves_cached_pages_through_the_worker(
    shared_cache, celery_worker
):
    ArticleFactory(
        headline="Storm warning",
        is_breaking=True,
        breaking_until=timezone.now() + timedelta(seconds=2),
    )
    assert "breaking-banner" in shared_cache.get("/").content.decode()
    time.sleep(2.2)
    clock_sweep.delay().get(timeout=20)
    assert "breaking-banner" not in shared_cache.get("/").content.decode()


def test_the_clock_sweep_does_nothing_when_nothing_is_due(db):
    ArticleFactory(published_at=timezone.now() - timedelta(days=3))
    clock_sweep()
    assert clock_sweep() == {"went_live": [], "breaking_ended": []}


def test_beat_runs_the_clock_sweep_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["editorial-clock-sweep"]
    assert entry["task"] == clock_sweep.name
    assert entry["schedule"] <= 60


def test_saving_a_draft_leaves_every_list_cached(
    shared_cache, db, django_capture_on_commit_callbacks
):
    ArticleFactory(desk=DeskFactory(slug="news"))
    draft = ArticleFactory(draft=True, desk=DeskFactory(slug="other"))
    for path in ("/", "/feed/", "/news/"):
        shared_cache.get(path)
    with django_capture_on_commit_callbacks(execute=True):
        draft.headline = "Still being written"
        article_store(article=draft)
    for path in ("/", "/feed/", "/news/"):
        assert shared_cache.get(path)["X-Page-Cache"] == "hit", path
