"""Embargoes: before its end an article is on no public surface, even to a crafted URL, and
cannot be scheduled earlier; at its end it appears everywhere at once."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article
from editorial import services as editorial_services
from tests.articles.admin_helpers import article_form, change_url, errors
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    DeskFactory,
    PhotoFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

HEADLINE = "Quarterly figures under embargo"


@pytest.fixture
def embargoed(settings):
    article = ArticleFactory(
        headline=HEADLINE,
        slug="quarterly-figures",
        desk=DeskFactory(slug="markets", name="Markets"),
        published_at=timezone.now() - dt.timedelta(hours=1),
        embargo_until=timezone.now() + dt.timedelta(hours=2),
    )
    BylineFactory(article=article, author=AuthorFactory(slug="nadia", name="Nadia Okafor"))
    article.topics.add(TopicFactory(slug="earnings", name="Earnings"))
    return article


SURFACES = {
    "home": "/",
    "desk page": "/markets/",
    "author page": "/authors/nadia/",
    "topic page": "/topics/earnings/",
    "site feed": "/feed/",
    "desk feed": "/markets/feed/",
    "author feed": "/authors/nadia/feed/",
    "sitemap": "/sitemap.xml",
    "news sitemap": "/news-sitemap.xml",
    "search": "/search/?q=quarterly",
}


def shows(client, path: str, article: Article) -> bool:
    response = client.get(path)
    assert response.status_code == 200, path
    body = response.content.decode()
    return article.get_absolute_url() in body or HEADLINE in body


@pytest.mark.parametrize("surface", SURFACES)
def test_an_embargoed_article_is_on_no_public_surface_until_the_embargo_ends(
    client, embargoed, surface
):
    path = SURFACES[surface]
    assert not shows(client, path, embargoed)
    with time_machine.travel(embargoed.embargo_until + dt.timedelta(seconds=1)):
        assert shows(client, path, embargoed)


def test_an_embargoed_articles_page_is_404_until_the_embargo_ends(client, embargoed):
    assert client.get(embargoed.get_absolute_url()).status_code == 404
    with time_machine.travel(embargoed.embargo_until):
        assert client.get(embargoed.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/markets/{day:%Y/%m/%d}/quarterly-figures/",
        "/markets/{day:%Y/%m/%d}/quarterly-figures/?preview=1",
        "/markets/2001/01/01/quarterly-figures/",  # another date: no redirect to the real one
        "/markets/{day:%Y/%m/%d}/quarterly-figures/comments/",
    ],
)
def test_crafted_urls_cannot_reach_an_embargoed_article(client, embargoed, path):
    url = path.format(day=timezone.localtime(embargoed.published_at))
    assert client.get(url).status_code in (404, 405)
    response = client.post(url, {"name": "A", "email": "a@example.org", "body": "First!"})
    assert response.status_code in (404, 405)
    assert HEADLINE not in response.content.decode()


def test_the_sitemap_lists_no_desk_author_or_topic_that_only_an_embargo_would_fill(
    client, embargoed
):
    body = client.get("/sitemap.xml").content.decode()
    assert "/markets/" not in body and "/authors/nadia/" not in body and "/earnings/" not in body


def test_signed_in_readers_cannot_see_an_embargoed_article_but_editors_preview_it(
    client, embargoed, reader, moderator, editor
):
    for outside in (reader, moderator):  # moderators read what the public reads
        client.force_login(outside)
        assert client.get(embargoed.get_absolute_url()).status_code == 404
    client.force_login(editor)
    response = client.get(embargoed.get_absolute_url())
    assert response.status_code == 200
    assert "embargoed until" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"


# --- Scheduling against an embargo ------------------------------------------------------


def test_an_article_cannot_be_scheduled_before_its_embargo(editor):
    embargo = timezone.now() + dt.timedelta(hours=4)
    article = ArticleFactory(draft=True, hero_photo=PhotoFactory(), embargo_until=embargo)
    with pytest.raises(ValidationError) as caught:
        editorial_services.article_schedule(
            article=article, user=editor, at=embargo - dt.timedelta(hours=1)
        )
    assert "under embargo until" in caught.value.message_dict["published_at"][0]
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_an_embargoed_article_cannot_be_published_now(editor):
    article = ArticleFactory(
        draft=True,
        hero_photo=PhotoFactory(),
        embargo_until=timezone.now() + dt.timedelta(hours=4),
    )
    with pytest.raises(ValidationError, match="under embargo"):
        editorial_services.article_publish(article=article, user=editor)


def test_scheduling_at_the_embargos_end_is_fine(editor):
    embargo = timezone.now() + dt.timedelta(hours=4)
    article = ArticleFactory(draft=True, hero_photo=PhotoFactory(), embargo_until=embargo)
    editorial_services.article_schedule(article=article, user=editor, at=embargo)
    assert article.status == Article.Status.PUBLISHED
    assert not article.is_public()
    assert article.is_public(embargo)


def test_the_form_refuses_a_publication_time_before_the_embargo_and_saves_nothing(client, editor):
    client.force_login(editor)
    article = ArticleFactory(draft=True, hero_photo=PhotoFactory(), headline="Before")
    embargo = timezone.now() + dt.timedelta(days=1)
    response = client.post(
        change_url(article),
        article_form(
            article,
            headline="After",
            status="published",
            published_at=embargo - dt.timedelta(hours=2),
            embargo_until=embargo,
        ),
    )
    assert response.status_code == 200
    assert "published_at: This article is under embargo until" in errors(response)
    article.refresh_from_db()
    assert (article.headline, article.status, article.embargo_until) == (
        "Before",
        Article.Status.DRAFT,
        None,
    )
