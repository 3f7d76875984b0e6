"""A story using everything the editor can put in one: two in-body photos, a video, a chart
and a link card, a hero and a social card photo, topics with related coverage, approved
comments. For the page's budgets: queries, valid HTML, accessibility."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from articles.models import Article, EmbedMetadata
from articles.services import article_set_comment_count
from comments.models import Comment
from photos.services import photo_process
from tests.support.factories import (
    ArticleFactory,
    BylineFactory,
    DeskFactory,
    PhotoFactory,
    TopicFactory,
)


def build_rich_article() -> Article:
    photos = [
        PhotoFactory(alt_text=alt, caption=caption, credit_name=credit)
        for alt, caption, credit in [
            ("A tram crossing the river at dusk", "The first tram over the bridge.", "Ana Lima"),
            ("Commuters on a platform", "Morning riders at Central.", "Jo Park"),
            ("The depot from above", "The depot, rebuilt.", "Sam Ortiz"),
            ("A map of the new line", "The line, stop by stop.", "Ana Lima"),
        ]
    ]
    for photo in photos:
        photo_process(photo_id=photo.pk)
    desk, topic = DeskFactory(slug="city", name="City"), TopicFactory(name="Transport")
    now = timezone.now()
    body = (
        "<p>The trams are back.</p>"
        f'<figure data-photo-id="{photos[0].pk}"></figure>'
        "<h2>What changes</h2><p>More stops, later trains.</p>"
        '<figure data-embed-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></figure>'
        f'<figure data-photo-id="{photos[1].pk}"></figure>'
        '<figure data-embed-url="https://datawrapper.dwcdn.net/aBc12/3/"></figure>'
        '<figure data-embed-url="https://example.org/timetable"></figure>'
        '<aside class="aside"><h2 class="aside__title">The analysis</h2><p>It works.</p></aside>'
    )
    article = ArticleFactory(
        desk=desk,
        headline="Trams return to the city centre",
        standfirst="The line reopens after two years of works.",
        body=body,
        hero_photo=photos[2],
        social_photo=photos[3],
        social_title="Back on track",
        published_at=now - timedelta(hours=1),
    )
    # A title the worker fetched for the chart: read with the article's row.
    EmbedMetadata.objects.create(
        article=article, url="https://datawrapper.dwcdn.net/aBc12/3/", title="Riders per day"
    )
    BylineFactory(article=article, order=1)
    article.topics.add(topic)
    for hours in (2, 3, 4, 5, 6):
        ArticleFactory(
            desk=desk, published_at=now - timedelta(hours=hours), hero_photo=photos[hours % 4]
        ).topics.add(topic)
    parent = Comment.objects.create(
        article=article,
        name="Rea",
        email="rea@example.net",
        body="Good news.",
        status=Comment.Status.APPROVED,
    )
    Comment.objects.create(
        article=article,
        parent=parent,
        name="Sol",
        email="sol@example.net",
        body="Agreed.",
        status=Comment.Status.APPROVED,
    )
    article_set_comment_count(article_id=article.pk, count=2)
    article.refresh_from_db()
    return article
