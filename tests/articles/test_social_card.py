"""The social/search card: optional per-article overrides (title, description, photo) that
the page's Open Graph and Twitter/X tags and its JSON-LD use when set, the headline,
standfirst and hero photo otherwise (articles.seo.social_card, one rule); the admin shows a
preview of the card beside the fields."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import selectors
from articles.seo import social_card
from photos.models import Photo
from photos.services import photo_process
from tests.articles.test_public_article import jsonld
from tests.support.admin import article_form, change_url
from tests.support.factories import ArticleFactory, PhotoFactory
from tests.support.public_html import Page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def hero():
    photo = PhotoFactory(alt_text="A tram at dusk")
    photo_process(photo_id=photo.pk)
    return photo


@pytest.fixture
def card_photo():
    photo = PhotoFactory(alt_text="A chart of tram journeys")
    photo_process(photo_id=photo.pk)
    return photo


@pytest.fixture
def article(hero):
    return ArticleFactory(
        headline="Trams return to the city centre",
        standfirst="The line reopens after two years of works.",
        hero_photo=hero,
    )


def crop_of(photo) -> str:
    """The 16:9 crop's address, as made by the renditions (read afresh)."""
    crop = Photo.objects.get(pk=photo.pk).crop("16x9")
    assert crop is not None
    return crop.file.url


def page_of(client, article) -> Page:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return Page(response.content.decode())


def test_without_overrides_the_card_is_the_headline_standfirst_and_hero(client, article, hero):
    page = page_of(client, article)
    assert page.meta("og:title") == page.meta("twitter:title") == article.headline
    assert page.meta("og:description") == page.meta("twitter:description") == article.standfirst
    assert crop_of(hero) in page.meta("og:image")
    assert page.meta("og:image:alt") == page.meta("twitter:image:alt") == "A tram at dusk"
    assert page.meta("twitter:card") == "summary_large_image"
    data = jsonld(page)
    assert data["headline"] == article.headline and "alternativeHeadline" not in data
    assert data["description"] == article.standfirst
    assert crop_of(hero) in data["image"][0]["url"]


def test_overrides_are_used_where_set(client, article, hero, card_photo):
    article.social_title = "Back on track: the trams are running"
    article.social_description = "What changes for riders from Monday."
    article.social_photo = card_photo
    article.save()
    page = page_of(client, article)
    assert page.meta("og:title") == page.meta("twitter:title") == article.social_title
    assert page.meta("og:description") == "What changes for riders from Monday."
    assert page.meta("twitter:description") == "What changes for riders from Monday."
    assert crop_of(card_photo) in page.meta("og:image")
    assert crop_of(card_photo) in page.meta("twitter:image")
    assert page.meta("og:image:alt") == "A chart of tram journeys"
    data = jsonld(page)
    assert data["headline"] == article.headline  # the page's own headline stays
    assert data["alternativeHeadline"] == article.social_title
    assert data["description"] == "What changes for riders from Monday."
    assert crop_of(card_photo) in data["image"][0]["url"]
    # The page still shows its own headline and hero.
    assert page.one("h1").text.strip() == article.headline


def test_each_override_falls_back_on_its_own(article, hero):
    article.social_title = "   "
    article.social_description = "Only this is set."
    card = social_card(article)
    assert (card.title, card.description, card.photo) == (
        article.headline,
        "Only this is set.",
        hero,
    )
    article.hero_photo = None
    assert social_card(article).photo is None


def test_without_any_photo_the_card_is_a_summary(client):
    page = page_of(client, ArticleFactory(hero_photo=None))
    assert page.meta("twitter:card") == "summary"
    assert not page.select("meta", property="og:image")
    assert "image" not in jsonld(page)


def test_the_page_is_purged_when_the_card_photo_changes(client, article, card_photo):
    article.social_photo = card_photo
    article.save()
    response = client.get(article.get_absolute_url())
    assert f"photo-{card_photo.pk}" in response.surrogate_keys


def test_a_photo_on_a_card_counts_as_used(article, card_photo):
    article.social_photo = card_photo
    article.save()
    assert [(a.pk, where) for a, where in selectors.photo_uses(photo=card_photo)] == [
        (article.pk, "social card")
    ]


def test_the_card_costs_no_query_of_its_own(
    client, article, card_photo, django_assert_max_num_queries
):
    article.social_photo = card_photo
    article.save()
    with django_assert_max_num_queries(6):  # as without a card photo: read with the article
        assert client.get(article.get_absolute_url()).status_code == 200


# --- In the admin ------------------------------------------------------------------------


def test_the_admin_saves_the_overrides_and_previews_the_card(editor_client, article, card_photo):
    page = editor_client.get(change_url(article)).content.decode()
    assert "Social and search card" in page
    assert 'id="nr-card-preview"' in page
    preview = Page(page)
    assert preview.one("p", class_="nr-card__title").text == article.headline  # the fallback
    data = article_form(
        article,
        social_title="Back on track",
        social_description="Riders, read this.",
        social_photo=card_photo.pk,
    )
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.social_title, article.social_photo_id) == ("Back on track", card_photo.pk)
    preview = Page(editor_client.get(change_url(article)).content.decode())
    assert preview.one("p", class_="nr-card__title").text == "Back on track"
    assert preview.one("p", class_="nr-card__description").text == "Riders, read this."
    assert crop_of(card_photo) in preview.one("img", class_="nr-card__image").attrs["src"]


def test_control_characters_are_refused_in_the_overrides(editor_client, article):
    data = article_form(article, social_title="Bad\x07title")
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.social_title == ""


def test_the_previews_photo_lookup(editor_client, card_photo, outsider):
    url = reverse("admin:articles_article_card_photo")
    answer = editor_client.get(url, {"id": card_photo.pk})
    assert answer.status_code == 200
    assert answer.json() == {"url": crop_of(card_photo), "alt": "A chart of tram journeys"}
    assert editor_client.get(url, {"id": "x"}).status_code == 400
    assert editor_client.get(url, {"id": "0"}).status_code == 400
    assert editor_client.get(url).status_code == 400
    assert editor_client.get(url, {"id": card_photo.pk + 999}).status_code == 404
    nobody = Client()
    nobody.force_login(outsider)
    assert nobody.get(url, {"id": card_photo.pk}).status_code == 403
