"""Restoring a revision goes through the same save path as an edit: a confirmation page,
the kind of edit and the note for a live article, and never a silent undoing of a
correction published after the revision."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Correction
from editorial.models import Revision
from tests.articles.admin_helpers import article_form, change_url, errors
from tests.factories import ArticleFactory, PhotoFactory

pytestmark = pytest.mark.django_db


def save(client, article, **changes):
    article.refresh_from_db()
    response = client.post(change_url(article), article_form(article, **changes))
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()


def restore_url(article, number):
    return reverse("admin:articles_article_restore", args=[article.pk, number])


@pytest.fixture
def corrected(editor_client):
    """A live article whose revision 2 corrected an error that revision 1 had."""
    article = ArticleFactory(
        headline="Council votes on bus lanes",
        body="<p>The vote was 21 to 12.</p>",
        hero_photo=PhotoFactory(),
        published_at=timezone.now() - dt.timedelta(days=1),
    )
    save(editor_client, article, change_kind="silent")  # revision 1: as published
    save(
        editor_client,
        article,
        body="<p>The vote was 31 to 12.</p>",
        change_kind="correction",
        change_note="The vote was 31 to 12, not 21 to 12.",
    )
    assert list(article.revisions.values_list("number", flat=True)) == [2, 1]
    return article


def test_restore_opens_a_confirmation_page_and_changes_nothing(editor_client, corrected):
    response = editor_client.get(restore_url(corrected, 1))
    assert response.status_code == 200
    html = response.content.decode()
    # What would change, side by side (difflib marks the changed digit).
    assert '<span class="diff_chg">2</span>1' in html and '<span class="diff_chg">3</span>1' in html
    assert 'name="change_kind"' in html and 'name="change_note"' in html
    corrected.refresh_from_db()
    assert corrected.body == "<p>The vote was 31 to 12.</p>"
    assert corrected.revisions.count() == 2


def test_restoring_over_a_later_correction_is_refused_without_a_new_correction(
    editor_client, corrected
):
    for kind in ("", "silent", "update"):
        response = editor_client.post(
            restore_url(corrected, 1),
            {"version": corrected.version, "change_kind": kind, "change_note": "Back."},
        )
        assert response.status_code == 200, kind
        assert "correction" in response.content.decode().lower()
    corrected.refresh_from_db()
    assert corrected.body == "<p>The vote was 31 to 12.</p>"
    assert corrected.revisions.count() == 2
    assert corrected.corrections.count() == 1
    assert "The vote was 31 to 12." in Client().get(corrected.get_absolute_url()).content.decode()


def test_restoring_over_a_correction_files_a_new_correction_when_asked(editor_client, corrected):
    response = editor_client.post(
        restore_url(corrected, 1),
        {
            "version": corrected.version,
            "change_kind": "correction",
            "change_note": "Our correction was itself wrong: the vote was 21 to 12.",
        },
    )
    assert response.status_code == 302
    corrected.refresh_from_db()
    assert corrected.body == "<p>The vote was 21 to 12.</p>"
    assert corrected.updated_at is not None
    assert list(corrected.corrections.values_list("text", flat=True)) == [
        "The vote was 31 to 12, not 21 to 12.",
        "Our correction was itself wrong: the vote was 21 to 12.",
    ]
    restored = corrected.revisions.first()
    assert (restored.number, restored.kind) == (3, Revision.Kind.RESTORE)
    assert "Restored revision 1." in restored.note


def test_a_live_article_needs_the_kind_of_edit_to_restore(editor_client):
    article = ArticleFactory(body="<p>First take.</p>", hero_photo=PhotoFactory())
    save(editor_client, article, change_kind="silent")
    save(editor_client, article, body="<p>Second take.</p>", change_kind="silent")
    url = restore_url(article, 1)
    response = editor_client.post(url, {"version": article.version})
    assert response.status_code == 200
    assert "change_kind" in str(response.context["form"].errors)
    response = editor_client.post(
        url, {"version": article.version, "change_kind": "update", "change_note": ""}
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.body == "<p>Second take.</p>"
    response = editor_client.post(
        url,
        {"version": article.version, "change_kind": "update", "change_note": "Back to the first."},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>First take.</p>"
    assert article.corrections.get().kind == Correction.Kind.UPDATE


def test_a_restore_from_a_page_opened_before_another_save_is_refused(editor_client, corrected):
    opened_on = corrected.version
    save(editor_client, corrected, headline="A later edit", change_kind="silent")
    response = editor_client.post(
        restore_url(corrected, 1),
        {"version": opened_on, "change_kind": "correction", "change_note": "x"},
    )
    assert response.status_code == 200
    assert "changed after you opened it" in response.content.decode()
    corrected.refresh_from_db()
    assert corrected.headline == "A later edit"


def test_a_restore_without_the_version_is_refused(editor_client, corrected):
    response = editor_client.post(restore_url(corrected, 2), {})
    assert response.status_code == 200
    corrected.refresh_from_db()
    assert corrected.revisions.count() == 2


def test_a_withdrawn_correction_no_longer_stands_in_the_way(editor, editor_client, corrected):
    from articles import services

    services.correction_withdraw(
        correction=corrected.corrections.get(), user=editor, note="The first figure was right."
    )
    corrected.refresh_from_db()
    response = editor_client.post(
        restore_url(corrected, 1),
        {"version": corrected.version, "change_kind": "silent", "change_note": ""},
    )
    assert response.status_code == 302, response.context["form"].errors
    corrected.refresh_from_db()
    assert corrected.body == "<p>The vote was 21 to 12.</p>"
