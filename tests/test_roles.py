"""DESIGN.md "Roles", enforced on the server: each path to publishing, tried by each persona.

Editors (and superusers) publish; reporters write and submit their own drafts and cannot
publish by any path (the form's status field, a bulk action, the change form's action, a
crafted POST); moderators only look; staff in no group get nothing.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.support.admin import ADD, CHANGELIST, action, article_form, change_url
from tests.support.factories import ArticleFactory, DeskFactory, PhotoFactory

pytestmark = pytest.mark.django_db

ROLES = ["editor", "reporter", "moderator", "outsider", "superuser"]
PUBLISHERS = {"editor", "superuser"}


@pytest.fixture
def as_role(request, client):
    def login(role: str):
        user = request.getfixturevalue(role)
        client.force_login(user)
        return client, user

    return login


@pytest.fixture
def reporters_draft(reporter):
    """A draft the reporter wrote, ready to publish in every other respect."""
    return ArticleFactory(draft=True, created_by=reporter, hero_photo=PhotoFactory())


def is_published(article: Article) -> bool:
    article.refresh_from_db()
    return article.status == Article.Status.PUBLISHED


# --- Seeing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("editor", 200), ("reporter", 200), ("moderator", 200), ("outsider", 403), ("superuser", 200)],
)
def test_who_can_open_the_article_list(as_role, role, status):
    client, _ = as_role(role)
    assert client.get(reverse(CHANGELIST)).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [("editor", 200), ("reporter", 200), ("moderator", 403), ("outsider", 403), ("superuser", 200)],
)
def test_who_can_open_the_add_form(as_role, role, status):
    client, _ = as_role(role)
    assert client.get(reverse(ADD)).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [("editor", 200), ("reporter", 403), ("moderator", 403), ("outsider", 403), ("superuser", 200)],
)
def test_who_can_manage_desks(as_role, role, status):
    client, _ = as_role(role)
    assert client.get(reverse("admin:articles_desk_add")).status_code == status


def test_reporter_lists_only_their_own_articles(as_role, editor):
    client, reporter = as_role("reporter")
    ArticleFactory(headline="Mine", draft=True, created_by=reporter)
    ArticleFactory(headline="Someone else's", draft=True, created_by=editor)
    ArticleFactory(headline="Published by the desk")
    listed = [a.headline for a in client.get(reverse(CHANGELIST)).context["cl"].result_list]
    assert listed == ["Mine"]


def test_reporter_cannot_open_someone_elses_draft(as_role, editor):
    client, _ = as_role("reporter")
    other = ArticleFactory(draft=True, created_by=editor)
    response = client.get(change_url(other))
    assert response.status_code == 302  # admin's "does not exist": not in their queryset
    assert response.url == reverse("admin:index")


def test_moderator_sees_articles_read_only(as_role, editor):
    client, _ = as_role("moderator")
    article = ArticleFactory(created_by=editor)
    html = client.get(change_url(article)).content.decode()
    assert article.headline in html
    assert 'name="_save"' not in html
    assert 'name="headline"' not in html


# --- Publishing, path by path ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_publishing_through_the_status_field(as_role, role, reporters_draft):
    client, _ = as_role(role)
    response = client.post(
        change_url(reporters_draft), article_form(reporters_draft, status="published")
    )
    assert is_published(reporters_draft) == (role in PUBLISHERS)
    if role == "reporter":
        assert response.status_code == 200  # the form again, with the refusal
        assert "not one of the available choices" in response.content.decode()
    elif role == "moderator":
        assert response.status_code == 302  # a draft is not theirs to see: "does not exist"
    elif role == "outsider":
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_publishing_through_the_bulk_action(as_role, role, reporters_draft):
    client, _ = as_role(role)
    client.post(reverse(CHANGELIST), action("publish_selected", reporters_draft))
    assert is_published(reporters_draft) == (role in PUBLISHERS)


@pytest.mark.parametrize("role", ROLES)
def test_publishing_through_the_change_forms_action(as_role, role, reporters_draft):
    client, _ = as_role(role)
    client.post(
        change_url(reporters_draft),
        action("publish_selected", reporters_draft, location="change_form"),
    )
    assert is_published(reporters_draft) == (role in PUBLISHERS)


@pytest.mark.parametrize("role", ROLES)
def test_creating_an_article_already_published(as_role, role):
    client, _ = as_role(role)
    desk = DeskFactory()
    client.post(
        reverse(ADD),
        article_form(slug="new-story", desk=desk.pk, status="published", published_at=None),
    )
    published = Article.objects.filter(slug="new-story", status="published").exists()
    assert published == (role in PUBLISHERS)


@pytest.mark.parametrize("role", ROLES)
def test_unpublishing_through_the_bulk_action(as_role, role):
    client, _ = as_role(role)
    article = ArticleFactory()
    data = {**action("unpublish_selected", article), "confirm": "yes", "note": "Legal hold"}
    client.post(reverse(CHANGELIST), data)
    assert is_published(article) == (role not in PUBLISHERS)


def test_reporter_is_not_offered_publish_actions(as_role, reporters_draft):
    client, _ = as_role("reporter")
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert 'value="submit_for_review"' in html
    assert 'value="publish_selected"' not in html
    assert 'value="unpublish_selected"' not in html
    form = client.get(change_url(reporters_draft)).content.decode()
    assert 'value="publish_selected"' not in form


def test_reporters_status_choices_are_draft_and_in_review(as_role, reporters_draft):
    client, _ = as_role("reporter")
    form = client.get(change_url(reporters_draft)).context["adminform"].form
    assert [value for value, _ in form.fields["status"].choices] == ["draft", "in_review"]


def test_reporter_cannot_set_publishing_fields_by_crafted_post(as_role, reporters_draft):
    client, _ = as_role("reporter")
    response = client.post(
        change_url(reporters_draft),
        article_form(
            reporters_draft,
            headline="Edited",
            is_breaking=True,
            is_top_story=True,
            published_at=timezone.now(),
        ),
    )
    assert response.status_code == 302
    reporters_draft.refresh_from_db()
    assert reporters_draft.headline == "Edited"
    assert not reporters_draft.is_breaking
    assert not reporters_draft.is_top_story
    assert reporters_draft.published_at is None


def test_reporter_cannot_edit_their_article_once_published(as_role, reporter):
    client, _ = as_role("reporter")
    article = ArticleFactory(created_by=reporter, hero_photo=PhotoFactory())
    response = client.post(change_url(article), article_form(article, headline="Changed"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline != "Changed"


def test_reporter_cannot_delete(as_role, reporters_draft):
    client, _ = as_role("reporter")
    url = reverse("admin:articles_article_delete", args=[reporters_draft.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=reporters_draft.pk).exists()


def test_reporter_writes_a_draft_and_submits_it_for_review(as_role):
    client, reporter = as_role("reporter")
    desk = DeskFactory()
    response = client.post(reverse(ADD), article_form(slug="my-story", desk=desk.pk))
    assert response.status_code == 302
    article = Article.objects.get(slug="my-story")
    assert article.created_by == reporter
    assert article.status == Article.Status.DRAFT
    client.post(reverse(CHANGELIST), action("submit_for_review", article))
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    # Still theirs to edit while in review, but not to publish.
    assert client.get(change_url(article)).status_code == 200
