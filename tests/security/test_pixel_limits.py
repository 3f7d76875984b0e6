"""Pixels decoded per format: a small PNG or WebP that decodes to gigabytes is refused from
its header, before a pixel is decoded, in the upload form and in the worker alike.

JPEG keeps the higher ceiling because it is decoded at a fraction of its size (draft mode);
PNG and WebP can only be decoded whole."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from photos import renditions
from photos.validators import MAX_PIXELS, pixel_limit, validate_image_upload
from tests.articles import renditions_images as images

# 30 megapixels claimed by a header in front of almost no data: decoding would fail, so a
# "too many pixels" answer proves the size was judged before decoding.
WIDE, TALL = 6_000, 5_000


def test_png_and_webp_have_a_lower_ceiling_than_jpeg():
    assert pixel_limit("JPEG") == pixel_limit("MPO") == MAX_PIXELS
    assert pixel_limit("PNG") == pixel_limit("WEBP") == 25_000_000


def test_a_30_megapixel_png_is_refused_at_upload_from_its_header():
    with pytest.raises(ValidationError) as refused:
        validate_image_upload(io.BytesIO(images.pixel_bomb(WIDE, TALL)), name="wide.png")
    assert refused.value.code == "too_many_pixels"
    assert "PNG photos can be at most 25 megapixels" in refused.value.message
    assert "6,000 × 5,000 (30 megapixels)" in refused.value.message


def test_a_30_megapixel_png_is_refused_by_the_worker_from_its_header():
    with pytest.raises(renditions.PhotoRejected) as refused:
        renditions.plan(images.pixel_bomb(WIDE, TALL), focal=(0.5, 0.5))
    assert "6000×5000 (30 megapixels); the limit for PNG photos is 25 megapixels" in str(
        refused.value
    )


def test_a_png_past_pillows_own_bomb_limit_gets_the_pngs_limit_in_the_message():
    with pytest.raises(ValidationError) as refused:
        validate_image_upload(io.BytesIO(images.pixel_bomb(50_000, 50_000)), name="bomb.png")
    assert "PNG photos can be at most 25 megapixels" in refused.value.message


def test_a_30_megapixel_jpeg_is_still_welcome():
    buffer = io.BytesIO()
    Image.new("RGB", (WIDE, TALL), (40, 90, 160)).save(buffer, "JPEG", quality=60)
    info = validate_image_upload(io.BytesIO(buffer.getvalue()), name="wide.jpg")
    assert (info.width, info.height) == (WIDE, TALL)
