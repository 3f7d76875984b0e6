"""Public page reads go to the replica when one is configured; everything else to the primary."""

import pytest
from django.test import RequestFactory

from articles.models import Article
from core.replica import ReplicaReadsMiddleware, ReplicaRouter

# The router only looks the alias up; no connection to it is opened here.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")

REPLICA = {"ENGINE": "django.db.backends.postgresql", "NAME": "replica"}


def _db_used_for(request, settings) -> str | None:
    seen = {}

    def view(req):
        seen["db"] = ReplicaRouter().db_for_read(Article)
        return None

    ReplicaReadsMiddleware(view)(request)
    return seen["db"]


@pytest.fixture
def with_replica(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": REPLICA}
    return settings


def test_anonymous_page_reads_go_to_the_replica(with_replica):
    assert _db_used_for(RequestFactory().get("/technology/"), with_replica) == "replica"


def test_signed_in_reads_stay_on_the_primary(with_replica):
    request = RequestFactory().get("/technology/")
    request.COOKIES[with_replica.SESSION_COOKIE_NAME] = "abc"
    assert _db_used_for(request, with_replica) is None


@pytest.mark.parametrize("path", ["/admin/articles/article/", "/moderation/"])
def test_admin_and_moderation_reads_stay_on_the_primary(with_replica, path):
    assert _db_used_for(RequestFactory().get(path), with_replica) is None


def test_posts_stay_on_the_primary(with_replica):
    assert _db_used_for(RequestFactory().post("/x/comments/"), with_replica) is None


def test_without_a_replica_everything_reads_from_the_primary(settings):
    assert _db_used_for(RequestFactory().get("/"), settings) is None


def test_writes_and_migrations_only_touch_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(Article) == "default"
    assert router.allow_migrate("replica", "articles") is False
    assert router.allow_migrate("default", "articles") is True
