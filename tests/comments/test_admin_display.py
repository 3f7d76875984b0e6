"""The comment admin as moderators see it: why a comment was held in words (not stored
JSON), and no Save button on a page where nothing can be changed."""

from __future__ import annotations

import pytest

from tests.support.factories import CommentFactory
from tests.support.public_html import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def held():
    return CommentFactory(held_reasons=["first_time", "links"])


@pytest.mark.parametrize("persona", ["moderator", "editor", "superuser"])
def test_held_reasons_are_shown_in_words(client, held, persona, request):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(f"/admin/comments/comment/{held.pk}/change/").content.decode()
    assert "First comment from this email, Two or more links" in html
    assert "[&quot;first_time&quot;" not in html and '["first_time"' not in html


@pytest.mark.parametrize("persona", ["moderator", "editor", "superuser"])
def test_a_comment_page_offers_no_save_button(client, held, persona, request):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(f"/admin/comments/comment/{held.pk}/change/").content.decode()
    assert 'name="_save"' not in html and 'name="_continue"' not in html


def test_moderators_still_decide_from_the_comment_list(client, held, moderator):
    from django.urls import reverse

    client.force_login(moderator)
    response = client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve_comments", "_selected_action": [held.pk], "index": "0"},
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == "approved"


def test_admin_times_have_one_format_the_newsrooms(client, moderator):
    """24-hour, the zone named: as the workflow's own pages write them ("16:03 GMT"), never
    Django's "4:06 p.m." beside them."""
    import datetime as dt
    import zoneinfo

    at = dt.datetime(2026, 12, 2, 16, 6, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    comment = CommentFactory()
    type(comment).objects.filter(pk=comment.pk).update(created_at=at)  # stamped on save
    client.force_login(moderator)
    for url in ("/admin/comments/comment/", f"/admin/comments/comment/{comment.pk}/change/"):
        html = client.get(url).content.decode()
        assert "2 December 2026, 16:06 GMT" in html, url
        assert "p.m." not in html and "a.m." not in html, url


# "First comment from this email": only for someone with no other comments.


def test_a_commenter_with_a_rejected_comment_is_not_held_as_a_first_timer(post, article):
    from comments.models import Comment

    CommentFactory(article=article, email="ada@example.net", status=Comment.Status.REJECTED)
    assert post(email="ada@example.net").status_code == 303
    latest = Comment.objects.latest("pk")
    assert "first_time" not in latest.held_reasons
    assert latest.held_reasons == ["pre_moderated"]


def test_the_first_time_badge_goes_once_the_commenter_has_decided_comments(
    client, moderator, article
):
    """Two comments held on arrival, both their first: once one is approved, the other
    is no longer shown as a first comment (its history line says 1 approved)."""
    from comments.models import Comment
    from comments.services import comment_moderate

    earlier = CommentFactory(article=article, email="ada@example.net", held_reasons=["first_time"])
    later = CommentFactory(article=article, email="ada@example.net", held_reasons=["first_time"])
    comment_moderate(comment=earlier, decision="approve", moderator=moderator)
    client.force_login(moderator)

    def badges() -> dict[str, list[str]]:
        page = Page(client.get("/moderation/").content.decode())
        return {
            item.attrs["data-comment-id"]: [
                badge.text for badge in page.within(item, "span", class_="mod-badge")
            ]
            for item in page.select("li", class_="mod-item")
        }

    assert badges() == {str(later.pk): []}
    admin = client.get(f"/admin/comments/comment/{later.pk}/change/").content.decode()
    assert "First comment from this email" not in admin
    lone = CommentFactory(article=article, email="new@example.net", held_reasons=["first_time"])
    assert badges()[str(lone.pk)] == ["First comment from this email"]
    assert Comment.objects.get(pk=lone.pk).held_reasons == ["first_time"]
