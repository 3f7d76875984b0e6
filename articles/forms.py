"""Admin forms for desks, authors, photos and corrections: they translate the services' errors
to fields; the rules themselves are the services'."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError

from articles import services
from articles.models import Author, Desk
from photos.models import Photo
from photos.validators import MAX_PIXELS, MAX_UPLOAD_BYTES, check_upload_once, pixel_limit


def one_kind_of_line_break(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class PlainTextField(forms.CharField):
    """Text with one kind of line break: browsers send a textarea's as CRLF, which is the
    same text, never an edit (an article stored with either compares equal)."""

    def to_python(self, value):
        return one_kind_of_line_break(super().to_python(value))

    def has_changed(self, initial, data) -> bool:
        return super().has_changed(one_kind_of_line_break(initial or ""), data)


class PhotoUploadField(forms.ImageField):
    """An image upload checked by `validate_image_upload`: one clear message per bad file
    (too big, SVG, not an image, damaged, cut short, too many pixels, animated) instead of
    Django's single "not an image or a corrupted image". The model's validator then finds
    the file already checked and does not decode it again."""

    default_validators: ClassVar[list] = []  # the content is checked, not the file name

    def to_python(self, data: Any) -> Any:
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        info = check_upload_once(upload, name=upload.name or "")
        upload.content_type = info.content_type
        return upload

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput):
            attrs["accept"] = "image/jpeg,image/png,image/webp"
        return attrs


UPLOAD_HELP = (
    f"JPEG, PNG or WebP, at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB and "
    f"{MAX_PIXELS // 1_000_000} megapixels ({pixel_limit('PNG') // 1_000_000} for PNG and WebP)."
)


class PhotoAdminForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = (
            "image",
            "alt_text",
            "caption",
            "credit_name",
            "credit_url",
            "copyright_notice",
            "license_url",
            "focal_x",
            "focal_y",
        )
        field_classes: ClassVar[dict] = {"image": PhotoUploadField}
        help_texts: ClassVar[dict] = {"image": UPLOAD_HELP}


class AuthorAdminForm(forms.ModelForm):
    class Meta:
        model = Author
        fields = ("name", "slug", "job_title", "bio", "photo", "email", "user")
        field_classes: ClassVar[dict] = {"photo": PhotoUploadField}
        help_texts: ClassVar[dict] = {"photo": UPLOAD_HELP}


class DeskAdminForm(forms.ModelForm):
    """The desk form. `user` is set by the admin for each request: the members it may set
    are checked by `services.desk_check_members` (nobody adds themselves)."""

    user: ClassVar[Any] = None

    class Meta:
        model = Desk
        fields = ("name", "slug", "title", "about", "order", "members")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "members" in cleaned and self.user is not None:
            try:
                services.desk_check_members(
                    desk=self.instance, user=self.user, members=cleaned["members"]
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal shown on the form: by the field it names, else at the top (the
    services own the rules; forms only translate them)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class WithdrawCorrectionForm(forms.Form):
    """Withdrawing a mistaken correction or update: the note tells readers why."""

    note = forms.CharField(
        label="Why it is withdrawn",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text="Shown to readers under the withdrawn entry, on the article and on the "
        "corrections page.",
    )
