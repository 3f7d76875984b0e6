"""Autosave in a real browser (Debian's chromium) under the site's CSP: typing is kept on
the server while this page holds the edit lock, closing the page loses nothing, reopening
offers it back (restore fills the form, discard forgets it), and a second editor's page
cannot autosave over the first's."""

import time

import pytest
from django.contrib.auth.models import Group, User

from articles.models import Article
from editorial.models import EditLock, Revision
from tests.articles.test_editor_browser import WATCH_CSP
from tests.support.browser import log_in
from tests.support.factories import ArticleFactory, DeskFactory
from tests.support.personas import every_desk

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _real_commits(transactional_db, settings):
    settings.ARTICLE_AUTOSAVE_SECONDS = 1


@pytest.fixture
def article(editor):
    editor.first_name, editor.last_name = "Ada", "Lovelace"
    editor.save()
    return ArticleFactory(draft=True, headline="Original headline", body="<p>Saved text.</p>")


@pytest.fixture
def ben(db):
    user = User.objects.create_user(
        "ben", password="pw-ben", first_name="Ben", last_name="Okri", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    every_desk(user)
    return user


def open_form(page, live_server, username: str | None, path: str) -> list[str]:
    """The form at `path`, after logging in as `username` (None: already logged in)."""
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.add_init_script(WATCH_CSP)
    if username:
        log_in(page, live_server, username)
    page.goto(live_server.url + path)
    page.wait_for_selector(".prose-editor .ProseMirror[contenteditable=true]")
    return messages


def change_path(article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def type_into_body(page, text: str) -> None:
    page.locator(".prose-editor .ProseMirror[contenteditable=true] p").first.click()
    page.keyboard.press("Control+Home")
    page.keyboard.type(text)


def wait_for(check, seconds: float = 20) -> None:  # a loaded CI machine is slow
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def no_csp_trouble(page, messages) -> None:
    assert page.evaluate("window.__csp") == []
    assert not [m for m in messages if "Content Security Policy" in m]


def test_typing_is_autosaved_without_touching_the_article_and_restored_after_closing(
    page, live_server, editor, article
):
    version = article.version
    log_in(page, live_server, "editor")
    page = page.context.new_page()  # this one is closed below; the fixture's stays open
    messages = open_form(page, live_server, None, change_path(article))
    page.fill("#id_headline", "A headline typed but not saved")
    type_into_body(page, "Unsaved words. ")
    page.wait_for_selector("#nr-autosave-status:has-text('autosaved at')")
    # Autosave runs while typing: wait for the one after the last key.
    wait_for(
        lambda: Revision.autosaves.filter(
            article=article, changes__body__startswith="<p>Unsaved words. Saved text."
        ).exists()
    )
    kept = Revision.autosaves.get(article=article, user=editor)
    assert kept.changes["headline"] == "A headline typed but not saved"
    assert kept.changes["body"].startswith("<p>Unsaved words. Saved text.")
    stored = Article.objects.get(pk=article.pk)
    assert (stored.version, stored.headline) == (version, "Original headline")
    assert not Revision.objects.filter(article=article).exists()  # no kept revision
    no_csp_trouble(page, messages)

    context = page.context
    page.close()
    again = context.new_page()
    messages = open_form(again, live_server, None, change_path(article))
    offer = again.locator("#nr-autosave-offer")
    offer.wait_for()
    assert "You have changes to this article that were never saved" in offer.inner_text()
    assert again.input_value("#id_headline") == "Original headline"  # nothing until asked
    again.get_by_role("button", name="Restore my unsaved changes").click()
    assert again.input_value("#id_headline") == "A headline typed but not saved"
    assert again.evaluate("document.getElementById('id_body').value").startswith(
        "<p>Unsaved words. Saved text."
    )
    again.get_by_role("button", name="Save and continue editing").first.click()
    again.wait_for_selector(".messagelist")
    stored.refresh_from_db()
    assert stored.headline == "A headline typed but not saved"
    assert stored.body.startswith("<p>Unsaved words. Saved text.")
    assert not Revision.autosaves.exists()  # saved: the autosave is gone
    assert again.locator("#nr-autosave-offer").count() == 0
    no_csp_trouble(again, messages)


def test_closing_the_page_between_autosaves_loses_nothing(
    page, live_server, editor, article, settings
):
    settings.ARTICLE_AUTOSAVE_SECONDS = 600  # only the page's last post can keep the text
    log_in(page, live_server, "editor")
    page = page.context.new_page()  # this one is closed below; the fixture's stays open
    open_form(page, live_server, None, change_path(article))
    type_into_body(page, "Typed just before closing. ")
    page.close()
    wait_for(lambda: Revision.autosaves.filter(article=article).exists())
    assert Revision.autosaves.get().changes["body"].startswith("<p>Typed just before closing.")
    wait_for(lambda: not EditLock.objects.filter(article=article).exists())  # let go too


def test_discarding_forgets_the_autosave(page, live_server, editor, article):
    Revision.every.create(
        article=article,
        user=editor,
        number=0,
        is_autosave=True,
        changes={"headline": "Old try", "standfirst": "", "body": "<p>x</p>"},
    )
    open_form(page, live_server, "editor", change_path(article))
    page.get_by_role("button", name="Discard them").click()
    page.wait_for_selector("#nr-autosave-offer:has-text('discarded')")
    assert not Revision.autosaves.exists()
    assert page.input_value("#id_headline") == "Original headline"


def test_the_second_editor_cannot_autosave_over_the_first(
    page, browser, live_server, editor, ben, article
):
    """Two browsers, two editors (the `page` fixture serves the static files unhashed)."""
    ada_context = browser.new_context(viewport={"width": 1280, "height": 900})
    ben_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        ada = ada_context.new_page()
        ada_messages = open_form(ada, live_server, "editor", change_path(article))
        type_into_body(ada, "Ada's words. ")
        ada.wait_for_selector("#nr-autosave-status:has-text('autosaved at')")
        wait_for(
            lambda: Revision.autosaves.filter(
                user=editor, changes__body__startswith="<p>Ada's words. "
            ).exists()
        )

        ben_page = ben_context.new_page()
        ben_messages = open_form(ben_page, live_server, "ben", change_path(article))
        assert "Being edited by Ada Lovelace" in ben_page.locator(".nr-lock").inner_text()
        assert ben_page.locator("#nr-autosave").count() == 0  # his page does not autosave
        # Even posted by hand, with his own session and token, it is refused.
        status = ben_page.evaluate(
            """async (url) => {
              const body = new FormData();
              body.append("csrfmiddlewaretoken",
                document.querySelector("input[name=csrfmiddlewaretoken]").value);
              body.append("headline", "Ben's");
              body.append("body", "<p>Ben's words</p>");
              return (await fetch(url, {method: "POST", body})).status;
            }""",
            f"/admin/articles/article/{article.pk}/autosave/",
        )
        assert status == 409
        assert Revision.autosaves.get(user=editor).changes["body"].startswith("<p>Ada's words.")
        assert not Revision.autosaves.filter(user=ben).exists()

        # Ben takes over: Ada's page stops autosaving and says why.
        ben_page.get_by_role("button", name="Take over editing").click()
        ben_page.wait_for_selector("#nr-autosave", state="attached")
        type_into_body(ada, "More from Ada. ")
        ada.wait_for_selector(
            "#nr-autosave-status:has-text('Ben Okri is editing this article now')"
        )
        assert Revision.autosaves.get(user=editor).changes["body"].startswith("<p>Ada's words.")
        type_into_body(ben_page, "Ben's words. ")
        ben_page.wait_for_selector("#nr-autosave-status:has-text('autosaved at')")
        wait_for(
            lambda: Revision.autosaves.filter(
                user=ben, changes__body__startswith="<p>Ben's words. "
            ).exists()
        )
        assert Revision.autosaves.get(user=ben).changes["body"].startswith("<p>Ben's words.")
        assert Article.objects.get(pk=article.pk).body == "<p>Saved text.</p>"
        no_csp_trouble(ada, ada_messages)
        no_csp_trouble(ben_page, ben_messages)
    finally:
        ada_context.close()
        ben_context.close()


def test_a_new_article_is_autosaved_and_offered_back(page, live_server, editor):
    DeskFactory()
    messages = open_form(page, live_server, "editor", "/admin/articles/article/add/")
    page.fill("#id_headline", "A story not saved yet")
    type_into_body(page, "Its first words.")
    page.wait_for_selector("#nr-autosave-status:has-text('autosaved at')")
    wait_for(
        lambda: Revision.autosaves.filter(
            article=None, changes__body__icontains="Its first words."
        ).exists()
    )
    page.reload()
    page.wait_for_selector("#nr-autosave-offer")
    assert "You started a new article that was never saved" in page.inner_text("#nr-autosave-offer")
    page.get_by_role("button", name="Restore my unsaved changes").click()
    assert page.input_value("#id_headline") == "A story not saved yet"
    assert "Its first words." in page.evaluate("document.getElementById('id_body').value")
    no_csp_trouble(page, messages)
