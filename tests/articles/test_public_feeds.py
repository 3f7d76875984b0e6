"""What machines read: RSS feeds, sitemap.xml, the Google News sitemap and robots.txt."""

import xml.etree.ElementTree as ET  # noqa: S405 - parses our own responses in tests
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article
from tests.support import seed_article as seed
from tests.support.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    DeskFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_ENABLED = False
    settings.SITE_URL = "https://news.example"


@pytest.fixture
def article():
    article = seed.build_seed_article()
    article.topics.add(TopicFactory(name="Artificial intelligence"))
    return article


def parse_feed(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_site_feed_lists_published_articles_newest_first(client, article):
    ArticleFactory(headline="Older", published_at=timezone.now() - timedelta(days=1))
    ArticleFactory(headline="Draft", status=Article.Status.DRAFT)
    feed = parse_feed(client, "/feed/")
    assert feed.feed.title == "Alverno Alpha"
    assert [e.title for e in feed.entries] == [seed.HEADLINE, "Older"]


def test_feed_entries_carry_link_summary_author_date_and_categories(client, article):
    entry = parse_feed(client, "/feed/").entries[0]
    assert entry.link == "https://news.example" + article.get_absolute_url()
    assert entry.summary == seed.STANDFIRST
    assert entry.author == "Mei Lin"
    assert entry.published_parsed[:5] == article.published_at.utctimetuple()[:5]
    assert [t.term for t in entry.tags] == ["Technology", "Artificial intelligence"]


def test_feed_entries_credit_the_hero_photo(client, article):
    entry = parse_feed(client, "/feed/").entries[0]
    assert entry.media_content[0]["url"].startswith("https://news.example/media/photos/")
    assert entry.media_content[0]["medium"] == "image"
    assert entry.media_credit[0]["content"] == seed.CREDIT_NAME
    assert entry.media_credit[0]["role"] == "photographer"


def test_desk_feed_has_only_that_desks_articles(client, article):
    ArticleFactory(desk=DeskFactory(slug="world"), headline="World story")
    feed = parse_feed(client, "/technology/feed/")
    assert feed.feed.title == "The Technology Desk · Alverno Alpha"
    assert [e.title for e in feed.entries] == [seed.HEADLINE]
    assert [e.title for e in parse_feed(client, "/world/feed/").entries] == ["World story"]


def test_author_feed_has_only_their_articles_and_never_their_email(client, article):
    other = AuthorFactory(slug="sam", email="sam.private@newsroom.example")
    BylineFactory(author=other, article=ArticleFactory(headline="By Sam"))
    response = client.get("/authors/sam/feed/")
    assert [e.title for e in feedparser.parse(response.content).entries] == ["By Sam"]
    assert b"sam.private" not in response.content
    assert b"@newsroom.example" not in client.get("/feed/").content


@pytest.mark.parametrize("path", ["/nowhere/feed/", "/authors/nobody/feed/"])
def test_feeds_of_unknown_desks_and_authors_are_404(client, path):
    assert client.get(path).status_code == 404


def sitemap_locations(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert root.tag == f"{SITEMAP}urlset"
    return [url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")]


def test_sitemap_lists_home_desks_published_articles_authors_and_topics(client, article):
    draft = ArticleFactory(status=Article.Status.DRAFT, desk=DeskFactory(slug="empty"))
    locations = sitemap_locations(client, "/sitemap.xml")
    base = "https://news.example"
    assert base + "/" in locations
    assert base + "/technology/" in locations
    assert base + article.get_absolute_url() in locations
    assert base + "/authors/mei-lin/" in locations
    assert base + article.topics.get().get_absolute_url() in locations
    assert base + draft.get_absolute_url() not in locations
    assert base + "/empty/" not in locations  # a desk with nothing public


def test_sitemap_gives_each_article_its_last_modification(client, article):
    article.updated_at = article.published_at + timedelta(hours=1)
    article.save()
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own response
    entry = next(
        url
        for url in root.findall(f"{SITEMAP}url")
        if url.findtext(f"{SITEMAP}loc").endswith(article.get_absolute_url())
    )
    assert entry.findtext(f"{SITEMAP}lastmod").startswith(f"{article.updated_at:%Y-%m-%d}")


def test_news_sitemap_lists_the_last_two_days_with_publication_and_language(
    client, article, settings
):
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=2, minutes=1))
    response = client.get("/news-sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    urls = root.findall(f"{SITEMAP}url")
    assert [u.findtext(f"{SITEMAP}loc") for u in urls] == [
        "https://news.example" + article.get_absolute_url()
    ]
    news = urls[0].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == settings.SITE_NAME
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}title") == seed.HEADLINE
    assert news.findtext(f"{NEWS}publication_date").startswith(f"{article.published_at:%Y-%m-%d}")
    assert old.get_absolute_url() not in response.content.decode()


def test_robots_txt_points_at_both_sitemaps_and_keeps_crawlers_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: https://news.example/sitemap.xml" in lines
    assert "Sitemap: https://news.example/news-sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /moderation/" in lines
