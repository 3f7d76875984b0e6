"""sitemap.xml (Django sitemaps) and news-sitemap.xml (Google News: the last two days)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Desk, Topic
from articles.seo import absolute_url
from core.pagecache import tag_response
from core.text import without_control_characters

NEWS_WINDOW = timedelta(days=2)  # Google News only wants articles of the last two days
NEWS_LIMIT = 1000


class SiteSitemap(Sitemap):
    """Locations on SITE_URL, the public address, whatever Host the crawler used."""

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class HomeSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self) -> list[str]:
        return ["/", reverse("articles:corrections")]

    def location(self, item: str) -> str:
        return item


class ArticleSitemap(SiteSitemap):
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .select_related("desk")
            .only("slug", "published_at", "updated_at", "created_at", "desk__slug")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item: Article):
        return item.updated_at or item.published_at


def _with_published_articles(queryset, path: str):
    """Only pages that list something: desks, authors and topics with public articles."""
    published = Article.objects.published()
    return (
        queryset.filter(**{f"{path}__in": published})
        .annotate(latest=Max(f"{path}__published_at"))
        .order_by("-latest")
    )


class DeskSitemap(SiteSitemap):
    def items(self):
        return _with_published_articles(Desk.objects.all(), "articles")

    def lastmod(self, item: Desk):
        return item.latest


class AuthorSitemap(SiteSitemap):
    def items(self):
        return _with_published_articles(Author.objects.only("slug"), "bylines__article")

    def lastmod(self, item: Author):
        return item.latest


class TopicSitemap(SiteSitemap):
    def items(self):
        return _with_published_articles(Topic.objects.all(), "articles")

    def lastmod(self, item: Topic):
        return item.latest


SITEMAPS = {
    "home": HomeSitemap,
    "desks": DeskSitemap,
    "articles": ArticleSitemap,
    "authors": AuthorSitemap,
    "topics": TopicSitemap,
}


def news_sitemap(request):
    """The Google News sitemap: articles published in the last two days, newest first."""
    now = timezone.now()
    articles = (
        Article.objects.published(now)
        .filter(published_at__gte=now - NEWS_WINDOW)
        .select_related("desk")
        .only("headline", "slug", "published_at", "created_at", "desk__slug")
        .order_by("-published_at", "-id")[:NEWS_LIMIT]
    )
    articles = list(articles)
    for article in articles:  # XML 1.0 cannot carry a control character stored before
        article.headline = without_control_characters(article.headline)
    response = render(
        request,
        "articles/news_sitemap.xml",
        {
            "entries": [(absolute_url(a.get_absolute_url()), a) for a in articles],
            "publication_name": settings.SITE_NAME,
            "language": settings.SITE_LANGUAGE,
        },
        content_type="application/xml",
    )
    return tag_response(response, ["list-all"])
