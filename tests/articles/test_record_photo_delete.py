"""Deleting a photo says where it is used (hero or in the body of any article) and is
refused while a published article uses it: admin delete view, bulk delete, the service."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles import services
from articles.models import Article
from photos.models import Photo
from tests.factories import ArticleFactory, PhotoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def delete_url(photo):
    return reverse("admin:photos_photo_delete", args=[photo.pk])


def in_body(photo) -> str:
    return f"Before.\n\n![Commuters]({photo.image.url})\n\nAfter."


def test_the_confirmation_lists_every_article_using_the_photo(admin_client):
    photo = PhotoFactory()
    ArticleFactory(headline="Breaking: bridge closed", hero_photo=photo, is_breaking=True)
    ArticleFactory(headline="Commuters count the cost", body=in_body(photo))
    ArticleFactory(headline="Draft about trams", draft=True, hero_photo=photo)
    html = admin_client.get(delete_url(photo)).content.decode()
    for headline in ("Breaking: bridge closed", "Commuters count the cost", "Draft about trams"):
        assert headline in html, headline


@pytest.mark.parametrize("use", ["hero", "body"])
def test_a_photo_a_published_article_uses_is_not_deleted(admin_client, use):
    photo = PhotoFactory()
    article = (
        ArticleFactory(hero_photo=photo) if use == "hero" else ArticleFactory(body=in_body(photo))
    )
    response = admin_client.post(delete_url(photo), {"post": "yes"})
    assert response.status_code == 200
    assert article.headline in response.content.decode()
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_bulk_delete_refuses_photos_a_published_article_uses(admin_client):
    used, unused = PhotoFactory(), PhotoFactory()
    ArticleFactory(headline="Live story", hero_photo=used)
    response = admin_client.post(
        reverse("admin:photos_photo_changelist"),
        {"action": "delete_selected", "_selected_action": [used.pk, unused.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert "Live story" in response.content.decode()
    assert Photo.objects.filter(pk=used.pk).exists()
    assert Photo.objects.filter(pk=unused.pk).exists()  # nothing half-done


def test_a_photo_only_drafts_use_is_deleted_after_the_confirmation(admin_client):
    photo = PhotoFactory()
    draft = ArticleFactory(draft=True, headline="Draft about trams", hero_photo=photo)
    html = admin_client.get(delete_url(photo)).content.decode()
    assert "Draft about trams" in html and "left without the photo" in html
    response = admin_client.post(delete_url(photo), {"post": "yes"})
    assert response.status_code == 302
    assert not Photo.objects.filter(pk=photo.pk).exists()
    draft.refresh_from_db()
    assert draft.hero_photo is None


def test_the_service_refuses_too(editor):
    photo = PhotoFactory()
    ArticleFactory(body=in_body(photo), status=Article.Status.PUBLISHED)
    with pytest.raises(ValidationError, match="published"):
        services.content_delete(instance=photo)
    assert Photo.objects.filter(pk=photo.pk).exists()
