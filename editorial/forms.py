"""Admin forms: they only clean data; the rules they check live in services and validators."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone

from articles import rights, selectors, services
from articles.editor import ArticleBodyField, ArticleBodyWidget
from articles.forms import PlainTextField, add_service_errors
from articles.models import Article
from core.clock import zone_note
from core.text import validate_plain_text
from editorial.models import ShareLink
from editorial.services import saving, workflow

# Far beyond any story (a long read is some 100,000 characters of HTML), but a bound.
AUTOSAVE_BODY_MAX_CHARS = 1_000_000
CHANGE_KINDS = [
    ("silent", "Silent fix: a typo or a broken link; readers are not told"),
    ("update", "Update: new information; shows an “Updated” time and the note"),
    ("correction", "Correction: we got something wrong; shows the time and the note"),
]
TIME_FIELDS = ("published_at", "embargo_until", "breaking_until")
# Fields only an editor sets: when and how a story goes public (read-only for reporters).
PUBLISHING_FIELDS = (
    "published_at",
    "embargo_until",
    "updated_at",
    "is_breaking",
    "breaking_until",
    "is_top_story",
    "top_story_order",
)


class ArticleAdminForm(forms.ModelForm):
    """The article form. `user` is set by the admin (ArticleAdmin.get_form) for each request:
    reporters see only the draft and in-review statuses and their own desks, and publishing
    is checked against the user's rights and the hero photo before anything is saved.

    `version` carries the article's version from when the form was opened: saving over a
    newer one is refused (optimistic concurrency). Editing an article the public can see,
    `change_kind` says whether the edit is a silent fix, an update or a correction."""

    user: ClassVar[Any] = None
    # Set by the admin when an action was asked for from this page with edits not saved:
    # the form then refuses to save, so it comes back with what was typed.
    unsaved_action: ClassVar[str] = ""
    public_edit = False

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    change_kind = forms.ChoiceField(
        label="This edit is",
        choices=CHANGE_KINDS,
        initial="silent",
        required=False,
        widget=forms.RadioSelect,
    )
    change_note = forms.CharField(
        label="Note for readers",
        required=False,
        max_length=2000,
        validators=[validate_plain_text],  # it becomes a Correction's text, in the JSON-LD
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required for an update or a correction: shown under the article and on "
        "the corrections page.",
    )

    class Meta:
        model = Article
        fields = (
            "headline",
            "slug",
            "desk",
            "standfirst",
            "body",
            "hero_photo",
            "social_title",
            "social_description",
            "social_photo",
            "topics",
            "status",
            *PUBLISHING_FIELDS,
            "comments_enabled",
            "comments_close_after_days",
        )
        widgets: ClassVar[dict] = {"body": ArticleBodyWidget}
        # The body compares as stored (ArticleBodyField): line breaks are no edit there too.
        field_classes: ClassVar[dict] = {"body": ArticleBodyField, "standfirst": PlainTextField}
        help_texts: ClassVar[dict] = {
            "body": (
                "Headings, bold, italic, links, lists, quotes and the boxed aside from the "
                "toolbar; photos from the library and links to embed (YouTube, Vimeo, "
                "Instagram, TikTok, Datawrapper, Flourish, X, Bluesky, any https page) by "
                "their buttons, or paste a link alone on a line. "
                "Pasting from Google Docs or Word keeps the structure, not the styles."
            ),
            "breaking_until": (
                "When the breaking flag and the home banner switch off by themselves. "
                f"Empty: {workflow.BREAKING_DEFAULT_HOURS} hours from when the flag is set "
                "(or from publication, if that is later)."
            ),
            "status": (
                "Published with a future publication time means scheduled: it goes live "
                "by itself at that time."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True
        desk = self.fields.get("desk")
        if desk is not None and self.user is not None:
            # Only the user's desks; a crafted POST with another is "not one of the choices".
            desk.queryset = selectors.desks_for(user=self.user)
        zone = zone_note()
        for name in TIME_FIELDS:
            if name in self.fields:
                help_text = self.fields[name].help_text
                self.fields[name].help_text = f"{help_text} {zone}".strip()
        status = self.fields.get("status")
        if self.instance.desk_id is not None:
            publishes = rights.user_can_publish_on(user=self.user, desk_id=self.instance.desk_id)
        else:
            publishes = rights.user_can_publish(self.user)
        if status is not None and not publishes:
            # A crafted POST with another status fails as "not one of the available choices".
            status.choices = [
                (value, label)
                for value, label in status.choices
                if value in rights.REPORTER_STATUSES
            ]
            status.help_text = (
                "Submit the article for review when it is ready; an editor publishes it."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.unsaved_action:
            self.add_error(
                None,
                f"“{self.unsaved_action}” was not run, and nothing was saved: this page has "
                "changes that are not saved yet. Save your changes first, then run the action.",
            )
            return cleaned
        if self.instance.pk is not None:
            try:
                # Runs inside the admin's transaction: the row stays locked until the save.
                saving.article_check_version(
                    article_id=self.instance.pk, version=cleaned.get("version"), user=self.user
                )
            except ValidationError as exc:
                add_service_errors(self, exc)
                return cleaned
        until = cleaned.get("breaking_until")
        if (
            cleaned.get("is_breaking")
            and until is not None
            and "breaking_until" in self.changed_data
            and until <= timezone.now()
        ):
            self.add_error(
                "breaking_until",
                "This time is in the past: the flag and the banner would show nothing. Choose "
                f"a later time, or leave it empty for {workflow.BREAKING_DEFAULT_HOURS} hours "
                "from now.",
            )
        if (
            self.instance.pk is not None
            and self.instance.status == Article.Status.PUBLISHED
            and cleaned.get("status") == Article.Status.UNPUBLISHED
        ):
            # Taking a story down asks for the reason, kept in the log: the button does.
            self.add_error(
                "status",
                "To take this article off the site, use Unpublish (in the actions above): it "
                "asks for the reason, which is kept in the article's log.",
            )
        self.public_edit = self.is_public_edit()
        try:
            saving.article_check_change_note(
                public=self.public_edit,
                change_kind=cleaned.get("change_kind") or "",
                change_note=cleaned.get("change_note") or "",
            )
        except ValidationError as exc:
            add_service_errors(self, exc)
        return cleaned

    def is_stale(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, code=saving.STALE_VERSION)

    def is_public_edit(self) -> bool:
        """Editing an article the public can see now (corrections apply)."""
        return (
            self.instance.pk is not None
            and Article.objects.published().filter(pk=self.instance.pk).exists()
        )

    def _post_clean(self) -> None:
        """After the instance has the submitted values: the checks that need the whole
        article (publishing rules, a free address), reported against the right fields."""
        super()._post_clean()
        if self.is_stale():
            return  # a stale form: nothing else matters until it is reloaded
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
            add_service_errors(self, exc)


class ReturnForm(forms.Form):
    """Sending an article in review back to its writer: the note says what to change."""

    note = forms.CharField(
        label="What needs to change",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 70}),
        help_text="The writer sees this note on the article and in their email.",
    )


class UnpublishForm(forms.Form):
    """Taking an article off the site: the reason is kept in its workflow log."""

    note = forms.CharField(
        label="Why is it being withdrawn",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text="Kept in the article's log for staff; readers see only that it was withdrawn.",
        error_messages={"required": "Say why: the reason is kept in the article's log."},
    )


class RestoreForm(forms.Form):
    """Restoring a revision: an edit like any other, so the version the page was opened on
    and, for a live article, the kind of edit and its note (no default: a choice)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    change_kind = forms.ChoiceField(
        label="This edit is", choices=CHANGE_KINDS, required=False, widget=forms.RadioSelect
    )
    change_note = forms.CharField(
        label="Note for readers",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
        help_text="Required for an update or a correction: shown under the article and on "
        "the corrections page.",
    )

    def __init__(self, *args: Any, public: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if public:
            self.fields["change_kind"].required = True
        else:
            del self.fields["change_kind"], self.fields["change_note"]


class ShareLinkForm(forms.ModelForm):
    """A new share link: which article, for whom, for how long."""

    days = forms.IntegerField(
        label="Works for (days)",
        min_value=1,
        help_text="The link stops working after this many days; you can revoke it sooner.",
    )

    class Meta:
        model = ShareLink
        fields = ("article", "note")

    user: ClassVar[Any] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = settings.SHARE_LINK_DAYS
        self.fields["days"].validators.append(MaxValueValidator(settings.SHARE_LINK_MAX_DAYS))
        self.fields["days"].widget.attrs["max"] = settings.SHARE_LINK_MAX_DAYS
        article = self.fields.get("article")
        if article is not None and self.user is not None:
            # Only articles the user may edit; a crafted POST with another is refused.
            article.queryset = selectors.articles_editable_by(user=self.user)


class AutosaveForm(forms.Form):
    """What the change form's script posts every few seconds: its text fields as typed,
    unchecked beyond their size (the real save checks the rest)."""

    headline = forms.CharField(required=False, strip=False, max_length=200)
    standfirst = PlainTextField(required=False, strip=False, max_length=10_000)
    body = forms.CharField(required=False, strip=False, max_length=AUTOSAVE_BODY_MAX_CHARS)

    def clean(self) -> dict[str, Any]:
        if not any(name in self.data for name in self.fields):
            raise ValidationError("Nothing to autosave: no headline, standfirst or body sent.")
        return super().clean()
