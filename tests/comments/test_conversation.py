"""The conversation block under the article: what it shows, how, and what it costs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from comments import services
from comments.models import Comment
from tests.support.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    CommentFactory,
    DeskFactory,
)
from tests.support.public_html import Page

pytestmark = pytest.mark.django_db

APPROVED = Comment.Status.APPROVED
EMPTY = "No comments yet. Be the first to weigh in — thoughtful replies welcome."
NOTE = "Comments are moderated. Email stays private; name appears publicly."


def approve(*comments: Comment) -> None:
    for comment in comments:
        services.comment_moderate(decision="approve", comment=comment, moderator=None)


def render(client, article) -> Page:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return Page(response.content.decode())


def conversation_text(page: Page) -> str:
    return page.one("section", class_="conversation").text


def test_an_article_without_comments_invites_the_first_one(client, article):
    text = conversation_text(render(client, article))
    assert text.startswith("Conversation 0 comments Join the discussion ↓")
    assert EMPTY in text
    assert text.index(EMPTY) < text.index("Leave a comment") < text.index(NOTE)


def test_join_the_discussion_links_to_the_form(client, article):
    page = render(client, article)
    link = page.one("a", href="#leave-a-comment")
    assert link.text == "Join the discussion ↓"
    assert page.one("section", id="leave-a-comment")


def test_the_form_has_the_contract_field_names_and_posts_to_the_comments_address(client, article):
    page = render(client, article)
    form = page.one("form", action=f"{article.get_absolute_url()}comments/")
    assert form.attrs["method"] == "post"
    for name in ("name", "email", "parent", "website"):
        assert page.select("input", name=name), name
    assert page.one("textarea", name="body")
    assert page.one("label", for_="id_name").text.startswith("Name")


def test_only_approved_comments_are_shown_and_counted(client, article):
    shown = CommentFactory(article=article, body="Shown to all.")
    approve(shown)
    for status in (Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM):
        CommentFactory(article=article, status=status, body=f"Never shown: {status}.")
    text = conversation_text(render(client, article))
    assert text.startswith("Conversation 1 comment Join")
    assert "Shown to all." in text
    assert "Never shown" not in text
    assert EMPTY not in text


def test_comments_show_oldest_first_with_name_and_time(client, article):
    now = timezone.now()
    for minutes, name in ((30, "First"), (10, "Third"), (20, "Second")):
        comment = CommentFactory(article=article, name=name)
        Comment.objects.filter(pk=comment.pk).update(created_at=now - timedelta(minutes=minutes))
        approve(comment)
    page = render(client, article)
    names = [e.text for e in page.select("span", class_="comment__name")]
    assert names == ["First", "Second", "Third"]
    assert len(page.select("time")) >= 3


def test_replies_sit_under_their_parent_two_levels_deep(client, article):
    top = CommentFactory(article=article, name="Top")
    approve(top)
    reply = CommentFactory(article=article, parent=top, name="Reply")
    approve(reply)
    deeper = CommentFactory(article=article, parent=reply, name="Deeper")
    approve(deeper)
    other = CommentFactory(article=article, name="Other")
    approve(other)
    page = render(client, article)
    html = page.html
    top_block = html[html.index(f'id="comment-{top.pk}"') : html.index(f'id="comment-{other.pk}"')]
    assert f'id="comment-{reply.pk}"' in top_block
    assert f'id="comment-{deeper.pk}"' in top_block
    assert conversation_text(page).startswith("Conversation 4 comments")


def test_reply_links_fill_the_parent_and_stop_at_the_second_level(client, article):
    top = CommentFactory(article=article)
    approve(top)
    reply = CommentFactory(article=article, parent=top)
    approve(reply)
    deeper = CommentFactory(article=article, parent=reply)
    approve(deeper)
    page = render(client, article)
    links = [e.attrs["href"] for e in page.select("a", class_="comment__reply")]
    assert links == [
        f"?reply_to={top.pk}#leave-a-comment",
        f"?reply_to={reply.pk}#leave-a-comment",
    ]
    replying = Page(client.get(article.get_absolute_url() + links[1]).content.decode())
    assert replying.one("input", name="parent").attrs["value"] == str(reply.pk)
    assert "Replying to" in conversation_text(replying)


def test_a_reply_link_to_a_comment_not_on_the_page_fills_nothing(client, article):
    pending = CommentFactory(article=article)
    url = f"{article.get_absolute_url()}?reply_to={pending.pk}"
    page = Page(client.get(url).content.decode())
    assert page.one("input", name="parent").attrs.get("value", "") == ""


def test_a_reply_under_a_rejected_comment_is_neither_shown_nor_counted(client, article):
    top = CommentFactory(article=article, name="Top")
    approve(top)
    reply = CommentFactory(article=article, parent=top, name="Orphan", body="Orphaned reply.")
    approve(reply)
    services.comment_moderate(decision="reject", comment=top, moderator=None)
    article.refresh_from_db()
    assert article.approved_comment_count == 0
    text = conversation_text(render(client, article))
    assert text.startswith("Conversation 0 comments")
    assert "Orphaned reply." not in text


def test_bodies_are_escaped_and_keep_their_line_breaks(client, article):
    comment = CommentFactory(article=article, body="<script>alert(1)</script>\nSecond line")
    approve(comment)
    page = render(client, article)
    assert "<script>alert(1)</script>" not in page.html
    body = page.one("p", class_="comment__body")
    assert "&lt;script&gt;" in page.html
    assert "\n" in "".join(body.parts)


def test_links_in_bodies_are_clickable_and_marked_as_user_content(client, article):
    comment = CommentFactory(article=article, body="Data at https://example.org/tides here.")
    approve(comment)
    page = render(client, article)
    link = page.one("a", href="https://example.org/tides")
    assert set(link.attrs["rel"].split()) == {"nofollow", "ugc", "noopener"}


def test_javascript_links_are_not_made_clickable(client, article):
    comment = CommentFactory(article=article, body="javascript:alert(1) and <a href=x>x</a>")
    approve(comment)
    page = render(client, article)
    assert not [a for a in page.select("a") if a.attrs.get("href", "").startswith("javascript")]
    assert '<a href="x">' not in page.html


def test_past_fifty_threads_the_comments_are_paginated_with_the_count_still_right(client, article):
    Comment.objects.bulk_create(
        Comment(article=article, name=f"R{n}", email=f"r{n}@example.net", body=f"Body {n}.")
        for n in range(55)
    )
    Comment.objects.update(status=APPROVED)
    services.comment_moderate(
        decision="approve", comment=CommentFactory(article=article, body="Body 55."), moderator=None
    )
    first = render(client, article)
    assert conversation_text(first).startswith("Conversation 56 comments")
    assert len(first.select("li", class_="comment")) == 50
    next_link = first.one("a", rel="next")
    second = Page(client.get(article.get_absolute_url() + next_link.attrs["href"]).content.decode())
    assert conversation_text(second).startswith("Conversation 56 comments")
    assert len(second.select("li", class_="comment")) == 6
    assert "Body 55." in conversation_text(second)
    assert second.one("a", rel="prev")


def test_a_nonsense_comment_page_number_shows_the_first_page(client, article):
    approve(CommentFactory(article=article, body="Still here."))
    response = client.get(article.get_absolute_url() + "?cpage=zzz")
    assert "Still here." in response.content.decode()


def test_closed_comments_show_the_comments_but_no_form(client, article):
    approve(CommentFactory(article=article, body="Before closing."))
    article.refresh_from_db()
    article.comments_enabled = False
    article.save()
    page = render(client, article)
    text = conversation_text(page)
    assert "Before closing." in text
    assert "Comments are closed on this article." in text
    assert not page.select("textarea", name="body")
    assert not page.select("a", class_="comment__reply")


# What it costs.


def render_tag(article) -> str:
    request = RequestFactory().get(article.get_absolute_url())
    template = Template("{% load conversation %}{% show_conversation article %}")
    return template.render(Context({"article": article, "request": request}))


def test_the_conversation_reads_nothing_when_there_are_no_approved_comments(
    article, django_assert_num_queries
):
    CommentFactory(article=article)  # pending: not counted, so not looked for
    with django_assert_num_queries(0):
        html = render_tag(article)
    assert EMPTY in html


def make_approved(article, count: int, *, with_replies: bool = False) -> None:
    Comment.objects.bulk_create(
        Comment(article=article, name=f"R{n}", email=f"r{n}@example.net", body=f"B{n}")
        for n in range(count)
    )
    tops = list(Comment.objects.filter(article=article).order_by("pk")[:50])
    if with_replies:
        Comment.objects.bulk_create(
            Comment(article=article, parent=top, name="Re", email="re@example.net", body="R")
            for top in tops
        )
    Comment.objects.update(status=APPROVED)
    services.comment_counts_recount(article_id=article.pk)
    article.refresh_from_db()


@pytest.mark.parametrize("count", [1, 1000])
def test_the_conversation_is_two_queries_however_many_comments(
    article, django_assert_max_num_queries, count
):
    make_approved(article, count, with_replies=True)
    article = Article.objects.select_related("desk").get(pk=article.pk)  # as the page loads it
    with django_assert_max_num_queries(2):
        html = render_tag(article)
    assert (
        f'Conversation <span class="conversation__count">{article.approved_comment_count}' in html
    )


def page_queries(client, article) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_conversation_adds_at_most_two_queries_to_the_article_page(
    client, django_assert_max_num_queries
):
    desk = DeskFactory(slug="science", name="Science")
    quiet = ArticleFactory(desk=desk)
    busy = ArticleFactory(desk=desk)
    for article in (quiet, busy):
        BylineFactory(article=article, author=AuthorFactory())
    baseline = page_queries(client, quiet)
    make_approved(busy, 1000, with_replies=True)
    url = busy.get_absolute_url()
    with django_assert_max_num_queries(baseline + 2):
        response = client.get(url)
    assert "Conversation 1050 comments" in Page(response.content.decode()).text


def test_approving_a_comment_refreshes_the_cached_article_page(
    shared_cache, article, settings, django_capture_on_commit_callbacks
):
    comment = CommentFactory(article=article, body="Fresh off the queue.")
    shared_cache.get(article.get_absolute_url())
    assert shared_cache.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        approve(comment)
    response = shared_cache.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Fresh off the queue." in response.content.decode()
    assert re.search(r"Conversation\s*<span[^>]*>1 comment<", response.content.decode())
