"""Edit locks and concurrent edits: who is editing is shown to the others; the lock goes on
save, on leaving or after 15 minutes, and may be taken over; a save over someone else's
newer version is refused with a clear message and overwrites nothing."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial.models import EditLock
from editorial.services import saving
from tests.support.admin import CHANGELIST, action, article_form, change_url, errors
from tests.support.factories import ArticleFactory, PhotoFactory
from tests.support.personas import every_desk

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def ada(editor):
    """Ada and Ben: two editors of every desk."""
    client = Client()
    editor.first_name, editor.last_name = "Ada", "Lovelace"
    editor.save()
    client.force_login(editor)
    client.user = editor
    return client


@pytest.fixture
def ben(editor):

    user = User.objects.create_user("ben", first_name="Ben", last_name="Okri", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    every_desk(user)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def article():
    return ArticleFactory(draft=True, headline="Original headline", hero_photo=PhotoFactory())


def form_of(client, article) -> str:
    response = client.get(change_url(article))
    assert response.status_code == 200
    return response.content.decode()


# --- The soft lock -----------------------------------------------------------------------


def test_opening_the_form_takes_the_lock_and_others_see_who_and_since_when(ada, ben, article):
    with time_machine.travel(dt.datetime(2026, 3, 14, 10, 42, tzinfo=LONDON), tick=False):
        assert "Being edited by" not in form_of(ada, article)
        html = form_of(ben, article)
    assert "Being edited by Ada Lovelace since 10:42 GMT." in html
    assert "Take over editing" in html
    assert EditLock.objects.get(article=article).user == ada.user  # Ben did not take it


def test_the_holder_sees_no_notice_only_the_locks_address_for_the_script(ada, article):
    html = form_of(ada, article)
    assert "Being edited by" not in html
    assert f'data-url="{reverse("admin:articles_article_lock", args=[article.pk])}"' in html
    assert "js/article_lock" in html


def test_saving_releases_the_lock(ada, ben, article):
    form_of(ada, article)
    response = ada.post(change_url(article), article_form(article, headline="Saved"))
    assert response.status_code == 302, errors(response)
    assert not EditLock.objects.exists()
    assert "Being edited by" not in form_of(ben, article)


def test_leaving_the_form_releases_the_lock(ada, ben, article):
    form_of(ada, article)
    url = reverse("admin:articles_article_lock", args=[article.pk])
    assert ada.post(url, {"action": "release"}).status_code == 204
    assert "Being edited by" not in form_of(ben, article)
    assert EditLock.objects.get().user == ben.user


def test_a_lock_expires_after_fifteen_minutes_without_a_refresh(ada, ben, article):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        form_of(ada, article)
        clock.shift(dt.timedelta(minutes=14, seconds=59))
        assert "Being edited by Ada" in form_of(ben, article)
        clock.shift(dt.timedelta(seconds=2))
        assert "Being edited by" not in form_of(ben, article)
    assert EditLock.objects.get().user == ben.user


def test_the_open_form_keeps_its_lock_by_refreshing_it(ada, ben, article):
    url = reverse("admin:articles_article_lock", args=[article.pk])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        form_of(ada, article)
        for _ in range(4):  # an hour with the form open, refreshed every 5 minutes
            clock.shift(dt.timedelta(minutes=5))
            assert ada.post(url, {"action": "refresh"}).json() == {"mine": True}
        clock.shift(dt.timedelta(minutes=10))
        assert "Being edited by Ada" in form_of(ben, article)


def test_another_editor_takes_the_lock_over(ada, ben, article):
    form_of(ada, article)
    url = reverse("admin:articles_article_lock", args=[article.pk])
    response = ben.post(url, {"action": "take_over"}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(article)
    assert EditLock.objects.get().user == ben.user
    assert "Being edited by Ben Okri" in form_of(ada, article)
    # Ada's page could still try to let the lock go: only her own lock would go.
    ada.post(url, {"action": "release"})
    assert EditLock.objects.get().user == ben.user


def published(article: Article) -> Article:
    """The article made public: what a moderator may read (a draft does not exist for them)."""
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now() - dt.timedelta(hours=1)
    )
    return article


def test_the_lock_endpoint_is_for_those_who_may_edit(client, moderator, article):
    client.force_login(moderator)
    assert (
        client.post(
            reverse("admin:articles_article_lock", args=[article.pk]), {"action": "take_over"}
        ).status_code
        == 404
    )  # a draft: not among what they may read
    published(article)
    url = reverse("admin:articles_article_lock", args=[article.pk])
    assert client.post(url, {"action": "take_over"}).status_code == 403
    assert client.get(url).status_code == 405
    assert not EditLock.objects.exists()


def test_an_unknown_lock_action_is_a_bad_request(ada, article):
    url = reverse("admin:articles_article_lock", args=[article.pk])
    assert ada.post(url, {"action": "steal"}).status_code == 400


def test_moderators_reading_the_form_take_no_lock(client, moderator, ada, article):
    client.force_login(moderator)
    assert client.get(change_url(published(article))).status_code == 200
    assert not EditLock.objects.exists()


# --- Optimistic concurrency ----------------------------------------------------------------


def test_a_save_over_someone_elses_newer_version_is_refused_and_overwrites_nothing(
    ada, ben, article
):
    opened = article_form(article, headline="Ada's headline")  # Ada opens the form
    article_form_ben = article_form(article, headline="Ben's headline")
    assert ben.post(change_url(article), article_form_ben).status_code == 302  # Ben saves first

    response = ada.post(change_url(article), opened)

    assert response.status_code == 200
    message = " ".join(response.context["adminform"].form.non_field_errors())
    assert "This article changed after you opened it: Ben Okri saved it at" in message
    assert "Your changes have not been saved" in message
    article.refresh_from_db()
    assert article.headline == "Ben's headline"
    assert article.revisions.count() == 1


def test_a_publish_from_the_list_meanwhile_also_refuses_the_stale_form(ada, ben, article):
    opened = article_form(article, headline="Ada's headline")
    ben.post(reverse(CHANGELIST), action("publish_selected", article))
    response = ada.post(change_url(article), opened)
    assert response.status_code == 200
    assert "Ben Okri saved it" in errors(response) or "Ben Okri saved it" in (
        response.content.decode()
    )
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED  # not put back to draft by the stale form
    assert article.headline == "Original headline"


def test_saving_again_after_reloading_works(ada, ben, article):
    ben.post(change_url(article), article_form(article, headline="Ben's headline"))
    article.refresh_from_db()
    response = ada.post(change_url(article), article_form(article, headline="Ada, reloaded"))
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.headline == "Ada, reloaded"


def test_a_crafted_post_without_the_version_is_refused(ada, article):
    data = article_form(article, headline="No version")
    del data["version"]
    response = ada.post(change_url(article), data)
    assert response.status_code == 200
    assert "version: This field is required." in errors(response)
    article.refresh_from_db()
    assert article.headline == "Original headline"


def test_the_service_refuses_a_stale_version_too(editor, article):
    stale = article.version
    saving.article_save(article=article, user=editor, version=stale)
    article.headline = "From an old form"
    with pytest.raises(Exception, match="changed after you opened it"):
        saving.article_save(article=article, user=editor, version=stale)
    article.refresh_from_db()
    assert article.headline == "Original headline"
