"""The stored body made into the page's HTML: its figures are references (articles.body),
expanded here when the page renders, so a photo's new crop or credit shows at once.

- `<figure data-photo-id="12">`: the photo's responsive renditions (includes/picture.html),
  its caption and the credit line "Photo: NAME" linking to the photographer. All the
  body's photos and their renditions are read together, whatever their
  number, in one query; a photo since deleted is left out.
- `<figure data-embed-url="…">`: a click-to-load placeholder or a link card
  (articles.embeds); nothing is fetched from anyone.
"""

from __future__ import annotations

import html
import re

from django.db.models import OuterRef
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from articles.embeds import embed_for
from articles.search import uses_postgres
from photos.models import Photo, rendition_rows

# The canonical form articles.body writes: exactly one attribute, empty content.
FIGURE = re.compile(r'<figure data-(photo-id|embed-url)="([^"]*)"></figure>')


def body_photo_ids(body: str) -> list[int]:
    """The photos a body shows, in order, each once."""
    ids = (int(value) for kind, value in FIGURE.findall(body or "") if kind == "photo-id")
    return list(dict.fromkeys(ids))


def embed_urls(body: str) -> list[str]:
    """The addresses of the links a body embeds, in order, each once."""
    urls = (
        html.unescape(value) for kind, value in FIGURE.findall(body or "") if kind == "embed-url"
    )
    return list(dict.fromkeys(urls))


def has_embeds(body: str) -> bool:
    return any(kind == "embed-url" for kind, _ in FIGURE.findall(body or ""))


def _photos_with_renditions(ids: list[int]) -> dict[int, Photo]:
    """The photos and their renditions in one query: the renditions come as JSON rows on
    each photo's row and are put where a prefetch would put them (`Photo.ready_renditions`
    reads them from there). Elsewhere than Postgres (SQLite under `make run`): a prefetch."""
    photos_by_id = Photo.objects.filter(pk__in=ids)
    if not uses_postgres(photos_by_id):
        return {photo.pk: photo for photo in photos_by_id.prefetch_related("renditions")}
    photos = {}
    for photo in photos_by_id.annotate(rows=rendition_rows(OuterRef("pk"))):
        photo.use_rendition_rows(photo.rows)
        photos[photo.pk] = photo
    return photos


def render_body(body: str, *, titles: dict[str, str] | None = None) -> SafeString:
    """The body as the page shows it; `titles`: those fetched for its embeds, by address."""
    if "<figure" not in (body or ""):
        return mark_safe(body or "")  # noqa: S308 - cleaned by articles.body on save
    ids = body_photo_ids(body)
    photos = _photos_with_renditions(ids) if ids else {}

    def expand(match: re.Match) -> str:
        kind, value = match.groups()
        if kind == "photo-id":
            photo = photos.get(int(value))
            if photo is None or not photo.image:
                return ""
            return render_to_string("includes/body_photo.html", {"photo": photo})
        url = html.unescape(value)
        embed = embed_for(url, title=(titles or {}).get(url, ""))
        return render_to_string("includes/body_embed.html", {"embed": embed}) if embed else ""

    return mark_safe(FIGURE.sub(expand, body))  # noqa: S308 - cleaned on save, parts escaped
