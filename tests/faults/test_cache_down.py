"""Redis down: pages come from the database (logged), comments follow the documented
fail-open/closed setting, and /healthz says 503 naming the cache and the broker.

The Redis here is our own redis-server on a free port, stopped and started by the test; the
shared test Redis is never touched.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from comments.models import Comment
from editorial import services as editorial_services
from tests.articles import seed_article as seed
from tests.comments.conftest import CommentFactory, form_data
from tests.notifications.conftest import RedisBroker

pytestmark = pytest.mark.django_db

PUBLIC = ["/", "/technology/", "/authors/mei-lin/", "/search/?q=deepseek", "/feed/"]


@pytest.fixture
def own_redis(tmp_path, settings):
    """Cache and broker URL both on our own Redis, as in production (one Redis, two dbs)."""
    server = RedisBroker(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{server.port}/1"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def article(db):
    return seed.build_seed_article()


def test_with_redis_down_pages_are_rendered_from_the_database_and_kept_only_briefly(
    client, own_redis, article, editor, caplog, django_assert_max_num_queries, settings
):
    """Redis holds the page versions that tell a render which raced a purge. Without them a
    page is still served from the database, but fronts may keep it only a few seconds."""
    pages = [*PUBLIC, article.get_absolute_url()]
    assert f"s-maxage={settings.PAGE_CACHE_S_MAXAGE}," in client.get("/")["Cache-Control"]

    own_redis.stop()
    # A change made during the outage: its versions cannot move, the save still succeeds.
    article.headline = "DeepSeek V4: the headline changed while Redis was down"
    editorial_services.article_save(article=article, user=editor)
    with caplog.at_level(logging.WARNING, logger="core.pagecache"):
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200, path
            short = f"s-maxage={settings.PAGE_CACHE_UNSURE_S_MAXAGE},"
            shared = not path.startswith("/search/")  # search results are never shared
            assert (short in response["Cache-Control"]) == shared, path
        with django_assert_max_num_queries(12):
            page = client.get(article.get_absolute_url())
    assert "the headline changed while Redis was down" in page.content.decode()
    assert "page versions unreadable: cache down" in caplog.text

    own_redis.start()
    assert f"s-maxage={settings.PAGE_CACHE_S_MAXAGE}," in client.get("/")["Cache-Control"]


def test_healthz_answers_503_naming_the_cache_and_the_broker(client, own_redis):
    assert client.get("/healthz").status_code == 200
    own_redis.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "down"
    assert body["down"] == ["cache", "broker"]
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["cache"] == body["checks"]["broker"] == {"ok": False}
    own_redis.start()
    assert client.get("/healthz").status_code == 200


def test_fail_open_comments_are_taken_into_the_queue_while_redis_is_down(
    client, own_redis, article, settings, caplog
):
    settings.COMMENTS_RATE_LIMIT_FAIL_OPEN = True
    settings.COMMENTS_RATE_PER_MINUTE = 1
    own_redis.stop()
    url = f"{article.get_absolute_url()}comments/"
    with caplog.at_level(logging.WARNING, logger="comments.services"):
        statuses = [client.post(url, form_data(body=f"Comment {n}")).status_code for n in range(3)]
    assert statuses == [303, 303, 303]  # the per-minute limit of one could not be counted
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 3  # all held
    assert "rate limit unavailable; letting the comment through" in caplog.text


def test_fail_closed_comments_are_refused_with_a_clear_503_and_nothing_is_stored(
    client, own_redis, article, settings, caplog
):
    settings.COMMENTS_RATE_LIMIT_FAIL_OPEN = False
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="comments.services"):
        response = client.post(
            f"{article.get_absolute_url()}comments/", form_data(body="Keep these words.")
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    html = response.content.decode()
    assert "We cannot take comments for a few minutes" in html
    assert "Keep these words." in html  # the reader's text is still in the form
    assert Comment.objects.count() == 0
    assert "rate limit unavailable; refusing comments" in caplog.text

    own_redis.start()
    again = client.post(f"{article.get_absolute_url()}comments/", form_data(body="Keep these."))
    assert again.status_code == 303


def test_the_moderation_queue_works_while_redis_is_down(own_redis, article, moderator):
    CommentFactory(article=article, body="Held while the cache is away.")
    client = Client()
    client.force_login(moderator)
    own_redis.stop()
    response = client.get("/moderation/")
    assert response.status_code == 200
    assert "Held while the cache is away." in response.content.decode()
