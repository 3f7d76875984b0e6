"""Who sees what, when: drafts, reviews, unpublished, embargoed and scheduled articles."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from tests.support.factories import ArticleFactory, DeskFactory
from tests.support.public_html import Page

pytestmark = pytest.mark.django_db

HIDDEN = {
    "draft": {"status": Article.Status.DRAFT, "published_at": None},
    "in review": {"status": Article.Status.IN_REVIEW, "published_at": None},
    "unpublished": {"status": Article.Status.UNPUBLISHED},
    "scheduled": {"published_at_in": timedelta(hours=2)},
    "embargoed": {"embargo_until_in": timedelta(hours=2)},
}


def hidden_article(kind: str) -> Article:
    fields = dict(HIDDEN[kind])
    now = timezone.now()
    if "published_at_in" in fields:
        fields["published_at"] = now + fields.pop("published_at_in")
    if "embargo_until_in" in fields:
        fields["embargo_until"] = now + fields.pop("embargo_until_in")
    return ArticleFactory(
        headline=f"A {kind} story", desk=DeskFactory(slug="world", name="World"), **fields
    )


def listed_everywhere(client, article: Article) -> dict[str, bool]:
    """Is the article's address on each public list?"""
    url = article.get_absolute_url()
    pages = {
        "home": "/",
        "desk": "/world/",
        "feed": "/feed/",
        "desk feed": "/world/feed/",
        "sitemap": "/sitemap.xml",
        "news sitemap": "/news-sitemap.xml",
        "search": f"/search/?q={article.headline.split()[-2]}",
    }
    return {name: url in client.get(path).content.decode() for name, path in pages.items()}


@pytest.mark.parametrize("kind", HIDDEN)
def test_hidden_articles_are_404_to_the_public(client, kind):
    article = hidden_article(kind)
    # A withdrawn story says so (410 Gone); the others were never public (404).
    gone = 410 if kind == "unpublished" else 404
    assert client.get(article.get_absolute_url()).status_code == gone


@pytest.mark.parametrize("kind", HIDDEN)
def test_hidden_articles_are_on_no_public_list(client, kind, settings):
    article = hidden_article(kind)
    assert not any(listed_everywhere(client, article).values())


@pytest.mark.parametrize("persona", ["reader", "outsider"])
def test_signed_in_users_without_article_rights_cannot_preview(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    article = hidden_article("draft")
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("persona", ["reporter", "moderator"])
@pytest.mark.parametrize("kind", HIDDEN)
def test_staff_the_admin_hides_an_article_from_cannot_preview_it(client, persona, kind, request):
    """The reporter's admin shows only their own articles, the moderator's only published
    ones: the preview follows the same rule."""
    client.force_login(request.getfixturevalue(persona))
    gone = 410 if kind == "unpublished" else 404
    assert client.get(hidden_article(kind).get_absolute_url()).status_code == gone


@pytest.mark.parametrize("persona", ["editor", "superuser"])
@pytest.mark.parametrize("kind", HIDDEN)
def test_staff_preview_hidden_articles_at_the_same_address(client, persona, kind, request):
    client.force_login(request.getfixturevalue(persona))
    article = hidden_article(kind)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = Page(response.content.decode())
    flag = page.one("p", class_="preview-flag")
    assert flag.text.startswith("Preview")
    assert page.meta("robots") == "noindex, nofollow"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_preview_says_when_a_scheduled_article_goes_live(client, editor):
    client.force_login(editor)
    article = hidden_article("scheduled")
    flag = Page(client.get(article.get_absolute_url()).content.decode()).one(
        "p", class_="preview-flag"
    )
    assert "scheduled for" in flag.text
    assert f"{timezone.localtime(article.published_at):%-d %B %Y, %H:%M}" in flag.text


def test_staff_see_published_articles_without_the_preview_marker(client, editor):
    client.force_login(editor)
    article = ArticleFactory()
    response = client.get(article.get_absolute_url())
    assert not Page(response.content.decode()).select("p", class_="preview-flag")
    assert "X-Robots-Tag" not in response


def test_a_scheduled_article_appears_by_itself_at_its_time(client, settings):
    article = hidden_article("scheduled")
    with time_machine.travel(article.published_at - timedelta(seconds=1)):
        assert client.get(article.get_absolute_url()).status_code == 404
        assert not any(listed_everywhere(client, article).values())
    with time_machine.travel(article.published_at + timedelta(seconds=1)):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert all(listed_everywhere(client, article).values())


def test_an_embargoed_article_appears_when_the_embargo_lifts(client):
    article = hidden_article("embargoed")
    with time_machine.travel(article.embargo_until - timedelta(seconds=1)):
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(article.embargo_until + timedelta(seconds=1)):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_unpublishing_takes_an_article_off_the_site(client, settings):
    article = ArticleFactory(desk=DeskFactory(slug="world", name="World"))
    assert client.get(article.get_absolute_url()).status_code == 200
    article.status = Article.Status.UNPUBLISHED
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 410


def test_an_old_address_redirects_to_the_articles_own_date(client):
    article = ArticleFactory()
    url = article.get_absolute_url()
    day = timezone.localdate(article.published_at)
    other_day = day - timedelta(days=1)
    old = url.replace(f"/{day:%Y/%m/%d}/", f"/{other_day:%Y/%m/%d}/")
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == url


def test_an_address_shared_by_two_stories_on_other_days_is_404(client):
    desk = DeskFactory(slug="world")
    now = timezone.now()
    first = ArticleFactory(desk=desk, slug="same", published_at=now - timedelta(days=3))
    ArticleFactory(desk=desk, slug="same", published_at=now - timedelta(days=2))
    day = timezone.localdate(now - timedelta(days=1))
    assert client.get(f"/world/{day:%Y/%m/%d}/same/").status_code == 404
    assert client.get(first.get_absolute_url()).status_code == 200


def test_a_hidden_article_never_redirects_the_public(client):
    article = hidden_article("draft")
    assert client.get(f"/world/2001/01/01/{article.slug}/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/world/2026/13/01/x/", "/world/2026/02/30/x/", "/world/26/01/01/x/"]
)
def test_impossible_dates_are_404_not_errors(client, path):
    DeskFactory(slug="world")
    assert client.get(path).status_code == 404
