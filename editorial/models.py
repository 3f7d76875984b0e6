"""The editorial record of an article: its workflow log (transitions), its revisions, the
share links that preview it, and who is editing it now (edit locks)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article


class Transition(models.Model):
    """The audit log of the workflow: who moved an article from which status to which, when,
    and why (a reviewer's note). Written by the services, never edited."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Submitted for review"
        RETURN = "return", "Sent back to the writer"
        PUBLISH = "publish", "Published"
        SCHEDULE = "schedule", "Scheduled"
        WENT_LIVE = "went_live", "Went live"
        UNPUBLISH = "unpublish", "Unpublished"
        STATUS = "status", "Status changed"
        BREAKING = "breaking", "Marked breaking"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the newsroom did it by itself (a scheduled time came).",
    )
    action = models.CharField(max_length=12, choices=Action)
    from_status = models.CharField(max_length=12, choices=Article.Status, blank=True)
    to_status = models.CharField(max_length=12, choices=Article.Status)
    at = models.DateTimeField(
        null=True, blank=True, help_text="The publication time it was published or scheduled for."
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "articles_transition"  # its name from before the editorial app
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.article_id}"


class KeptRevisionManager(models.Manager):
    """The article's history: every revision but the autosaves. The default manager (and so
    `article.revisions`), so no list, comparison, restore or audit can show an autosave by
    forgetting to leave it out."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(is_autosave=False)


class AutosaveManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(is_autosave=True)


class Revision(models.Model):
    """One save of an article's text, photo or bylines. `changes` holds only the fields that
    changed from the revision before (the first: all that are set), so a long article edited a
    hundred times is stored about once; `editorial.revisions` rebuilds any version.

    An autosave (`is_autosave`) is not part of that history: the text of a form someone is
    still typing in, one row per article and user (the article is empty for a story not
    saved yet), overwritten every few seconds and deleted when they save. Its `changes` hold
    the form's text fields whole, its `number` is 0 and `created_at` is its last write."""

    class Kind(models.TextChoices):
        EDIT = "edit", "Edit"
        SILENT = "silent", "Silent fix"
        UPDATE = "update", "Update"
        CORRECTION = "correction", "Correction"
        RESTORE = "restore", "Restored"

    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.EDIT)
    note = models.TextField(blank=True)
    changes = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)
    is_autosave = models.BooleanField(default=False, editable=False)

    every = models.Manager()  # kept revisions and autosaves alike
    objects = KeptRevisionManager()
    autosaves = AutosaveManager()

    class Meta:
        db_table = "articles_revision"  # its name from before the editorial app
        ordering = ["-number"]
        default_manager_name = "objects"
        base_manager_name = "every"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"],
                condition=Q(is_autosave=False),
                name="one_revision_number",
            ),
            models.CheckConstraint(
                condition=Q(is_autosave=True) | Q(article__isnull=False),
                name="revision_has_an_article",
            ),
            models.UniqueConstraint(
                fields=["article", "user"],
                condition=Q(is_autosave=True),
                name="one_autosave_per_article_and_user",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_autosave=True, article__isnull=True),
                name="one_new_article_autosave_per_user",
            ),
        ]

    def __str__(self) -> str:
        if self.is_autosave:
            return f"Autosave of article {self.article_id or '(new)'} by user {self.user_id}"
        return f"Revision {self.number} of article {self.article_id}"


def new_share_token() -> str:
    return secrets.token_urlsafe(24)


class ShareLink(models.Model):
    """A preview of an unpublished or embargoed article for someone without a login. The
    address carries a random token, signed (a changed character fails before any query),
    valid until `expires_at` unless revoked."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    note = models.CharField(
        max_length=200, blank=True, help_text='Who it is for, e.g. "Legal: Sam Ortiz".'
    )
    expires_at = models.DateTimeField(help_text="The link stops working at this time.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        db_table = "articles_sharelink"  # its name from before the editorial app
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Share link for article {self.article_id}"

    def get_absolute_url(self) -> str:
        return reverse("editorial:share-preview", kwargs={"token": self.signed_token()})

    def signed_token(self) -> str:
        return signing.Signer(salt=SHARE_LINK_SALT).sign(self.token)

    def is_active(self, at=None) -> bool:
        now = at or timezone.now()
        return self.revoked_at is None and self.expires_at > now


SHARE_LINK_SALT = "articles.share-link"


class EditLock(models.Model):
    """A soft lock: who has the article's form open, shown to the others. It blocks nothing
    by itself (the version check refuses stale saves); it expires when not refreshed."""

    article = models.OneToOneField(
        "articles.Article", primary_key=True, on_delete=models.CASCADE, related_name="edit_lock"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "articles_editlock"  # its name from before the editorial app

    def __str__(self) -> str:
        return f"{self.user} editing article {self.article_id}"

    def expires_at(self) -> datetime:
        return self.seen_at + timedelta(minutes=settings.ARTICLE_LOCK_MINUTES)

    def is_live(self, at=None) -> bool:
        return self.expires_at() > (at or timezone.now())
