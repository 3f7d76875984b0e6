"""Home, desk, author, topic and search pages: what readers see and what each page costs."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from articles.models import Article
from photos.services import photo_process
from tests.articles.public_html import Page
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    DeskFactory,
    PhotoFactory,
    TopicFactory,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_ENABLED = False  # the cache has its own tests (test_public_cache.py)


def get(client, path: str) -> Page:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return Page(response.content.decode())


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def photo(ready: bool) -> object:
    """A hero photo; a ready one has renditions, so cards show <picture> with srcsets."""
    made = PhotoFactory()
    if ready:
        photo_process(photo_id=made.pk)
    return made


def card_titles(page: Page) -> list[str]:
    return [e.text for e in page.elements if e.tag in {"h2", "h3"} and "card__title" in e.classes]


# Home


def test_home_shows_the_breaking_banner_while_it_is_unexpired(client):
    article = ArticleFactory(
        headline="Quake hits the coast",
        is_breaking=True,
        breaking_until=timezone.now() + timedelta(hours=2),
    )
    banner = get(client, "/").one("div", class_="breaking-banner")
    assert banner.text == "Breaking Quake hits the coast"
    assert get(client, "/").select("a", href=article.get_absolute_url())
    with time_machine.travel(article.breaking_until + timedelta(seconds=1)):
        assert not get(client, "/").select("div", class_="breaking-banner")


def test_home_has_no_banner_for_an_unpublished_breaking_story(client):
    ArticleFactory(
        status=Article.Status.DRAFT,
        is_breaking=True,
        breaking_until=timezone.now() + timedelta(hours=2),
    )
    assert not get(client, "/").select("div", class_="breaking-banner")


def test_home_leads_with_top_stories_in_the_editors_order(client):
    for order, headline in [(2, "Third"), (0, "First"), (1, "Second")]:
        ArticleFactory(headline=headline, is_top_story=True, top_story_order=order)
    ArticleFactory(headline="Not curated", published_at=ago(minutes=1))
    page = get(client, "/")
    lead = page.one("article", class_="card--lead")
    assert "First" in lead.text
    assert page.position_of("First") < page.position_of("Second") < page.position_of("Third")


@pytest.mark.parametrize("ready", [True, False], ids=["renditions", "original"])
def test_home_loads_the_lead_photo_first_and_the_other_cards_photos_lazily(client, ready):
    # The lead's photo is the largest thing above the fold: a lazy one waits for layout.
    ArticleFactory(headline="Lead", is_top_story=True, hero_photo=photo(ready=ready))
    ArticleFactory(headline="Side", is_top_story=True, top_story_order=1, hero_photo=photo(ready))
    ArticleFactory(headline="Desk story", published_at=ago(hours=1), hero_photo=photo(ready))
    page = get(client, "/")

    lead = page.one("article", class_="card--lead")
    [lead_image] = page.within(lead, "img")
    assert (lead_image.attrs["loading"], lead_image.attrs["fetchpriority"]) == ("eager", "high")
    others = [img for img in page.select("img") if img is not lead_image]
    assert len(others) == 2
    for image in others:
        assert image.attrs["loading"] == "lazy" and "fetchpriority" not in image.attrs


def test_home_shows_the_latest_of_each_desk_without_repeating_top_stories(client):
    world = DeskFactory(name="World", slug="world", order=1)
    business = DeskFactory(name="Business", slug="business", order=2)
    ArticleFactory(desk=world, headline="World top", is_top_story=True)
    for n in range(6):
        ArticleFactory(desk=world, headline=f"World {n}", published_at=ago(hours=n + 1))
    ArticleFactory(desk=business, headline="Business 0")
    page = get(client, "/")
    world_section = page.one("section", aria_labelledby="desk-world-title")
    business_section = page.one("section", aria_labelledby="desk-business-title")
    assert world_section.position < business_section.position
    world_titles = [h.text for h in page.within(world_section, "h3", class_="card__title")]
    assert world_titles == ["World 0", "World 1", "World 2"]
    assert page.text.count("World top") == 1


def test_home_leads_with_the_newest_stories_when_none_are_curated(client):
    ArticleFactory(headline="Older", published_at=ago(hours=3))
    ArticleFactory(headline="Newest", published_at=ago(minutes=5))
    assert "Newest" in get(client, "/").one("article", class_="card--lead").text


def test_cards_show_the_reading_time(client):
    ArticleFactory(headline="Long read", body=" ".join(["word"] * 1000))
    card = get(client, "/").one("article", class_="card--lead")
    assert "5 min read" in card.text


def test_home_navigation_lists_every_desk_in_order(client):
    DeskFactory(name="World", slug="world", order=2)
    DeskFactory(name="Business", slug="business", order=1)
    page = get(client, "/")
    nav = page.one("nav", aria_label="Sections")
    assert [a.text for a in page.within(nav, "a")] == ["Home", "Business", "World"]


def test_home_stays_within_its_query_budget(client, django_assert_max_num_queries):
    for d in range(4):
        desk = DeskFactory(slug=f"desk-{d}", order=d)
        for n in range(6):
            article = ArticleFactory(
                desk=desk, hero_photo=photo(ready=n >= 4), is_top_story=n == 0, top_story_order=d
            )
            BylineFactory(article=article)
            BylineFactory(article=article)
    ArticleFactory(is_breaking=True, breaking_until=timezone.now() + timedelta(hours=1))
    with django_assert_max_num_queries(8):
        response = client.get("/")
    assert response.status_code == 200
    page = Page(response.content.decode())
    # The lead, three more top stories, three per desk, and the breaking story's desk.
    assert len(page.select("article", class_="card")) == 1 + 3 + 4 * 3 + 1
    assert len(page.select("picture")) == 8  # the two newest of each desk


# Desk pages


def test_desk_page_shows_its_title_about_text_and_articles(client):
    desk = DeskFactory(
        name="World", slug="world", title="The World Desk", about="Reporting from everywhere."
    )
    ArticleFactory(desk=desk, headline="Elections abroad")
    ArticleFactory(headline="Elsewhere")
    page = get(client, "/world/")
    assert [h.text for h in page.select("h1")] == ["The World Desk"]
    assert "Reporting from everywhere." in page.text
    assert card_titles(page) == ["Elections abroad"]
    assert page.select("a", href="/world/feed/")


def test_desk_page_is_paginated_newest_first(client):
    desk = DeskFactory(slug="world")
    for n in range(14):
        ArticleFactory(desk=desk, headline=f"Story {n:02d}", published_at=ago(hours=n))
    first = get(client, "/world/")
    assert card_titles(first)[:2] == ["Story 00", "Story 01"]
    assert len(card_titles(first)) == 12
    assert first.one("a", rel="next").attrs["href"] == "?page=2"
    second = get(client, "/world/?page=2")
    assert card_titles(second) == ["Story 12", "Story 13"]
    assert second.one("link", rel="canonical").attrs["href"].endswith("/world/?page=2")


@pytest.mark.parametrize("path", ["/no-such-desk/", "/world/?page=99", "/world/?page=abc"])
def test_unknown_desks_and_pages_are_404(client, path):
    DeskFactory(slug="world")
    assert client.get(path).status_code == 404


def test_desk_page_stays_within_its_query_budget(client, django_assert_max_num_queries):
    desk = DeskFactory(slug="world")
    for n in range(15):
        BylineFactory(article=ArticleFactory(desk=desk, hero_photo=photo(ready=n >= 12)))
    with django_assert_max_num_queries(5):
        response = client.get("/world/")
    assert len(Page(response.content.decode()).select("picture")) == 3


# Author pages


@pytest.fixture
def author():
    author = AuthorFactory(
        name="Mei Lin",
        slug="mei-lin",
        job_title="Technology Editor",
        bio="Mei covers AI and chips.",
        email="mei.private@newsroom.example",
    )
    author.photo.save("mei.jpg", ContentFile(jpeg_bytes(200, 200)))
    return author


def test_author_page_shows_bio_photo_articles_and_feed(client, author):
    BylineFactory(author=author, article=ArticleFactory(headline="Chips and trade"))
    BylineFactory(
        author=author, article=ArticleFactory(headline="Hidden", status=Article.Status.DRAFT)
    )
    page = get(client, "/authors/mei-lin/")
    assert [h.text for h in page.select("h1")] == ["Mei Lin"]
    assert "Technology Editor" in page.text
    assert "Mei covers AI and chips." in page.text
    assert page.one("img", class_="author-head__photo").attrs["alt"] == "Portrait of Mei Lin"
    assert card_titles(page) == ["Chips and trade"]
    assert page.select("a", href="/authors/mei-lin/feed/")
    assert page.select("link", rel="alternate", href="/authors/mei-lin/feed/")


def test_author_page_never_shows_the_private_email(client, author):
    BylineFactory(author=author)
    assert "mei.private" not in client.get("/authors/mei-lin/").content.decode()


def test_author_page_stays_within_its_query_budget(client, author, django_assert_max_num_queries):
    for n in range(15):
        article = ArticleFactory(hero_photo=photo(ready=n >= 12))
        BylineFactory(author=author, article=article)
        BylineFactory(article=article, order=1)
    with django_assert_max_num_queries(5):
        response = client.get("/authors/mei-lin/")
    assert len(Page(response.content.decode()).select("picture")) == 3


# Topic pages


def test_topic_page_lists_its_published_articles(client):
    topic = TopicFactory(name="Chips", slug="chips")
    ArticleFactory(headline="Fabs expand").topics.add(topic)
    ArticleFactory(headline="Not tagged")
    ArticleFactory(headline="Draft", status=Article.Status.DRAFT).topics.add(topic)
    page = get(client, "/topics/chips/")
    assert [h.text for h in page.select("h1")] == ["Chips"]
    assert card_titles(page) == ["Fabs expand"]


def test_topic_page_stays_within_its_query_budget(client, django_assert_max_num_queries):
    topic = TopicFactory(slug="chips")
    for n in range(15):
        article = ArticleFactory(hero_photo=photo(ready=n >= 12))
        article.topics.add(topic)
        BylineFactory(article=article)
    with django_assert_max_num_queries(5):
        response = client.get("/topics/chips/")
    assert len(Page(response.content.decode()).select("picture")) == 3


# Search


def test_search_finds_articles_by_words_in_the_headline_and_body(client):
    ArticleFactory(headline="Chipmakers face export limits")
    ArticleFactory(headline="Weather", body="Storms delay chipmaker shipments.")
    ArticleFactory(headline="Unrelated", body="Nothing here.")
    page = get(client, "/search/?q=chipmaker")
    assert sorted(card_titles(page)) == ["Chipmakers face export limits", "Weather"]
    assert "2 results for “chipmaker”" in page.text


def test_search_ranks_a_headline_match_above_a_body_match(client):
    ArticleFactory(
        headline="Markets", body="Brief mention of semiconductors.", published_at=ago(minutes=1)
    )
    ArticleFactory(
        headline="Semiconductors rally", body="Semiconductors rose.", published_at=ago(days=3)
    )
    assert card_titles(get(client, "/search/?q=semiconductors"))[0] == "Semiconductors rally"


def test_search_understands_phrases_and_exclusions(client):
    ArticleFactory(headline="Open source models gain ground")
    ArticleFactory(headline="Source of the river found", body="Models of the delta.")
    assert card_titles(get(client, '/search/?q="open source"')) == [
        "Open source models gain ground"
    ]
    assert card_titles(get(client, "/search/?q=models -river")) == [
        "Open source models gain ground"
    ]


def test_search_never_shows_unpublished_articles(client):
    ArticleFactory(headline="Secret draft about chips", status=Article.Status.DRAFT)
    assert card_titles(get(client, "/search/?q=chips")) == []


@pytest.mark.parametrize(
    "query", ["", "   ", "&|!():*", "'", "a" * 5000, "<script>alert(1)</script>"]
)
def test_search_handles_odd_queries_without_error(client, query):
    ArticleFactory(headline="Anything")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_search_results_are_not_indexed(client):
    assert get(client, "/search/?q=x").meta("robots") == "noindex, follow"


def test_search_vector_follows_edits(client):
    article = ArticleFactory(headline="Original words")
    article.headline = "Replacement vocabulary"
    article.save()
    assert card_titles(get(client, "/search/?q=vocabulary")) == ["Replacement vocabulary"]
    assert card_titles(get(client, "/search/?q=original")) == []


def test_without_postgres_search_falls_back_to_matching_every_word(client, monkeypatch):
    """`make run` on SQLite has no full-text search: plain filtering, newest first."""
    monkeypatch.setattr("articles.search.uses_postgres", lambda queryset: False)
    ArticleFactory(headline="Chip export limits", published_at=ago(hours=2))
    ArticleFactory(headline="Chip fabs", body="New limits on exports.", published_at=ago(hours=1))
    ArticleFactory(headline="Chip news")
    assert card_titles(get(client, "/search/?q=chip+limits")) == ["Chip fabs", "Chip export limits"]
