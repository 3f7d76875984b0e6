"""Renditions in the admin: upload through the real form (stripped, credits pre-filled,
queued after commit), status and error shown, the files listed, the remake action."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from photos.models import Photo
from photos.services import photo_process
from tests.articles import renditions_images as images
from tests.factories import PhotoFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:photos_photo_add")
CHANGELIST = reverse("admin:photos_photo_changelist")


def change_url(photo: Photo) -> str:
    return reverse("admin:photos_photo_change", args=[photo.pk])


def form(name: str, content: bytes, **fields) -> dict:
    return {
        "image": SimpleUploadedFile(name, content),
        "alt_text": "Commuters on a platform",
        "caption": "",
        "credit_name": "",
        "credit_url": "",
        "copyright_notice": "",
        "license_url": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
        **fields,
    }


def test_an_editor_uploads_a_photo_and_it_arrives_stripped_prefilled_and_queued(
    client, editor, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    data = images.jpeg(exif=images.gps_exif(), xmp=images.xmp_packet())

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(ADD, form("DSC_0042.JPG", data))

    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = Photo.objects.get()
    assert photo.status == Photo.Status.PENDING
    assert photo.credit_name == images.XMP_CREDIT
    assert photo.caption == images.XMP_CAPTION
    assert any("make_renditions" in repr(callback) for callback in callbacks)
    with photo.image.open("rb") as file:
        assert images.metadata_markers(file.read()) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("loop.webp", images.animated_webp(), "Animated images are not supported"),
        ("loop.png", images.animated_png(), "Animated images are not supported"),
        ("loop.gif", images.animated_gif(), "GIF image; upload a JPEG, PNG or WebP photo"),
        ("empty.jpg", b"", "empty"),
    ],
    ids=["animated-webp", "apng", "animated-gif", "zero-bytes"],
)
def test_files_the_pipeline_cannot_use_are_form_errors_and_nothing_is_stored(
    client, editor, settings, name, content, message
):
    client.force_login(editor)

    response = client.post(ADD, form(name, content))

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["image"])
    assert message in errors
    assert Photo.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "photos").exists()


def test_a_failed_photo_shows_why_on_its_page_and_in_the_list(client, editor):
    photo = PhotoFactory()
    Photo.objects.filter(pk=photo.pk).update(
        status=Photo.Status.FAILED, error="The image cannot be decoded: image file is truncated."
    )
    client.force_login(editor)

    page = client.get(change_url(photo)).content.decode()
    listing = client.get(CHANGELIST + "?status=failed").content.decode()

    for html in (page, listing):
        assert "Failed:" in html
        assert "The image cannot be decoded: image file is truncated." in html


def test_a_ready_photo_lists_its_rendition_files(client, editor):
    image = ContentFile(images.jpeg(images.picture(1600, 1000)), name="a.jpg")
    photo = photo_process(photo_id=PhotoFactory(image=image).pk)
    client.force_login(editor)

    html = client.get(change_url(photo)).content.decode()

    assert "Ready" in html
    for rendition in photo.renditions.all():
        assert rendition.url in html
    assert "1200 × 675" in html  # the 16:9 crop


def test_the_photo_list_shows_rendition_thumbnails_in_a_fixed_number_of_queries(
    client, editor, django_assert_max_num_queries
):
    client.force_login(editor)
    photo_process(photo_id=PhotoFactory().pk)
    with CaptureQueriesContext(connection) as one:
        client.get(CHANGELIST)
    for _ in range(7):
        photo_process(photo_id=PhotoFactory().pk)

    with django_assert_max_num_queries(len(one)):
        html = client.get(CHANGELIST).content.decode()

    assert html.count("-w320-") == 8  # thumbnails are the small rendition, not originals


def test_remake_renditions_queues_the_selected_photos(
    client, editor, django_capture_on_commit_callbacks
):
    ready = photo_process(photo_id=PhotoFactory().pk)
    failed = PhotoFactory()
    Photo.objects.filter(pk=failed.pk).update(status=Photo.Status.FAILED, error="x")
    client.force_login(editor)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            CHANGELIST,
            {"action": "remake_renditions", "_selected_action": [ready.pk, failed.pk]},
            follow=True,
        )

    assert "Renditions of 2 photos queued" in response.content.decode()
    assert len(callbacks) == 2
    assert Photo.objects.get(pk=failed.pk).status == Photo.Status.PENDING
    assert Photo.objects.get(pk=ready.pk).status == Photo.Status.READY


def test_the_queued_remake_really_remakes_the_files(
    client, editor, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # run the queued task here, for this check
    from newsroom.celery import app

    app.conf.task_always_eager = True
    try:
        photo = photo_process(photo_id=PhotoFactory().pk)
        before = set(photo.renditions.values_list("file", flat=True))
        client.force_login(editor)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(CHANGELIST, {"action": "remake_renditions", "_selected_action": [photo.pk]})
    finally:
        app.conf.task_always_eager = False

    after = set(photo.renditions.values_list("file", flat=True))
    assert after and after.isdisjoint(before)


def test_a_moderator_cannot_remake_renditions(client, moderator):
    photo = PhotoFactory()
    client.force_login(moderator)

    response = client.post(
        CHANGELIST, {"action": "remake_renditions", "_selected_action": [photo.pk]}
    )

    assert response.status_code == 403


def test_moving_the_focal_point_in_the_admin_queues_new_crops(
    client, editor, django_capture_on_commit_callbacks
):
    photo = photo_process(photo_id=PhotoFactory().pk)
    client.force_login(editor)
    data = {
        "alt_text": photo.alt_text,
        "caption": photo.caption,
        "credit_name": photo.credit_name,
        "credit_url": photo.credit_url,
        "copyright_notice": "",
        "license_url": "",
        "focal_x": "0.2",
        "focal_y": "0.5",
    }

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(change_url(photo), data)

    assert response.status_code == 302
    assert Photo.objects.get(pk=photo.pk).status == Photo.Status.PENDING
    assert any("make_renditions" in repr(callback) for callback in callbacks)


def test_editing_only_the_caption_in_the_admin_keeps_the_renditions(
    client, editor, django_capture_on_commit_callbacks
):
    photo = photo_process(photo_id=PhotoFactory().pk)
    client.force_login(editor)
    data = {
        "alt_text": photo.alt_text,
        "caption": "A better caption",
        "credit_name": photo.credit_name,
        "credit_url": photo.credit_url,
        "copyright_notice": "",
        "license_url": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
    }

    with django_capture_on_commit_callbacks() as callbacks:
        client.post(change_url(photo), data)

    assert not any("make_renditions" in repr(callback) for callback in callbacks)
    assert Photo.objects.get(pk=photo.pk).status == Photo.Status.READY


def test_a_cmyk_upload_through_the_admin_becomes_rgb_renditions(client, editor):
    client.force_login(editor)
    client.post(ADD, form("print.jpg", images.cmyk_jpeg()))

    photo = photo_process(photo_id=Photo.objects.get().pk)

    assert photo.status == Photo.Status.READY
    with photo.crop("1x1").file.open("rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        assert image.mode == "RGB"
        assert image.getpixel((10, 10))[0] < 60  # cyan: no red


def test_replacing_the_file_in_the_admin_marks_it_pending(client, editor):
    photo = photo_process(photo_id=PhotoFactory(image=ContentFile(images.jpeg(), name="a.jpg")).pk)
    client.force_login(editor)
    data = form("b.png", images.png(), alt_text=photo.alt_text, credit_name="X")

    response = client.post(change_url(photo), data)

    assert response.status_code == 302
    photo = Photo.objects.get(pk=photo.pk)
    assert photo.status == Photo.Status.PENDING and photo.image.name.endswith(".png")
