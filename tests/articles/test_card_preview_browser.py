"""The social/search card's preview in a real browser under the CSP: it follows the
headline and standfirst, then the overrides as they are typed."""

import pytest

from tests.articles.test_editor_browser import WATCH_CSP
from tests.support.browser import log_in
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _real_commits(transactional_db):
    """The live server's thread must see what the test writes (the roles' groups are there:
    they are applied again after every flush, core/apps.py)."""


def test_the_card_preview_follows_what_is_typed(page, live_server, editor):
    article = ArticleFactory(draft=True, headline="Trams return", standfirst="After two years.")
    page.add_init_script(WATCH_CSP)
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    title = page.locator("#nr-card-preview .nr-card__title")
    description = page.locator("#nr-card-preview .nr-card__description")
    assert title.inner_text() == "Trams return"
    page.fill("#id_headline", "Trams are back")
    assert title.inner_text() == "Trams are back"
    page.fill("#id_social_title", "Back on track")
    page.fill("#id_social_description", "What changes for riders.")
    assert title.inner_text() == "Back on track"
    assert description.inner_text() == "What changes for riders."
    page.fill("#id_social_title", "")
    assert title.inner_text() == "Trams are back"
    assert page.evaluate("window.__csp") == []
