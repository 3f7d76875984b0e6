"""Autosave on the server: while the edit lock is held, the form's text is kept as a
revision marked autosave (one per article and user, overwritten in place) that never
touches the article's row nor its version, stays out of the revision list, is cleared by
a save, and is offered back (restore or discard) when the form is opened again. The
browser side is in test_autosave_browser.py."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import selectors
from editorial.models import EditLock, Revision
from editorial.services import autosave as autosave_service
from editorial.services import locks, revisions, saving
from tests.support.admin import ADD, article_form, change_url
from tests.support.factories import ArticleFactory, DeskFactory
from tests.support.personas import desk_member, every_desk

pytestmark = pytest.mark.django_db

TEXT = {"headline": "A better headline", "standfirst": "Typed.", "body": "<p>Typed <b>x</b></p>"}


@pytest.fixture
def article():
    return ArticleFactory(draft=True, headline="Original headline", body="<p>Saved.</p>")


@pytest.fixture
def ben(db):
    user = User.objects.create_user("ben", first_name="Ben", last_name="Okri", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    every_desk(user)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def autosave_url(article=None) -> str:
    if article is None:
        return reverse("admin:articles_article_autosave_new")
    return reverse("admin:articles_article_autosave", args=[article.pk])


def row(article):
    return Article.objects.values("version", "headline", "body", "modified_at").get(pk=article.pk)


# --- The service ---------------------------------------------------------------------------


def test_an_autosave_touches_neither_the_article_nor_its_version(article, editor):
    locks.article_lock_take(article=article, user=editor)
    before = row(article)
    autosave = autosave_service.article_autosave(article=article, user=editor, fields=TEXT)
    assert row(article) == before
    assert autosave.is_autosave and autosave.number == 0
    assert autosave.changes == {**TEXT, "body": "<p>Typed <strong>x</strong></p>"}  # cleaned
    # A save made from the form opened before the autosave is not refused as stale.
    article.refresh_from_db()
    saving.article_check_version(article_id=article.pk, version=before["version"], user=editor)


def test_one_autosave_per_article_and_user_overwritten_in_place(article, editor, ben):
    locks.article_lock_take(article=article, user=editor)
    first = autosave_service.article_autosave(article=article, user=editor, fields=TEXT)
    second = autosave_service.article_autosave(
        article=article, user=editor, fields={**TEXT, "headline": "Again"}
    )
    assert first.pk == second.pk
    assert Revision.autosaves.get(article=article, user=editor).changes["headline"] == "Again"
    assert Revision.autosaves.count() == 1


def test_autosaves_stay_out_of_the_revision_history(article, editor, editor_client):
    revisions.article_record_revision(article=article, user=editor)
    locks.article_lock_take(article=article, user=editor)
    autosave_service.article_autosave(article=article, user=editor, fields=TEXT)
    assert list(article.revisions.values_list("number", flat=True)) == [1]
    assert Revision.objects.count() == 1 and Revision.every.count() == 2
    page = editor_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert "A better headline" not in page.content.decode()
    # The next kept revision is numbered after the last kept one, not after the autosave.
    article.headline = "Saved headline"
    article.save()
    assert revisions.article_record_revision(article=article, user=editor).number == 2


def test_without_the_lock_an_autosave_is_refused(article, editor, ben):
    with pytest.raises(ValidationError) as refused:  # nobody holds it
        autosave_service.article_autosave(article=article, user=editor, fields=TEXT)
    assert refused.value.code == "not_lock_holder"
    locks.article_lock_take(article=article, user=editor)
    autosave_service.article_autosave(article=article, user=editor, fields=TEXT)
    locks.article_lock_take(article=article, user=ben, take_over=True)
    with pytest.raises(ValidationError, match="Ben Okri is editing this article now"):
        autosave_service.article_autosave(
            article=article, user=editor, fields={**TEXT, "headline": "X"}
        )
    # Ben's own autosave does not overwrite the editor's either: each keeps theirs.
    autosave_service.article_autosave(
        article=article, user=ben, fields={**TEXT, "headline": "Ben's"}
    )
    assert Revision.autosaves.get(user=editor).changes["headline"] == "A better headline"
    assert Revision.autosaves.get(user=ben).changes["headline"] == "Ben's"


def test_an_expired_lock_is_no_lock(article, editor):
    locks.article_lock_take(article=article, user=editor)
    later = timezone.now() + dt.timedelta(minutes=16)
    with time_machine.travel(later), pytest.raises(ValidationError):
        autosave_service.article_autosave(article=article, user=editor, fields=TEXT)


def test_rights_are_the_articles(article, moderator, outsider):
    """Someone who may not edit the article cannot autosave it, lock or none."""
    other_desk = ArticleFactory(draft=True, desk=DeskFactory())
    reporter = desk_member("rita", "Reporters", DeskFactory())
    for user, story in ((moderator, article), (outsider, article), (reporter, other_desk)):
        with pytest.raises(PermissionDenied):
            autosave_service.article_autosave(article=story, user=user, fields=TEXT)
    with pytest.raises(PermissionDenied):
        autosave_service.article_autosave(article=None, user=moderator, fields=TEXT)
    assert not Revision.every.exists()


def test_a_new_article_has_one_autosave_per_user_and_no_lock(editor, reporter):
    autosave_service.article_autosave(article=None, user=editor, fields=TEXT)
    autosave_service.article_autosave(article=None, user=editor, fields={**TEXT, "headline": "Two"})
    autosave_service.article_autosave(article=None, user=reporter, fields=TEXT)
    assert Revision.autosaves.filter(article=None).count() == 2
    assert selectors.autosave_to_offer(article=None, user=editor).changes["headline"] == "Two"


def test_a_save_clears_the_users_autosave_only(article, editor, ben, editor_client):
    locks.article_lock_take(article=article, user=editor)
    autosave_service.article_autosave(article=article, user=editor, fields=TEXT)
    Revision.every.create(article=article, user=ben, number=0, changes=TEXT, is_autosave=True)
    editor_client.get(change_url(article))
    response = editor_client.post(change_url(article), article_form(article, headline="Saved"))
    assert response.status_code == 302
    assert list(Revision.autosaves.values_list("user__username", flat=True)) == ["ben"]


def test_saving_a_new_article_clears_the_new_article_autosave(editor, editor_client):
    desk = DeskFactory()
    autosave_service.article_autosave(article=None, user=editor, fields=TEXT)
    data = article_form(headline="New one", slug="new-one", desk=desk.pk)
    data.pop("version", None)
    response = editor_client.post(reverse(ADD), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Revision.autosaves.exists()


# --- What the form offers back ----------------------------------------------------------


def test_reopening_offers_a_newer_autosave_to_restore(article, editor, editor_client):
    editor_client.get(change_url(article))  # takes the lock
    autosave_service.article_autosave(article=article, user=editor, fields=TEXT)
    page = editor_client.get(change_url(article)).content.decode()
    assert "You have changes to this article that were never saved" in page
    assert "Restore my unsaved changes" in page and "Discard them" in page
    assert 'id="nr-autosave-data"' in page and "A better headline" in page
    assert f'data-url="{autosave_url(article)}"' in page


def test_an_autosave_older_than_the_article_or_the_same_text_is_not_offered(
    article, editor, editor_client
):
    locks.article_lock_take(article=article, user=editor)
    autosave_service.article_autosave(article=article, user=editor, fields=TEXT)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        article.standfirst = "Someone saved after it."
        article.save()
    assert selectors.autosave_to_offer(article=article, user=editor) is None
    same = {"headline": article.headline, "standfirst": article.standfirst, "body": article.body}
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=10)):
        autosave_service.article_autosave(article=article, user=editor, fields=same)
        assert selectors.autosave_to_offer(article=article, user=editor) is None
        page = editor_client.get(change_url(article)).content.decode()
    assert "never saved" not in page


def test_the_second_editor_sees_the_lock_and_no_autosave(article, editor, ben):
    client_for(editor).get(change_url(article))
    page = client_for(ben).get(change_url(article)).content.decode()
    assert "Being edited by" in page
    assert 'id="nr-autosave"' not in page


def test_the_add_form_autosaves_and_offers_an_unsaved_new_article(editor, editor_client):
    page = editor_client.get(reverse(ADD)).content.decode()
    assert f'data-url="{autosave_url()}"' in page
    autosave_service.article_autosave(article=None, user=editor, fields=TEXT)
    page = editor_client.get(reverse(ADD)).content.decode()
    assert "You started a new article that was never saved" in page


# --- The endpoint: its answers to good and bad posts -------------------------------------


def test_the_endpoint_keeps_the_text_and_says_when(article, editor, editor_client):
    editor_client.get(change_url(article))
    response = editor_client.post(autosave_url(article), TEXT)
    assert response.status_code == 200
    assert set(response.json()) == {"saved_at", "saved"}
    assert Revision.autosaves.get().changes["headline"] == TEXT["headline"]
    assert row(article)["headline"] == "Original headline"


def test_the_endpoint_refuses_someone_without_the_lock_with_409(article, editor, ben):
    client_for(editor).get(change_url(article))
    response = client_for(ben).post(autosave_url(article), TEXT)
    assert response.status_code == 409
    assert "is editing this article now" in response.json()["error"]
    assert not Revision.every.exists()


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({}, 400),  # nothing to keep
        ({"unrelated": "x"}, 400),
        ({**TEXT, "headline": "x" * 201}, 400),
        ({**TEXT, "body": "x" * 1_000_001}, 400),
        ({**TEXT, "action": "explode"}, 400),
    ],
)
def test_bad_posts_are_400_and_keep_nothing(article, editor, editor_client, data, status):
    editor_client.get(change_url(article))
    response = editor_client.post(autosave_url(article), data)
    assert response.status_code == status
    assert not Revision.every.exists()


def test_get_is_405_an_unknown_article_404_and_no_rights_403(article, moderator, editor_client):
    assert editor_client.get(autosave_url(article)).status_code == 405
    missing = reverse("admin:articles_article_autosave", args=[article.pk + 1000])
    assert editor_client.post(missing, TEXT).status_code == 404
    assert client_for(moderator).post(autosave_url(article), TEXT).status_code in (403, 404)
    assert client_for(moderator).post(autosave_url(), TEXT).status_code == 403
    assert Client().post(autosave_url(article), TEXT).status_code == 302  # to the login


def test_the_endpoint_needs_the_csrf_token(article, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    client.get(change_url(article))
    assert client.post(autosave_url(article), TEXT).status_code == 403
    assert not Revision.every.exists()


def test_discard_forgets_it_and_closing_the_page_releases_the_lock(article, editor, editor_client):
    editor_client.get(change_url(article))
    editor_client.post(autosave_url(article), {**TEXT, "release": "1"})
    assert Revision.autosaves.exists()
    assert not EditLock.objects.filter(article=article).exists()
    assert editor_client.post(autosave_url(article), {"action": "discard"}).status_code == 204
    assert not Revision.every.exists()
