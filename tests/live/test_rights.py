"""The permission matrix for live entries: who may post (and whether it goes out at once),
approve, edit, pin and withdraw, by role, desk and whose entry it is."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from live import services
from live.models import LiveEntry
from tests.live.conftest import post

pytestmark = pytest.mark.django_db

PEOPLE = ("desk_editor", "desk_reporter", "other_editor", "other_reporter", "moderator", "outsider")

# What each person may do: "published"/"pending" for a post, True/False for the rest.
POST = {
    "desk_editor": "published",
    "desk_reporter": "pending",
    "other_editor": None,
    "other_reporter": None,
    "moderator": None,
    "outsider": None,
}


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_post_and_whether_it_goes_out(request, blog, who):
    user = request.getfixturevalue(who)
    if POST[who] is None:
        with pytest.raises(ValidationError):
            post(blog, user)
        assert not LiveEntry.objects.exists()
    else:
        assert post(blog, user).status == POST[who]


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_post_on_a_desk_that_lets_reporters_post_directly(request, direct_desk, blog, who):
    user = request.getfixturevalue(who)
    expected = {"desk_editor": "published", "desk_reporter": "published"}.get(who)
    if expected is None:
        with pytest.raises(ValidationError):
            post(blog, user)
    else:
        assert post(blog, user).status == expected


# action → people allowed, on (a) a published entry by the desk editor, (b) the desk
# reporter's own pending entry.
ON_EDITORS_ENTRY = {
    "approve": set(),  # already published
    "edit": {"desk_editor"},
    "pin": {"desk_editor"},
    "withdraw": {"desk_editor"},
}
ON_REPORTERS_PENDING_ENTRY = {
    "approve": {"desk_editor"},
    "edit": {"desk_editor", "desk_reporter"},
    "pin": {"desk_editor"},
    "withdraw": {"desk_editor", "desk_reporter"},
}


def act(action: str, entry, user) -> None:
    if action == "approve":
        services.live_entry_approve(entry=entry, user=user)
    elif action == "edit":
        services.live_entry_edit(entry=entry, user=user, body="<p>Changed.</p>")
    elif action == "pin":
        services.live_entry_pin(entry=entry, user=user)
    else:
        services.live_entry_withdraw(entry=entry, user=user, reason="Wrong")


@pytest.mark.parametrize("action", sorted(ON_EDITORS_ENTRY))
@pytest.mark.parametrize("who", PEOPLE)
def test_entry_rights_on_an_editors_published_entry(request, blog, desk_editor, who, action):
    entry = post(blog, desk_editor)
    user = request.getfixturevalue(who)
    before = LiveEntry.objects.values().get(pk=entry.pk)
    if who in ON_EDITORS_ENTRY[action]:
        act(action, entry, user)
        assert LiveEntry.objects.values().get(pk=entry.pk) != before
    else:
        with pytest.raises(ValidationError):
            act(action, entry, user)
        assert LiveEntry.objects.values().get(pk=entry.pk) == before


@pytest.mark.parametrize("action", sorted(ON_REPORTERS_PENDING_ENTRY))
@pytest.mark.parametrize("who", PEOPLE)
def test_entry_rights_on_a_reporters_pending_entry(request, blog, desk_reporter, who, action):
    entry = post(blog, desk_reporter)
    user = request.getfixturevalue(who)
    before = LiveEntry.objects.values().get(pk=entry.pk)
    if who in ON_REPORTERS_PENDING_ENTRY[action]:
        act(action, entry, user)
        assert LiveEntry.objects.values().get(pk=entry.pk) != before
    else:
        with pytest.raises(ValidationError):
            act(action, entry, user)
        assert LiveEntry.objects.values().get(pk=entry.pk) == before


def test_a_reporter_cannot_touch_a_published_entry_or_another_reporters(
    blog, desk_editor, desk_reporter
):
    from tests.support.personas import desk_member

    published = post(blog, desk_editor)
    colleague = desk_member("cleo_reporter", "Reporters", blog.article.desk)
    theirs = post(blog, colleague)
    for entry in (published, theirs):
        with pytest.raises(ValidationError):
            services.live_entry_edit(entry=entry, user=desk_reporter, body="<p>x</p>")
        with pytest.raises(ValidationError):
            services.live_entry_withdraw(entry=entry, user=desk_reporter, reason="x")


def test_on_a_direct_desk_a_reporter_edits_their_own_published_entry(
    direct_desk, blog, desk_reporter
):
    entry = post(blog, desk_reporter)
    services.live_entry_edit(entry=entry, user=desk_reporter, body="<p>Fixed a typo.</p>")
    assert LiveEntry.objects.get(pk=entry.pk).edited_at is not None
    with pytest.raises(ValidationError):  # still no key events nor withdrawals of public ones
        services.live_entry_pin(entry=entry, user=desk_reporter)
    with pytest.raises(ValidationError):
        services.live_entry_withdraw(entry=entry, user=desk_reporter, reason="x")


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_desks_editors_start_and_end_a_live_blog(request, desk, who):
    from tests.support.factories import ArticleFactory

    user = request.getfixturevalue(who)
    article = ArticleFactory(desk=desk)
    if who == "desk_editor":
        blog = services.live_blog_start(article=article, user=user)
        services.live_blog_end(blog=blog, user=user)
    else:
        with pytest.raises(ValidationError):
            services.live_blog_start(article=article, user=user)
