"""A reader comments on an article in a real browser (Debian chromium)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from comments import services
from comments.models import Comment
from tests.support.factories import ArticleFactory, CommentFactory, DeskFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "newsroom-shots"  # screenshots for people to look at


@pytest.fixture(autouse=True)
def _plain_static_names(settings):
    """live_server serves static files through the finders, which know no hashed names: use
    plain names so the browser really gets site.css (and its .honeypot rule)."""
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


@pytest.fixture
def article():
    desk = DeskFactory(name="Technology", slug="technology", title="The Technology Desk")
    return ArticleFactory(desk=desk, headline="Tidal power comes of age", slug="tidal-power")


def fill_form(page, *, name="Ada Reader", email="ada@example.net", body="A thoughtful point."):
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.fill("#id_body", body)


def test_a_reader_posts_a_comment_and_sees_it_is_awaiting_moderation(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())
    page.click("text=Join the discussion ↓")
    assert page.url.endswith("#leave-a-comment")
    fill_form(page, body="Tidal barrages need fish passes.\nThat is the real cost.")
    page.click("button:has-text('Post comment')")
    page.wait_for_load_state()
    url = f"{live_server.url}{article.get_absolute_url()}?posted=awaiting#leave-a-comment"
    assert page.url == url
    thanks = page.locator("#comment-posted").inner_text()
    assert "Thanks — your comment is awaiting moderation." in thanks
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.body == "Tidal barrages need fish passes.\nThat is the real cost."
    # Not shown until a moderator approves it.
    assert "fish passes" not in page.locator(".conversation").inner_text()


def test_the_honeypot_is_invisible_to_readers(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())
    box = page.locator("#id_website").bounding_box()
    assert box is None or box["x"] + box["width"] <= 0  # moved off the page by site.css
    assert page.locator("#id_website").get_attribute("tabindex") == "-1"  # never tabbed to
    assert page.locator("#div_id_website").evaluate("e => e.closest('[aria-hidden=true]') !== null")
    assert page.locator("#id_name").is_visible()


def test_a_bad_email_comes_back_with_the_error_next_to_it_and_the_text_kept(
    page, live_server, article
):
    page.goto(live_server.url + article.get_absolute_url())
    fill_form(page, email="ada@", body="Keep my words.")
    # Skip the browser's own check to see the server's answer, as a robot or old browser would.
    page.eval_on_selector("#leave-a-comment form", "form => form.noValidate = true")
    page.click("button:has-text('Post comment')")
    page.wait_for_load_state()
    email_block = page.locator("#div_id_email")
    assert "Please enter a valid email address" in email_block.inner_text()
    assert page.locator("#id_body").input_value() == "Keep my words."
    assert page.evaluate("document.activeElement.id") == "id_email"
    assert Comment.objects.count() == 0


def test_a_reader_replies_through_the_reply_link(page, live_server, article):
    parent = CommentFactory(article=article, name="Grace", body="Tides are predictable.")
    services.comment_moderate(decision="approve", comment=parent, moderator=None)
    page.goto(live_server.url + article.get_absolute_url())
    page.click(f"#comment-{parent.pk} .comment__reply")
    assert "Replying to Grace" in page.locator("#leave-a-comment").inner_text()
    fill_form(page, body="Which is why the grid likes them.")
    page.click("button:has-text('Post comment')")
    page.wait_for_load_state()
    assert Comment.objects.get(parent=parent).body == "Which is why the grid likes them."


def test_screenshot_of_the_conversation_block(page, live_server, article):
    """For people to look at: a conversation with replies and the form."""
    top = CommentFactory(
        article=article,
        name="Grace Okafor",
        body="Tidal output is predictable decades ahead — that is its real selling point.\n"
        "Wind and solar can't say that.",
    )
    services.comment_moderate(decision="approve", comment=top, moderator=None)
    reply = CommentFactory(
        article=article,
        parent=top,
        name="Tomás Ruiz",
        body="Predictable, yes, but see https://example.org/tidal-costs on what it costs.",
    )
    services.comment_moderate(decision="approve", comment=reply, moderator=None)
    other = CommentFactory(article=article, name="Mei", body="Great explainer, thank you.")
    services.comment_moderate(decision="approve", comment=other, moderator=None)
    page.goto(live_server.url + article.get_absolute_url())
    assert re.search(r"Conversation\s+3 comments", page.locator(".conversation").inner_text())
    SHOTS.mkdir(exist_ok=True)
    page.locator(".conversation").screenshot(path=str(SHOTS / "conversation.png"))
