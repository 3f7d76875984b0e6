"""The article form's photo picker: the hero photo's widget and what the picker's endpoints
answer about a photo. The browser side is static/js/photo_picker.js (the library as a grid
of thumbnails, uploads, the credits pop-up) and static/js/photo_focal.js (the focal point
set by a click).

A photo is described once, by `photo_json`, for the picker's grid, the chosen hero photo
and the pop-up alike."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from articles.services import photo_editable_by
from photos.models import Photo


def photo_json(photo: Photo, *, editable: bool) -> dict[str, Any]:
    """A photo as the picker shows it. `thumb` is the smallest rendition, or None while they
    are pending (the picker then shows a placeholder, not the original's megabytes); `editable`
    says whether this user may complete its credits and move its focal point."""
    small = photo.smallest_rendition()
    medium = min(
        (
            r
            for r in photo.ready_renditions()
            if r.spec.startswith("w") and r.format == "jpeg" and r.width >= 480
        ),
        key=lambda r: r.width,
        default=small,
    )
    return {
        "id": photo.pk,
        "thumb": small.url if small else None,
        # The focal point is set on a larger picture; the original while none is made.
        "preview": medium.url if medium else (photo.image.url if photo.image else None),
        "status": photo.status,
        "status_label": photo.get_status_display(),
        "alt_text": photo.alt_text,
        "caption": photo.caption,
        "credit_name": photo.credit_name,
        "credit_url": photo.credit_url,
        "width": photo.width,
        "height": photo.height,
        "focal_x": photo.focal_x,
        "focal_y": photo.focal_y,
        "missing": photo.missing_for_publication(),
        "editable": editable,
        "change_url": reverse("admin:photos_photo_change", args=[photo.pk]),
    }


def picker_urls() -> dict[str, str]:
    """The endpoints the browser side calls; the photo's own ones end in `/0/…/`, for the
    script to put the photo's id in."""
    return {
        "picker-url": reverse("admin:photos_photo_picker"),
        "upload-url": reverse("admin:photos_photo_picker_upload"),
        "focal-url": reverse("admin:photos_photo_focal", args=[0]),
        "credits-url": reverse("admin:photos_photo_credits", args=[0]),
    }


class PhotoPickerWidget(forms.Widget):
    """The hero photo: the chosen photo (thumbnail, focal point, alt text, credit) and a
    button opening the picker. The value travels in a hidden input, as a select's would."""

    template_name = "admin/articles/widgets/photo_picker.html"

    def __init__(self, attrs=None, *, user=None, label: str = "hero photo") -> None:
        super().__init__(attrs)
        self.user, self.label = user, label

    @property
    def media(self) -> forms.Media:
        return forms.Media(
            css={"all": ["css/photo_picker.css"]},
            js=[forms.Script("js/photo_picker.js", type="module")],
        )

    def id_for_label(self, id_: str) -> str:
        # No `for`: the value's input is hidden, and a label on the button would hide its
        # own words ("Choose from the library…"). The widget is a group named like the label.
        return ""

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        photo = None
        if value not in (None, ""):
            try:
                # Its renditions are read only once it is ready (Photo.ready_renditions).
                photo = Photo.objects.filter(pk=int(value)).first()
            except (TypeError, ValueError):
                photo = None
        context["photo"] = photo
        if photo is not None:
            editable = self.user is not None and photo_editable_by(photo=photo, user=self.user)
            context["photo_data"] = photo_json(photo, editable=editable)
        context["urls"] = picker_urls()
        context["photo_json"] = json.dumps(context.get("photo_data"))
        context["label"] = self.label
        return context

    def _render(self, template_name, context, renderer=None) -> SafeString:
        # The project's templates (the form renderer reads only the apps' own).
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - a template

    def value_from_datadict(self, data, files, name: str) -> Any:
        return data.get(name)
