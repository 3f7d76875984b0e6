"""The article admin on a phone (390 px wide, in Debian's chromium): no page scrolls
sideways; what is wider than the screen (the list's table) scrolls inside its own box."""

import pytest

from articles.models import Correction
from editorial.services import workflow
from tests.support.browser import (
    ARTIFACTS,  # `browser`/`page` fixtures come from tests/conftest.py
    log_in,
)
from tests.support.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    DeskFactory,
    PhotoFactory,
)

pytestmark = pytest.mark.e2e

# What sticks out past the right edge of the screen, for the failure message.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .filter(el => {
      for (let a = el.parentElement; a; a = a.parentElement) {
        if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return false;
      }
      return true;
    })
    .slice(0, 8)
    .map(el => el.tagName + (el.id ? '#' + el.id : '') + '.' + [...el.classList].join('.')
         + ' ' + Math.round(el.getBoundingClientRect().right));
}"""


@pytest.fixture(autouse=True)
def _real_commits(transactional_db):
    """The live server's thread must see what the test writes (the roles' groups are there:
    they are applied again after every flush, core/apps.py)."""


@pytest.fixture
def story(transactional_db, settings, editor):
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    desk = DeskFactory(name="Technology", slug="technology")
    article = ArticleFactory(
        headline="Chipmakers race to stack memory on a very long headline for narrow screens",
        slug="chipmakers-race-to-stack-memory-on-a-very-long-headline-for-narrow-screens",
        desk=desk,
        hero_photo=PhotoFactory(credit_name="Abderrahmane Habibi"),
    )
    Correction.objects.create(article=article, text="An earlier version misspelt a name.")
    workflow.article_unpublish(article=article, user=editor, note="Legal hold, for now")
    workflow.article_publish(article=article, user=editor)
    BylineFactory(article=article, author=AuthorFactory(name="Daniel Okafor"))
    return article


def sideways(page) -> tuple[int, int, list[str]]:
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return sizes[0], sizes[1], page.evaluate(OVERFLOWING)


@pytest.mark.parametrize("where", ["change", "changelist", "add", "revisions", "scheduled"])
def test_the_article_admin_does_not_scroll_sideways_at_390px(
    page, live_server, editor, story, where
):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "editor")
    path = {
        "change": f"/admin/articles/article/{story.pk}/change/",
        "changelist": "/admin/articles/article/",
        "add": "/admin/articles/article/add/",
        "revisions": f"/admin/articles/article/{story.pk}/revisions/",
        "scheduled": "/admin/articles/article/scheduled/",
    }[where]
    page.goto(live_server.url + path)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"article-{where}-390.png"), full_page=True)
    scroll, width, culprits = sideways(page)
    assert scroll <= width, f"{where}: {scroll}px wide in a {width}px screen: {culprits}"
