"""Moderators clear the queue in a real browser (Debian chromium), keyboard first."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from comments.models import Comment
from tests.support.factories import ArticleFactory, CommentFactory, DeskFactory
from tests.support.personas import role_group

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "newsroom-shots"  # screenshots for people to look at
PASSWORD = "a-long-moderator-password"


@pytest.fixture(autouse=True)
def _plain_static_names(settings):
    """live_server serves static files through the finders, which know no hashed names: use
    plain names so the browser really gets moderation.js and the stylesheets."""
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


@pytest.fixture
def mod_user(transactional_db) -> User:
    # A transactional test empties the tables the groups migration filled: rebuild the group.
    # (their permissions too, so the group is remade with them, as the migrations made it).
    user = User.objects.create_user("moderator", "mod@example.org", PASSWORD, is_staff=True)
    user.groups.add(role_group("Moderators"))
    return user


@pytest.fixture
def article():
    desk = DeskFactory(name="Technology", slug="technology", title="The Technology Desk")
    return ArticleFactory(desk=desk, headline="Tidal power comes of age", slug="tidal-power")


def log_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/moderation/")
    assert "/admin/login/" in page.url  # anonymous: sent to log in first
    page.fill("#id_username", "moderator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(re.compile(r".*/moderation/$"))


def test_a_reader_posts_a_moderator_approves_with_the_keyboard_and_the_reader_sees_it(
    browser, page, live_server, article, mod_user
):
    # The reader posts.
    page.goto(live_server.url + article.get_absolute_url())
    assert re.search(r"Conversation\s+0 comments", page.locator(".conversation").inner_text())
    page.fill("#id_name", "Ada Reader")
    page.fill("#id_email", "ada@example.net")
    page.fill("#id_body", "Fish passes are the real cost of tidal barrages.")
    page.click("button:has-text('Post comment')")
    page.wait_for_load_state()
    assert "Thanks — your comment is awaiting moderation." in page.content()

    # The moderator, in their own browser, approves it with the keyboard.
    moderator_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        mod = moderator_context.new_page()
        log_in(mod, live_server)
        item = mod.locator(".mod-item").first
        assert "Fish passes are the real cost" in item.inner_text()
        assert "ada@example.net" in item.inner_text()
        mod.keyboard.press("a")
        mod.wait_for_selector(".mod-item", state="detached")
        assert mod.locator(".mod-tabs [data-status=approved] .mod-count").inner_text() == "1"
        assert mod.locator(".mod-tabs [data-status=pending] .mod-count").inner_text() == "0"
        assert "/moderation/" in mod.url  # no page load: still the same page
    finally:
        moderator_context.close()
    comment = Comment.objects.get()
    assert (comment.status, comment.moderated_by) == (Comment.Status.APPROVED, mod_user)

    # The reader reloads and sees it.
    page.goto(live_server.url + article.get_absolute_url())
    conversation = page.locator(".conversation").inner_text()
    assert re.search(r"Conversation\s+1 comment\b", conversation)
    assert "Fish passes are the real cost of tidal barrages." in conversation
    assert "Ada Reader" in conversation
    assert "ada@example.net" not in page.content()


def test_j_and_k_move_and_r_and_s_decide_without_reloading(page, live_server, article, mod_user):
    comments = [CommentFactory(article=article, name=f"Person {n}") for n in range(4)]
    log_in(page, live_server)
    page.evaluate("window.notReloaded = true")
    current = page.locator(".mod-item.is-current")
    assert current.get_attribute("data-comment-id") == str(comments[0].pk)
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert current.get_attribute("data-comment-id") == str(comments[1].pk)
    page.keyboard.press("r")
    page.wait_for_selector(f"[data-comment-id='{comments[1].pk}']", state="detached")
    assert current.get_attribute("data-comment-id") == str(comments[2].pk)
    page.keyboard.press("s")
    page.wait_for_selector(f"[data-comment-id='{comments[2].pk}']", state="detached")
    assert page.evaluate("window.notReloaded") is True
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in comments] == ["pending", "rejected", "spam", "pending"]


def test_question_mark_shows_the_shortcuts(page, live_server, article, mod_user):
    CommentFactory(article=article)
    log_in(page, live_server)
    page.keyboard.press("?")
    assert page.locator("#mod-help").is_visible()
    assert "Approve the current comment" in page.locator("#mod-help").inner_text()
    page.keyboard.press("Escape")
    assert not page.locator("#mod-help").is_visible()


def test_the_buttons_work_without_javascript(browser, live_server, article, mod_user):
    comment = CommentFactory(article=article)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, live_server)
        page.click(f"[data-comment-id='{comment.pk}'] button[value=spam]")
        page.wait_for_load_state()
        assert "marked as spam" in page.locator(".messages").inner_text()
    finally:
        context.close()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM


def test_a_moderator_clears_fifty_comments_quickly(page, live_server, mod_user):
    """Fifty held comments, cleared with one key each; the page is screenshotted to look at."""
    desk = DeskFactory(name="Technology", slug="technology")
    articles = [ArticleFactory(desk=desk, headline=f"Story {n} about tides") for n in range(3)]
    bodies = [
        "Tidal barrages change estuaries; the piece should say more about birds.",
        "Great piece. Buy cheap watches at https://spam.example and https://spam2.example",
        "I worked on the Severn study in 2008 and the numbers here match ours.\nThanks.",
    ]
    for n in range(50):
        CommentFactory(
            article=articles[n % 3],
            name=f"Reader {n}",
            email=f"reader{n % 12}@example.net",
            body=bodies[n % 3],
            held_reasons=["links", "first_time"] if n % 3 == 1 else ["first_time"],
        )
    log_in(page, live_server)
    assert page.locator(".mod-item").count() == 50
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "moderation-queue.png"))
    started = time.monotonic()
    for n in range(50):
        page.keyboard.press("s" if n % 3 == 1 else "a")
        expect(page.locator(".mod-item")).to_have_count(49 - n)
    elapsed = time.monotonic() - started
    assert page.locator(".mod-cleared").is_visible()
    assert "The queue is clear" in page.locator(".mod-cleared").inner_text()
    page.screenshot(path=str(SHOTS / "moderation-cleared.png"))
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 0
    assert Comment.objects.filter(status=Comment.Status.SPAM).count() == 17
    print(f"\ncleared 50 comments with the keyboard in {elapsed:.1f}s")
    assert elapsed < 30


def test_a_keyboard_decision_says_what_it_did_and_undo_puts_the_comment_back(
    page, live_server, article, mod_user, settings
):
    settings.COMMENTS_UNDO_SECONDS = 30  # time enough for a slow machine to click
    first = CommentFactory(article=article, name="Ada Reader", body="Barrages and birds.")
    CommentFactory(article=article, name="Ben Reader", body="Turbines and tides.")
    log_in(page, live_server)
    expect(page.locator(".mod-item")).to_have_count(2)
    page.keyboard.press("a")  # the first comment is the current one
    bar = page.locator("#mod-undo")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("Comment by Ada Reader approved.")
    expect(page.locator(".mod-item")).to_have_count(1)
    first.refresh_from_db()
    assert first.status == Comment.Status.APPROVED

    bar.get_by_role("button", name=re.compile("Undo")).click()
    expect(bar).to_contain_text("Undone: the comment by Ada Reader is held again.")
    expect(page.locator(".mod-item")).to_have_count(2)
    expect(page.locator(".mod-item").first).to_contain_text("Barrages and birds.")
    expect(page.locator('.mod-tabs [data-status="pending"] .mod-count')).to_have_text("2")
    first.refresh_from_db()
    assert first.status == Comment.Status.PENDING
    assert [log.reason for log in first.log.order_by("pk")][-1] == "undo: approve"

    # Mouse, then the z key: the same undo.
    page.locator(".mod-item").nth(1).get_by_role("button", name=re.compile("Reject")).click()
    expect(bar).to_contain_text("Comment by Ben Reader rejected.")
    page.keyboard.press("z")
    expect(bar).to_contain_text("Undone: the comment by Ben Reader is held again.")
    expect(page.locator(".mod-item")).to_have_count(2)
    assert not Comment.objects.exclude(status=Comment.Status.PENDING).exists()


def test_without_javascript_a_decision_offers_undo_on_the_next_page(
    browser, live_server, article, mod_user, settings
):
    settings.COMMENTS_UNDO_SECONDS = 30
    comment = CommentFactory(article=article, name="Ada Reader")
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, live_server)
        page.locator(".mod-item").get_by_role("button", name=re.compile("Spam")).click()
        expect(page.locator(".messages")).to_contain_text("Comment by Ada Reader marked as spam.")
        bar = page.locator("#mod-undo")
        expect(bar).to_contain_text("Changed your mind?")
        bar.get_by_role("button", name=re.compile("Undo")).click()
        expect(page.locator(".messages")).to_contain_text(
            "Undone: the comment by Ada Reader is held again."
        )
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING
    finally:
        context.close()
