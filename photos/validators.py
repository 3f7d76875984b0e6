"""Upload validation for photos: every bad file gets one clear sentence, before anything is saved.

The one place uploads are judged: the admin's upload field and the Photo model's field
validator (full_clean, so the admin and any model form) both call `validate_image_upload`.

The order matters: the cheap checks (size, SVG sniffing) run before Pillow sees the file,
and the pixel count is read from the header before a single pixel is decoded, so a small
file that claims to be a 50,000 × 50,000 image (a decompression bomb) never reaches memory.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 100_000_000
# Pixels per format, judged from the header before any decoding. JPEG is decoded at 1/2 to
# 1/8 of its size (draft mode), so a 100 MP camera file stays small in memory. PNG and WebP
# can only be decoded whole, and the worker holds the decoded picture and its sRGB copy at
# once (several bytes a pixel each), from a file that compresses to almost nothing: their
# ceiling is a quarter of JPEG's. The measurements are in the commit that set it.
MAX_PIXELS_BY_FORMAT = {"JPEG": MAX_PIXELS, "MPO": MAX_PIXELS, "PNG": 25_000_000}
MAX_PIXELS_BY_FORMAT["WEBP"] = MAX_PIXELS_BY_FORMAT["PNG"]
# Formats a newsroom photo arrives in and the rendition pipeline reads; no SVG (it can carry
# script), no GIF/TIFF/BMP.
# MPO is how Pillow reads many cameras' JPEGs (a main image plus a preview): a JPEG still.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
ACCEPTED_LABEL = "a JPEG, PNG or WebP photo"
# Magic numbers of the accepted formats: a file that starts like one of them but that Pillow
# cannot read is damaged, not "not an image".
SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")
SNIFF_BYTES = 2048


def pixel_limit(fmt: str) -> int:
    """The most pixels an image of this Pillow format may have."""
    return MAX_PIXELS_BY_FORMAT.get(fmt, MAX_PIXELS)


def format_label(fmt: str) -> str:
    return ACCEPTED_FORMATS.get(fmt, fmt)


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return Image.MIME.get(self.format, "application/octet-stream")


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    return b"<svg" in text or (text.startswith(b"<?xml") and b"svg" in text)


def validate_image_upload(file: IO[bytes], *, name: str = "") -> ImageInfo:
    """Check an uploaded photo and return its format and size; raise ValidationError if bad.

    `file` is any seekable binary file (an UploadedFile, a File, BytesIO); it is left at
    position 0. Checks, in order: size (25 MB), SVG, readable image of an accepted format,
    pixel count (`pixel_limit`, from the header only), then the image data itself
    (truncated or corrupt files).
    """
    label = f"“{name}”" if name else "This file"
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"{label} is {filesizeformat(size)}; photos can be at most "
            f"{filesizeformat(MAX_UPLOAD_BYTES)}. Export a smaller JPEG and upload that.",
            code="too_large",
        )
    if size == 0:
        raise ValidationError(f"{label} is empty.", code="empty")

    # Pillow closes the file it reads when the image closes, so it gets copies, never
    # `file` itself; the size check above bounds the copy.
    file.seek(0)
    data = file.read()
    file.seek(0)
    head = data[:SNIFF_BYTES]
    if name.lower().endswith((".svg", ".svgz")) or _looks_like_svg(head):
        raise ValidationError(
            f"{label} is an SVG drawing. SVG files are not accepted as photos (they can carry "
            f"scripts); upload {ACCEPTED_LABEL}.",
            code="svg",
        )
    damaged = ValidationError(
        f"{label} is damaged and cannot be read as an image. Export it again and re-upload it.",
        code="corrupt",
    )

    def too_many_pixels(fmt: str) -> str:
        kind = f"{format_label(fmt)} photos" if fmt in ACCEPTED_FORMATS else "photos"
        return (
            f"{label} is too large in pixels: {kind} can be at most "
            f"{pixel_limit(fmt) // 1_000_000} megapixels."
        )

    try:
        with warnings.catch_warnings():
            # Pillow warns above ~89 MP; our own limit (checked next) is the one that counts.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # open() reads the header only: format and dimensions, no pixel data.
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        # Pillow refuses outright above twice its own limit, before we can even ask the size
        # (or the format: the signature tells it).
        fmt = "PNG" if head.startswith(b"\x89PNG") else "WEBP" if head[8:12] == b"WEBP" else ""
        raise ValidationError(too_many_pixels(fmt), code="too_many_pixels") from None
    except UnidentifiedImageError:
        if head.startswith(SIGNATURES):
            raise damaged from None
        raise ValidationError(
            f"{label} is not an image. Upload {ACCEPTED_LABEL}.", code="not_an_image"
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise damaged from None

    try:
        info = ImageInfo(format=image.format or "", width=image.width, height=image.height)
        if info.format not in ACCEPTED_FORMATS:
            raise ValidationError(
                f"{label} is a {info.format or 'unknown'} image; upload {ACCEPTED_LABEL}.",
                code="unsupported_format",
            )
        pixels = info.width * info.height
        if pixels > pixel_limit(info.format):
            raise ValidationError(
                f"{too_many_pixels(info.format)} This one is {info.width:,} × {info.height:,} "
                f"({pixels / 1_000_000:.0f} megapixels).",
                code="too_many_pixels",
            )
        # An MPO (a camera's JPEG with a preview or depth image appended) is a still photo.
        if info.format != "MPO" and getattr(image, "n_frames", 1) > 1:
            raise ValidationError(
                f"{label} is animated. Animated images are not supported: renditions are "
                "stills, so the animation would be lost. Upload a still frame, or embed the "
                "animation as a video.",
                code="animated",
            )
        _check_image_data(data, info, label=label)
    finally:
        image.close()
    return info


def check_upload_once(file: IO[bytes], *, name: str = "") -> ImageInfo:
    """`validate_image_upload`, remembered on the uploaded file: the form field and then the
    model's validator both ask, and a 100-megapixel PNG should be decoded once."""
    upload = file.file if isinstance(file, FieldFile) else file  # the model's wrapper
    info = getattr(upload, "checked_image", None)
    if info is None:
        info = validate_image_upload(file, name=name)
        upload.checked_image = info
    return info


def validate_photo_upload(file) -> None:
    """The Photo model field's validator: a new upload gets the same checks and messages as
    in the admin's upload field, on every path that runs full_clean."""
    if getattr(file, "_committed", True):
        return  # already stored: it passed when it was uploaded
    if file.closed:
        file.open("rb")
    check_upload_once(file, name=PurePath(file.name or "").name)


def _check_image_data(data: bytes, info: ImageInfo, *, label: str) -> None:
    """Read the image data through, to catch truncated or corrupt files.

    verify() checks what the format can check without decoding (PNG chunk checksums and end
    marker). Then the pixels are decoded, since a PNG can carry too little data behind valid
    checksums and a JPEG has no checksums at all: JPEG in draft mode at 1/8 scale, a
    fraction of the memory; PNG and WebP in full, which their lower pixel cap bounds (and
    only staff can upload).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                if info.format in ("JPEG", "MPO"):
                    image.draft("RGB", (max(1, info.width // 8), max(1, info.height // 8)))
                image.load()
    except Exception as exc:  # Pillow reports bad data as OSError, SyntaxError, ValueError…
        truncated = "truncated" in str(exc).lower()
        raise ValidationError(
            f"{label} is incomplete: it was cut short before the end. Upload the whole file again."
            if truncated
            else f"{label} is damaged and cannot be read as an image. Export it again and "
            "re-upload it.",
            code="truncated" if truncated else "corrupt",
        ) from exc
