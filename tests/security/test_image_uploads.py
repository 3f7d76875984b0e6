"""Every uploaded image, a photo or an author's portrait, takes the one upload path: checked,
stripped of its metadata (GPS, camera) and stored under a generated name with the extension
of what it really is, whatever name it was sent with."""

import re
from pathlib import Path, PurePosixPath

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Author
from photos.models import Photo
from tests.articles import renditions_images as images

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = ["poly.html", "shell.php", "app.js", "../../x.htm", "face.svg.jpg.html", "noext"]
GENERATED = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")


def gps_jpeg() -> bytes:
    return images.jpeg(exif=images.gps_exif(), xmp=images.xmp_packet())


def stored_bytes(field) -> bytes:
    with field.storage.open(field.name, "rb") as file:
        return file.read()


def assert_safely_stored(field, *, folder: str, extension: str) -> None:
    path = PurePosixPath(field.name)
    assert path.parent.parts[0] == folder, field.name
    assert ".." not in path.parts
    assert GENERATED.match(path.name), path.name
    assert path.suffix == extension
    assert images.metadata_markers(stored_bytes(field)) == []


def author_form(photo) -> dict:
    return {
        "name": "Mei Lin",
        "slug": "mei-lin",
        "job_title": "Technology correspondent",
        "bio": "",
        "email": "",
        "user": "",
        "photo": photo,
    }


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_portrait_uploaded_in_the_admin_is_stripped_and_renamed(client, editor, name):
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_author_add"), author_form(SimpleUploadedFile(name, gps_jpeg()))
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    author = Author.objects.get()
    assert_safely_stored(author.photo, folder="authors", extension=".jpg")


def test_the_author_page_serves_no_location_or_camera_data(client, editor, settings):
    settings.PAGE_CACHE_ENABLED = False
    client.force_login(editor)
    client.post(
        reverse("admin:articles_author_add"),
        author_form(SimpleUploadedFile("DSC_0042.JPG", gps_jpeg())),
    )
    client.logout()

    page = client.get("/authors/mei-lin/").content.decode()

    url = Author.objects.get().photo.url
    assert url in page
    served = Path(settings.MEDIA_ROOT, url.removeprefix(settings.MEDIA_URL)).read_bytes()
    assert images.metadata_markers(served) == []


def test_a_png_sent_as_a_jpeg_is_stored_as_a_png(client, editor):
    client.force_login(editor)
    png = images.png(images.picture(400, 300))

    client.post(
        reverse("admin:articles_author_add"), author_form(SimpleUploadedFile("face.jpg", png))
    )

    assert_safely_stored(Author.objects.get().photo, folder="authors", extension=".png")


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_portrait_saved_without_a_form_takes_the_same_path(name):
    author = Author(name="Mei Lin", slug="mei-lin", photo=ContentFile(gps_jpeg(), name=name))
    author.save()

    assert_safely_stored(Author.objects.get().photo, folder="authors", extension=".jpg")


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_photo_is_stored_under_a_generated_name_too(name):
    photo = Photo(alt_text="A platform", image=ContentFile(gps_jpeg(), name=name))
    photo.save()

    photo.refresh_from_db()
    assert_safely_stored(photo.image, folder="photos", extension=".jpg")
    assert photo.credit_name == images.XMP_CREDIT  # read from the file before stripping


def test_a_portrait_that_is_not_an_image_is_a_form_error_and_nothing_is_stored(
    client, editor, settings
):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_author_add"),
        author_form(SimpleUploadedFile("face.jpg", b"<html><script>alert(1)</script></html>")),
    )
    assert response.status_code == 200
    assert "is not an image" in " ".join(response.context["adminform"].form.errors["photo"])
    assert Author.objects.count() == 0
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_a_replaced_portrait_takes_the_same_path():
    author = Author(name="Mei Lin", slug="mei-lin", photo=ContentFile(gps_jpeg(), name="a.jpg"))
    author.save()
    first = author.photo.name

    author.photo = ContentFile(gps_jpeg(), name="b.jpg")
    author.save()

    assert author.photo.name != first
    assert_safely_stored(author.photo, folder="authors", extension=".jpg")


def test_portraits_stored_before_are_stripped_and_renamed_by_the_migration():
    import importlib

    from django.apps import apps
    from django.core.files.storage import default_storage

    migration = importlib.import_module("articles.migrations.0009_strip_stored_author_photos")
    leaky = default_storage.save("authors/2026/05/poly.html", ContentFile(gps_jpeg()))
    page = default_storage.save("authors/2026/05/page.html", ContentFile(b"<script>x</script>"))
    Author.objects.bulk_create(
        [
            Author(name="Mei Lin", slug="mei-lin", photo=leaky),
            Author(name="Sam Okafor", slug="sam", photo=page),
            Author(name="No Photo", slug="none"),
        ]
    )

    migration.strip_stored_author_photos(apps, None)

    assert_safely_stored(
        Author.objects.get(slug="mei-lin").photo, folder="authors", extension=".jpg"
    )
    assert not Author.objects.get(slug="sam").photo
    assert not Author.objects.get(slug="none").photo
    assert not default_storage.exists(leaky) and not default_storage.exists(page)
