"""The body's rich text editor in a real browser (Debian's chromium) under the site's own
CSP: it loads with no CSP violation, reads the seed article back byte for byte, and a
paste from Google Docs gives what the server's cleaner gives."""

from pathlib import Path

import pytest

from articles.body import sanitise_body
from tests.support.browser import log_in
from tests.support.factories import ArticleFactory, PhotoFactory
from tests.support.seed_article import build_seed_article

pytestmark = pytest.mark.e2e
CLIPBOARD = Path(__file__).parent / "clipboard"

WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture(autouse=True)
def _real_commits(transactional_db):
    """The live server's thread must see what the test writes (the roles' groups are there:
    they are applied again after every flush, core/apps.py)."""


@pytest.fixture
def editing(page, live_server, editor):
    """The seed article's form open in the editor, CSP violations and console errors kept."""
    article = build_seed_article()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text} {m.location}"))
    page.add_init_script(WATCH_CSP)
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.wait_for_selector(".prose-editor .ProseMirror[contenteditable=true]")
    page.wait_for_selector(".prose-menubar")
    return article, messages


def editor_html(page) -> str:
    return page.evaluate("document.querySelector('.prose-editor').articleEditor.getHTML()")


def test_the_editor_loads_under_the_csp_without_a_violation(editing, page):
    _article, messages = editing
    assert page.evaluate("window.__csp") == []
    problems = [m for m in messages if "Content Security Policy" in m or m.startswith("error")]
    assert not [m for m in problems if "favicon.ico" not in m]
    assert page.locator("style[data-tiptap-style]").count() == 0  # no injected CSS
    policy = page.evaluate("document.querySelector('script[type=importmap]').nonce")
    assert policy  # the import map ran under the request's nonce
    for label in ("boxed aside", "insert photo", "embed a link", "insert link"):
        assert page.locator(f".prose-menubar [title='{label}']").count() == 1, label


def test_the_editor_reads_the_seed_back_byte_for_byte(editing, page):
    article, _messages = editing
    assert editor_html(page) == article.body
    title = page.locator(".ProseMirror[contenteditable=true] aside.aside h2.aside__title")
    assert title.text_content() == "The Alverno Alpha Analysis"


def test_the_word_count_and_reading_time_follow_the_text(editing, page):
    article, _messages = editing
    length = page.locator(".nr-body-length")
    assert length.text_content().endswith(f"· {article.reading_minutes} min read")
    page.evaluate(
        "document.querySelector('.prose-editor').articleEditor.commands.setContent("
        "'<p>Three short words.</p>', {emitUpdate: true})"
    )
    assert length.text_content() == "3 words · 1 min read"


def test_a_google_docs_paste_gives_what_the_server_keeps(editing, page):
    pasted = (CLIPBOARD / "google_docs.html").read_text()
    page.evaluate("document.querySelector('.prose-editor').articleEditor.commands.setContent('')")
    page.click(".ProseMirror[contenteditable=true]")
    page.evaluate(
        """(html) => {
          const data = new DataTransfer();
          data.setData("text/html", html);
          data.setData("text/plain", "Trams");
          const event = new ClipboardEvent("paste", { clipboardData: data, bubbles: true });
          document.querySelector(".ProseMirror[contenteditable=true]").dispatchEvent(event);
        }""",
        pasted,
    )
    html = editor_html(page)
    assert "style=" not in html and "docs-internal-guid" not in html
    assert "<strong>nine to two</strong>" in html and "<em>Line 4</em>" in html
    assert sanitise_body(html) == html  # what the editor makes, the server keeps as it is
    assert sanitise_body(pasted) == html
    assert page.evaluate("window.__csp") == []


def test_a_video_loads_only_when_the_reader_clicks(page, live_server, settings):
    settings.PAGE_CACHE_ENABLED = False
    article = ArticleFactory(
        body='<p>Watch.</p><figure data-embed-url="https://youtu.be/aircAruvnKk"></figure>'
    )
    outside: list[str] = []

    def only_this_site(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_site)
    page.add_init_script(WATCH_CSP)
    page.goto(live_server.url + article.get_absolute_url())
    button = page.locator("figure.embed .embed__load")
    button.wait_for(state="visible")
    assert outside == [] and page.locator("iframe").count() == 0
    button.click()
    frame = page.locator("figure.embed iframe")
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/aircAruvnKk"
    page.wait_for_timeout(300)
    assert outside and all(url.startswith("https://www.youtube-nocookie.com/") for url in outside)
    assert page.evaluate("window.__csp") == []


def test_a_photo_is_inserted_from_the_toolbar(editing, page):
    photo = PhotoFactory()
    page.evaluate("document.querySelector('.prose-editor').articleEditor.commands.setContent('')")
    page.click(".prose-menubar [title='insert photo']")  # the library's picker
    page.click(f"dialog.nr-picker-dialog .nr-picker-item[data-photo-id='{photo.pk}']")
    page.wait_for_function("!document.querySelector('dialog.nr-picker-dialog')")
    assert f'<figure data-photo-id="{photo.pk}"></figure>' in editor_html(page)
    assert page.evaluate("document.getElementById('id_body').value") == editor_html(page)


def test_the_editor_reads_every_demo_body_back_byte_for_byte(editing, page):
    from articles.markdown import body_from_markdown
    from demo import content

    bodies = [
        body_from_markdown(spec["body"])
        for spec in [*content.OTHER_ARTICLES, *content.DRAFT_ARTICLES]
    ]
    bodies += [
        '<p>A</p><figure data-photo-id="7"></figure>'
        '<figure data-embed-url="https://youtu.be/aircAruvnKk?t=1&amp;x=&quot;"></figure>',
        "<ol><li><p>one</p><ul><li><p>two</p></li></ul></li></ol><blockquote><p>q</p></blockquote>",
        '<ol start="3"><li><p>three</p></li></ol>',
        '<aside class="aside"><h2 class="aside__title">Box</h2><h3>Sub</h3><p>x</p></aside>',
        "<p>a&nbsp;b &amp; c &lt;d&gt; <strong><em>e</em></strong><br>f</p>",
        (CLIPBOARD / "google_docs.expected.html").read_text().strip(),
        (CLIPBOARD / "word.expected.html").read_text().strip(),
    ]
    read_back = page.evaluate(
        """(bodies) => {
          const editor = document.querySelector('.prose-editor').articleEditor;
          return bodies.map((body) => {
            editor.commands.setContent(body);
            return editor.getHTML();
          });
        }""",
        bodies,
    )
    for body, html in zip(bodies, read_back, strict=True):
        assert html == body
        assert sanitise_body(html) == html


def test_a_3000_word_google_docs_paste_keeps_its_structure_in_the_editor(editing, page):
    from tests.articles.test_body import LONG_DOCS, counts, words

    pasted = LONG_DOCS.read_text()
    page.evaluate("document.querySelector('.prose-editor').articleEditor.commands.setContent('')")
    page.click(".ProseMirror[contenteditable=true]")
    page.evaluate(
        """(html) => {
          const data = new DataTransfer();
          data.setData("text/html", html);
          data.setData("text/plain", "The long read");
          const event = new ClipboardEvent("paste", { clipboardData: data, bubbles: true });
          document.querySelector(".ProseMirror[contenteditable=true]").dispatchEvent(event);
        }""",
        pasted,
    )
    html = editor_html(page)
    assert counts(html) == counts(pasted)
    assert len(words(html)) >= 3000 and words(html) == words(pasted)
    assert "style=" not in html
    assert sanitise_body(pasted) == html
    assert page.evaluate("window.__csp") == []
