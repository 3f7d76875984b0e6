"""Reader comments, the moderation log, and the terms that hold or block a comment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from articles.models import Article


class HeldReason(models.TextChoices):
    """Why the checks held (or caught) a comment; stored in `Comment.held_reasons`."""

    FIRST_TIME = "first_time", "First comment from this email"
    PRE_MODERATED = "pre_moderated", "Every comment is pre-moderated"
    TOO_FAST = "too_fast", "Sent too fast after the page loaded"
    LINKS = "links", "Two or more links"
    SUSPECT_TERM = "suspect_term", "Contains a suspect term"
    BLOCKED_TERM = "blocked_term", "Contains a blocked term"


class CommentQuerySet(models.QuerySet):
    def approved(self) -> CommentQuerySet:
        """Approved comments: what the public may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.PENDING)

    def visible(self) -> CommentQuerySet:
        """Approved comments whose parent and grandparent are approved too.

        What the article page shows and counts: a reply under a comment that was later
        rejected has no place to hang, so it is neither shown nor counted.
        """
        approved = Comment.Status.APPROVED
        parent_ok = Q(parent__isnull=True) | Q(parent__status=approved)
        grandparent_ok = Q(parent__parent__isnull=True) | Q(parent__parent__status=approved)
        return self.approved().filter(parent_ok & grandparent_ok)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    name = models.CharField(max_length=80)
    email = models.EmailField(help_text="Private: seen by moderators and editors only.")
    body = models.TextField(max_length=5000)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    held_reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ip_hash = models.CharField(max_length=64, blank=True, help_text="Salted hash, never the IP.")
    user_agent = models.CharField(max_length=300, blank=True)
    # sha256 of (article, email, body, day): a resent or double-clicked comment is stored once.
    dedupe_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    notify_on_publish = models.BooleanField(default=False)
    notify_on_reply = models.BooleanField(default=False)
    email_verified = models.BooleanField(default=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("moderate_comment", "Can moderate comments")]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_status"),
            models.Index(
                fields=["created_at", "id"],
                condition=Q(status="pending"),
                name="comment_pending_queue",
            ),
            # The decided tabs (approved, rejected, spam), newest first: without it each
            # opened one sorted every approved comment (0.4 s at a million). Status leads, so
            # the Rejected and Spam tabs read their own rows, not past every approved one.
            models.Index(
                fields=["status", "-created_at", "-id"],
                condition=~Q(status="pending"),
                name="comment_decided_list",
            ),
            models.Index(fields=["email", "created_at"], name="comment_email_created"),
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.article_id}: {self.body[:40]}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    @property
    def depth(self) -> int:
        """0 for a top-level comment, 1 for a reply, 2 for a reply to a reply."""
        if self.parent_id is None:
            return 0
        return 1 if self.parent.parent_id is None else 2

    def held_reason_labels(self) -> list[str]:
        labels = dict(HeldReason.choices)
        return [labels.get(code, code) for code in self.held_reasons]


class CommentTally(models.Model):
    """How many comments one article has in one status, kept by `comments.services`.

    The moderation queue's tabs add up these few rows instead of counting a million
    comments. Every service that creates, decides or deletes a comment moves them in the
    same transaction; the rows go with their article. `manage.py recount_comments` rebuilds
    them (and the articles' approved counts) from the comments themselves.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Comment.Status)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "status"], name="comment_tally_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.status}: {self.count}"


class ModerationLog(models.Model):
    """Append-only: every change of a comment's status, who made it and why."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="log")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=Comment.Status, blank=True)
    to_status = models.CharField(max_length=10, choices=Comment.Status)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.from_status or 'new'} → {self.to_status}"


class Term(models.Model):
    """A word that holds a comment for review (suspect) or marks it as spam (blocked)."""

    class Kind(models.TextChoices):
        SUSPECT = "suspect", "Suspect: hold for review"
        BLOCKED = "blocked", "Blocked: mark as spam"

    term = models.CharField(max_length=100, unique=True, help_text="A whole word or phrase.")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.SUSPECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term
