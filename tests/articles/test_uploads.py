"""Photo uploads through the real admin: every bad file is a clear form error, and nothing of
it is stored (no row, no file in storage)."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Author
from photos.models import Photo
from photos.validators import MAX_UPLOAD_BYTES

pytestmark = pytest.mark.django_db

ADD_PHOTO = "admin:photos_photo_add"


def noisy(fmt: str, size=(800, 600)) -> bytes:
    """A photo-like image (noise compresses like a photo, so cutting it loses real data)."""
    buffer = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buffer, fmt)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims `width` × `height` pixels: a
    decompression bomb's shape. Decoding it would fail (there is almost no pixel data), so
    a "too many pixels" answer proves the size was judged from the header alone."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def upload(client, name: str, content: bytes, **fields):
    data = {
        "image": SimpleUploadedFile(name, content),
        "alt_text": "Commuters on a platform",
        "caption": "",
        "credit_name": "A. Photographer",
        "credit_url": "",
        "copyright_notice": "",
        "license_url": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
        **fields,
    }
    return client.post(reverse(ADD_PHOTO), data)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_refused(response, settings, *phrases: str) -> None:
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors.get("image", []))
    for phrase in phrases:
        assert phrase in errors, errors
    assert Photo.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_good_photo_is_stored_with_its_size(editor_client, settings, fmt):
    response = upload(editor_client, f"platform.{fmt.lower()}", noisy(fmt))
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (800, 600)
    assert photo.image.storage.exists(photo.image.name)


def test_a_text_file_is_not_an_image(editor_client, settings):
    response = upload(editor_client, "notes.jpg", b"Meeting notes, not a photo.\n" * 20)
    assert_refused(response, settings, "“notes.jpg” is not an image", "JPEG, PNG or WebP")


def test_a_corrupt_jpeg_is_refused_as_damaged(editor_client, settings):
    good = noisy("JPEG")
    corrupt = good[:20] + bytes(range(256)) * 40
    response = upload(editor_client, "broken.jpg", corrupt)
    assert_refused(response, settings, "“broken.jpg” is damaged")


def test_a_png_with_a_bad_checksum_is_refused_as_damaged(editor_client, settings):
    good = bytearray(noisy("PNG"))
    good[200:260] = b"\x00" * 60
    response = upload(editor_client, "broken.png", bytes(good))
    assert_refused(response, settings, "is damaged")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_truncated_file_is_refused_as_incomplete(editor_client, settings, fmt):
    data = noisy(fmt)
    response = upload(editor_client, f"cut.{fmt.lower()}", data[: len(data) // 2])
    assert_refused(response, settings, "is incomplete", "cut short")


def test_a_file_over_25_mb_is_refused_before_it_is_read(editor_client, settings):
    # A real JPEG padded past the limit: only its size is wrong.
    data = noisy("JPEG")
    data += b"\x00" * (MAX_UPLOAD_BYTES + 1 - len(data))
    response = upload(editor_client, "huge.jpg", data)
    assert_refused(response, settings, "“huge.jpg” is 25.0\xa0MB", "at most 25.0\xa0MB")


def test_an_image_over_its_formats_pixel_limit_is_refused_from_its_header(editor_client, settings):
    response = upload(editor_client, "bomb.png", png_claiming(12_000, 9_000))
    assert_refused(
        response, settings, "too large in pixels", "PNG photos can be at most 25 megapixels"
    )
    assert_refused(response, settings, "108 megapixels")


def test_pillows_own_decompression_bomb_error_becomes_the_same_message(editor_client, settings):
    # 50,000 × 50,000 is past twice Pillow's limit: Image.open itself raises.
    response = upload(editor_client, "bomb.png", png_claiming(50_000, 50_000))
    assert_refused(response, settings, "too large in pixels", "at most 25 megapixels")


def test_a_header_that_promises_more_than_the_file_holds_is_refused(editor_client, settings):
    response = upload(editor_client, "short.png", png_claiming(400, 300))
    assert_refused(response, settings, "“short.png” is")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'),
        (
            "disguised.jpg",
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
            b"<script>alert(1)</script></svg>",
        ),
    ],
)
def test_an_svg_is_refused_whatever_its_name(editor_client, settings, name, content):
    response = upload(editor_client, name, content)
    assert_refused(response, settings, "is an SVG drawing", "not accepted")


def test_a_gif_is_refused_with_the_formats_we_take(editor_client, settings):
    response = upload(editor_client, "anim.gif", noisy("GIF"))
    assert_refused(response, settings, "is a GIF image", "JPEG, PNG or WebP")


def test_a_bad_upload_keeps_the_other_fields_errors_too(editor_client, settings):
    response = upload(editor_client, "notes.jpg", b"not an image", alt_text="")
    assert_refused(response, settings, "is not an image")
    assert "alt_text" in response.context["adminform"].form.errors


def test_an_authors_photo_is_checked_the_same_way(editor_client, settings):
    response = editor_client.post(
        reverse("admin:articles_author_add"),
        {
            "name": "Mei Lin",
            "slug": "mei-lin",
            "job_title": "",
            "bio": "",
            "email": "",
            "user": "",
            "photo": SimpleUploadedFile("face.svg", b"<svg></svg>"),
        },
    )
    assert response.status_code == 200
    assert "is an SVG drawing" in " ".join(response.context["adminform"].form.errors["photo"])
    assert Author.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "content", "phrase"),
    [
        ("logo.svg", b"<svg></svg>", "“logo.svg” is an SVG drawing"),
        ("notes.jpg", b"Meeting notes, not a photo.\n" * 20, "“notes.jpg” is not an image"),
        ("anim.gif", noisy("GIF"), "“anim.gif” is a GIF image"),
        ("bomb.png", png_claiming(12_000, 9_000), "too large in pixels"),
    ],
    ids=["svg", "text", "gif", "bomb"],
)
def test_the_model_checks_a_new_upload_with_the_forms_words(name, content, phrase):
    # A path without the admin's upload field (any model form, a shell's full_clean) gets
    # the same validator and the same sentence.
    photo = Photo(alt_text="A file", image=ContentFile(content, name=name))

    with pytest.raises(ValidationError) as refused:
        photo.full_clean()

    assert phrase in " ".join(refused.value.message_dict["image"])


def test_a_stored_photo_is_not_checked_again():
    photo = Photo(alt_text="A file", image=ContentFile(noisy("JPEG"), name="platform.jpg"))
    photo.full_clean()
    photo.save()
    Path(photo.image.path).write_bytes(b"damaged in storage later")

    # Editing its caption does not re-judge the original: it passed when it was uploaded.
    Photo.objects.get().full_clean()
