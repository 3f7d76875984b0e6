"""A newsroom runs its own people: roles per desk, editors running their desks' staff,
invitations, deactivation, a site administrator; the services' rules first, then the admin's
own pages through the test client with real forms and bad input."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import rights, selectors, staff
from articles.desk_roles import desk_role
from articles.models import (
    Article,
    Desk,
    DeskMembership,
    DeskMembershipChange,
    Invitation,
)
from editorial.services import workflow
from notifications.models import Notification
from tests.support.factories import ArticleFactory, DeskFactory, PhotoFactory
from tests.support.personas import every_desk

pytestmark = pytest.mark.django_db

STAFF_LIST = reverse("admin:articles_deskmembership_changelist")
STAFF_ADD = reverse("admin:articles_deskmembership_add")
INVITE = reverse("admin:articles_invitation_add")
INVITATIONS = reverse("admin:articles_invitation_changelist")


def person(username: str, *roles: tuple[Desk, str], group: str | None = None) -> User:
    """A staff account with these desk roles (given by the newsroom, unlogged by anyone)."""
    user = User.objects.create_user(
        username, email=f"{username}@newsroom.example", is_staff=True, password="pw"
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    for desk, role in roles:
        DeskMembership.objects.create(desk=desk, user=user, role=role)
    return User.objects.get(pk=user.pk)  # a fresh object: nothing cached


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def business():
    return DeskFactory(name="Business", slug="business")


@pytest.fixture
def world():
    return DeskFactory(name="World", slug="world")


@pytest.fixture
def sport():
    return DeskFactory(name="Sport", slug="sport")


@pytest.fixture
def ella(business, world):
    """Editor on Business, reporter on World; in no group: her rights are her desk roles'."""
    return person("ella", (business, "editor"), (world, "reporter"))


@pytest.fixture
def rob(business):
    """A Business reporter."""
    return person("rob", (business, "reporter"))


@pytest.fixture
def wendy(world):
    """A World editor."""
    return person("wendy", (world, "editor"))


@pytest.fixture
def sam():
    """A site administrator (not a superuser)."""
    return person("sam", group="Site administrators")


def in_review(desk: Desk, **extra) -> Article:
    return ArticleFactory(
        desk=desk, draft=True, status=Article.Status.IN_REVIEW, hero_photo=PhotoFactory(), **extra
    )


# --- One home for "what role does this user have on this desk" ------------------------------


def test_a_person_has_a_role_per_desk(ella, business, world, sport):
    assert desk_role(ella, business.pk) == "editor"
    assert desk_role(ella, world.pk) == "reporter"
    assert desk_role(ella, sport.pk) is None


def test_an_editor_on_business_and_reporter_on_world_publishes_on_business_only(
    ella, business, world
):
    assert rights.user_can_publish_on(user=ella, desk_id=business.pk)
    assert not rights.user_can_publish_on(user=ella, desk_id=world.pk)
    workflow.article_publish(article=in_review(business), user=ella)
    world_story = in_review(world, created_by=ella)
    with pytest.raises(ValidationError, match="only its editors"):
        workflow.article_publish(article=world_story, user=fresh(ella))
    world_story.refresh_from_db()
    assert world_story.status == Article.Status.IN_REVIEW


def test_editing_follows_the_role_on_the_articles_desk(ella, business, world):
    business_other = in_review(business)
    world_own = ArticleFactory(desk=world, draft=True, created_by=ella)
    world_other = ArticleFactory(desk=world, draft=True)
    world_live_own = ArticleFactory(desk=world, created_by=ella)
    editable = set(selectors.articles_editable_by(user=ella))
    assert editable == {business_other, world_own, world_live_own}
    assert world_other not in editable
    changeable = set(selectors.articles_changeable_by(user=ella))
    assert changeable == {business_other, world_own}  # her live World story is its editors'
    assert rights.article_editable_by(article=business_other, user=ella)
    assert not rights.article_editable_by(article=world_live_own, user=ella)
    assert set(selectors.desks_for(user=ella)) == {business, world}


def test_desk_roles_give_the_admin_rights_and_taking_them_away_removes_them(ella, business):
    assert ella.groups.count() == 0
    assert ella.has_perm("articles.publish_article")
    assert ella.has_perm("articles.add_invitation")
    DeskMembership.objects.filter(user=ella, desk=business).delete()
    ella = fresh(ella)
    assert not ella.has_perm("articles.publish_article")  # reporter on World only
    assert ella.has_perm("articles.change_article")
    DeskMembership.objects.filter(user=ella).delete()
    assert fresh(ella).get_all_permissions() == set()


def test_a_group_without_a_desk_role_writes_nowhere_and_every_desk_people_everywhere(
    business, world
):
    """The site-wide rule: a role's group gives its rights, a desk role says where; the
    Site administrators group and the `work_on_every_desk` right hold it on every desk."""
    loose = person("loose", group="Editors")
    assert desk_role(loose, business.pk) is None
    assert not rights.user_can_publish(loose)
    managing = person("mona", group="Editors")
    every_desk(managing)
    managing = fresh(managing)
    assert desk_role(managing, world.pk) == "editor"
    roaming_reporter = person("rory", group="Reporters")
    every_desk(roaming_reporter)
    assert desk_role(fresh(roaming_reporter), world.pk) == "reporter"
    sam = person("sam", group="Site administrators")
    assert desk_role(sam, business.pk) == "editor"
    assert rights.user_can_publish_on(user=sam, desk_id=world.pk)
    moderator = person("moe", group="Moderators")
    assert desk_role(moderator, business.pk) is None  # moderates every desk, writes none


def test_a_desk_moderator_writes_nothing(business):
    mo = person("mo", (business, "moderator"))
    assert mo.has_perm("comments.moderate_comment")
    assert not mo.has_perm("articles.change_article")
    assert not rights.user_works_on_desk(user=mo, desk_id=business.pk)
    assert list(selectors.articles_editable_by(user=mo)) == []


def test_a_submission_goes_to_the_desks_editors_only(ella, rob, wendy, business, world):
    assert set(workflow.desk_editors(desk_id=business.pk)) == {ella}
    assert set(workflow.desk_editors(desk_id=world.pk)) == {wendy}


# --- Who runs whose staff ---------------------------------------------------------------


def test_an_editor_runs_only_their_own_desks_staff(ella, wendy, sam, business, world, sport):
    assert set(staff.desks_managed_by(user=ella)) == {business}
    assert staff.roles_grantable(user=ella, desk_id=business.pk) == [
        "editor",
        "reporter",
        "moderator",
    ]
    assert staff.roles_grantable(user=ella, desk_id=world.pk) == []
    assert set(staff.desks_managed_by(user=sam)) == {business, world, sport}
    assert staff.roles_grantable(user=person("rita", (business, "reporter")), desk_id=1) == []


def test_an_editor_gives_a_colleague_a_role_and_changes_it_each_logged(ella, business):
    nora = person("nora")
    staff.membership_set(desk=business, person=nora, role="reporter", by=ella)
    staff.membership_set(desk=business, person=nora, role="editor", by=ella)
    assert desk_role(fresh(nora), business.pk) == "editor"
    log = list(
        DeskMembershipChange.objects.order_by("pk").values_list(
            "action", "role", "previous_role", "by__username"
        )
    )
    assert log == [("added", "reporter", "", "ella"), ("role", "editor", "reporter", "ella")]


def test_an_editor_cannot_give_roles_on_another_desk(ella, world):
    nora = person("nora")
    with pytest.raises(ValidationError, match="only its editors"):
        staff.membership_set(desk=world, person=nora, role="reporter", by=ella)
    assert not DeskMembership.objects.filter(user=nora).exists()
    assert not DeskMembershipChange.objects.exists()


def test_nobody_changes_their_own_role_or_gives_a_role_that_does_not_exist(ella, business, rob):
    with pytest.raises(ValidationError, match="your own role"):
        staff.membership_set(desk=business, person=ella, role="reporter", by=ella)
    with pytest.raises(ValidationError, match="not a role"):
        staff.membership_set(desk=business, person=rob, role="site_administrator", by=ella)
    assert desk_role(fresh(rob), business.pk) == "reporter"


def test_an_editor_never_grants_site_administration(ella, business, rob):
    for role in ("superuser", "Site administrators", "admin"):
        with pytest.raises(ValidationError):
            staff.invitation_create(email="x@example.org", desk=business, role=role, by=ella)
        with pytest.raises(ValidationError):
            staff.membership_set(desk=business, person=rob, role=role, by=ella)
    assert not fresh(rob).groups.exists()
    assert not Invitation.objects.exists()


def test_granting_more_than_your_own_role_is_refused(business, world):
    """Only editors run staff, so the rank rule bites where a role above the granter's is
    asked: a reporter with the Editors group's rights, on their reporter's desk."""
    tess = person("tess", (world, "reporter"), (business, "editor"))
    rob = person("rob2", (world, "moderator"))
    with pytest.raises(ValidationError, match="only its editors"):
        staff.membership_set(desk=world, person=rob, role="editor", by=tess)
    assert (
        staff.membership_changeable_by(membership=DeskMembership.objects.get(user=rob), user=tess)
        is False
    )


def test_an_editor_removes_a_member_of_their_desk_not_of_another(ella, rob, wendy, world):
    staff.membership_remove(membership=DeskMembership.objects.get(user=rob), by=ella)
    assert not DeskMembership.objects.filter(user=rob).exists()
    with pytest.raises(ValidationError):
        staff.membership_remove(membership=DeskMembership.objects.get(user=wendy), by=ella)
    assert DeskMembership.objects.filter(user=wendy).exists()
    assert list(DeskMembershipChange.objects.values_list("action", "member__username")) == [
        ("removed", "rob")
    ]


def test_an_editor_deactivates_someone_who_works_only_on_their_desks(ella, rob, business):
    staff.person_deactivate(person=rob, by=ella)
    rob = fresh(rob)
    assert not rob.is_active
    assert not DeskMembership.objects.filter(user=rob).exists()
    assert set(
        DeskMembershipChange.objects.values_list("action", "desk__name", "by__username")
    ) == {("removed", "Business", "ella"), ("deactivated", None, "ella")}
    assert not Client().login(username="rob", password="pw")


def test_an_editor_cannot_deactivate_someone_who_also_works_elsewhere_or_site_wide(
    ella, business, world, sam
):
    both = person("both", (business, "reporter"), (DeskFactory(slug="x"), "reporter"))
    managing = person("mona", (business, "reporter"), group="Editors")
    every_desk(managing)
    admin_on_business = person("adi", (business, "reporter"), group="Site administrators")
    for target in (both, fresh(managing), admin_on_business, ella, sam):
        with pytest.raises(ValidationError, match="cannot deactivate"):
            staff.person_deactivate(person=target, by=ella)
        assert fresh(target).is_active


def test_a_site_administrator_deactivates_anyone_but_a_superuser(sam, wendy, ella):
    staff.person_deactivate(person=wendy, by=sam)
    assert not fresh(wendy).is_active
    root = User.objects.create_superuser("root", "root@example.org", "pw")
    with pytest.raises(ValidationError):
        staff.person_deactivate(person=root, by=sam)
    assert fresh(root).is_active


# --- Invitations ----------------------------------------------------------------------


def test_an_invitation_is_an_outbox_row_with_its_id_and_no_token(ella, business):
    invitation = staff.invitation_create(
        email=" Newcomer@Example.org ", desk=business, role="reporter", by=ella
    )
    assert invitation.email == "newcomer@example.org"
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=7)
    row = Notification.objects.get(kind="staff_invitation")
    assert row.recipient == "newcomer@example.org"
    assert row.context == {"invitation_id": invitation.pk}


def test_an_editor_inviting_onto_another_desk_is_refused(ella, world, sport):
    for desk in (world, sport):
        with pytest.raises(ValidationError, match="only its editors"):
            staff.invitation_create(email="n@example.org", desk=desk, role="reporter", by=ella)
    assert not Invitation.objects.exists()
    assert not Notification.objects.exists()


def test_an_address_with_an_account_is_not_invited(ella, rob, business):
    with pytest.raises(ValidationError, match="already has an account"):
        staff.invitation_create(email=rob.email.upper(), desk=business, role="editor", by=ella)


def test_a_deactivated_site_wide_account_is_invited_back_by_a_site_administrator_only(
    ella, sam, business
):
    old = person("old", group="Site administrators")
    User.objects.filter(pk=old.pk).update(is_active=False)
    with pytest.raises(ValidationError, match="site-wide"):
        staff.invitation_create(email=old.email, desk=business, role="reporter", by=ella)
    staff.invitation_create(email=old.email, desk=business, role="reporter", by=sam)


def test_accepting_makes_the_staff_account_with_the_role_and_logs_it(ella, business):
    invitation = staff.invitation_create(
        email="nadia@example.org", desk=business, role="reporter", by=ella
    )
    token = staff.invitation_token(invitation)
    nadia = staff.invitation_accept(token=token, username="nadia", password="a-Long-pass-42")
    nadia = fresh(nadia)
    assert nadia.is_staff and nadia.is_active and not nadia.is_superuser
    assert nadia.email == "nadia@example.org" and nadia.check_password("a-Long-pass-42")
    assert desk_role(nadia, business.pk) == "reporter"
    assert nadia.groups.count() == 0
    change = DeskMembershipChange.objects.get(action="joined")
    assert (change.member, change.desk, change.role, change.by) == (
        nadia,
        business,
        "reporter",
        ella,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == nadia and invitation.state == "accepted"


def test_a_used_invitation_says_so(ella, business):
    invitation = staff.invitation_create(
        email="n@example.org", desk=business, role="reporter", by=ella
    )
    token = staff.invitation_token(invitation)
    staff.invitation_accept(token=token, username="n", password="a-Long-pass-42")
    with pytest.raises(staff.InvitationError, match="already been used"):
        staff.invitation_accept(token=token, username="n2", password="a-Long-pass-42")
    assert User.objects.filter(email="n@example.org").count() == 1


def test_an_expired_invitation_says_so(ella, business, time_machine):
    invitation = staff.invitation_create(
        email="n@example.org", desk=business, role="reporter", by=ella
    )
    token = staff.invitation_token(invitation)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=7, minutes=1))
    with pytest.raises(staff.InvitationError, match="expired"):
        staff.invitation_accept(token=token, username="n", password="a-Long-pass-42")
    assert not User.objects.filter(username="n").exists()


def test_a_changed_withdrawn_or_replaced_link_says_so(ella, business):
    invitation = staff.invitation_create(
        email="n@example.org", desk=business, role="reporter", by=ella
    )
    token = staff.invitation_token(invitation)
    with pytest.raises(staff.InvitationError, match="not valid"):
        staff.invitation_read(token[:-1] + ("A" if token[-1] != "A" else "B"))
    with pytest.raises(staff.InvitationError, match="not valid"):
        staff.invitation_read("not-a-token")
    staff.invitation_create(email="n@example.org", desk=business, role="editor", by=ella)
    with pytest.raises(staff.InvitationError, match="withdrawn"):
        staff.invitation_read(token)


def test_an_invitation_whose_sender_lost_the_desk_cannot_be_used(ella, business):
    invitation = staff.invitation_create(
        email="n@example.org", desk=business, role="editor", by=ella
    )
    DeskMembership.objects.filter(user=ella, desk=business).update(role="reporter")
    with pytest.raises(staff.InvitationError, match="no longer valid"):
        staff.invitation_accept(
            token=staff.invitation_token(invitation), username="n", password="a-Long-pass-42"
        )
    assert not User.objects.filter(username="n").exists()


def test_accepting_refuses_a_weak_password_or_a_taken_username(ella, rob, business):
    invitation = staff.invitation_create(
        email="n@example.org", desk=business, role="reporter", by=ella
    )
    token = staff.invitation_token(invitation)
    with pytest.raises(ValidationError) as weak:
        staff.invitation_accept(token=token, username="n", password="12345678")
    assert "password1" in weak.value.error_dict
    with pytest.raises(ValidationError) as taken:
        staff.invitation_accept(token=token, username="ROB", password="a-Long-pass-42")
    assert "username" in taken.value.error_dict
    invitation.refresh_from_db()
    assert invitation.state == "open"
    assert not User.objects.filter(email="n@example.org").exists()


def test_an_invitation_brings_back_a_deactivated_account(ella, rob, business):
    staff.person_deactivate(person=rob, by=ella)
    invitation = staff.invitation_create(email=rob.email, desk=business, role="editor", by=ella)
    back = staff.invitation_accept(
        token=staff.invitation_token(invitation), username="", password="a-Long-pass-42"
    )
    assert back.pk == rob.pk and fresh(rob).is_active
    assert desk_role(fresh(rob), business.pk) == "editor"


# --- The admin's own pages -------------------------------------------------------------


def test_the_desk_staff_list_shows_only_the_editors_desks(ella, rob, wendy):
    html = logged_in(ella).get(STAFF_LIST).content.decode()
    assert "rob" in html and "wendy" not in html


def test_a_reporter_or_moderator_has_no_staff_pages(rob, business):
    mo = person("mo", (business, "moderator"))
    for user in (rob, mo):
        for url in (STAFF_LIST, STAFF_ADD, INVITE, INVITATIONS):
            assert logged_in(user).get(url).status_code == 403


def test_an_editor_adds_a_colleague_through_the_form(ella, business):
    nora = person("nora")
    response = logged_in(ella).post(
        STAFF_ADD, {"user": nora.pk, "desk": business.pk, "role": "reporter"}
    )
    assert response.status_code == 302
    assert desk_role(fresh(nora), business.pk) == "reporter"
    assert DeskMembershipChange.objects.get().by == ella


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"desk": "world", "role": "reporter"}, "desk"),  # not one of her desks
        ({"desk": "business", "role": "superuser"}, "role"),
        ({"desk": "business", "role": ""}, "role"),
        ({"desk": "999999", "role": "reporter"}, "desk"),
        ({"desk": "business", "role": "reporter", "user": "ella"}, "user"),  # herself
    ],
)
def test_the_staff_form_refuses_bad_input_with_a_form_error(ella, business, world, data, field):
    nora = person("nora")
    desks = {"business": business.pk, "world": world.pk}
    post = {
        "user": ella.pk if data.get("user") == "ella" else nora.pk,
        "desk": desks.get(data["desk"], data["desk"]),
        "role": data["role"],
    }
    response = logged_in(ella).post(STAFF_ADD, post)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not DeskMembership.objects.filter(user=nora).exists()
    assert not DeskMembershipChange.objects.exists()


def test_an_editor_changes_a_members_role_and_removes_them_through_the_admin(ella, rob, business):
    membership = DeskMembership.objects.get(user=rob)
    client = logged_in(ella)
    url = reverse("admin:articles_deskmembership_change", args=[membership.pk])
    assert client.post(url, {"role": "editor"}).status_code == 302
    assert desk_role(fresh(rob), business.pk) == "editor"
    delete = reverse("admin:articles_deskmembership_delete", args=[membership.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not DeskMembership.objects.filter(user=rob).exists()
    assert list(DeskMembershipChange.objects.order_by("pk").values_list("action", flat=True)) == [
        "role",
        "removed",
    ]


def test_another_desks_member_is_not_found_for_an_editor(ella, wendy):
    membership = DeskMembership.objects.get(user=wendy)
    client = logged_in(ella)
    url = reverse("admin:articles_deskmembership_change", args=[membership.pk])
    assert client.post(url, {"role": "reporter"}).status_code == 302  # "does not exist"
    delete = reverse("admin:articles_deskmembership_delete", args=[membership.pk])
    client.post(delete, {"post": "yes"})
    assert DeskMembership.objects.get(user=wendy).role == "editor"


def test_the_deactivate_action_says_what_it_did_and_what_it_refused(ella, rob, business, world):
    both = person("both", (business, "reporter"), (world, "reporter"))
    client = logged_in(ella)
    ids = list(DeskMembership.objects.filter(user__in=[rob, both]).values_list("pk", flat=True))
    response = client.post(
        STAFF_LIST,
        {"action": "deactivate", "_selected_action": ids, "index": "0"},
        follow=True,
    )
    notes = [str(m) for m in response.context["messages"]]
    assert "Deactivated: rob." in notes
    assert any("cannot deactivate both" in note for note in notes)
    assert not fresh(rob).is_active and fresh(both).is_active


def test_an_editor_invites_through_the_form_and_the_invitation_page_shows_no_token(ella, business):
    client = logged_in(ella)
    response = client.post(
        INVITE, {"email": "nadia@example.org", "desk": business.pk, "role": "editor"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "nadia@example.org",
        "editor",
        ella,
    )
    page = client.get(reverse("admin:articles_invitation_change", args=[invitation.pk]))
    assert staff.invitation_token(invitation) not in page.content.decode()
    assert 'name="_save"' not in page.content.decode()


@pytest.mark.parametrize(
    ("email", "desk", "role", "field"),
    [
        ("not-an-address", "business", "reporter", "email"),
        ("n@example.org", "world", "reporter", "desk"),  # she only reports there
        ("n@example.org", "business", "site_administrator", "role"),
        ("rob@newsroom.example", "business", "reporter", "email"),  # has an account
    ],
)
def test_the_invitation_form_refuses_bad_input(
    ella, rob, business, world, email, desk, role, field
):
    desks = {"business": business.pk, "world": world.pk}
    response = logged_in(ella).post(INVITE, {"email": email, "desk": desks[desk], "role": role})
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Invitation.objects.exists() and not Notification.objects.exists()


def test_withdrawing_an_invitation_stops_its_link(ella, business):
    invitation = staff.invitation_create(
        email="n@example.org", desk=business, role="reporter", by=ella
    )
    logged_in(ella).post(
        INVITATIONS, {"action": "withdraw", "_selected_action": [invitation.pk], "index": "0"}
    )
    invitation.refresh_from_db()
    assert invitation.state == "withdrawn"
    page = Client().get(f"/admin/invitation/{staff.invitation_token(invitation)}/")
    assert page.status_code == 410 and b"withdrawn" in page.content


def test_the_invitation_page_makes_the_account_and_signs_in(ella, business):
    invitation = staff.invitation_create(
        email="nadia@example.org", desk=business, role="reporter", by=ella
    )
    url = f"/admin/invitation/{staff.invitation_token(invitation)}/"
    client = Client()
    page = client.get(url)
    assert page.status_code == 200 and b"Business" in page.content
    assert page.headers["Cache-Control"].startswith("max-age=0")
    mismatch = client.post(
        url, {"username": "nadia", "password1": "a-Long-pass-42", "password2": "other-Pass-43"}
    )
    assert mismatch.status_code == 400 and not User.objects.filter(username="nadia").exists()
    done = client.post(
        url, {"username": "nadia", "password1": "a-Long-pass-42", "password2": "a-Long-pass-42"}
    )
    assert done.status_code == 302 and done.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200  # signed in
    again = Client().get(url)
    assert again.status_code == 410 and b"already been used" in again.content
    forged = Client().get(url[:-3] + "xx/")
    assert forged.status_code == 400


def test_a_site_administrator_runs_every_desks_staff_but_not_djangos_user_admin(sam, wendy, world):
    client = logged_in(sam)
    assert "wendy" in client.get(STAFF_LIST).content.decode()
    response = client.post(INVITE, {"email": "n@example.org", "desk": world.pk, "role": "editor"})
    assert response.status_code == 302
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get("/admin/audit/").status_code == 200


def test_an_editor_elsewhere_edits_their_draft_on_a_desk_they_report_for_as_a_reporter(
    ella, business, world
):
    own = ArticleFactory(desk=world, draft=True, created_by=ella)
    client = logged_in(ella)
    html = client.get(reverse("admin:articles_article_change", args=[own.pk])).content.decode()
    status = html[html.index('name="status"') :]
    status = status[: status.index("</select>")]
    assert 'value="draft"' in status and 'value="published"' not in status
    assert 'name="published_at' not in html  # read-only, as for a reporter
    business_draft = ArticleFactory(desk=business, draft=True)
    html = client.get(
        reverse("admin:articles_article_change", args=[business_draft.pk])
    ).content.decode()
    assert 'name="published_at' in html
    status = html[html.index('name="status"') :]
    assert 'value="published"' in status[: status.index("</select>")]


def test_where_a_person_moderates_comments(ella, rob, business, world):
    from articles.desk_roles import EVERY_DESK, desk_ids_moderated_by

    assert desk_ids_moderated_by(ella) == {business.pk}  # editor there; reporter on World
    assert desk_ids_moderated_by(rob) == frozenset()
    desk_moderator = person("dm", (world, "moderator"))
    assert desk_ids_moderated_by(desk_moderator) == {world.pk}
    assert desk_ids_moderated_by(person("moe", group="Moderators")) is EVERY_DESK
    both = person("mox", (world, "reporter"), group="Moderators")
    assert desk_ids_moderated_by(both) is EVERY_DESK  # moderates no desk in particular
    assert desk_ids_moderated_by(person("sam", group="Site administrators")) is EVERY_DESK
    assert desk_ids_moderated_by(person("loose", group="Editors")) == frozenset()
