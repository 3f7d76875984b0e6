"""A reader reports a comment with JavaScript off; a moderator picks and bans with the keys
(Debian chromium)."""

from __future__ import annotations

import pytest

from comments.models import Comment, CommenterStanding, Report
from tests.e2e.test_moderation import log_in, mod_user  # noqa: F401 - a fixture
from tests.support.factories import ArticleFactory, CommentFactory, DeskFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article():
    desk = DeskFactory(name="Technology", slug="technology", title="The Technology Desk")
    return ArticleFactory(desk=desk, headline="Tidal power comes of age", slug="tidal-power")


@pytest.fixture
def no_script_page(browser, settings):
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    yield page
    context.close()


def test_a_reader_reports_a_comment_with_javascript_off(no_script_page, live_server, article):
    page = no_script_page
    comment = CommentFactory(
        article=article, status=Comment.Status.APPROVED, name="Loud", body="You are all fools."
    )
    page.goto(live_server.url + article.get_absolute_url())
    item = page.locator(f"#comment-{comment.pk}")
    item.locator("summary:has-text('Report')").click()
    item.get_by_label("Abusive").check()
    item.get_by_label("Note (optional)").fill("Name-calling, not argument.")
    item.locator("button:has-text('Send report')").click()
    page.wait_for_load_state()
    assert page.url.startswith(live_server.url + article.get_absolute_url() + "?reported=thanks")
    assert "Thanks — a moderator will look at it." in page.locator("#comment-reported").inner_text()
    report = Report.objects.get()
    assert (report.comment_id, report.reason, report.note) == (
        comment.pk,
        "abusive",
        "Name-calling, not argument.",
    )
    # Still shown: one reader cannot silence a comment.
    assert "You are all fools." in page.locator(".conversation").inner_text()


@pytest.mark.usefixtures("mod_user")
def test_a_moderator_bans_with_the_b_key(page, live_server, article):
    held = CommentFactory(article=article, name="Spammy", email="spammy@example.net")
    log_in(page, live_server)
    page.locator(f'[data-comment-id="{held.pk}"] .mod-item__body').click()
    page.keyboard.press("b")
    page.wait_for_selector(f'[data-comment-id="{held.pk}"]', state="detached")
    held.refresh_from_db()
    assert held.status == Comment.Status.SPAM
    assert CommenterStanding.objects.get().kind == CommenterStanding.Kind.BANNED
    page.keyboard.press("?")
    assert "ban its commenter" in page.locator("#mod-help").inner_text()
