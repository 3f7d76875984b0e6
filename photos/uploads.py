"""The one path every uploaded image takes, whatever model it belongs to (a photo, an
author's portrait): the model field `UploadedImageField`.

- Checked: `validators.validate_photo_upload` is the field's validator, so the admin and
  any `full_clean` give the same one-sentence reasons.
- Stripped: before the file is stored, `renditions.ingest` removes every metadata block
  (GPS position, camera, maker notes) without re-encoding the pixels.
- Renamed: it is stored under a random name with the extension of its real type
  (`.jpg`, `.png`, `.webp`), never the name it was sent with: a JPEG sent as `poly.html`
  or `../../x.htm` is stored as `…/3f9c….jpg`, so nothing serving media by extension can
  be talked into serving it as a page or a script.

The field does it in `pre_save`, so a path that skipped the form (a shell, a fixture, a
command) cannot store a file unstripped. A model that wants the credits found in the
file's metadata asks the file first (`Photo.save` calls `ingest()`).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile

from photos import renditions
from photos.validators import validate_photo_upload


class UploadedImageFile(ImageFieldFile):
    """An image field's file. Its width and height are as displayed (EXIF orientation
    applied), so an <img> has the right shape before any rendition exists."""

    def _get_image_dimensions(self):
        if not hasattr(self, "_dimensions_cache"):
            close = self.closed
            self.open()
            try:
                self._dimensions_cache = renditions.displayed_size(self)
            finally:
                if close:
                    self.close()
        return self._dimensions_cache

    def ingest(self) -> renditions.Embedded:
        """Put this new upload's metadata-free copy, under a generated name, in its place on
        the instance, once; return the credits its metadata held.

        The instance's attribute then holds a new file: read it again after this call."""
        if self._committed:
            raise ValueError("Only a new upload can be ingested")
        done = getattr(self.file, "ingested", None)
        if done is not None:
            return done
        self.open("rb")
        self.seek(0)
        try:
            ingested = renditions.ingest(self.read())
        except renditions.PhotoRejected as exc:
            # Only a path that skipped full_clean (validate_photo_upload) gets here with a
            # file the pipeline cannot strip; pixel damage is left for the worker to report.
            raise ValidationError({self.field.name: str(exc)}) from None
        clean = ContentFile(ingested.data, name=f"{uuid.uuid4().hex}{ingested.extension}")
        clean.ingested = ingested.embedded
        setattr(self.instance, self.field.attname, clean)
        return ingested.embedded


class UploadedImageField(models.ImageField):
    attr_class = UploadedImageFile
    default_validators = [validate_photo_upload]

    def pre_save(self, model_instance, add):
        if self.attname in model_instance.__dict__:  # not a deferred field: no query
            file = getattr(model_instance, self.attname)
            if file and not file._committed:
                file.ingest()
        return super().pre_save(model_instance, add)
