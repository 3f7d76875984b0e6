"""The article form's photo picker through the test client: the library as JSON (who sees
what, what they may change, bad input), uploads, the focal point and credits set from the
form, and the "cannot be published" notice asked again for the unsaved form."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import rights, selectors, services
from articles.models import Article
from photos.models import Photo
from photos.services import photo_process
from tests.support.factories import ArticleFactory, PhotoFactory, jpeg_bytes

pytestmark = pytest.mark.django_db

PICKER = reverse("admin:photos_photo_picker")
UPLOAD = reverse("admin:photos_photo_picker_upload")
NOTICE = reverse("admin:articles_article_photo_notice")


def focal_url(photo_id: int) -> str:
    return reverse("admin:photos_photo_focal", args=[photo_id])


def credits_url(photo_id: int) -> str:
    return reverse("admin:photos_photo_credits", args=[photo_id])


def figure(photo: Photo) -> str:
    return f'<figure data-photo-id="{photo.pk}"></figure>'


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


@pytest.fixture
def uses(reporter):
    """Photos in every kind of use a reporter meets: a published story's hero and one in its
    text (not theirs to change), their own draft's hero, and one nothing uses."""
    live_hero, live_body, own, free = (
        PhotoFactory(alt_text=alt) for alt in ("Live hero", "Live body", "Own draft", "Free")
    )
    ArticleFactory(hero_photo=live_hero, body=f"<p>Text.</p>{figure(live_body)}")
    ArticleFactory(draft=True, created_by=reporter, hero_photo=own)
    return {"live_hero": live_hero, "live_body": live_body, "own": own, "free": free}


# --- The library as JSON ---------------------------------------------------------------


def test_the_picker_lists_the_library_newest_first_with_credits_and_what_each_lacks(
    reporter_client,
):
    old = PhotoFactory(alt_text="A harbour", credit_name="")
    new = PhotoFactory(alt_text="A tram", caption="The 6 to the quay.")
    data = reporter_client.get(PICKER).json()
    assert [p["id"] for p in data["results"]] == [new.pk, old.pk]
    first, second = data["results"]
    assert (first["alt_text"], first["caption"], first["credit_name"]) == (
        "A tram",
        "The 6 to the quay.",
        "Abderrahmane Habibi",
    )
    assert first["missing"] == [] and second["missing"] == ["credit"]
    assert data["has_next"] is False


def test_a_pending_photo_has_no_thumbnail_and_a_ready_one_its_smallest_rendition(
    reporter_client,
):
    pending = PhotoFactory()
    ready = photo_process(photo_id=PhotoFactory().pk)
    results = {p["id"]: p for p in reporter_client.get(PICKER).json()["results"]}
    assert results[pending.pk]["thumb"] is None  # a placeholder, never the original
    assert results[pending.pk]["status"] == "pending"
    smallest = min(
        (r for r in ready.renditions.all() if r.spec.startswith("w") and r.format == "jpeg"),
        key=lambda r: r.width,
    )
    assert results[ready.pk]["thumb"] == smallest.url
    assert results[ready.pk]["status"] == "ready"


def test_the_search_matches_every_word_in_alt_text_caption_or_credit(reporter_client):
    tram = PhotoFactory(alt_text="A tram at dusk", caption="Line 6", credit_name="Ann Lee")
    PhotoFactory(alt_text="A tram at noon", caption="Line 4", credit_name="Bo Chen")
    PhotoFactory(alt_text="A harbour", caption="", credit_name="Ann Lee")
    found = reporter_client.get(PICKER, {"q": "tram lee"}).json()["results"]
    assert [p["id"] for p in found] == [tram.pk]
    assert reporter_client.get(PICKER, {"q": "nothing-like-it"}).json()["results"] == []


def test_the_picker_pages_the_library(reporter_client):
    photos = [PhotoFactory() for _ in range(26)]
    first = reporter_client.get(PICKER).json()
    second = reporter_client.get(PICKER, {"page": 2}).json()
    assert len(first["results"]) == 24 and first["has_next"] is True
    assert len(second["results"]) == 2 and second["has_next"] is False
    shown = [p["id"] for p in first["results"] + second["results"]]
    assert sorted(shown) == sorted(p.pk for p in photos)


def test_the_picker_says_which_photos_the_reporter_may_complete(reporter_client, uses):
    results = {p["id"]: p["editable"] for p in reporter_client.get(PICKER).json()["results"]}
    assert results == {
        uses["live_hero"].pk: False,  # a published story's: its editors' to change
        uses["live_body"].pk: False,  # in a published story's text: the same
        uses["own"].pk: True,
        uses["free"].pk: True,
    }


def test_an_editor_may_complete_every_photo_of_their_desks(editor_client, uses):
    results = editor_client.get(PICKER).json()["results"]
    assert all(p["editable"] for p in results)


def test_the_editable_flags_match_the_one_photo_rule(reporter, uses):
    ids = [photo.pk for photo in uses.values()]
    bulk = rights.photo_ids_editable_by(user=reporter, photo_ids=ids)
    one_by_one = {
        photo.pk for photo in uses.values() if rights.photo_editable_by(photo=photo, user=reporter)
    }
    assert bulk == one_by_one == {uses["own"].pk, uses["free"].pk}


def test_given_photos_are_asked_by_id(reporter_client, uses):
    found = reporter_client.get(PICKER, {"ids": f"{uses['own'].pk},{uses['free'].pk}"}).json()
    assert sorted(p["id"] for p in found["results"]) == sorted([uses["own"].pk, uses["free"].pk])


@pytest.mark.parametrize(
    "query",
    [
        {"page": "0"},
        {"page": "two"},
        {"page": "99999999999999999999"},
        {"ids": "1,x"},
        {"ids": ""},
        {"ids": str(2**63)},
        {"q": "x" * 201},
    ],
)
def test_bad_picker_input_is_a_400_in_json(reporter_client, query):
    response = reporter_client.get(PICKER, query)
    assert response.status_code == 400
    assert response.json()["error"]


def test_a_nul_in_the_search_is_refused_before_the_database(reporter_client):
    assert reporter_client.get(PICKER + "?q=a%00b").status_code == 400


def test_those_who_do_not_write_cannot_see_the_library(client, moderator):
    client.force_login(moderator)
    response = client.get(PICKER)
    assert response.status_code == 403
    assert "results" not in response.json()


def test_the_picker_asks_the_same_queries_for_three_photos_or_a_full_page(
    reporter_client, reporter
):
    for _ in range(3):
        photo_process(photo_id=PhotoFactory().pk)
    reporter_client.get(PICKER)  # sessions, permissions and content types warmed
    with CaptureQueriesContext(connection) as few:
        assert reporter_client.get(PICKER).status_code == 200
    for _ in range(21):
        photo_process(photo_id=PhotoFactory().pk)
    ArticleFactory(hero_photo=Photo.objects.first())
    with CaptureQueriesContext(connection) as many:
        assert len(reporter_client.get(PICKER).json()["results"]) == 24
    assert len(many) == len(few)
    assert len(many) <= 8  # session, user, rights, desks, photos, renditions, photo rights


# --- Uploading from the picker ---------------------------------------------------------


def upload(name: str = "quay.jpg", content: bytes | None = None, **fields) -> dict:
    return {
        "image": SimpleUploadedFile(name, content if content is not None else jpeg_bytes()),
        "alt_text": "A quay at dawn",
        "credit_name": "Ann Lee",
        "caption": "",
        **fields,
    }


def test_a_reporter_uploads_a_photo_from_the_picker(reporter_client):
    response = reporter_client.post(UPLOAD, upload())
    assert response.status_code == 201
    photo = Photo.objects.get()
    assert response.json()["photo"]["id"] == photo.pk
    assert response.json()["photo"]["thumb"] is None  # the worker makes the renditions
    assert (photo.alt_text, photo.credit_name, photo.status) == (
        "A quay at dawn",
        "Ann Lee",
        Photo.Status.PENDING,
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"image": SimpleUploadedFile("notes.txt", b"not a picture")}, "image"),
        ({"image": SimpleUploadedFile("empty.jpg", b"")}, "image"),
        ({"alt_text": ""}, "alt_text"),
        ({"credit_name": "Ann\x0bLee"}, "credit_name"),
    ],
)
def test_a_bad_upload_says_which_field_and_stores_nothing(reporter_client, fields, field):
    response = reporter_client.post(UPLOAD, upload(**fields))
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Photo.objects.exists()


def test_a_moderator_cannot_upload(client, moderator):
    client.force_login(moderator)
    assert client.post(UPLOAD, upload()).status_code == 403
    assert not Photo.objects.exists()


# --- The focal point -------------------------------------------------------------------


def test_moving_the_focal_point_remakes_the_crops_and_purges_the_pages_showing_it(
    editor_client, purged, django_capture_on_commit_callbacks
):
    photo = photo_process(photo_id=PhotoFactory().pk)
    ArticleFactory(body=f"<p>Text.</p>{figure(photo)}")
    with django_capture_on_commit_callbacks() as callbacks:
        response = editor_client.post(focal_url(photo.pk), {"focal_x": "0.2", "focal_y": "0.75"})
    assert response.status_code == 200
    assert (response.json()["photo"]["focal_x"], response.json()["photo"]["focal_y"]) == (0.2, 0.75)
    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y, photo.status) == (0.2, 0.75, Photo.Status.PENDING)
    assert any("make_renditions" in repr(callback) for callback in callbacks)
    for callback in callbacks:
        if "make_renditions" not in repr(callback):
            callback()  # the purge (the task would need the broker)
    assert any(f"photo-{photo.pk}" in keys for keys in purged)


def test_the_new_crops_are_cut_around_the_new_focal_point(editor_client):
    photo = photo_process(photo_id=PhotoFactory().pk)
    before = {r.spec: r.source for r in photo.renditions.all() if not r.spec.startswith("w")}
    editor_client.post(focal_url(photo.pk), {"focal_x": "0.1", "focal_y": "0.5"})
    photo = photo_process(photo_id=photo.pk)
    after = {r.spec: r.source for r in photo.renditions.all() if not r.spec.startswith("w")}
    assert set(before) == set(after) == {"16x9", "4x3", "1x1"}
    assert all(before[spec] != after[spec] for spec in before)
    assert photo.status == Photo.Status.READY


@pytest.mark.parametrize(
    "values",
    [
        {"focal_x": "1.5", "focal_y": "0.5"},
        {"focal_x": "-0.1", "focal_y": "0.5"},
        {"focal_x": "left", "focal_y": "0.5"},
        {"focal_x": "nan", "focal_y": "0.5"},
        {"focal_x": "inf", "focal_y": "0.5"},
        {"focal_x": "0.5"},
        {},
    ],
)
def test_a_focal_point_outside_the_picture_is_a_400_and_changes_nothing(editor_client, values):
    photo = PhotoFactory()
    response = editor_client.post(focal_url(photo.pk), values)
    assert response.status_code == 400
    assert response.json()["errors"]
    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y) == (0.5, 0.5)


def test_a_reporter_cannot_move_the_focal_point_of_a_published_storys_photos(reporter_client, uses):
    for photo in (uses["live_hero"], uses["live_body"]):
        response = reporter_client.post(focal_url(photo.pk), {"focal_x": "0", "focal_y": "0"})
        assert response.status_code == 403
        photo.refresh_from_db()
        assert (photo.focal_x, photo.focal_y) == (0.5, 0.5)


def test_the_focal_point_of_no_photo_is_a_404(editor_client):
    response = editor_client.post(focal_url(987654), {"focal_x": "0", "focal_y": "0"})
    assert response.status_code == 404


# --- Credits completed in the pop-up, and the notice ------------------------------------


def notice(client, *, hero: Photo | None = None, body: str = "") -> dict:
    response = client.post(NOTICE, {"hero_photo": hero.pk if hero else "", "body": body})
    assert response.status_code == 200
    return response.json()


def test_the_notice_lists_each_photo_lacking_alt_text_or_a_credit(editor_client):
    hero = PhotoFactory(credit_name="")
    inside = PhotoFactory(alt_text="")
    fine = PhotoFactory()
    answer = notice(
        editor_client,
        hero=hero,
        body=f'<p>Text.</p>{figure(fine)}{figure(inside)}<figure data-photo-id="987654"></figure>',
    )
    assert answer["blocking"] == 3
    html = answer["html"]
    assert "Cannot be published yet: 3 photos need alt text and a credit." in html
    assert html.index(f"Hero photo, no. {hero.pk}") < html.index(f"In the text, no. {inside.pk}")
    assert f"In the text, no. {inside.pk}" in html and "no alt text." in html
    assert "In the text, no. 987654: deleted." in html
    assert f"no. {fine.pk}" not in html
    assert f'data-complete-photo="{hero.pk}"' in html


def test_completing_the_credit_in_the_pop_up_clears_the_notice_without_saving_the_article(
    editor_client, editor
):
    photo = PhotoFactory(credit_name="", alt_text="")
    article = ArticleFactory(draft=True, hero_photo=photo)
    version = article.version
    assert notice(editor_client, hero=photo)["blocking"] == 1
    response = editor_client.post(
        credits_url(photo.pk),
        {"alt_text": "Trams at the depot", "credit_name": "Ann Lee", "credit_url": ""},
    )
    assert response.status_code == 200
    assert response.json()["photo"]["missing"] == []
    answer = notice(editor_client, hero=photo)
    assert answer["blocking"] == 0
    assert "Every photo has alt text and a credit." in answer["html"]
    article.refresh_from_db()
    assert article.version == version  # the article itself was not saved
    article.refresh_from_db()
    services.article_check_publishable(article=article, user=editor)  # nothing stops it now


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"alt_text": "", "credit_name": "Ann Lee"}, "alt_text"),
        ({"alt_text": "Trams", "credit_name": "Ann\x00Lee"}, "credit_name"),
        (
            {"alt_text": "Trams", "credit_name": "Ann", "credit_url": "javascript:alert(1)"},
            "credit_url",
        ),
        ({"alt_text": "x" * 301, "credit_name": "Ann"}, "alt_text"),
    ],
)
def test_bad_credits_are_a_400_by_field_and_change_nothing(editor_client, fields, field):
    photo = PhotoFactory(credit_name="")
    response = editor_client.post(credits_url(photo.pk), fields)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    photo.refresh_from_db()
    assert photo.credit_name == ""


def test_a_reporter_is_not_offered_to_complete_a_photo_they_may_not_change(reporter_client, uses):
    Photo.objects.filter(pk=uses["live_hero"].pk).update(credit_name="")
    Photo.objects.filter(pk=uses["own"].pk).update(credit_name="")
    answer = notice(reporter_client, hero=uses["own"], body=figure(uses["live_hero"]))
    assert f'data-complete-photo="{uses["own"].pk}"' in answer["html"]
    assert f'data-complete-photo="{uses["live_hero"].pk}"' not in answer["html"]
    assert "ask them" in answer["html"]
    response = reporter_client.post(
        credits_url(uses["live_hero"].pk), {"alt_text": "Defaced", "credit_name": "Nobody"}
    )
    assert response.status_code == 403
    assert Photo.objects.get(pk=uses["live_hero"].pk).alt_text == "Live hero"


@pytest.mark.parametrize("hero", ["x", "-1", "0", str(2**63)])
def test_the_notice_refuses_a_hero_photo_that_is_not_an_id(editor_client, hero):
    assert editor_client.post(NOTICE, {"hero_photo": hero, "body": ""}).status_code == 400


def test_the_article_form_shows_the_notice_and_the_chosen_photo(editor_client):
    photo = photo_process(photo_id=PhotoFactory(credit_name="").pk)
    article = ArticleFactory(draft=True, hero_photo=photo)
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    html = html.decode()
    assert f'data-complete-photo="{photo.pk}"' in html
    assert f'data-url="{NOTICE}"' in html
    chosen = html[html.index("data-picker-chosen") :]
    assert photo.smallest_rendition().url in chosen
    assert "Photo: no credit" in chosen
    assert 'type="module" src="/static/js/photo_picker' in html or "js/photo_picker" in html


def test_a_photo_in_a_published_storys_text_is_a_use_deleting_must_name(editor_client):
    photo = PhotoFactory()
    live = ArticleFactory(body=f"<p>Text.</p>{figure(photo)}")
    uses = selectors.photo_uses(photo=photo)
    assert [(article.pk, where) for article, where in uses] == [(live.pk, "in the body")]
    assert live.status == Article.Status.PUBLISHED


def test_the_article_form_asks_the_same_queries_whatever_the_number_of_photos(
    editor_client, editor
):
    def change_page_queries(count: int) -> int:
        photos = [photo_process(photo_id=PhotoFactory(credit_name="").pk) for _ in range(count)]
        body = "<p>Text.</p>" + "".join(figure(photo) for photo in photos)
        article = ArticleFactory(draft=True, hero_photo=photos[0], body=body)
        url = reverse("admin:articles_article_change", args=[article.pk])
        editor_client.get(url)  # the lock taken, the session warmed
        with CaptureQueriesContext(connection) as queries:
            html = editor_client.get(url).content.decode()
        assert html.count("data-complete-photo=") == count  # each listed, with its button
        return len(queries)

    assert change_page_queries(5) == change_page_queries(1)
