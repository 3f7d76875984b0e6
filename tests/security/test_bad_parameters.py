"""A bad query-string parameter is the visitor's mistake: a 400 or a 404, never a 500.

A NUL byte must not reach Postgres (it refuses string literals holding one), and a page
number or an id past the range of a bigint must not reach it either."""

import pytest

from comments.models import Comment
from tests.comments.conftest import CommentFactory
from tests.factories import ArticleFactory, AuthorFactory, BylineFactory, DeskFactory, TopicFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def site(db):
    desk = DeskFactory(slug="technology", name="Technology")
    article = ArticleFactory(desk=desk, slug="tidal-power")
    BylineFactory(article=article, author=AuthorFactory(slug="mei-lin"))
    article.topics.add(TopicFactory(slug="energy"))
    CommentFactory(article=article)
    return article


def _refused(response) -> None:
    assert response.status_code in (400, 404), response.status_code


PUBLIC = [
    "/search/?q=tidal&page=-1",
    "/search/?q=%00",
    "/search/?q=tidal%00power",
    f"/search/?q=tidal&page={HUGE}",
    "/search/?q=tidal&page=%00",
    f"/technology/?page={HUGE}",
    "/technology/?page=abc",
    "/technology/?page=0",
    "/technology/?page=%00",
    f"/authors/mei-lin/?page={HUGE}",
    f"/topics/energy/?page={HUGE}",
    f"/corrections/?page={HUGE}",
    f"/?page={HUGE}",
    "/?page=%00",
    f"/feed/?page={HUGE}",
    f"/sitemap.xml?p={HUGE}",
    "/sitemap.xml?p=%00",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_a_bad_public_parameter_is_a_client_error(client, site, path):
    response = client.get(path)
    if response.status_code == 200:  # a parameter the page does not read is ignored
        assert path.startswith(("/?", "/feed/")), path
        return
    _refused(response)


def test_an_empty_search_for_a_nul_shows_the_search_page_or_refuses_it(client, site):
    _refused(client.get("/search/?q=%00"))


STAFF = [
    "/admin/articles/article/?desk__id__exact=abc",
    f"/admin/articles/article/?desk__id__exact={HUGE}",
    "/admin/articles/article/?desk__id__exact=%00",
    "/admin/articles/article/?status=%00",
    "/admin/articles/article/?author=abc",
    f"/admin/articles/article/?author={HUGE}",
    "/admin/articles/article/?q=%00",
    f"/admin/articles/article/?p={HUGE}",
    "/admin/photos/photo/?status=%00",
    "/admin/comments/comment/?status=%00",
    "/admin/comments/comment/?article__desk__id__exact=abc",
    f"/admin/comments/comment/?article__desk__id__exact={HUGE}",
    "/admin/comments/comment/?q=%00",
    f"/moderation/?after={HUGE}-1",
    "/moderation/?after=253402300800000000-1",
    f"/moderation/?after=1-{HUGE}",
    f"/moderation/?article={HUGE}",
    "/moderation/?desk=%00",
]


# Filters Django's admin reads itself answer as the admin does (the filter set aside, or a
# redirect to ?e=1); what reaches our code or the database is refused.
ADMIN_OWN = {
    "/admin/articles/article/?desk__id__exact=abc",
    f"/admin/articles/article/?desk__id__exact={HUGE}",
    f"/admin/articles/article/?p={HUGE}",
    "/admin/comments/comment/?article__desk__id__exact=abc",
    f"/admin/comments/comment/?article__desk__id__exact={HUGE}",
    f"/moderation/?article={HUGE}",
}


@pytest.mark.parametrize("path", STAFF)
def test_a_bad_staff_parameter_is_a_client_error(client, site, superuser, path):
    client.force_login(superuser)
    response = client.get(path)
    if path in ADMIN_OWN:
        assert response.status_code in (200, 302, 400, 404), response.status_code
        if response.status_code == 302:
            assert response["Location"].endswith("?e=1")
        return
    _refused(response)


def test_a_nul_anywhere_in_the_query_string_is_a_400_before_any_view(client, site):
    for path in ["/?x=%00", "/technology/?%00=1", "/healthz?q=%00", "/search/?q=ab%00"]:
        assert client.get(path).status_code == 400, path


def test_the_moderation_queue_still_pages_with_a_good_cursor(client, site, moderator):
    client.force_login(moderator)
    held = Comment.objects.get()
    micros = int(held.created_at.timestamp() * 1_000_000) - 1
    response = client.get(f"/moderation/?after={micros}-{held.pk}")
    assert response.status_code == 200


@pytest.mark.parametrize("bad", [HUGE, "-1", "0", "1e3", "abc"])
def test_a_bulk_decision_with_an_impossible_id_is_a_400(client, site, moderator, bad):
    client.force_login(moderator)
    response = client.post("/moderation/bulk/", {"ids": [bad], "decision": "approve"})
    assert response.status_code == 400
    assert "Comment ids must be whole numbers." in response.content.decode()
