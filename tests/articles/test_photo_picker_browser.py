"""The photo picker in a real browser (Debian's chromium) under the admin's own CSP: a
thumbnail picked into the hero and into the text, by mouse and by keyboard; an upload from
the picker; the focal point set by a click on the photo's page and on the chosen hero
photo; a photo's credit completed in the pop-up updating the "cannot be published" notice
without a save. Screenshots (desktop and 390 px) land in tests/e2e/artifacts/."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from photos.models import Photo
from photos.services import photo_process
from tests.articles.test_admin_browser import shot
from tests.articles.test_editor_browser import WATCH_CSP
from tests.e2e.test_accessibility import AXE, AXE_TAGS
from tests.support import images as images
from tests.support.browser import log_in
from tests.support.factories import ArticleFactory, DeskFactory, PhotoFactory

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _site(transactional_db, settings):
    settings.ROOT_URLCONF = "tests.articles.media_urls"  # the pictures, served


@pytest.fixture
def library():
    """A ready photo, one still pending, and one ready lacking a credit."""
    from django.core.files.base import ContentFile

    tram = photo_process(
        photo_id=PhotoFactory(
            image=ContentFile(images.jpeg(images.picture(1300, 800)), name="tram.jpg"),
            alt_text="A tram at the quay",
            caption="The 6 at dusk.",
            credit_name="Ann Lee",
        ).pk
    )
    pending = PhotoFactory(alt_text="Harbour cranes", credit_name="Bo Chen")
    uncredited = photo_process(
        photo_id=PhotoFactory(alt_text="Ferry deck", credit_name="", caption="").pk
    )
    return {"tram": tram, "pending": pending, "uncredited": uncredited}


@pytest.fixture
def draft(editor):
    return ArticleFactory(
        draft=True,
        desk=DeskFactory(name="Transport", slug="transport"),
        headline="Trams return to the quay",
        created_by=editor,
    )


def watch(page) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.add_init_script(WATCH_CSP)
    return messages


def no_csp_violation(page, messages, *, expected: str = "") -> None:
    """No CSP violation and no error in the console (`expected`: one the test caused)."""
    assert page.evaluate("window.__csp") == []
    problems = [m for m in messages if "Content Security Policy" in m or m.startswith("error")]
    assert [m for m in problems if "favicon" not in m and not (expected and expected in m)] == []


def loaded(images) -> None:
    """Every picture in `images` loaded (polled by Playwright, outside the page's CSP)."""
    for index in range(images.count()):
        expect(images.nth(index)).to_have_js_property("complete", True)
        assert images.nth(index).evaluate("img => img.naturalWidth") > 0


def axe_violations_in(page, selector: str) -> list[dict]:
    """axe-core's findings inside `selector` only (the rest of the admin is Django's)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "([selector, tags]) => axe.run({include: [selector]}, "
        "{runOnly: {type: 'tag', values: tags}})",
        [selector, AXE_TAGS],
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


def open_form(page, live_server, article) -> None:
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.wait_for_selector(".prose-editor .ProseMirror[contenteditable=true]")


def test_an_editor_picks_a_thumbnail_as_the_hero_photo(page, live_server, editor, library, draft):
    messages = watch(page)
    log_in(page, live_server, "editor")
    open_form(page, live_server, draft)
    expect(page.locator("[data-picker-chosen]")).to_contain_text("No hero photo chosen.")
    page.get_by_role("button", name="Choose from the library…").click()
    dialog = page.get_by_role("dialog", name="Choose the hero photo")
    expect(dialog).to_be_visible()
    tram = dialog.locator(f".nr-picker-item[data-photo-id='{library['tram'].pk}']")
    expect(tram.locator("img")).to_have_attribute("src", library["tram"].smallest_rendition().url)
    expect(tram).to_contain_text("Photo: Ann Lee")
    pending = dialog.locator(f".nr-picker-item[data-photo-id='{library['pending'].pk}']")
    expect(pending.locator(".nr-picker__pending")).to_have_text("Renditions pending")
    expect(
        dialog.locator(f".nr-picker-item[data-photo-id='{library['uncredited'].pk}']")
    ).to_contain_text("Cannot be published: no credit")
    loaded(dialog.locator(".nr-picker-item img"))
    page.screenshot(path=shot("photo_picker_dialog"))

    dialog.get_by_label("Search alt text, caption and credit").fill("tram")
    dialog.get_by_role("button", name="Search").click()
    expect(dialog.locator(".nr-picker-item")).to_have_count(1)
    expect(dialog.get_by_role("status")).to_have_text("1 photo for “tram”.")
    tram.click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#id_hero_photo")).to_have_value(str(library["tram"].pk))
    expect(page.locator(".nr-hero-preview")).to_contain_text("Photo: Ann Lee")
    expect(page.locator("#nr-photo-notice")).to_contain_text(
        "Every photo has alt text and a credit."
    )
    page.screenshot(path=shot("photo_picker_hero_chosen"), full_page=True)

    page.get_by_role("button", name="Save and continue editing").first.click()
    page.wait_for_load_state()
    draft.refresh_from_db()
    assert draft.hero_photo_id == library["tram"].pk
    no_csp_violation(page, messages)


def test_a_photo_goes_into_the_text_by_keyboard_and_the_notice_follows(
    page, live_server, editor, library, draft
):
    messages = watch(page)
    log_in(page, live_server, "editor")
    open_form(page, live_server, draft)
    expect(page.locator("#nr-photo-notice")).to_contain_text("No photos yet")
    page.click(".ProseMirror[contenteditable=true]")
    page.click(".prose-menubar [title='insert photo']")
    dialog = page.get_by_role("dialog", name="Put a photo in the text")
    expect(dialog.locator(".nr-picker-item")).to_have_count(3)
    expect(dialog.get_by_label("Search alt text, caption and credit")).to_be_focused()
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")  # the first photo (the newest: the uncredited one)
    expect(dialog.locator(".nr-picker-item").first).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    expect(dialog.locator(".nr-picker-item").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    body = page.evaluate("document.getElementById('id_body').value")
    assert f'<figure data-photo-id="{library["uncredited"].pk}"></figure>' in body
    # The editor shows the photo as the picker did: its thumbnail, alt text, what it lacks.
    shown = page.locator(
        f".ProseMirror figure.nr-body-photo[data-photo-id='{library['uncredited'].pk}']"
    )
    expect(shown.locator("img")).to_have_attribute(
        "src", library["uncredited"].smallest_rendition().url
    )
    expect(shown).to_contain_text("Ferry deck · Cannot be published: no credit")
    notice = page.locator("#nr-photo-notice")
    expect(notice).to_contain_text("Cannot be published yet: a photo needs alt text and a credit.")
    expect(notice).to_contain_text(f"In the text, no. {library['uncredited'].pk}")
    # Completed in the pop-up: the notice clears and the editor's figure says so too.
    notice.get_by_role("button", name="Complete it…").click()
    dialog = page.get_by_role("dialog", name=f"Complete photo no. {library['uncredited'].pk}")
    dialog.get_by_label("Credit (the photographer's name)").fill("Bo Chen")
    dialog.get_by_role("button", name="Save the photo").click()
    expect(notice).to_contain_text("Every photo has alt text and a credit.")
    expect(shown).to_contain_text("Ferry deck · Photo: Bo Chen")
    expect(notice).to_be_focused()
    page.screenshot(path=shot("photo_picker_in_the_text"))
    assert page.evaluate("document.getElementById('id_body').value") == body  # a reference
    no_csp_violation(page, messages)


def test_a_photo_uploaded_from_the_picker_is_chosen(page, live_server, editor, draft):
    messages = watch(page)
    log_in(page, live_server, "editor")
    open_form(page, live_server, draft)
    page.get_by_role("button", name="Choose from the library…").click()
    dialog = page.get_by_role("dialog", name="Choose the hero photo")
    expect(dialog.get_by_role("status")).to_contain_text("The library is empty")
    dialog.get_by_text("Upload a new photo").click()
    dialog.get_by_label("Photo file").set_input_files(
        files=[{"name": "quay.jpg", "mimeType": "image/jpeg", "buffer": images.jpeg()}]
    )
    dialog.get_by_label("Alt text", exact=True).fill("")
    dialog.get_by_role("button", name="Upload and choose").click()
    expect(dialog.locator(".nr-picker-errors")).to_contain_text("Alt text: This field is required.")
    expect(dialog.get_by_label("Alt text", exact=True)).to_be_focused()
    dialog.get_by_label("Alt text", exact=True).fill("The quay at dawn")
    dialog.get_by_label("Credit (photographer)").fill("Ann Lee")
    dialog.get_by_label("Photo file").set_input_files(
        files=[{"name": "quay.jpg", "mimeType": "image/jpeg", "buffer": images.jpeg()}]
    )
    dialog.get_by_role("button", name="Upload and choose").click()
    expect(dialog).to_be_hidden()
    photo = Photo.objects.get()
    messages[:] = [m for m in messages if "status of 400" not in m]  # the refused upload
    assert (photo.alt_text, photo.credit_name) == ("The quay at dawn", "Ann Lee")
    expect(page.locator("#id_hero_photo")).to_have_value(str(photo.pk))
    # The original stands in until the worker has made the renditions.
    expect(page.locator(".nr-hero-preview")).to_contain_text("Renditions pending")
    expect(page.locator(".nr-hero-preview img")).to_have_attribute("src", photo.image.url)
    no_csp_violation(page, messages)


def test_a_click_on_the_photos_page_sets_its_focal_point(page, live_server, editor, library):
    messages = watch(page)
    photo = library["tram"]
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/admin/photos/photo/{photo.pk}/change/")
    picture = page.locator("[data-focal-form] img")
    loaded(picture)
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    assert abs(float(page.input_value("#id_focal_x")) - 0.25) < 0.01
    assert abs(float(page.input_value("#id_focal_y")) - 0.75) < 0.01
    marker = page.locator("[data-focal-form] .nr-focal__marker").bounding_box()
    assert abs(marker["x"] + marker["width"] / 2 - (box["x"] + box["width"] * 0.25)) < 3
    expect(page.locator(".nr-focal__status")).to_contain_text("25% from the left, 75% from the top")
    page.screenshot(path=shot("photo_focal_point"))
    assert axe_violations_in(page, ".field-focal_point") == []
    # The keyboard does the same: a step of 5% to the right.
    page.locator("[data-focal-form]").focus()
    page.keyboard.press("ArrowRight")
    assert abs(float(page.input_value("#id_focal_x")) - 0.30) < 0.01
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    photo.refresh_from_db()
    assert abs(photo.focal_x - 0.30) < 0.01 and abs(photo.focal_y - 0.75) < 0.01
    assert photo.status == Photo.Status.PENDING  # the crops are being remade
    no_csp_violation(page, messages)


def test_a_click_on_the_chosen_hero_photo_saves_its_focal_point(
    page, live_server, editor, library, draft
):
    messages = watch(page)
    Article.objects.filter(pk=draft.pk).update(hero_photo=library["tram"])
    log_in(page, live_server, "editor")
    open_form(page, live_server, draft)
    focal = page.locator(".nr-hero-preview [data-focal]")
    loaded(focal.locator("img"))
    box = focal.locator("img").bounding_box()
    focal.locator("img").click(position={"x": box["width"] * 0.8, "y": box["height"] * 0.2})
    expect(page.locator(".nr-hero-preview .nr-focal__status")).to_contain_text("Focal point saved")
    photo = Photo.objects.get(pk=library["tram"].pk)
    assert abs(photo.focal_x - 0.8) < 0.02 and abs(photo.focal_y - 0.2) < 0.02
    no_csp_violation(page, messages)


def test_completing_a_credit_in_the_pop_up_updates_the_notice_without_a_save(
    page, live_server, editor, library, draft
):
    messages = watch(page)
    Article.objects.filter(pk=draft.pk).update(hero_photo=library["uncredited"])
    version = Article.objects.get(pk=draft.pk).version
    log_in(page, live_server, "editor")
    open_form(page, live_server, draft)
    page.fill("#id_headline", "Trams return to the quay, at last")  # typed, never saved
    page.evaluate("window.__samePage = true")
    notice = page.locator("#nr-photo-notice")
    expect(notice).to_contain_text("Cannot be published yet: a photo needs alt text and a credit.")
    notice.get_by_role("button", name="Complete it…").click()
    dialog = page.get_by_role("dialog", name=f"Complete photo no. {library['uncredited'].pk}")
    expect(dialog.get_by_label("Alt text (what the picture shows")).to_have_value("Ferry deck")
    page.screenshot(path=shot("photo_credits_pop_up"))
    assert axe_violations_in(page, "dialog.nr-credits-dialog") == []
    dialog.get_by_label("Credit (the photographer's name)").fill("Ann\u000bLee")
    dialog.get_by_role("button", name="Save the photo").click()
    expect(dialog.locator(".nr-picker-errors")).to_contain_text("Credit (the photographer's name)")
    dialog.get_by_label("Credit (the photographer's name)").fill("Ann Lee")
    dialog.get_by_role("button", name="Save the photo").click()
    expect(dialog).to_be_hidden()
    expect(notice).to_contain_text("Every photo has alt text and a credit.")
    expect(page.locator(".nr-hero-preview")).to_contain_text("Photo: Ann Lee")
    assert page.evaluate("window.__samePage") is True  # no reload
    expect(page.locator("#id_headline")).to_have_value("Trams return to the quay, at last")
    assert Photo.objects.get(pk=library["uncredited"].pk).credit_name == "Ann Lee"
    assert Article.objects.get(pk=draft.pk).version == version  # the article was not saved
    no_csp_violation(page, messages, expected="status of 400")  # the refused credit


def test_the_picker_and_the_notice_at_390_pixels(page, live_server, editor, library, draft):
    messages = watch(page)
    Article.objects.filter(pk=draft.pk).update(hero_photo=library["uncredited"])
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "editor")
    open_form(page, live_server, draft)
    page.locator("#nr-photo-notice").scroll_into_view_if_needed()
    page.screenshot(path=shot("photo_picker_form_390"))
    assert axe_violations_in(page, ".field-hero_photo") == []
    page.get_by_role("button", name="Choose from the library…").click()
    dialog = page.get_by_role("dialog", name="Choose the hero photo")
    expect(dialog.locator(".nr-picker-item")).to_have_count(3)
    loaded(dialog.locator(".nr-picker-item img"))
    page.screenshot(path=shot("photo_picker_dialog_390"))
    assert axe_violations_in(page, "dialog.nr-picker-dialog") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    widths = dialog.locator(".nr-picker-item").evaluate_all(
        "items => items.map(i => i.getBoundingClientRect().right)"
    )
    assert max(widths) <= 390
    no_csp_violation(page, messages)
