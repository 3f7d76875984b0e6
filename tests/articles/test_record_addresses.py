"""A live article keeps every address it has had: changing its desk, slug or date through
the admin answers the old address with a 301 to the new one, and the form says so."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, ArticleAddress
from editorial import services as editorial_services
from notifications.models import Notification
from tests.articles.admin_helpers import article_form, change_url, errors
from tests.factories import ArticleFactory, DeskFactory, PhotoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live():
    return ArticleFactory(
        headline="Bus lanes approved",
        slug="bus-lanes-approved",
        desk=DeskFactory(slug="city", name="City"),
        hero_photo=PhotoFactory(),
        published_at=timezone.now() - dt.timedelta(days=2),
    )


def edit(client, article, **fields):
    article.refresh_from_db()
    response = client.post(change_url(article), article_form(article, **fields), follow=True)
    assert response.redirect_chain, errors(response)
    article.refresh_from_db()
    return response


@pytest.mark.parametrize("change", ["slug", "desk", "date"])
def test_the_old_address_of_a_live_article_answers_301_to_the_new_one(editor_client, live, change):
    old = live.get_absolute_url()
    fields = {
        "slug": {"slug": "bus-lanes-approved-by-council"},
        "desk": {"desk": DeskFactory(slug="transport").pk},
        "date": {"published_at": live.published_at - dt.timedelta(days=3)},
    }[change]
    edit(editor_client, live, **fields)
    new = live.get_absolute_url()
    assert new != old
    reader = Client()
    response = reader.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
    # Where it leads may change (another article live there): kept by no cache.
    assert response["Cache-Control"] == "private, no-cache"
    assert reader.get(new).status_code == 200


def test_every_earlier_address_keeps_working_after_several_changes(editor_client, live):
    first = live.get_absolute_url()
    edit(editor_client, live, slug="second-slug")
    second = live.get_absolute_url()
    edit(editor_client, live, desk=DeskFactory(slug="transport").pk, slug="third-slug")
    reader = Client()
    for old in (first, second):
        response = reader.get(old)
        assert (response.status_code, response["Location"]) == (301, live.get_absolute_url())


def test_the_live_email_link_still_reaches_the_article(editor, editor_client, reporter):
    from tests.factories import AuthorFactory, BylineFactory

    article = ArticleFactory(draft=True, created_by=reporter, hero_photo=PhotoFactory())
    BylineFactory(article=article, author=AuthorFactory(user=reporter))
    editorial_services.article_publish(article=article, user=editor)
    mailed = Notification.objects.get(kind="article_published").context["url"]
    edit(editor_client, article, slug="a-better-slug")
    path = mailed.split("://", 1)[-1].split("/", 1)[-1]
    response = Client().get("/" + path, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == article.get_absolute_url()


def test_a_draft_changing_its_slug_keeps_no_old_address(editor_client):
    draft = ArticleFactory(draft=True)
    edit(editor_client, draft, slug="another-slug")
    assert not ArticleAddress.objects.exists()


def test_the_form_of_a_live_article_warns_that_links_will_be_redirected(editor_client, live):
    html = editor_client.get(change_url(live)).content.decode()
    assert "readers’ links to the old address are redirected" in html
    response = edit(editor_client, live, slug="a-new-slug")
    shown = [str(m) for m in response.context["messages"]]
    assert any(
        "/city/" in m and "bus-lanes-approved/" in m and "a-new-slug/" in m and "redirect" in m
        for m in shown
    ), shown


def test_a_new_article_at_an_old_address_wins_over_the_redirect(
    editor_client, editor, live, django_capture_on_commit_callbacks
):
    """The live article wins: an address in use by a live article shows it; the moved
    article's old address redirects only while no live article is there."""
    old = live.get_absolute_url()
    edit(editor_client, live, slug="moved-away")
    newcomer = ArticleFactory(
        desk=live.desk, slug="bus-lanes-approved", published_at=live.published_at
    )
    assert newcomer.get_absolute_url() == old
    reader = Client()
    response = reader.get(old)
    assert response.status_code == 200
    assert response.context["article"] == newcomer
    with django_capture_on_commit_callbacks(execute=True):
        editorial_services.article_unpublish(article=newcomer, user=editor)
    response = reader.get(old)
    assert (response.status_code, response["Location"]) == (301, live.get_absolute_url())


def test_an_old_address_of_an_unpublished_article_is_a_404(editor_client, live):
    old = live.get_absolute_url()
    edit(editor_client, live, slug="moved-away")
    Article.objects.filter(pk=live.pk).update(status=Article.Status.UNPUBLISHED)
    assert Client().get(old).status_code == 404


def test_an_old_address_does_not_hide_another_story_that_shares_the_slug(editor_client, live):
    """Another story with the same slug on the same desk at another date is not where the
    moved article's old address leads."""
    old = live.get_absolute_url()
    edit(editor_client, live, slug="moved-away")
    ArticleFactory(
        desk=live.desk,
        slug="bus-lanes-approved",
        published_at=live.published_at - dt.timedelta(days=30),
    )
    response = Client().get(old)
    assert (response.status_code, response["Location"]) == (301, live.get_absolute_url())


def test_the_data_migration_records_only_the_dates_the_log_shows(editor):
    import importlib

    from django.apps import apps

    from articles.models import article_path
    from editorial.models import Transition

    migration = importlib.import_module("articles.migrations.0011_article_address_history")
    moved = ArticleFactory(desk=DeskFactory(slug="world"), slug="summit-ends")
    first = moved.published_at - dt.timedelta(days=3)
    Transition.objects.create(article=moved, action="publish", to_status="published", at=first)
    Transition.objects.create(
        article=moved, action="publish", to_status="published", at=moved.published_at
    )
    untouched = ArticleFactory()

    # The migration names Transition by its app label of the time; it is editorial's now.
    class OldLabels:
        @staticmethod
        def get_model(app_label: str, name: str):
            return apps.get_model("editorial" if name == "Transition" else app_label, name)

    migration.keep_known_addresses(OldLabels, None)
    assert [(a.article, a.day) for a in ArticleAddress.objects.all()] == [
        (moved, timezone.localdate(first))
    ]
    assert not untouched.old_addresses.exists()
    old = article_path(desk_slug="world", day=timezone.localdate(first), slug="summit-ends")
    response = Client().get(old)
    assert (response.status_code, response["Location"]) == (301, moved.get_absolute_url())
