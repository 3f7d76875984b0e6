"""Related coverage under a story: up to four published articles sharing its topics, then
its desk's, newest first; never itself, a draft, a scheduled or an embargoed one; no extra
query; the page purged when one of them changes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.support.factories import ArticleFactory, DeskFactory, TopicFactory
from tests.support.public_html import Page

pytestmark = pytest.mark.django_db


def hours_ago(hours: float):
    return timezone.now() - timedelta(hours=hours)


def related_headlines(story) -> list[str]:
    loaded = Article.objects.with_related().get(pk=story.pk)
    return [related.headline for related in loaded.related_stories()]


@pytest.fixture
def story():
    desk, topic = DeskFactory(slug="news"), TopicFactory()
    story = ArticleFactory(desk=desk, headline="The story", published_at=hours_ago(1))
    story.topics.add(topic)
    other_desk = DeskFactory(slug="sport")
    for name, hours, same_desk, shares in [
        ("Topic, other desk, older", 30, False, True),
        ("Topic, same desk, newer", 2, True, True),
        ("Desk only, newest", 0.5, True, False),
        ("Desk only, older", 40, True, False),
        ("Neither", 0.2, False, False),
    ]:
        article = ArticleFactory(
            desk=desk if same_desk else other_desk, headline=name, published_at=hours_ago(hours)
        )
        if shares:
            article.topics.add(topic)
    return story


def test_topics_first_then_the_desk_newest_first_and_four_at_most(story):
    assert related_headlines(story) == [
        "Topic, same desk, newer",
        "Topic, other desk, older",
        "Desk only, newest",
        "Desk only, older",
    ]


def test_without_postgres_each_story_asks_for_its_own_in_the_same_order(story, monkeypatch):
    """`make run` on SQLite has no array subqueries: the coverage is one query of its own."""
    monkeypatch.setattr("articles.models.uses_postgres", lambda queryset: False)
    assert related_headlines(story) == [
        "Topic, same desk, newer",
        "Topic, other desk, older",
        "Desk only, newest",
        "Desk only, older",
    ]


def test_never_the_story_itself_a_draft_a_scheduled_or_an_embargoed_one(story):
    topic = story.topics.get()
    Article.objects.exclude(pk=story.pk).delete()
    for kind in ("draft", "scheduled", "embargoed"):
        fields = {"desk": story.desk, "headline": kind}
        if kind == "draft":
            fields |= {"status": Article.Status.DRAFT, "published_at": None}
        elif kind == "scheduled":
            fields["published_at"] = timezone.now() + timedelta(hours=3)
        else:
            fields["embargo_until"] = timezone.now() + timedelta(hours=3)
        ArticleFactory(**fields).topics.add(topic)
    assert related_headlines(story) == []


def test_the_page_lists_them_without_an_extra_query_and_is_tagged_with_them(client, story):
    response = client.get(story.get_absolute_url())
    page = Page(response.content.decode())
    links = page.select("a", class_="related__link")
    assert [a.text for a in links][:2] == ["Topic, same desk, newer", "Topic, other desk, older"]
    first = Article.objects.get(headline="Topic, same desk, newer")
    assert links[0].attrs["href"] == first.get_absolute_url()
    keys = response.surrogate_keys
    related = Article.objects.filter(headline__in=[a.text for a in links])
    assert {f"article-{pk}" for pk in related.values_list("pk", flat=True)} <= set(keys)


def test_a_story_with_nothing_related_shows_no_section(client):
    story = ArticleFactory(desk=DeskFactory(slug="lonely"))
    assert "Related coverage" not in client.get(story.get_absolute_url()).content.decode()


def test_each_related_story_shows_its_card_photo_in_the_same_query(client, settings):
    from tests.articles.rich_article import build_rich_article

    settings.PAGE_CACHE_ENABLED = False
    article = build_rich_article()
    related = Article.objects.with_related().get(pk=article.pk).related_stories()
    assert related and all(story.card_image for story in related)
    for story in related:
        assert "/media/renditions/" in story.card_image["url"]  # the smallest rendition
        assert story.card_image["width"] == 320
    page = Page(client.get(article.get_absolute_url()).content.decode())
    images = page.select("img", class_="related__image")
    assert len(images) == len(related) == 4
    assert all(image.attrs["alt"] == "" and image.attrs["loading"] == "lazy" for image in images)
    # A story without a hero photo shows none.
    pending = ArticleFactory(desk=article.desk, published_at=hours_ago(0.1))
    pending.topics.set(article.topics.all())
    Article.objects.filter(pk=pending.pk).update(hero_photo=None)
    related = Article.objects.with_related().get(pk=article.pk).related_stories()
    assert related[0].pk == pending.pk and related[0].card_image is None


def test_without_postgres_the_card_photos_come_too(monkeypatch):
    from tests.articles.rich_article import build_rich_article

    article = build_rich_article()
    monkeypatch.setattr("articles.models.uses_postgres", lambda queryset: False)
    related = Article.objects.with_related().get(pk=article.pk).related_stories()
    assert related and all("/media/renditions/" in s.card_image["url"] for s in related)
