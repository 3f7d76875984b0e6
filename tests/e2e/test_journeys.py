"""The whole product, one person at a time, in Debian's chromium against a live server.

- A reader goes from the home page to a desk, to an article, and leaves a comment.
- A moderator signs in, approves it from the queue with the keyboard, and readers see it.
- An editor signs in, uploads a photo, writes an article with it, publishes it, and it is
  on the home page with the photographer's credit (renditions made by a real Celery worker).
- A reporter writes a draft and finds no way to publish it, not even a crafted request.

Each step leaves a screenshot in tests/e2e/artifacts/ (git-ignored; CI keeps them).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from comments.models import Comment
from photos.models import Photo
from tests.articles import seed_article as seed
from tests.browser import ARTIFACTS
from tests.comments.conftest import CommentFactory
from tests.factories import jpeg_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_csp_violations_or_script_errors(browser):
    """Every page any journey opens, admin included, must run without the browser refusing
    something under the Content Security Policy and without a script error."""
    problems: list[str] = []

    def watch(page) -> None:
        page.on(
            "console",
            lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    def on_context(context) -> None:
        context.on("page", watch)

    original = browser.new_context

    def new_context(*args, **kwargs):
        context = original(*args, **kwargs)
        on_context(context)
        return context

    browser.new_context = new_context
    try:
        yield problems
    finally:
        browser.new_context = original
    assert problems == []


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)


def sign_in(page, live_server, username: str, start: str = "/admin/") -> None:
    """Sign in through the login page that `start` sends an anonymous visitor to."""
    page.goto(live_server.url + start)
    assert "/admin/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(re.escape(live_server.url + start) + "$"))


@pytest.fixture
def newsroom():
    return seed.build_seed_article()


def test_a_reader_goes_from_home_to_a_desk_to_an_article_and_comments(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    shot(page, "reader-1-home")
    page.locator("nav").get_by_role("link", name="Technology").first.click()
    expect(page).to_have_url(live_server.url + "/technology/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Technology")
    shot(page, "reader-2-desk")

    page.get_by_role("link", name=seed.HEADLINE).first.click()
    expect(page).to_have_url(live_server.url + newsroom.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(seed.HEADLINE)
    page.get_by_role("link", name="Join the discussion ↓").click()
    page.get_by_role("textbox", name="Name").fill("Ada Reader")
    page.get_by_role("textbox", name="Email").fill("ada@example.net")
    page.get_by_role("textbox", name="Comment").fill(
        "Open weights change who gets to build on these models."
    )
    shot(page, "reader-3-form")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()

    expect(page).to_have_url(
        f"{live_server.url}{newsroom.get_absolute_url()}?posted=awaiting#leave-a-comment"
    )
    expect(page.locator("#comment-posted")).to_contain_text(
        "Thanks — your comment is awaiting moderation."
    )
    shot(page, "reader-4-awaiting")
    comment = Comment.objects.get()
    assert (comment.name, comment.status) == ("Ada Reader", Comment.Status.PENDING)
    assert "Open weights change" not in page.locator(".conversation").inner_text()


def test_a_moderator_approves_from_the_queue_by_keyboard_and_readers_see_it(
    browser, page, live_server, newsroom, moderator
):
    held = CommentFactory(
        article=newsroom, name="Ada Reader", body="Open weights change who gets to build."
    )
    sign_in(page, live_server, "moderator", start="/moderation/")
    item = page.locator(f"[data-comment-id='{held.pk}']")
    expect(item).to_contain_text("Open weights change who gets to build.")
    shot(page, "moderator-1-queue")
    page.keyboard.press("a")
    expect(item).to_have_count(0)
    shot(page, "moderator-2-cleared")
    held.refresh_from_db()
    assert (held.status, held.moderated_by) == (Comment.Status.APPROVED, moderator)

    reader = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        article = reader.new_page()
        article.goto(live_server.url + newsroom.get_absolute_url())
        conversation = article.locator(".conversation")
        expect(conversation).to_contain_text("Open weights change who gets to build.")
        expect(conversation).to_contain_text("Ada Reader")
        assert re.search(r"Conversation\s+1 comment\b", conversation.inner_text())
        shot(article, "moderator-3-visible-to-readers")
    finally:
        reader.close()


def test_an_editor_uploads_a_photo_writes_publishes_and_it_is_on_the_home_page_with_credit(
    browser, page, live_server, newsroom, editor, celery_worker, tmp_path
):
    upload = tmp_path / "harbour.jpg"
    upload.write_bytes(jpeg_bytes(960, 540, (20, 110, 90)))
    sign_in(page, live_server, "editor")

    page.goto(live_server.url + "/admin/photos/photo/add/")
    page.set_input_files("#id_image", str(upload))
    page.fill("#id_alt_text", "Container cranes at dawn in a harbour")
    page.fill("#id_caption", "The harbour at dawn.")
    page.fill("#id_credit_name", "Lina Haddad")
    shot(page, "editor-1-photo")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    photo = Photo.objects.get(credit_name="Lina Haddad")

    page.goto(live_server.url + "/admin/articles/article/add/")
    page.locator("#id_headline").press_sequentially("Harbour cranes go electric")
    expect(page.locator("#id_slug")).to_have_value("harbour-cranes-go-electric")
    page.select_option("#id_desk", label="Technology")
    page.fill("#id_standfirst", "The port's last diesel cranes retire this spring.")
    # The body is the rich text editor (its textarea follows it).
    page.locator(".prose-editor .ProseMirror[contenteditable=true]").fill(
        "The port switched its last diesel cranes off."
    )
    # The hero photo is an autocomplete (select2): type, then pick the match.
    page.locator(".field-hero_photo .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("cranes")
    page.locator(".select2-results__option", has_text="Container cranes").click()
    shot(page, "editor-2-article")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.select_option("select[name='CHANGE_FORM-action']", "publish_selected")
    page.get_by_role("button", name="Run").first.click()
    expect(page.locator(".messagelist")).to_contain_text("“Harbour cranes go electric” is live")
    article = Article.objects.get(slug="harbour-cranes-go-electric")
    assert (article.status, article.hero_photo_id) == (Article.Status.PUBLISHED, photo.pk)

    reader = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        home = reader.new_page()
        home.goto(live_server.url + "/")
        card = home.locator("article.card", has_text="Harbour cranes go electric").first
        expect(card).to_be_visible()
        expect(card).to_contain_text("Photo: Lina Haddad")
        image = card.locator("img").first
        assert image.get_attribute("alt") in ("", "Container cranes at dawn in a harbour")
        assert home.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle())
        shot(home, "editor-3-home")
    finally:
        reader.close()
    photo.refresh_from_db()
    assert photo.status == Photo.Status.READY  # the worker made its renditions


def test_a_reporter_writes_a_draft_and_cannot_publish_it_by_any_path(
    page, live_server, newsroom, reporter
):
    sign_in(page, live_server, "reporter")
    page.goto(live_server.url + "/admin/articles/article/add/")
    assert page.locator("select[name=status] option").all_inner_texts() == ["Draft", "In review"]
    page.fill("#id_headline", "Night ferries return")
    page.select_option("#id_desk", label="Technology")
    page.fill("#id_standfirst", "Two routes come back in March.")
    page.locator(".prose-editor .ProseMirror[contenteditable=true]").fill(
        "Two night ferry routes return in March."
    )
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    shot(page, "reporter-1-draft")
    draft = Article.objects.get(slug="night-ferries-return")

    offered = page.locator("select[name='CHANGE_FORM-action'] option").all_inner_texts()
    assert not any("Publish" in text for text in offered), offered
    # A crafted request with the page's own session and CSRF token: refused all the same.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = page.request.post(
        live_server.url + "/admin/articles/article/",
        form={
            "csrfmiddlewaretoken": token,
            "action": "publish_selected",
            "_selected_action": str(draft.pk),
            "index": "0",
        },
        headers={"Referer": live_server.url + "/admin/articles/article/"},
    )
    assert response.ok
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert draft.published_at is None

    page.goto(live_server.url + "/")
    expect(page.locator("main")).not_to_contain_text("Night ferries return")
    shot(page, "reporter-2-home-without-the-draft")
