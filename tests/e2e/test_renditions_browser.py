"""Responsive photos in a real browser (Debian's chromium): which file the browser picks,
that it is sharp enough and no bigger than needed, and that nothing shifts as it loads."""

import itertools
import re

import pytest
from django.core.files.base import ContentFile

from photos.services import photo_process
from tests.articles import renditions_images as images
from tests.browser import ARTIFACTS
from tests.factories import ArticleFactory, DeskFactory, PhotoFactory

pytestmark = pytest.mark.e2e

HERO = "figure.hero img"
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


@pytest.fixture
def article(transactional_db, settings):
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    image = ContentFile(images.jpeg(images.picture(2400, 1600)), name="hero.jpg")
    photo = photo_process(photo_id=PhotoFactory(image=image).pk)
    return ArticleFactory(hero_photo=photo)


def hero_state(page) -> dict:
    """What the browser chose for the hero; `file` is that file's width in pixels (the
    rendition's name says it: naturalWidth is divided by the srcset density)."""
    page.wait_for_function(f"document.querySelector('{HERO}').complete")
    state = page.eval_on_selector(
        HERO,
        """img => ({src: img.currentSrc, natural: img.naturalWidth, shown: img.clientWidth,
                   loading: img.loading, priority: img.fetchPriority})""",
    )
    width = re.search(r"-w(\d+)-\w+\.\w+$", state["src"])
    state["file"] = int(width.group(1)) if width else state["natural"]
    return state


def test_a_desktop_browser_loads_a_modern_format_sized_for_the_column(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())

    hero = hero_state(page)

    assert hero["src"].endswith((".avif", ".webp")), hero
    assert "/media/renditions/" in hero["src"]
    # Big enough to be sharp in the column it fills, and not the 1920 one it does not need.
    assert hero["shown"] == 992 and hero["file"] == 1280, hero
    assert (hero["loading"], hero["priority"]) == ("eager", "high")
    assert page.evaluate(LAYOUT_SHIFT) < 0.01


def test_a_phone_with_a_dense_screen_gets_enough_pixels(browser, live_server, article):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + article.get_absolute_url())
        hero = hero_state(page)
        page.screenshot(path=str(ARTIFACTS / "renditions-phone.png"))
    finally:
        context.close()

    assert hero["shown"] == 390 and hero["file"] == 960, hero  # 780 device pixels needed


def test_a_pending_photo_shows_its_original_at_the_right_shape(page, live_server, settings):
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    image = ContentFile(images.jpeg(images.picture(1200, 800)), name="new.jpg")
    article = ArticleFactory(hero_photo=PhotoFactory(image=image))

    page.goto(live_server.url + article.get_absolute_url())

    hero = hero_state(page)
    assert "/media/photos/" in hero["src"] and hero["natural"] == 1200
    box = page.eval_on_selector(HERO, "img => img.getBoundingClientRect().toJSON()")
    assert abs(box["width"] / box["height"] - 1.5) < 0.01
    assert page.evaluate(LAYOUT_SHIFT) < 0.01


def test_every_card_gets_a_file_as_wide_as_it_is_shown(browser, live_server, settings):
    """The sizes each template passes must match the CSS, on a desktop and on a phone: too
    small a file is blurry, too big a file is wasted bandwidth."""
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    pair, four = DeskFactory(), DeskFactory()
    for desk in [pair, pair, four, four, four, four]:
        image = ContentFile(images.jpeg(images.picture(1400, 900)), name="card.jpg")
        ArticleFactory(desk=desk, hero_photo=photo_process(photo_id=PhotoFactory(image=image).pk))

    screens = [({"width": 1280, "height": 900}, 1), ({"width": 390, "height": 844}, 2)]
    for (viewport, density), (path, count) in itertools.product(
        screens, [("/", 5), (four.get_absolute_url(), 4)]
    ):
        # A fresh context each time: Chrome reuses a bigger file it already has in cache.
        context = browser.new_context(viewport=viewport, device_scale_factor=density)
        try:
            page = context.new_page()
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            shown = page.eval_on_selector_all(
                "picture img",
                "imgs => imgs.map(img => ({src: img.currentSrc, shown: img.clientWidth}))",
            )
        finally:
            context.close()

        assert len(shown) >= count, path  # home: the lead, a top story, the desk cards
        for image in shown:
            width = int(re.search(r"-w(\d+)-", image["src"]).group(1))
            needed = image["shown"] * density
            assert needed <= width < 2 * needed, (path, viewport, image)
