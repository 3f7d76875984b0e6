from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter
from django.views.generic import TemplateView

from articles import feeds, views
from articles.sitemaps import SITEMAPS, news_sitemap


class FixedDigits:
    """A zero-padded number: /2026/05/01/, so every article has exactly one address."""

    width = 2

    @property
    def regex(self) -> str:
        return rf"[0-9]{{{self.width}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return f"{int(value):0{self.width}d}"


class Year(FixedDigits):
    width = 4


register_converter(Year, "yyyy")
register_converter(FixedDigits, "nn")

app_name = "articles"
# An article's address (DESIGN.md, "URLs"); the comment form posts below it too.
ARTICLE_ADDRESS = "<slug:desk>/<yyyy:year>/<nn:month>/<nn:day>/<slug:slug>/"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("feed/", feeds.LatestFeed(), name="feed"),
    path("search/", views.SearchView.as_view(), name="search"),
    path(
        "sitemap.xml",
        views.tagged(sitemap, ["list-all", "desks"]),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("news-sitemap.xml", news_sitemap, name="news-sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("authors/<slug:slug>/feed/", feeds.AuthorFeed(), name="author-feed"),
    path("topics/<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path("<slug:desk>/", views.DeskView.as_view(), name="desk"),
    path("<slug:desk>/feed/", feeds.DeskFeed(), name="desk-feed"),
    path(
        ARTICLE_ADDRESS,
        views.ArticleView.as_view(),
        name="article",
    ),
]
