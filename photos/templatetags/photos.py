"""`{% photo_picture photo as pic %}`: what templates/includes/picture.html needs to write a
responsive <picture> from a photo's ready renditions."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from photos.models import Photo, Rendition
from photos.renditions import MIME_TYPES

register = template.Library()

# The <img> fallback for browsers that ignore srcset: big enough for an article column.
FALLBACK_WIDTH = 960


@dataclass(frozen=True)
class Source:
    type: str
    srcset: str


@dataclass(frozen=True)
class Picture:
    sources: list[Source]  # AVIF and WebP, best first
    src: str  # JPEG
    srcset: str  # JPEG widths
    width: int
    height: int


def _srcset(renditions: list[Rendition]) -> str:
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)


@register.simple_tag
def photo_picture(photo: Photo | None) -> Picture | None:
    """The photo's width renditions grouped by format, or None while they are not ready
    (the include then falls back to the original). One query, none with a prefetch."""
    if photo is None:
        return None
    by_format: dict[str, list[Rendition]] = {}
    for rendition in photo.ready_renditions():
        if rendition.spec.startswith("w"):
            by_format.setdefault(rendition.format, []).append(rendition)
    jpegs = sorted(by_format.get("jpeg", []), key=lambda r: r.width)
    if not jpegs:
        return None
    fallback = next((r for r in jpegs if r.width >= FALLBACK_WIDTH), jpegs[-1])
    largest = jpegs[-1]
    sources = [
        Source(MIME_TYPES[fmt], _srcset(sorted(by_format[fmt], key=lambda r: r.width)))
        for fmt in ("avif", "webp")
        if by_format.get(fmt)
    ]
    return Picture(sources, fallback.url, _srcset(jpegs), largest.width, largest.height)
