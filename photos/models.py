"""Photos and their renditions: the original as uploaded (stripped of location and camera
data), and the widths and crops the worker makes from it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.functions import JSONObject

from core.pagecache import PageKeys
from core.text import PlainText, validate_name, without_control_characters
from photos import renditions
from photos.uploads import UploadedImageField

# Photos know nothing of the apps that show them: those apps say which of their pages show
# a photo (articles: the list pages whose cards show it), so that a photo's new renditions
# purge every page showing the old ones.
_shown_on: list[Callable[[int], list[str]]] = []


def photo_shown_on(finder: Callable[[int], list[str]]) -> None:
    """Register `finder(photo_id)`: the cache keys of an app's pages that show the photo."""
    if finder not in _shown_on:
        _shown_on.append(finder)


class Photo(PageKeys, PlainText, models.Model):
    key_prefix = "photo"

    class Status(models.TextChoices):
        PENDING = "pending", "Renditions pending"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    image = UploadedImageField(
        upload_to="photos/%Y/%m/",
        width_field="width",
        height_field="height",
        help_text="A JPEG, PNG or WebP photo. Location and camera data are removed on upload.",
    )
    alt_text = models.CharField(
        max_length=300, help_text="Describe the picture for people who cannot see it."
    )
    caption = models.TextField(blank=True)
    credit_name = models.CharField(
        max_length=120,
        blank=True,
        validators=[validate_name],
        help_text='Shown as "Photo: NAME".',
    )
    credit_url = models.URLField(blank=True, help_text="The photographer's page.")
    copyright_notice = models.CharField(max_length=200, blank=True)
    license_url = models.URLField(blank=True)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    focal_x = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Horizontal focal point for crops: 0 = left edge, 1 = right edge.",
    )
    focal_y = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Vertical focal point for crops: 0 = top, 1 = bottom.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    plain_text_fields = (
        "alt_text",
        "caption",
        "credit_name",
        "credit_url",
        "copyright_notice",
        "license_url",
    )

    class Meta:
        db_table = "articles_photo"  # its name from before photos had their own app
        ordering = ["-created_at"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._saved_inputs = self._rendition_inputs()

    def __str__(self) -> str:
        return self.alt_text[:60] or f"Photo {self.pk}"

    def save(self, *args, **kwargs) -> None:
        """Strip a new upload and read its credits; whenever the picture or its focal point
        changes, mark the renditions pending and queue the worker once the row is committed.

        On the model rather than in a service because every path that stores a photo (admin,
        the article form's pop-up, loaddemo, a shell) must strip GPS data and remake
        renditions; a path that forgot would leak or show stale crops."""
        touched: set[str] = set()
        # Only when the image is loaded: touching a deferred field would query for it.
        if "image" in self.__dict__ and self.image and not self.image._committed:
            touched |= self._prefill_credits(self.image.ingest())
        inputs = self._rendition_inputs()
        previous_name = self._saved_inputs[0]
        changed = self._state.adding or inputs != self._saved_inputs
        if changed:
            self.status, self.error = self.Status.PENDING, ""
            touched |= {"status", "error"}
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *touched}
        super().save(*args, **kwargs)
        self._saved_inputs = self._rendition_inputs()
        if changed and self.image:
            from photos.tasks import make_renditions  # tasks → services → models

            make_renditions.delay_on_commit(photo_id=self.pk)
        if previous_name and previous_name != self.image.name:
            # The replaced original is no longer shown anywhere; its renditions go in the task.
            storage = self.image.storage
            transaction.on_commit(lambda: storage.delete(previous_name), using=self._state.db)

    def cache_keys(self) -> list[str]:
        """Every page showing the photo: those tagged with it (photo-N), and the other apps'."""
        return [self.page_key, *(key for finder in _shown_on for key in finder(self.pk))]

    @property
    def has_credit(self) -> bool:
        return bool(self.credit_name.strip())

    def missing_for_publication(self) -> list[str]:
        """What an article showing this photo needs on it before it is published: alt text
        for people who cannot see it, and the photographer's credit."""
        missing = []
        if not self.alt_text.strip():
            missing.append("alt text")
        if not self.has_credit:
            missing.append("credit")
        return missing

    def smallest_rendition(self) -> Rendition | None:
        """The smallest JPEG width rendition (thumbnails in the admin), once made."""
        return min(
            (r for r in self.ready_renditions() if r.spec.startswith("w") and r.format == "jpeg"),
            key=lambda r: r.width,
            default=None,
        )

    def ready_renditions(self) -> list[Rendition]:
        """The renditions to show, or none while they are pending or failed (the templates
        then fall back to the original). Uses a prefetch of `renditions` when there is one."""
        if self.status != self.Status.READY:
            return []
        if "renditions" not in getattr(self, "_prefetched_objects_cache", {}):
            models.prefetch_related_objects([self], "renditions")
        return list(self.renditions.all())

    def use_rendition_rows(self, rows: list[dict] | None) -> None:
        """Take the renditions read as JSON rows inside another query (`rendition_rows`) as
        if prefetched, so showing the photo asks the database nothing more."""
        prefetched = self.renditions.all()
        prefetched._result_cache = [Rendition(**row) for row in rows or []]
        prefetched._prefetch_done = True
        self._prefetched_objects_cache = {"renditions": prefetched}

    def crop(self, ratio: str = "16x9") -> Rendition | None:
        """The 16x9, 4x3 or 1x1 crop around the focal point, once made."""
        return next((r for r in self.ready_renditions() if r.spec == ratio), None)

    def crop_url(self, ratio: str = "16x9") -> str:
        """The crop's URL for Open Graph and feeds; the original's while renditions are pending."""
        crop = self.crop(ratio)
        return crop.file.url if crop else (self.image.url if self.image else "")

    def schema(self, ratio: str = "16x9") -> dict[str, Any]:
        """schema.org ImageObject for JSON-LD: the crop (absolute URL, size) and its credits."""
        crop = self.crop(ratio)
        url = urljoin(settings.SITE_URL + "/", self.crop_url(ratio))
        width, height = (crop.width, crop.height) if crop else (self.width, self.height)
        data: dict[str, Any] = {"@type": "ImageObject", "url": url, "contentUrl": url}
        if width and height:
            data |= {"width": width, "height": height}
        data["caption"] = self.caption or self.alt_text
        if self.credit_name:
            data["creditText"] = self.credit_name
            creator = {"@type": "Person", "name": self.credit_name}
            data["creator"] = creator | ({"url": self.credit_url} if self.credit_url else {})
        if self.copyright_notice:
            data["copyrightNotice"] = self.copyright_notice
        if self.license_url:
            data["license"] = self.license_url
        return data

    def schema_images(self) -> list[dict[str, Any]]:
        """One ImageObject per crop, as Google asks for article images; one while pending."""
        if self.crop() is None:
            return [self.schema()]
        return [self.schema(ratio) for ratio in renditions.CROPS]

    def _rendition_inputs(self) -> tuple[Any, Any, Any]:
        """What the renditions are made from. Read from __dict__: no query for deferred fields."""
        image = self.__dict__.get("image")
        return (
            getattr(image, "name", image),
            self.__dict__.get("focal_x"),
            self.__dict__.get("focal_y"),
        )

    def _prefill_credits(self, found: renditions.Embedded) -> set[str]:
        """Fill empty credit fields from the upload's metadata, read before it was stripped."""
        touched = {"image", "width", "height"}
        for name, value in [
            ("credit_name", found.credit),
            ("caption", found.caption),
            ("copyright_notice", found.copyright),
            ("license_url", found.license_url),
        ]:
            # Text from the file, not typed in the form: cleaned of control characters (a
            # NUL would not even store) rather than refused.
            value = without_control_characters(value or "")
            if value and not getattr(self, name).strip():
                setattr(self, name, value)
                touched.add(name)
        return touched


class Rendition(models.Model):
    """One derived image file: a width or crop of a Photo in one format, metadata stripped."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="renditions")
    spec = models.CharField(max_length=20, help_text='"w640" for a width, "16x9" for a crop.')
    format = models.CharField(max_length=10)
    file = models.FileField(upload_to="renditions/%Y/%m/", max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    bytes = models.PositiveIntegerField()
    source = models.CharField(
        max_length=64, help_text="Fingerprint of the original and focal point it was made from."
    )

    class Meta:
        db_table = "articles_rendition"  # its name from before photos had their own app
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "spec", "format"], name="one_rendition_per_spec"
            )
        ]

    def __str__(self) -> str:
        return f"{self.photo_id} {self.spec}.{self.format}"

    @property
    def url(self) -> str:
        return self.file.url

    @property
    def mime_type(self) -> str:
        return renditions.MIME_TYPES.get(self.format, "application/octet-stream")


RENDITION_FIELDS = ("id", "photo_id", "spec", "format", "file", "width", "height", "bytes")
RENDITION_FIELDS += ("source",)


def rendition_rows(photo_id) -> ArraySubquery:
    """A photo's renditions as an array of JSON rows, to read inside another query (Postgres):
    `Photo.use_rendition_rows` takes them."""
    rows = Rendition.objects.filter(photo_id=photo_id).values(
        row=JSONObject(**{name: name for name in RENDITION_FIELDS})
    )
    return ArraySubquery(rows)
