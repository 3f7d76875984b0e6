"""Admin forms: they only clean data; the rules they check live in services and validators."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles import services
from articles.markdown import SYNTAX_HELP
from articles.models import Article, Author, Photo
from articles.validators import (
    MAX_PIXELS,
    MAX_UPLOAD_BYTES,
    validate_image_upload,
)


class PhotoUploadField(forms.ImageField):
    """An image upload checked by `validate_image_upload`: one clear message per bad file
    (too big, SVG, not an image, damaged, cut short, too many pixels) instead of Django's
    single "not an image or a corrupted image"."""

    default_validators: ClassVar[list] = []  # the content is checked, not the file name

    def to_python(self, data: Any) -> Any:
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        info = validate_image_upload(upload, name=upload.name or "")
        upload.content_type = info.content_type
        return upload

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput):
            attrs["accept"] = "image/jpeg,image/png,image/webp"
        return attrs


UPLOAD_HELP = (
    f"JPEG, PNG or WebP, at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB and "
    f"{MAX_PIXELS // 1_000_000} megapixels."
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


class ArticleAdminForm(forms.ModelForm):
    """The article form. `user` is set by the admin (ArticleAdmin.get_form) for each request:
    reporters see only the draft and in-review statuses, and publishing is checked against
    the user's permission and the hero photo before anything is saved."""

    user: ClassVar[Any] = None

    class Meta:
        model = Article
        fields = (
            "headline",
            "slug",
            "desk",
            "standfirst",
            "body",
            "hero_photo",
            "topics",
            "status",
            "published_at",
            "embargo_until",
            "updated_at",
            "is_breaking",
            "breaking_until",
            "is_top_story",
            "top_story_order",
            "comments_enabled",
            "comments_close_after_days",
        )
        help_texts: ClassVar[dict] = {
            "body": SYNTAX_HELP,
            "breaking_until": (
                "When the breaking flag and the home banner switch off by themselves. "
                f"Empty: {services.BREAKING_DEFAULT_HOURS} hours after publication."
            ),
            "status": (
                "Published with a future publication time means scheduled: it goes live "
                "by itself at that time."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields.get("status")
        if status is not None and not services.user_can_publish(self.user):
            # A crafted POST with another status fails as "not one of the available choices".
            status.choices = [
                (value, label)
                for value, label in status.choices
                if value in services.REPORTER_STATUSES
            ]
            status.help_text = (
                "Submit the article for review when it is ready; an editor publishes it."
            )

    def _post_clean(self) -> None:
        """After the instance has the submitted values: the checks that need the whole
        article (publishing rules, a free address), reported against the right fields."""
        super()._post_clean()
        article = self.instance
        if not article.desk_id or not article.slug or self.has_error("slug"):
            return
        try:
            if article.status == Article.Status.PUBLISHED:
                services.article_check_publishable(
                    article=article,
                    user=self.user,
                    at=article.published_at or timezone.now(),
                    hero_photo=article.hero_photo,
                )
            else:
                day = services.article_url_day(article=article, published_at=article.published_at)
                clash = services.article_slug_clash(
                    article=article, desk=article.desk, slug=article.slug, day=day
                )
                if clash is not None:
                    raise ValidationError(
                        {"slug": services.slug_clash_message(clash=clash, day=day)}
                    )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
