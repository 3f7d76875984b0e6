"""The comment form under every article, and the moderation queue's filters.

The form checks each field on its own (and that a reply's parent may be replied to); the
anti-abuse checks that need the database, the cache or the clock run afterwards, in order,
in `comments.services.comment_submit`.
"""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout
from django import forms

from articles.models import Article
from comments import services
from comments.models import Comment, HeldReason, Report
from core.params import MAX_ID, parse_id
from core.text import validate_name


class TextField(forms.CharField):
    """Plain text with one kind of line break: browsers send CRLF, which would count twice
    against the length limit and store a different body from the same words."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class CommentForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=80,
        validators=[validate_name],
        help_text="Shown with your comment.",
        error_messages={"required": "Please enter your name: it appears with your comment."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="Private: never shown on the site.",
        error_messages={
            "required": "Please enter your email address (it stays private).",
            "invalid": "Please enter a valid email address, like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = TextField(
        label="Comment",
        max_length=5000,
        error_messages={
            "required": "Please write your comment.",
            "max_length": "Please keep your comment to 5,000 characters (it has %(show_value)d).",
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    parent = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"invalid": "The comment you are replying to could not be found."},
    )
    notify_on_publish = forms.BooleanField(
        required=False, label="Email me when my comment is published"
    )
    notify_on_reply = forms.BooleanField(
        required=False,
        label="Email me when someone replies to my comment",
        help_text="The first time, we email you a link to confirm: nothing else is sent until "
        "you click it.",
    )
    # Honeypot: hidden from people by CSS (and from screen readers), irresistible to robots.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, article: Article, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.article = article
        self.helper = FormHelper()
        self.helper.form_tag = False
        # No CSRF token: the page is shared by every reader; the view checks where a post
        # comes from instead (comments/views.py).
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field("name"),
            Field("email"),
            Field("body"),
            Field("parent"),
            Field("notify_on_publish"),
            Field("notify_on_reply"),
            Div("website", css_class="honeypot", aria_hidden="true"),
            HTML('<button class="button" type="submit">Post comment</button>'),
        )

    def clean_email(self) -> str:
        # One spelling per person, so duplicates, rate limits and history all line up.
        return self.cleaned_data["email"].strip().lower()

    def clean_parent(self) -> Comment | None:
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = Comment.objects.select_related("parent").filter(pk=parent_id).first()
        if parent is None:
            raise forms.ValidationError("The comment you are replying to could not be found.")
        if parent.article_id != self.article.pk:
            raise forms.ValidationError("You can only reply to a comment on this article.")
        if parent.status != Comment.Status.APPROVED:
            raise forms.ValidationError("You can only reply to a published comment.")
        if parent.depth >= services.MAX_DEPTH:
            raise forms.ValidationError(
                "Replies go two levels deep: please reply to the comment above this one."
            )
        return parent

    @property
    def hidden_field_errors(self) -> list[str]:
        """Errors of fields the reader cannot see, shown at the top of the form."""
        return [error for name in ("parent",) for error in self.errors.get(name, [])]


class ReportForm(forms.Form):
    """A reader's report of a comment (the form sits under each approved comment)."""

    reason = forms.ChoiceField(
        choices=Report.Reason.choices,
        error_messages={
            "required": "Please choose why you are reporting this comment.",
            "invalid_choice": "Please choose one of the reasons offered.",
        },
    )
    note = TextField(
        required=False,
        max_length=500,
        error_messages={"max_length": "Please keep the note to 500 characters."},
    )


class QueueFilterForm(forms.Form):
    """The moderation queue's filters (GET); anything it does not know is a clear error."""

    STATUSES = [*Comment.Status.choices, (services.REPORTED, "Reported")]

    status = forms.ChoiceField(choices=STATUSES, required=False)
    desk = forms.SlugField(required=False)
    article = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    reason = forms.ChoiceField(choices=[("", "Any reason"), *HeldReason.choices], required=False)
    # A keyset cursor: microseconds since 1970, then an id (moderation_views._cursor).
    after = forms.RegexField(regex=r"^\d{1,20}-\d{1,20}$", required=False)
    # Every comment by the person who wrote this one (matched by email, never in the URL).
    commenter = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)

    def clean_status(self) -> str:
        return self.cleaned_data["status"] or Comment.Status.PENDING

    def clean_after(self) -> str:
        after = self.cleaned_data["after"]
        if after:
            micros, pk = after.split("-")
            try:
                parse_id(pk)
                datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=int(micros))
            except (ValueError, OverflowError):
                raise forms.ValidationError("That page of the queue does not exist.") from None
        return after


DECISION_CHOICES = [("approve", "Approve"), ("reject", "Reject"), ("spam", "Spam")]
DECISION_ERRORS = {
    "required": "Choose a decision: approve, reject or spam.",
    "invalid_choice": "Unknown decision “%(value)s”: choose approve, reject or spam.",
}
# One comment's decisions: the bulk ones, plus those about its reports, picks and commenter.
SINGLE_DECISION_CHOICES = [
    *DECISION_CHOICES,
    ("keep", "Keep (clear its reports)"),
    ("pick", "Pick"),
    ("unpick", "Unpick"),
    ("ban", "Spam and ban the commenter"),
    ("trust", "Approve and trust the commenter"),
]
SINGLE_DECISION_ERRORS = {
    "required": "Choose a decision: approve, reject or spam (or, where they apply, keep, pick, "
    "unpick, ban or trust).",
    "invalid_choice": "Unknown decision “%(value)s”: choose approve, reject or spam (or, where "
    "they apply, keep, pick, unpick, ban or trust).",
}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=SINGLE_DECISION_CHOICES, error_messages=SINGLE_DECISION_ERRORS
    )
    reason = forms.CharField(max_length=200, required=False)
    next = forms.CharField(max_length=2000, required=False)


class IdListField(forms.Field):
    """Several `ids` values, as whole numbers, at most `max_ids` of them."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_ids: int = 500, **kwargs) -> None:
        self.max_ids = max_ids
        super().__init__(**kwargs)

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        try:
            ids = sorted({parse_id(item) for item in value})
        except ValueError:
            raise forms.ValidationError("Comment ids must be whole numbers.") from None
        if len(ids) > self.max_ids:
            raise forms.ValidationError(f"Decide at most {self.max_ids} comments at once.")
        return ids

    def validate(self, value: list[int]) -> None:
        if not value:
            raise forms.ValidationError("Select at least one comment.")


class BulkDecisionForm(DecisionForm):
    decision = forms.ChoiceField(choices=DECISION_CHOICES, error_messages=DECISION_ERRORS)
    ids = IdListField()
