"""A published correction is part of the record: append-only for everyone (no delete, no
new date or wording, superusers included); a mistaken one is withdrawn by a new entry."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Correction
from tests.support.admin import article_form, change_url, errors
from tests.support.factories import ArticleFactory, PhotoFactory

pytestmark = pytest.mark.django_db

TEXT = "The vote was 31 to 12, not 21 to 12."


@pytest.fixture
def live_with_correction(client, editor):
    article = ArticleFactory(
        hero_photo=PhotoFactory(), published_at=timezone.now() - dt.timedelta(days=2)
    )
    client.force_login(editor)
    response = client.post(
        change_url(article),
        article_form(article, body="31 to 12.", change_kind="correction", change_note=TEXT),
    )
    assert response.status_code == 302, errors(response)
    client.logout()
    article.refresh_from_db()
    return article


@pytest.mark.parametrize("persona", ["editor", "superuser"])
def test_the_form_offers_no_way_to_delete_rewrite_or_back_date_a_correction(
    client, request, live_with_correction, persona
):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(change_url(live_with_correction)).content.decode()
    assert TEXT in html
    for name in ("corrections-0-DELETE", "corrections-0-text", "corrections-0-created_at_0"):
        assert f'name="{name}"' not in html, name


@pytest.mark.parametrize("persona", ["editor", "superuser"])
def test_a_crafted_post_cannot_delete_rewrite_or_back_date_a_correction(
    client, request, live_with_correction, persona
):
    client.force_login(request.getfixturevalue(persona))
    correction = live_with_correction.corrections.get()
    data = article_form(live_with_correction)
    data.update(
        {
            "corrections-0-text": "Nothing was wrong.",
            "corrections-0-created_at_0": "2020-01-01",
            "corrections-0-DELETE": "on",
        }
    )
    response = client.post(change_url(live_with_correction), data)
    assert response.status_code in (200, 302)
    kept = Correction.objects.get(pk=correction.pk)
    assert (kept.text, kept.created_at) == (TEXT, correction.created_at)


def test_no_code_path_may_change_or_delete_a_stored_correction(live_with_correction):
    correction = live_with_correction.corrections.get()
    correction.text = "Rewritten"
    with pytest.raises(ValidationError):
        correction.save()
    with pytest.raises(ValidationError):
        correction.delete()
    assert Correction.objects.get(pk=correction.pk).text == TEXT


def test_a_mistaken_correction_is_withdrawn_by_a_new_entry_shown_to_readers(
    client, editor, live_with_correction, django_capture_on_commit_callbacks
):
    reader = Client()
    assert reader.get(live_with_correction.get_absolute_url()).status_code == 200  # cached
    correction = live_with_correction.corrections.get()
    client.force_login(editor)
    url = reverse(
        "admin:articles_article_withdraw_correction",
        args=[live_with_correction.pk, correction.pk],
    )
    assert url in client.get(change_url(live_with_correction)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"note": "The original figure was right."})
    assert response.status_code == 302
    withdrawal = Correction.objects.get(withdraws=correction)
    assert withdrawal.kind == Correction.Kind.WITHDRAWAL
    assert Correction.objects.get(pk=correction.pk).text == TEXT  # still on the record
    html = reader.get(live_with_correction.get_absolute_url()).content.decode()
    assert TEXT in html and "(Withdrawn " in html
    assert "we withdraw our correction of" in html and "The original figure was right." in html
    listing = reader.get("/corrections/").content.decode()
    assert "(Withdrawn.)" in listing and "The original figure was right." in listing
    # Withdrawn once; the withdrawal itself is on the record too.
    response = client.post(url, {"note": "Again."})
    assert response.status_code == 200
    assert Correction.objects.count() == 2


def test_withdrawing_needs_a_note_and_an_editor(client, editor, reporter, live_with_correction):
    correction = live_with_correction.corrections.get()
    url = reverse(
        "admin:articles_article_withdraw_correction",
        args=[live_with_correction.pk, correction.pk],
    )
    client.force_login(editor)
    response = client.post(url, {"note": "  "})
    assert response.status_code == 200
    client.force_login(reporter)
    assert client.post(url, {"note": "Mine now."}).status_code in (403, 404)
    assert Correction.objects.count() == 1


def test_deleting_an_article_takes_its_withdrawn_corrections_with_it(editor, live_with_correction):
    from articles import services

    services.correction_withdraw(
        correction=live_with_correction.corrections.get(), user=editor, note="Wrong."
    )
    services.article_delete(article=live_with_correction)
    assert not Correction.objects.exists()
