"""Per-desk rights: reporters write only for their desks, editors publish only for the desks
they edit, superusers everywhere; enforced in querysets and services, so crafted POSTs fail."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles import rights
from articles.models import Article, Desk
from editorial.services import saving, share_links, workflow
from tests.support.admin import ADD, CHANGELIST, action, article_form, change_url, errors
from tests.support.factories import ArticleFactory, BylineFactory, DeskFactory, PhotoFactory
from tests.support.personas import desk_member as staff
from tests.support.personas import every_desk, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def culture_draft(culture):
    return ArticleFactory(draft=True, desk=culture, headline="Opera", hero_photo=PhotoFactory())


# --- Reporters --------------------------------------------------------------------------


def test_a_reporter_is_offered_only_their_desks(rita, transport, culture):
    html = logged_in(rita).get(reverse(ADD)).content.decode()
    select = html[html.index('name="desk"') : html.index("</select>", html.index('name="desk"'))]
    assert "Transport" in select and "Culture" not in select


def test_a_reporter_writes_for_their_desk(rita, transport):
    response = logged_in(rita).post(reverse(ADD), article_form(desk=transport.pk, slug="trams"))
    assert response.status_code == 302, errors(response)
    assert Article.objects.get().desk == transport


def test_a_reporter_cannot_write_for_another_desk_by_crafted_post(rita, culture):
    response = logged_in(rita).post(reverse(ADD), article_form(desk=culture.pk, slug="opera"))
    assert response.status_code == 200
    assert "desk: Select a valid choice" in errors(response)
    assert not Article.objects.exists()


def test_a_reporter_cannot_move_their_draft_to_another_desk(rita, transport_draft, culture):
    response = logged_in(rita).post(
        change_url(transport_draft), article_form(transport_draft, desk=culture.pk)
    )
    assert response.status_code == 200
    transport_draft.refresh_from_db()
    assert transport_draft.desk.name == "Transport"


def test_a_reporter_who_leaves_a_desk_loses_its_drafts(rita, transport, transport_draft):
    transport.members.remove(rita)
    client = logged_in(rita)
    assert client.get(change_url(transport_draft)).status_code == 302  # "does not exist"
    response = client.post(
        change_url(transport_draft), article_form(transport_draft, headline="Edited anyway")
    )
    assert response.status_code == 302
    transport_draft.refresh_from_db()
    assert transport_draft.headline == "Fares rise"
    with pytest.raises(ValidationError, match="do not write for the Transport desk"):
        workflow.article_submit(article=transport_draft, user=rita)
    with pytest.raises(ValidationError, match="do not work on the Transport desk"):
        saving.article_save(article=transport_draft, user=rita, version=transport_draft.version)


def test_the_service_refuses_a_reporter_writing_for_another_desk(rita, culture):
    article = ArticleFactory.build(desk=culture, status=Article.Status.DRAFT)
    with pytest.raises(ValidationError) as caught:
        saving.article_save(article=article, user=rita)
    assert "You do not write for the Culture desk" in caught.value.message_dict["desk"][0]
    assert not Article.objects.exists()


# --- Editors ----------------------------------------------------------------------------


def test_an_editor_lists_only_the_desks_they_edit(eddie, transport_draft, culture_draft):
    response = logged_in(eddie).get(reverse(CHANGELIST))
    assert [a.headline for a in response.context["cl"].result_list] == ["Fares rise"]


def test_an_editor_publishes_for_their_desk(eddie, transport_draft):
    workflow.article_publish(article=transport_draft, user=eddie)
    assert transport_draft.is_public()


def test_an_editor_cannot_publish_for_a_desk_they_do_not_edit(eddie, culture_draft):
    with pytest.raises(ValidationError, match="do not publish for the Culture desk"):
        workflow.article_publish(article=culture_draft, user=eddie)
    culture_draft.refresh_from_db()
    assert culture_draft.status == Article.Status.DRAFT


@pytest.mark.parametrize(
    "service",
    [
        lambda article, user: workflow.article_unpublish(article=article, user=user),
        lambda article, user: workflow.article_mark_breaking(article=article, user=user),
        lambda article, user: workflow.article_return(article=article, user=user, note="No"),
        lambda article, user: share_links.share_link_create(article=article, user=user),
    ],
    ids=["unpublish", "breaking", "return", "share"],
)
def test_an_editor_cannot_act_on_another_desks_articles(eddie, culture, service):
    article = ArticleFactory(desk=culture)
    with pytest.raises(ValidationError):
        service(article, eddie)
    article.refresh_from_db()
    assert (article.status, article.is_breaking) == (Article.Status.PUBLISHED, False)


@pytest.mark.parametrize("location", ["changelist", "change_form"])
def test_an_editor_cannot_publish_another_desks_article_by_crafted_action(
    eddie, culture_draft, location
):
    url = reverse(CHANGELIST) if location == "changelist" else change_url(culture_draft)
    logged_in(eddie).post(url, action("publish_selected", culture_draft, location=location))
    culture_draft.refresh_from_db()
    assert culture_draft.status == Article.Status.DRAFT


def test_an_editor_cannot_edit_another_desks_article_by_crafted_post(eddie, culture_draft):
    response = logged_in(eddie).post(
        change_url(culture_draft), article_form(culture_draft, status="published")
    )
    assert response.status_code == 302  # to the admin index: no such article for them
    culture_draft.refresh_from_db()
    assert culture_draft.status == Article.Status.DRAFT


def test_an_editor_cannot_move_an_article_to_a_desk_they_do_not_edit(
    eddie, transport_draft, culture
):
    response = logged_in(eddie).post(
        change_url(transport_draft), article_form(transport_draft, desk=culture.pk)
    )
    assert response.status_code == 200
    assert "desk: Select a valid choice" in errors(response)


def test_a_submission_mails_only_that_desks_editors(rita, eddie, transport_draft, culture):
    staff("cleo", "Editors", culture)
    assert list(
        workflow.desk_editors(desk_id=transport_draft.desk_id).values_list("username", flat=True)
    ) == ["eddie"]


# --- Superusers, managing editors, readers ------------------------------------------------


def test_a_superuser_works_on_every_desk(superuser, culture_draft, transport_draft):
    workflow.article_publish(article=culture_draft, user=superuser)
    workflow.article_publish(article=transport_draft, user=superuser)
    assert Article.objects.published().count() == 2


def test_the_every_desk_right_makes_a_managing_editor(culture_draft, transport_draft):
    managing = staff("mona", "Editors")
    every_desk(managing)
    managing = User.objects.get(pk=managing.pk)  # a fresh permission cache
    response = logged_in(managing).get(reverse(CHANGELIST))
    assert len(response.context["cl"].result_list) == 2
    workflow.article_publish(article=culture_draft, user=managing)
    assert culture_draft.is_public()


def test_an_editor_on_no_desk_may_publish_nothing(culture_draft):
    loner = staff("lone", "Editors")
    assert not rights.user_can_publish_on(user=loner, desk_id=culture_draft.desk_id)
    assert logged_in(loner).get(reverse(CHANGELIST)).context["cl"].result_list.count() == 0


def test_moderators_read_every_desks_published_articles(moderator, culture, transport):
    ArticleFactory(desk=culture)
    ArticleFactory(desk=transport)
    ArticleFactory(desk=transport, draft=True)  # not theirs to read
    response = logged_in(moderator).get(reverse(CHANGELIST))
    assert len(response.context["cl"].result_list) == 2


def test_the_queryset_of_a_users_desks(eddie, transport_draft, culture_draft, superuser):
    assert list(Article.objects.on_desks_of(eddie)) == [transport_draft]
    assert Article.objects.on_desks_of(superuser).count() == 2


def test_desk_members_are_shown_on_the_desk_and_managed_under_desk_staff(
    client, superuser, transport, rita
):
    client.force_login(superuser)
    html = client.get(reverse("admin:articles_desk_changelist")).content.decode()
    assert "rita (reporter)" in html[html.index("Transport") :]
    html = client.get(reverse("admin:articles_desk_change", args=[transport.pk])).content.decode()
    assert 'name="members"' not in html and "rita (reporter)" in html
    staff_list = reverse("admin:articles_deskmembership_changelist")
    assert f"{staff_list}?desk__id__exact={transport.pk}" in html


@pytest.mark.parametrize("slug", ["corrections", "preview", "search"])
def test_a_desk_cannot_take_an_address_the_site_uses(client, superuser, slug):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:articles_desk_add"),
        {"name": "Clash", "slug": slug, "title": "The Clash Desk", "about": "", "order": 0},
    )
    assert response.status_code == 200
    assert "is an address the site already uses" in response.content.decode()
    assert not Desk.objects.filter(slug=slug).exists()


def test_a_submission_is_for_the_desks_active_editors_with_an_address(rita, transport):
    """The desk's editors are its members in the editor's role (a superuser too, when one);
    a reporter on the desk is not one, whatever rights they hold elsewhere; inactive members
    and members without an address get nothing; site-wide people are not mailed every
    desk's submissions."""
    staff("eddie", "Editors", transport)
    direct = staff("dora", "Reporters", transport)
    direct.user_permissions.add(Permission.objects.get(codename="publish_article"))
    boss = User.objects.create_superuser("sue", email="sue@newsroom.example")
    transport.members.add(boss, through_defaults={"role": "editor"})
    User.objects.create_superuser("root2", email="root2@newsroom.example")  # on no desk
    User.objects.filter(pk=staff("ivan", "Editors", transport).pk).update(is_active=False)
    User.objects.filter(pk=staff("nomail", "Editors", transport).pk).update(email="")
    staff("cleo", "Editors", DeskFactory(name="Culture", slug="culture"))
    editors = workflow.desk_editors(desk_id=transport.pk)
    assert sorted(editors.values_list("username", flat=True)) == ["eddie", "sue"]


def _desk_lookups(queries) -> list[str]:
    """The standalone "which desks is this user on" queries (not the subqueries of lists)."""
    return [
        q["sql"]
        for q in queries
        if 'FROM "articles_deskmembership"' in q["sql"]
        and '"articles_deskmembership"."user_id" =' in q["sql"]
        and not q["sql"].startswith("SELECT COUNT")
    ]


@pytest.mark.parametrize(
    ("who", "page", "lookups", "most"),
    [
        # A change page checks the desk for the form, each button and inline: 42 queries
        # (the editor's) and 37 (the reporter's) when each check asked the database. One
        # more since the hero photo's picker asks whether the user may move its focal point,
        # one for the user's autosave, to offer back, and one for the social card's photo.
        ("eddie", "change", 1, 26),
        ("rita", "change", 1, 26),
        # The list reads the user's desk roles once, then filters by desk in its query.
        ("eddie", "changelist", 1, 13),
        ("rita", "changelist", 1, 13),
    ],
)
def test_an_admin_page_asks_the_users_desks_at_most_once(
    who, page, lookups, most, request, transport_draft, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    BylineFactory(article=transport_draft)
    ArticleFactory.create_batch(5, desk=transport_draft.desk)
    client = logged_in(request.getfixturevalue(who))
    url = change_url(transport_draft) if page == "change" else reverse(CHANGELIST)
    client.get(url)
    with django_assert_max_num_queries(most), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(_desk_lookups(queries)) == lookups
