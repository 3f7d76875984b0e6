"""JSON-LD for a live blog: the article's NewsArticle (the article contract stays) typed
also as schema.org LiveBlogPosting, with its coverage times and latest updates.

LiveBlogPosting's own properties are coverageStartTime, coverageEndTime (DateTime) and
liveBlogUpdate (BlogPosting); everything else is inherited from BlogPosting, Article and
CreativeWork, as NewsArticle's are."""

from __future__ import annotations

from typing import Any

from django.utils.html import strip_tags

from articles.seo import absolute_url, news_article_schema
from live.models import LiveBlog, LiveEntry
from live.selectors import entry_summary


def live_blog_schema(blog: LiveBlog, updates: list[LiveEntry]) -> dict[str, Any]:
    """`updates`: the newest entries (authors loaded), newest first."""
    article = blog.article
    data = news_article_schema(article)
    data["@type"] = ["LiveBlogPosting", "NewsArticle"]
    data["coverageStartTime"] = blog.started_at
    if blog.ended_at is not None:
        data["coverageEndTime"] = blog.ended_at
    if updates:
        newest = max(entry.edited_at or entry.published_at for entry in updates)
        data["dateModified"] = max(newest, data["dateModified"] or newest)
    data["liveBlogUpdate"] = [_update(entry) for entry in updates]
    return data


def _update(entry: LiveEntry) -> dict[str, Any]:
    url = absolute_url(entry.get_absolute_url())
    data: dict[str, Any] = {
        "@type": "BlogPosting",
        "@id": url,
        "url": url,
        "headline": entry_summary(entry, words=12)[:110],
        "datePublished": entry.published_at,
        "articleBody": strip_tags(entry.body).strip(),
    }
    if entry.edited_at:
        data["dateModified"] = entry.edited_at
    authors = [
        {"@type": "Person", "name": a.name, "url": absolute_url(a.get_absolute_url())}
        for a in entry.authors.all()
    ]
    if authors:
        data["author"] = authors
    return data
