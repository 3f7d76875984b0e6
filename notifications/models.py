"""The notification outbox: one row per email per recipient, written with its cause.

A row is the promise that a mail will go out. It is inserted in the same database
transaction as the change that causes it (a held comment, an approval, an article
submitted for review), so the promise and its cause commit or roll back together. Celery
messages only nudge a worker to keep the promise; the rows are the truth, and a beat job
sweeps up whatever a lost message left behind.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

# The held-comment digest for moderators: the one kind with an opt-out in staff preferences.
MODERATOR_DIGEST = "moderator_digest"
# The request to confirm a mailbox (double opt-in); unsubscribing from it stops the requests.
MAILBOX_CONFIRM = "mailbox_confirm"
# A staff member's password reset: the row holds their id, the link is made at send time.
PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of mail, not a password
# An invitation to join a desk's staff: the row holds the invitation's id, the link is made
# at send time by the app that owns invitations (`send_time_context_register`).
STAFF_INVITATION = "staff_invitation"
# Mail a person needs to use their account: never suppressed by an unsubscribe (someone who
# unsubscribed from comment mail still gets their password reset) and sent without an
# unsubscribe link or List-Unsubscribe header, as it is not a mailing.
TRANSACTIONAL_KINDS = frozenset({PASSWORD_RESET, STAFF_INVITATION})


class NotificationQuerySet(models.QuerySet):
    def pending(self) -> NotificationQuerySet:
        return self.filter(state=Notification.State.PENDING)

    def unsent(self) -> NotificationQuerySet:
        """Rows that may still go out: pending, or awaiting their mailbox's confirmation."""
        return self.filter(state__in=[Notification.State.PENDING, Notification.State.AWAITING])

    def due(self, now=None) -> NotificationQuerySet:
        """Pending rows whose (next) attempt time has come."""
        return self.pending().filter(next_attempt_at__lte=now or timezone.now())


class Notification(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        # Mail that needs a confirmed mailbox (see Mailbox), kept until its address confirms.
        AWAITING = "awaiting", "Awaiting confirmation"

    kind = models.CharField(
        max_length=50, help_text="Which email: its templates are in templates/emails/<kind>/."
    )
    recipient = models.EmailField()
    about = models.CharField(
        max_length=100, blank=True, help_text='What it is about, e.g. "comment:42".'
    )
    event = models.CharField(
        max_length=150,
        help_text="The event that caused it; one row per event and recipient, so a repeated "
        "event (a second approval, a redelivered task) never makes a second mail.",
    )
    digest = models.BooleanField(
        default=False,
        help_text="Pending digest rows of the same kind and recipient go out as one mail.",
    )
    context = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient"], name="notification_once_per_event_recipient"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="notification_due",
            ),
            models.Index(fields=["kind", "recipient", "sent_at"], name="notification_last_sent"),
            models.Index(fields=["about"], name="notification_about"),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(state="awaiting"),
                name="notification_awaiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.state})"

    def backoff(self) -> timedelta:
        """How long to wait after the current number of failed attempts: 1, 2, 4, 8… × base."""
        base = settings.NOTIFICATIONS_BACKOFF_SECONDS
        seconds = min(base * 2 ** max(self.attempts - 1, 0), settings.NOTIFICATIONS_BACKOFF_MAX)
        return timedelta(seconds=seconds)


class NotificationPreference(models.Model):
    """A staff member's mail settings (the moderators' opt-out of the held-comment digest)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    moderator_digest = models.BooleanField(
        "Email me a digest of comments waiting for moderation", default=True
    )

    def __str__(self) -> str:
        return f"Notification settings of {self.user}"


class Suppression(models.Model):
    """An address that unsubscribed from one kind of mail: no new rows are written for it."""

    email = models.EmailField()
    kind = models.CharField(max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["email", "kind"], name="suppression_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.email} unsubscribed from {self.kind}"


class Mailbox(models.Model):
    """An address some mail may only go to once it has confirmed (double opt-in).

    Anyone can type anyone's address into a public form, so mail that such a form asks for
    waits until the mailbox itself says yes: the row records when it was last asked (one
    request per NOTIFICATIONS_CONFIRM_INTERVAL, however often the address is typed) and
    when it confirmed. The nonce is the secret of the links sent so far: confirming
    replaces it, so each link works once.
    """

    email = models.EmailField(unique=True)
    nonce = models.CharField(max_length=32)
    requested_at = models.DateTimeField(
        null=True, blank=True, help_text="When a confirmation request was last written."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return f"{self.email} ({'confirmed' if self.confirmed_at else 'not confirmed'})"
