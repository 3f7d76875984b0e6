"""The editorial workflow in a real browser (Debian's chromium): the edit lock as two editors
see it, the lock let go when the form is left, a revision diff, the Scheduled view and a
share link's preview. Screenshots land in tests/e2e/artifacts/ to look at."""

import datetime as dt
import time

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from editorial import services as editorial_services
from editorial.models import EditLock
from tests.browser import ARTIFACTS
from tests.conftest import _every_desk, _role_group
from tests.factories import ArticleFactory, AuthorFactory, BylineFactory, DeskFactory, PhotoFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def shot(name: str) -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    return str(ARTIFACTS / f"{name}.png")


def log_in(page, live_server, username: str, password: str) -> None:
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")


@pytest.fixture
def ben():
    """A second editor of every desk, with a name for the lock notice."""
    user = User.objects.create_user(
        "ben", password="pw-ben", first_name="Ben", last_name="Okri", is_staff=True
    )
    user.groups.add(_role_group("Editors"))
    return _every_desk(user)


@pytest.fixture
def story(editor):
    desk = DeskFactory(name="Transport", slug="transport")
    article = ArticleFactory(
        desk=desk,
        draft=True,
        headline="Night buses return to the city centre",
        standfirst="Six routes come back in March after a two-year pause.",
        body="Six night routes return in March.\n\nThe council voted 31 to 12.\n\nFares stay.",
        hero_photo=PhotoFactory(),
    )
    BylineFactory(article=article, author=AuthorFactory(name="Ana Lima"))
    editorial_services.article_record_revision(article=article, user=editor)
    return article


def test_another_editor_sees_the_lock_and_takes_it_over(page, live_server, editor, ben, story):
    editor.first_name, editor.last_name = "Ada", "Lovelace"
    editor.save()
    editorial_services.article_lock_take(article=story, user=editor)
    log_in(page, live_server, "ben", "pw-ben")
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    notice = page.locator(".nr-lock")
    expect(notice).to_contain_text("Being edited by Ada Lovelace since")
    page.screenshot(path=shot("workflow_lock_notice"), full_page=False)

    notice.get_by_role("button", name="Take over editing").click()
    page.wait_for_load_state()
    expect(page.locator(".messagelist")).to_contain_text("You are editing this article now")
    expect(page.locator(".nr-lock")).to_have_count(0)
    assert EditLock.objects.get(article=story).user == ben


def test_leaving_the_form_lets_the_lock_go(page, live_server, editor, story):
    log_in(page, live_server, "editor", "pw-editor")
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    assert EditLock.objects.get(article=story).user == editor
    page.goto(live_server.url + "/admin/articles/article/")  # away, without saving
    deadline = time.monotonic() + 10
    while EditLock.objects.filter(article=story).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not EditLock.objects.filter(article=story).exists()


def test_an_editor_compares_two_revisions_and_restores_one(page, live_server, editor, story):
    story.headline = "Night buses are back"
    story.body = story.body.replace("31 to 12", "31 votes to 12").replace("Fares stay.", "")
    story.save()
    editorial_services.article_record_revision(article=story, user=editor)
    log_in(page, live_server, "editor", "pw-editor")
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    page.locator(".object-tools").get_by_role("link", name="Revisions").click()
    page.get_by_role("button", name="Compare the two chosen revisions").click()
    expect(page.locator("#diff-headline")).to_be_visible()
    expect(page.locator("table.diff").first).to_contain_text("Night buses are back")
    expect(page.locator("table.diff .diff_sub, table.diff .diff_chg").first).to_be_visible()
    page.screenshot(path=shot("workflow_revision_diff"), full_page=True)

    page.get_by_role("link", name="Restore revision 1").click()
    page.wait_for_load_state()
    expect(page.locator("#diff-headline")).to_be_visible()  # what would change, to confirm
    page.get_by_role("button", name="Restore revision 1").click()
    page.wait_for_load_state()
    expect(page.locator(".messagelist")).to_contain_text("Restored revision 1 as revision 3.")
    story.refresh_from_db()
    assert story.headline == "Night buses return to the city centre"


def test_the_scheduled_view_shows_what_goes_out_when(page, live_server, editor, story):
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    for hour, headline in [(7, "Morning briefing"), (18, "Evening results")]:
        article = ArticleFactory(draft=True, headline=headline, hero_photo=PhotoFactory())
        editorial_services.article_schedule(
            article=article,
            user=editor,
            at=tomorrow.replace(hour=hour, minute=30, second=0, microsecond=0),
        )
    editorial_services.article_schedule(
        article=story, user=editor, at=timezone.now() + dt.timedelta(days=3)
    )
    log_in(page, live_server, "editor", "pw-editor")
    page.goto(live_server.url + "/admin/articles/article/")
    page.locator(".object-tools").get_by_role("link", name="Scheduled").click()
    days = page.locator(".nr-day h2").all_inner_texts()
    assert len(days) == 2
    times = page.locator(".nr-day").first.locator(".nr-slot__time").all_inner_texts()
    assert [t.split()[0] for t in times] == ["07:30", "18:30"]
    page.screenshot(path=shot("workflow_scheduled"), full_page=True)


def test_a_share_link_shows_the_draft_watermarked_to_a_stranger(page, live_server, editor, story):
    link = editorial_services.share_link_create(article=story, user=editor)
    page.goto(live_server.url + link.get_absolute_url())
    expect(page.locator("h1")).to_have_text("Night buses return to the city centre")
    watermark = page.locator(".preview-watermark")
    expect(watermark).to_be_attached()
    assert watermark.evaluate("e => getComputedStyle(e).position") == "fixed"
    assert watermark.evaluate("e => getComputedStyle(e).pointerEvents") == "none"
    page.screenshot(path=shot("workflow_share_preview"), full_page=False)


def test_an_editor_corrects_a_published_article_from_its_form(page, live_server, editor, story):
    editorial_services.article_publish(article=story, user=editor)
    log_in(page, live_server, "editor", "pw-editor")
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    page.get_by_label("Correction: we got something wrong").check()
    page.fill("textarea[name=change_note]", "The vote was 31 to 12, not 21 to 12.")
    page.screenshot(path=shot("workflow_correction_form"), full_page=True)
    page.get_by_role("button", name="Save", exact=True).first.click()
    page.wait_for_load_state()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto(live_server.url + story.get_absolute_url())
    expect(page.locator(".corrections")).to_contain_text("The vote was 31 to 12, not 21 to 12.")
    expect(page.locator(".dateline")).to_contain_text("Updated")
