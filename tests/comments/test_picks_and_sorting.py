"""Editors' picks at the top of the conversation, purged precisely; the conversation's
order as a cacheable query parameter."""

from __future__ import annotations

import pytest

from comments import services
from comments.models import Comment, ModerationLog
from tests.support.factories import CommentFactory
from tests.support.public_html import Page

APPROVED = Comment.Status.APPROVED


@pytest.fixture
def thread(article) -> list[Comment]:
    first = CommentFactory(article=article, status=APPROVED, name="First", body="Opening point")
    reply = CommentFactory(
        article=article, status=APPROVED, parent=first, name="Replier", body="A sharp reply"
    )
    last = CommentFactory(article=article, status=APPROVED, name="Last", body="Closing point")
    return [first, reply, last]


def picks_section(html: str) -> str:
    start = html.find('class="conversation__picks"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_a_pick_is_shown_once_at_the_top_with_a_badge_in_the_thread(
    client, article, thread, moderator, purges, django_capture_on_commit_callbacks
):
    reply = thread[1]
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/moderation/{reply.pk}/", {"decision": "pick"})
    assert response.status_code == 303
    assert purges == [([f"article-{article.pk}"], True)]  # an addition: soft
    assert ModerationLog.objects.filter(comment=reply, action="pick", moderator=moderator).exists()
    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    top = picks_section(html)
    assert "Editors' picks" in html
    assert top.count("A sharp reply") == 1 and "Opening point" not in top
    assert html.index("conversation__picks") < html.index(f'id="comment-{thread[0].pk}"')
    assert html.count("comment__pick") == 1  # the badge, on the reply in its thread
    assert html.count("A sharp reply") == 2  # at the top, and in its thread


def test_unpick_removes_it_and_purges_hard(
    client, article, thread, moderator, purges, django_capture_on_commit_callbacks
):
    services.comment_pick(comment=thread[0], moderator=moderator)
    purges.clear()
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/moderation/{thread[0].pk}/", {"decision": "unpick"})
    assert purges == [([f"article-{article.pk}"], False)]  # a removal: hard
    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Editors' picks" not in html and "comment__pick" not in html


def test_picking_twice_changes_nothing_the_second_time(thread, moderator, purges):
    assert services.comment_pick(comment=thread[0], moderator=moderator)
    assert not services.comment_pick(comment=thread[0], moderator=moderator)
    assert ModerationLog.objects.filter(action="pick").count() == 1


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_only_a_published_comment_can_be_picked(client, article, moderator, status):
    comment = CommentFactory(article=article, status=status)
    client.force_login(moderator)
    response = client.post(f"/moderation/{comment.pk}/", {"decision": "pick"})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert not comment.is_pick


def test_a_rejected_pick_leaves_the_top(client, article, thread, moderator):
    services.comment_pick(comment=thread[2], moderator=moderator)
    services.comment_moderate(decision="reject", comment=thread[2], moderator=moderator)
    assert "Closing point" not in client.get(article.get_absolute_url()).content.decode()


def test_the_conversation_with_picks_still_costs_two_queries(
    client, article, thread, moderator, django_assert_max_num_queries
):
    from comments.templatetags.conversation import conversation_page

    services.comment_pick(comment=thread[1], moderator=moderator)
    with django_assert_max_num_queries(2):
        threads, _, picks = conversation_page(article, 1)
    assert [node.comment.pk for node in picks] == [thread[1].pk]
    assert [node.comment.pk for node in threads[0].replies] == [thread[1].pk]


# Sorting.


def names(html: str) -> list[str]:
    return [span.text for span in Page(html).select("span", class_="comment__name")]


def test_the_conversation_can_be_read_oldest_newest_or_picks_first(
    client, article, thread, moderator
):
    services.comment_pick(comment=thread[2], moderator=moderator)
    url = article.get_absolute_url()
    in_thread = lambda html: [n for n in names(html) if n != "Replier"][-2:]  # noqa: E731
    assert in_thread(client.get(url).content.decode()) == ["First", "Last"]
    assert in_thread(client.get(f"{url}?sort=oldest").content.decode()) == ["First", "Last"]
    assert in_thread(client.get(f"{url}?sort=newest").content.decode()) == ["Last", "First"]
    assert in_thread(client.get(f"{url}?sort=picks").content.decode()) == ["Last", "First"]


def test_an_unknown_order_is_the_default_page_not_an_error(client, article, thread):
    url = article.get_absolute_url()
    response = client.get(f"{url}?sort=sideways")
    assert response.status_code == 200
    assert names(response.content.decode()) == names(client.get(url).content.decode())


def test_each_order_is_a_link_and_the_current_one_is_marked(client, article, thread):
    html = client.get(f"{article.get_absolute_url()}?sort=newest").content.decode()
    assert 'href="?sort=picks#conversation"' in html
    assert 'href="?#conversation"' in html
    assert 'aria-current="true">Newest first' in html


def test_the_front_keeps_the_new_article_parameters():
    from pathlib import Path

    vcl = (Path(__file__).parents[2] / "deploy/varnish/default.vcl").read_text()
    assert "reported=thanks" in vcl
    assert "sort=(?:oldest|newest|picks)" in vcl
