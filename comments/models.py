"""Reader comments, the moderation log, and the terms that hold or block a comment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models import Article


class HeldReason(models.TextChoices):
    """Why the checks held (or caught) a comment; stored in `Comment.held_reasons`."""

    FIRST_TIME = "first_time", "First comment from this email"
    PRE_MODERATED = "pre_moderated", "Every comment is pre-moderated"
    TOO_FAST = "too_fast", "Sent too fast after the page loaded"
    LINKS = "links", "Two or more links"
    SUSPECT_TERM = "suspect_term", "Contains a suspect term"
    BLOCKED_TERM = "blocked_term", "Contains a blocked term"
    BANNED = "banned", "The commenter is banned"
    TRUSTED = "trusted", "Trusted; mailbox unconfirmed"
    REPORTED = "reported", "Hidden after readers' reports"


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
    # Kept by `comments.services`: the readers' reports a moderator has not yet decided.
    # Database defaults too: bulk loads (bench/comments.py's COPY) name only the old columns.
    open_reports = models.IntegerField(default=0, db_default=0, editable=False)
    is_pick = models.BooleanField("editors' pick", default=False, db_default=False, editable=False)
    picked_at = models.DateTimeField(null=True, blank=True, editable=False)

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
            # The Reported tab and its count read only the few comments with open reports.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(open_reports__gt=0),
                name="comment_reported_queue",
            ),
            # The article page's "Editors' picks": the few picks of one article.
            models.Index(
                fields=["article", "picked_at"], condition=Q(is_pick=True), name="comment_picks"
            ),
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

    def held_reason_labels(self, *, has_history: bool = False) -> list[str]:
        """Why it was held, in words. `has_history`: the commenter has other comments by now
        (decided since this one came in), so it is no longer their first."""
        labels = dict(HeldReason.choices)
        return [
            labels.get(code, code)
            for code in self.held_reasons
            if not (has_history and code == HeldReason.FIRST_TIME)
        ]


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
    """Append-only: every change of a comment's status, every other moderation act (a pick,
    reports kept, a commenter banned, trusted or restored), who made it and why."""

    class Action(models.TextChoices):
        STATUS = "", "Status change"
        PICK = "pick", "Picked"
        UNPICK = "unpick", "Unpicked"
        KEEP = "keep", "Reports cleared, comment kept"
        HIDE = "hide", "Hidden by readers' reports"
        BAN = "ban", "Commenter banned"
        TRUST = "trust", "Commenter trusted"
        LIFT = "lift", "Ban or trust lifted"
        ERASE = "erase", "Personal data erased"
        UNDO = "undo", "Undone"  # reports reopened, a replaced ban or trust restored

    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="log"
    )
    standing = models.ForeignKey(
        "CommenterStanding", null=True, blank=True, on_delete=models.SET_NULL, related_name="log"
    )
    action = models.CharField(max_length=10, choices=Action, blank=True, default="")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=Comment.Status, blank=True)
    to_status = models.CharField(max_length=10, choices=Comment.Status, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    # An undo is a decision of its own: each of its rows names the row it reverses.
    undoes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="undone_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        if self.action:
            return f"{self.comment_id or '-'}: {self.get_action_display()}"
        return f"{self.comment_id}: {self.from_status or 'new'} → {self.to_status}"


class Report(models.Model):
    """A reader's report of an approved comment. One per client per comment counts.

    The reporter is known only by a keyed hash of their client address (see
    `comments.services.commenter_hash`), never an email or an address. A moderator who keeps
    the comment clears its reports: they stay (the same client cannot report it again), but
    no longer count.
    """

    class Reason(models.TextChoices):
        ABUSIVE = "abusive", "Abusive"
        SPAM = "spam", "Spam"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Other"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=10, choices=Reason)
    note = models.CharField(max_length=500, blank=True)
    client_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "client_hash"], name="report_once_per_client"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on {self.comment_id}"


class CommenterStanding(models.Model):
    """A commenter a moderator banned or trusted, known by keyed hashes only.

    The hashes use the commenters' own key (`comments.services.commenter_key`), not
    SECRET_KEY, and the row has its own expiry, so a ban outlives both the clearing of
    comments' address hashes and a rotation of SECRET_KEY. Lifting keeps the row (who and
    why are the record); only an erasure request deletes it.
    """

    class Kind(models.TextChoices):
        BANNED = "banned", "Banned"
        TRUSTED = "trusted", "Trusted"

    kind = models.CharField(max_length=10, choices=Kind)
    email_hash = models.CharField(max_length=64, db_index=True, editable=False)
    client_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    name = models.CharField(max_length=80, blank=True, help_text="As they last signed.")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never.")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name or self.email_hash[:10]}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class CommenterKey(models.Model):
    """The key commenters' hashes are made with: generated once, kept with the data it
    hashes, so rotating SECRET_KEY does not orphan a ban (COMMENTS_COMMENTER_KEY overrides)."""

    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"commenter key of {self.created_at:%Y-%m-%d}"


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
