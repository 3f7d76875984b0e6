"""The live blog's JSON-LD against schema.org: LiveBlogPosting's own properties
(coverageStartTime, coverageEndTime: DateTime; liveBlogUpdate: BlogPosting) and those it
inherits from BlogPosting, SocialMediaPosting, Article, CreativeWork and Thing; the article
contract (NewsArticle) stays, so the node is typed as both."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from live import services
from tests.live.conftest import post

pytestmark = pytest.mark.django_db

# From schema.org's pages for LiveBlogPosting and the types above it, the properties this
# site writes (a subset: every key written must be in it).
THING = {"@context", "@type", "@id", "url", "name", "description", "image", "mainEntityOfPage"}
CREATIVE_WORK = {
    "author",
    "headline",
    "datePublished",
    "dateModified",
    "publisher",
    "isAccessibleForFree",
    "inLanguage",
    "correction",
    "creator",
}
ARTICLE = {"articleBody", "articleSection", "wordCount"}
LIVE_BLOG_POSTING = {"coverageStartTime", "coverageEndTime", "liveBlogUpdate"}
BLOG_POSTING = THING | CREATIVE_WORK | ARTICLE
ALLOWED = BLOG_POSTING | LIVE_BLOG_POSTING


def schema(client, blog) -> dict:
    html = client.get(blog.article.get_absolute_url()).content.decode()
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def is_datetime(value: str) -> bool:
    return isinstance(datetime.fromisoformat(value), datetime) and "T" in value


def test_a_running_blog_is_a_live_blog_posting_and_a_news_article(client, blog, desk_editor):
    first = post(blog, desk_editor, "Fire reported at the plant.", headline="Fire reported")
    post(blog, desk_editor, "Crews arrive.")
    services.live_entry_edit(
        entry=first, user=desk_editor, body="<p>Fire confirmed.</p>", headline="Fire reported"
    )
    data = schema(client, blog)
    assert data["@type"] == ["LiveBlogPosting", "NewsArticle"]
    assert set(data) <= ALLOWED, set(data) - ALLOWED
    assert is_datetime(data["coverageStartTime"]) and "coverageEndTime" not in data
    updates = data["liveBlogUpdate"]
    assert [u["headline"] for u in updates] == ["Crews arrive.", "Fire reported"]
    for update in updates:
        assert update["@type"] == "BlogPosting"
        assert set(update) <= BLOG_POSTING, set(update) - BLOG_POSTING
        assert is_datetime(update["datePublished"])
        assert update["url"].startswith("http") and "/entries/" in update["url"]
        assert update["author"][0]["@type"] == "Person"
    assert "dateModified" in updates[1] and updates[1]["articleBody"] == "Fire confirmed."
    assert data["dateModified"] >= updates[0]["datePublished"]


def test_an_ended_blog_says_when_coverage_ended(client, blog, desk_editor):
    post(blog, desk_editor)
    services.live_blog_end(blog=blog, user=desk_editor)
    data = schema(client, blog)
    assert (
        is_datetime(data["coverageEndTime"]) and data["coverageEndTime"] > data["coverageStartTime"]
    )


def test_only_the_newest_ten_updates_and_none_on_older_pages(client, blog, desk_editor, settings):
    settings.LIVE_PAGE_SIZE = 5
    for n in range(12):
        post(blog, desk_editor, f"Update {n}.")
    assert len(schema(client, blog)["liveBlogUpdate"]) == 5  # the first page's
    settings.LIVE_PAGE_SIZE = 20
    assert len(schema(client, blog)["liveBlogUpdate"]) == 10


def test_a_plain_article_keeps_its_news_article(client, desk):
    from tests.support.factories import ArticleFactory

    article = ArticleFactory(desk=desk)
    html = client.get(article.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "NewsArticle"
