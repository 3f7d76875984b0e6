"""Read-only queries the admin asks that are not a page's own (pages read through their
views): what the photo picker lists."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from photos.models import Photo, Rendition

PICKER_PAGE = 24


def photos_for_picker(
    *, search: str = "", page: int = 1, ids: list[int] | None = None
) -> tuple[list[Photo], bool]:
    """One page of the photo library for the picker, newest first, and whether there is
    another. Every word of `search` must be in the alt text, caption or credit; `ids`
    picks given photos instead (the one already chosen). Two queries whatever the page:
    the photos, and their JPEG width renditions (the thumbnails)."""
    photos = Photo.objects.only(
        "pk",
        "image",
        "alt_text",
        "caption",
        "credit_name",
        "credit_url",
        "width",
        "height",
        "focal_x",
        "focal_y",
        "status",
        "created_at",
    ).prefetch_related(
        Prefetch(
            "renditions",
            queryset=Rendition.objects.filter(spec__startswith="w", format="jpeg"),
        )
    )
    if ids is not None:
        return list(photos.filter(pk__in=ids)), False
    for word in search.split():
        photos = photos.filter(
            Q(alt_text__icontains=word)
            | Q(caption__icontains=word)
            | Q(credit_name__icontains=word)
        )
    start = (page - 1) * PICKER_PAGE
    found = list(photos.order_by("-created_at", "-pk")[start : start + PICKER_PAGE + 1])
    return found[:PICKER_PAGE], len(found) > PICKER_PAGE
