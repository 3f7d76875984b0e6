"""The article admin in a real browser (Debian's chromium): an editor's and a reporter's day.

Screenshots of the list and the form land in tests/e2e/artifacts/, to look at.
"""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.support.browser import ARTIFACTS, log_in
from tests.support.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    DeskFactory,
    PhotoFactory,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def newsroom(transactional_db, settings, reporter):
    # live_server serves /static/ from the source folders, which know no hashed names.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    desk = DeskFactory(name="Technology", slug="technology")
    author = AuthorFactory(name="Daniel Okafor", user=reporter)
    live = ArticleFactory(headline="Chipmakers race to stack memory", desk=desk)
    BylineFactory(article=live, author=author)
    draft = ArticleFactory(
        headline="Start-ups teach AI small languages",
        desk=desk,
        draft=True,
        created_by=reporter,
        hero_photo=PhotoFactory(credit_name="Abderrahmane Habibi"),
    )
    BylineFactory(article=draft, author=author)
    return {"live": live, "draft": draft}


def shot(name: str) -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    return str(ARTIFACTS / f"{name}.png")


def test_editor_sees_the_newsroom_and_publishes_a_draft_from_its_page(
    page, live_server, editor, newsroom
):
    log_in(page, live_server, "editor")
    page.goto(live_server.url + "/admin/articles/article/")
    assert page.locator("#site-name").inner_text().endswith("newsroom")
    row = page.locator("#result_list tr", has_text="Start-ups teach AI small languages")
    assert row.locator(".nr-status-draft").is_visible()
    assert row.get_by_role("link", name="Preview").is_visible()
    actions = page.locator("select[name=action] option").all_inner_texts()
    assert "Publish selected articles" in actions
    page.screenshot(path=shot("admin_editor_changelist"), full_page=True)

    row.get_by_role("link", name="Start-ups teach AI small languages").click()
    preview = page.locator(".nr-hero-preview")
    expect(preview).to_be_visible()
    expect(preview).to_contain_text("Photo: Abderrahmane Habibi")
    expect(page.locator(".object-tools a.viewsitelink")).to_have_text("Preview")
    page.screenshot(path=shot("admin_editor_change_form"), full_page=True)

    page.select_option("select[name='CHANGE_FORM-action']", "publish_selected")
    page.get_by_role("button", name="Run").first.click()
    page.wait_for_load_state()
    said = page.locator(".messagelist").inner_text()
    assert "“Start-ups teach AI small languages” is live" in said
    newsroom["draft"].refresh_from_db()
    assert newsroom["draft"].status == Article.Status.PUBLISHED


def test_reporter_sees_only_their_work_and_no_way_to_publish(
    page, live_server, reporter, editor, newsroom
):
    ArticleFactory(headline="An editor's own story", created_by=editor)
    log_in(page, live_server, "reporter")
    page.goto(live_server.url + "/admin/articles/article/")
    rows = page.locator("#result_list tbody tr")
    assert sorted(rows.locator("th a").all_inner_texts()) == [
        "Chipmakers race to stack memory",
        "Start-ups teach AI small languages",
    ]
    actions = page.locator("select[name=action] option").all_inner_texts()
    assert "Submit selected drafts for review" in actions
    assert not any("Publish" in a for a in actions)
    page.screenshot(path=shot("admin_reporter_changelist"), full_page=True)

    page.get_by_role("link", name="Start-ups teach AI small languages").click()
    expect(page.locator("select[name=status]")).to_be_visible()
    statuses = page.locator("select[name=status] option").all_inner_texts()
    assert statuses == ["Draft", "In review"]
    assert page.locator("input[name=is_breaking]").count() == 0  # read-only for reporters
    page.screenshot(path=shot("admin_reporter_change_form"), full_page=True)

    page.select_option("select[name=status]", "in_review")
    page.get_by_role("button", name="Save", exact=True).first.click()
    page.wait_for_load_state()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    newsroom["draft"].refresh_from_db()
    assert newsroom["draft"].status == Article.Status.IN_REVIEW


def test_an_action_run_with_unsaved_edits_keeps_what_was_typed(page, live_server, editor, newsroom):
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/{newsroom['live'].pk}/change/")
    page.fill("#id_headline", "Chipmakers race to stack memory, and win")
    page.select_option("select[name='CHANGE_FORM-action']", "breaking_for_two_hours")
    page.get_by_role("button", name="Run").first.click()
    page.wait_for_load_state()
    expect(page.locator("#article_form .errorlist.nonfield")).to_contain_text(
        "Save your changes first"
    )
    expect(page.locator("#id_headline")).to_have_value("Chipmakers race to stack memory, and win")
    newsroom["live"].refresh_from_db()
    assert newsroom["live"].headline == "Chipmakers race to stack memory"
    assert not newsroom["live"].is_breaking
