"""The outbox's only writers (HackSoft style: <entity>_<verb>, keyword-only arguments).

Life of a row: `notification_enqueue` writes it inside the caller's transaction and, once
that transaction commits, asks Celery to deliver it. `notification_deliver` locks it, sends
it, and marks it sent; a failure counts an attempt and backs off, and after
NOTIFICATIONS_MAX_ATTEMPTS the row is failed, with its error, for a person to retry in
admin (`notification_retry`). `notification_sweep` runs every minute from beat and nudges
every due row again, so a lost Celery message (broker down, worker killed) only delays mail.

Double opt-in: mail that a public form asks for (a commenter's "email me") is enqueued with
`confirmed_only`. To a mailbox that has not confirmed, such rows are written as AWAITING and
never sent; `mailbox_confirm_request` mails the address one request (at most one per
NOTIFICATIONS_CONFIRM_INTERVAL) with a signed, expiring link, and `mailbox_confirm`, when
that link is used, turns the waiting rows into pending ones. Rows still waiting after
NOTIFICATIONS_CONFIRM_MAX_AGE are cancelled by the sweep.
"""

from __future__ import annotations

import email.policy
import logging
import re
import secrets
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Greatest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications.models import (
    MAILBOX_CONFIRM,
    MODERATOR_DIGEST,
    PASSWORD_RESET,
    TRANSACTIONAL_KINDS,
    Mailbox,
    Notification,
    NotificationPreference,
    Suppression,
)

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
CONFIRM_SALT = "notifications.confirm"
EMAIL_PARTS = ("subject.txt", "body.txt", "body.html")
KIND_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,49}")
# How many due rows one sweep nudges; the next sweep, a minute later, takes the rest.
SWEEP_LIMIT = 2000


def notification_enqueue(
    *,
    kind: str,
    recipients: Iterable[str],
    event: str,
    about: str = "",
    context: dict | None = None,
    digest: bool = False,
    confirmed_only: bool = False,
    send_after: timedelta | None = None,
) -> list[int]:
    """Promise one `kind` email per recipient for `event`, inside the caller's transaction.

    Call it in the same transaction as the change that causes the mail: if that rolls
    back, so do the rows; delivery is only enqueued after it commits. Repeating an event
    adds nothing (one row per event and recipient). Addresses that unsubscribed from
    `kind` are skipped, and so are malformed ones (logged), so stored data can never block
    the change that causes the mail. Digest rows wait for the digest window and then go
    out as one mail per recipient (a window of 0 sends them once committed; in immediate
    mode they are ordinary rows, sent at once). `confirmed_only` mail (asked for through a
    public form, where anyone can type anyone's address) goes only to confirmed mailboxes:
    to the others its rows wait, unsent, until `mailbox_confirm`. `send_after` holds the
    mail back that long (a decision that may yet be undone: see `notification_withdraw`).
    Returns the ids of the pending rows for the event.
    """
    _check_kind(kind)
    if confirmed_only and digest:
        raise ValueError("Digests go to staff; confirmed_only is for mail a public form asks for")
    if not event or len(event) > Notification._meta.get_field("event").max_length:
        raise ValueError(f"A notification needs an event key of 1-150 characters, got {event!r}")
    addresses = sorted({address for r in recipients if (address := _valid_address(r))})
    if not addresses:
        return []
    suppressed = set()
    if kind not in TRANSACTIONAL_KINDS:
        suppressed = set(
            Suppression.objects.filter(kind=kind, email__in=addresses).values_list(
                "email", flat=True
            )
        )
    addresses = [address for address in addresses if address not in suppressed]
    if not addresses:
        return []
    confirmed = set(addresses)
    if confirmed_only:
        confirmed = set(
            Mailbox.objects.filter(email__in=addresses, confirmed_at__isnull=False).values_list(
                "email", flat=True
            )
        )
    # Immediate mode: what would be a digest goes out as one mail per event, at once.
    digest = digest and not settings.NOTIFICATIONS_IMMEDIATE
    now = timezone.now()
    wait = timedelta(seconds=settings.NOTIFICATIONS_DIGEST_WINDOW) if digest else timedelta(0)
    wait = max(wait, send_after or timedelta(0))
    rows = [
        Notification(
            kind=kind,
            recipient=address,
            about=about,
            event=event,
            digest=digest,
            context=context or {},
            state=Notification.State.PENDING
            if address in confirmed
            else Notification.State.AWAITING,
            created_at=now,
            next_attempt_at=now + wait,
        )
        for address in addresses
    ]
    # No savepoint: these rows stand or fall with the caller's transaction anyway, and a
    # savepoint is two more round trips on every comment post.
    with transaction.atomic(savepoint=False):
        # ON CONFLICT DO NOTHING: the unique (event, recipient) key makes repeats no-ops.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        ids = list(
            Notification.objects.pending()
            .filter(event=event, recipient__in=addresses)
            .values_list("pk", flat=True)
        )
    # Digests wait for the beat job that flushes them, unless there is no window to wait
    # for: then they go at once, each with whatever else is pending for its recipient.
    if ids and (not digest or not settings.NOTIFICATIONS_DIGEST_WINDOW):
        transaction.on_commit(partial(_nudge, ids, after=wait) if wait else partial(_nudge, ids))
    return ids


def notification_deliver(*, notification_id: int) -> bool:
    """Send one outbox row (a digest row: every pending row of its kind and recipient).

    Safe to run twice, concurrently or after a crash: the rows are locked with
    SELECT … FOR UPDATE SKIP LOCKED and their state re-read, so only one worker sends them
    and a row already sent is left alone. The lock is held while the mail goes to SMTP; if
    the worker dies, Postgres drops the lock with its connection, the rows are still
    pending, and the next sweep sends them. Returns whether a mail was sent.
    """
    now = timezone.now()
    with transaction.atomic():
        lead = (
            Notification.objects.due(now)
            .select_for_update(skip_locked=True)
            .filter(pk=notification_id)
            .first()
        )
        if lead is None:  # sent, failed, cancelled, not due yet, or another worker has it
            return False
        at_send = None
        if lead.kind in SEND_TIME_CONTEXT:
            at_send = SEND_TIME_CONTEXT[lead.kind](lead)
            if at_send is None:
                lead.state = Notification.State.CANCELLED
                lead.last_error = f"Cancelled: {SEND_TIME_CANCEL_REASONS[lead.kind]}"
                lead.save(update_fields=["state", "last_error"])
                return False
        batch = [lead]
        if lead.digest:
            hold_until = _digest_hold_until(lead, now)
            if hold_until:
                Notification.objects.pending().filter(
                    digest=True, kind=lead.kind, recipient=lead.recipient
                ).update(next_attempt_at=hold_until)
                return False
            batch = list(
                Notification.objects.pending()
                .select_for_update(skip_locked=True)
                .filter(digest=True, kind=lead.kind, recipient=lead.recipient)
                .order_by("created_at", "pk")
            )
        try:
            _send(batch, at_send=at_send)
        except Exception as exc:  # any failure: recorded on the rows, retried
            _record_failure(batch, exc, now)
            return False
        for row in batch:
            row.state = Notification.State.SENT
            row.sent_at = timezone.now()
            row.attempts += 1
            row.last_error = ""
        Notification.objects.bulk_update(batch, ["state", "sent_at", "attempts", "last_error"])
    return True


def notification_sweep(*, digests: bool) -> int:
    """Nudge delivery of every due pending row (the beat jobs; digests and the rest apart).

    Rows whose Celery message was lost (broker down at commit, worker killed) or whose
    backoff has passed are due again. Digest rows get one nudge per recipient and kind,
    since delivering one sends the whole group. The non-digest sweep also settles mail that
    awaits a confirmation (`_sweep_awaiting`). Returns how many tasks it enqueued.
    """
    if not digests:
        _sweep_awaiting()
    due = Notification.objects.due().filter(digest=digests)
    if digests:
        leads: dict[tuple[str, str], int] = {}
        rows = due.order_by("next_attempt_at", "pk").values_list("pk", "kind", "recipient")
        for pk, kind, recipient in rows[: SWEEP_LIMIT * 10]:
            leads.setdefault((kind, recipient), pk)
        ids = list(leads.values())[:SWEEP_LIMIT]
    else:
        ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:SWEEP_LIMIT])
    _nudge(ids)
    return len(ids)


def _sweep_awaiting() -> None:
    """Mail waiting for a confirmation: cancelled once too old, released if its mailbox has
    confirmed. (A row written while its mailbox was confirming, in a transaction that did
    not see the confirmation yet, was not among those the confirmation released.)"""
    now = timezone.now()
    awaiting = Notification.objects.filter(state=Notification.State.AWAITING)
    too_old = now - timedelta(seconds=settings.NOTIFICATIONS_CONFIRM_MAX_AGE)
    awaiting.filter(created_at__lt=too_old).update(
        state=Notification.State.CANCELLED, last_error="Cancelled: the address never confirmed"
    )
    confirmed = Mailbox.objects.filter(email=OuterRef("recipient"), confirmed_at__isnull=False)
    unsubscribed = Suppression.objects.filter(email=OuterRef("recipient"), kind=OuterRef("kind"))
    awaiting.filter(Exists(confirmed), ~Exists(unsubscribed)).update(
        state=Notification.State.PENDING, next_attempt_at=now
    )


def notification_retry(*, ids: Iterable[int]) -> int:
    """Give failed (or stuck) rows a fresh round of attempts, starting now (admin action)."""
    with transaction.atomic():
        rows = Notification.objects.filter(
            pk__in=list(ids), state__in=[Notification.State.FAILED, Notification.State.PENDING]
        )
        retried = list(rows.values_list("pk", flat=True))
        rows.update(state=Notification.State.PENDING, attempts=0, next_attempt_at=timezone.now())
        transaction.on_commit(partial(_nudge, retried))
    return len(retried)


def notification_cancel(*, about: str, reason: str, kinds: Iterable[str] | None = None) -> int:
    """Withdraw the mails not yet sent about something (e.g. a comment that was rejected).

    A row being sent right now is locked; the update waits for it, then finds it sent.
    """
    rows = Notification.objects.unsent().filter(about=about)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    return rows.update(state=Notification.State.CANCELLED, last_error=f"Cancelled: {reason}")


def notification_withdraw(*, events: Iterable[str]) -> int:
    """Take back the unsent mail of events that did not happen after all (an approval that
    was undone within its window): the rows go, so the event may happen again later and
    mail then. Mail already sent stays on record. Returns how many rows went."""
    deleted, _ = Notification.objects.unsent().filter(event__in=list(events)).delete()
    return deleted


def notification_unsubscribe(*, recipient: str, kind: str) -> None:
    """Stop `kind` mail to `recipient`: no new rows, and the pending ones are withdrawn."""
    email = recipient.strip().lower()
    with transaction.atomic():
        Suppression.objects.get_or_create(email=email, kind=kind)
        Notification.objects.unsent().filter(recipient=email, kind=kind).update(
            state=Notification.State.CANCELLED, last_error="Cancelled: recipient unsubscribed"
        )


def notification_forget(*, email: str, about: Iterable[str] = ()) -> int:
    """Erase what the outbox holds on a person (a privacy request): every mail addressed to
    them and every mail about their things, sent or not, and their mailbox's confirmation
    (mail they asked for later needs a new one). Their unsubscribes are kept, so an opt-out
    outlives the erasure. Returns how many outbox rows went."""
    address = email.strip().lower()
    Mailbox.objects.filter(email=address).delete()
    rows = Notification.objects.filter(recipient=address) | Notification.objects.filter(
        about__in=list(about)
    )
    deleted, _ = rows.delete()
    return deleted


def notification_preference_set(*, user, moderator_digest: bool) -> NotificationPreference:
    """Save a staff member's choice; opting back in also lifts an earlier unsubscribe."""
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.update_or_create(
            user=user, defaults={"moderator_digest": moderator_digest}
        )
        email = (user.email or "").strip().lower()
        if moderator_digest:
            Suppression.objects.filter(email=email, kind=MODERATOR_DIGEST).delete()
        elif email:
            Notification.objects.pending().filter(recipient=email, kind=MODERATOR_DIGEST).update(
                state=Notification.State.CANCELLED, last_error="Cancelled: recipient opted out"
            )
    return preference


def mailbox_confirm_request(
    *, recipient: str, kinds: Iterable[str], context: dict | None = None
) -> bool:
    """Ask `recipient` to confirm it wants `kinds` of mail, inside the caller's transaction.

    Writes one MAILBOX_CONFIRM mail through the outbox, unless the mailbox has confirmed
    already, was asked within NOTIFICATIONS_CONFIRM_INTERVAL (however often the address is
    typed, it hears from us once per interval, a day by default), unsubscribed from these
    requests, or unsubscribed from every one of `kinds` (nothing left to confirm).
    `context` is all the request may say: keep it to what the site wrote (a headline), never
    what a poster typed, since the poster may not own the address. Returns whether a
    request was written.
    """
    address = _valid_address(recipient)
    kinds = set(kinds)
    for kind in kinds:
        _check_kind(kind)
    if not address or not kinds:
        return False
    now = timezone.now()
    since = now - timedelta(seconds=settings.NOTIFICATIONS_CONFIRM_INTERVAL)
    known = Mailbox.objects.filter(email=address).values("confirmed_at", "requested_at").first()
    if known and (known["confirmed_at"] or (known["requested_at"] or since) > since):
        return False  # the common case for a returning commenter: one read, no lock
    unsubscribed = set(
        Suppression.objects.filter(email=address, kind__in=[MAILBOX_CONFIRM, *kinds]).values_list(
            "kind", flat=True
        )
    )
    if MAILBOX_CONFIRM in unsubscribed or kinds <= unsubscribed:
        return False
    with transaction.atomic(savepoint=False):
        Mailbox.objects.bulk_create(
            [Mailbox(email=address, nonce=_nonce(), created_at=now)], ignore_conflicts=True
        )
        # Two posts with the same address at once: the second waits here for the first's
        # commit, then sees it was asked already.
        mailbox = Mailbox.objects.select_for_update().get(email=address)
        if mailbox.confirmed_at or (mailbox.requested_at and mailbox.requested_at > since):
            return False
        mailbox.requested_at = now
        mailbox.save(update_fields=["requested_at"])
        notification_enqueue(
            kind=MAILBOX_CONFIRM,
            recipients=[address],
            event=f"mailbox-confirm:{now.isoformat()}",
            context=context,
        )
    return True


def mailbox_confirm(*, recipient: str, nonce: str) -> bool:
    """The mailbox used a confirm link: mail it asked for may go, now and from now on.

    The mail that waited for it becomes pending (except kinds it has unsubscribed from
    since: an unsubscribe always wins), pending requests are withdrawn, and the nonce is
    replaced, so the link works once. False when the link was used or replaced already.
    """
    address = recipient.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        mailbox = Mailbox.objects.select_for_update().filter(email=address).first()
        if mailbox is None or not constant_time_compare(mailbox.nonce, nonce):
            return False
        mailbox.confirmed_at = now
        mailbox.nonce = _nonce()
        mailbox.save(update_fields=["confirmed_at", "nonce"])
        fresh = now - timedelta(seconds=settings.NOTIFICATIONS_CONFIRM_MAX_AGE)
        waiting = Notification.objects.filter(
            state=Notification.State.AWAITING, recipient=address, created_at__gte=fresh
        ).exclude(kind__in=Suppression.objects.filter(email=address).values("kind"))
        released = list(waiting.values_list("pk", flat=True))
        # Still awaiting: an unsubscribe that committed meanwhile has cancelled it for good.
        # Mail held back (`send_after`) keeps its time; the rest may go now.
        Notification.objects.filter(pk__in=released, state=Notification.State.AWAITING).update(
            state=Notification.State.PENDING, next_attempt_at=Greatest("next_attempt_at", now)
        )
        Notification.objects.pending().filter(recipient=address, kind=MAILBOX_CONFIRM).update(
            state=Notification.State.CANCELLED, last_error="Cancelled: the mailbox confirmed"
        )
        held = dict(
            Notification.objects.filter(pk__in=released, next_attempt_at__gt=now).values_list(
                "pk", "next_attempt_at"
            )
        )
        for pk, due in held.items():
            transaction.on_commit(partial(_nudge, [pk], after=due - now))
        transaction.on_commit(partial(_nudge, [pk for pk in released if pk not in held]))
    return True


def confirm_token(*, recipient: str, nonce: str) -> str:
    return signing.dumps({"r": recipient, "n": nonce}, salt=CONFIRM_SALT, compress=True)


def confirm_read(token: str) -> tuple[str, str]:
    """The (recipient, nonce) a confirm token was made for; BadSignature/SignatureExpired."""
    data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.NOTIFICATIONS_CONFIRM_MAX_AGE)
    if not isinstance(data, dict) or not {"r", "n"} <= data.keys():
        raise signing.BadSignature("unexpected token payload")
    return str(data["r"]), str(data["n"])


def confirm_url(*, recipient: str) -> str:
    """The link for the mailbox's current nonce, made when the request is sent, so it
    expires NOTIFICATIONS_CONFIRM_MAX_AGE after the mail left, not after it was queued."""
    nonce = Mailbox.objects.filter(email=recipient).values_list("nonce", flat=True).first()
    token = confirm_token(recipient=recipient, nonce=nonce or _nonce())
    return settings.SITE_URL + reverse("notifications:confirm", args=[token])


def _nonce() -> str:
    return secrets.token_urlsafe(16)


def unsubscribe_token(*, recipient: str, kind: str) -> str:
    return signing.dumps({"r": recipient, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[str, str]:
    """The (recipient, kind) a token was made for; BadSignature/SignatureExpired if not valid."""
    data = signing.loads(
        token, salt=UNSUBSCRIBE_SALT, max_age=settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE
    )
    if not isinstance(data, dict) or not {"r", "k"} <= data.keys():
        raise signing.BadSignature("unexpected token payload")
    return str(data["r"]), str(data["k"])


def unsubscribe_url(*, recipient: str, kind: str) -> str:
    token = unsubscribe_token(recipient=recipient, kind=kind)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])


# Kinds whose mail needs something made when it is sent, never stored (a reset or invitation
# link's token): kind -> a function of the row giving the template context, or None when the
# mail must not go any more (the row is then cancelled with the reason below). The sending
# task calls it with the row locked, so the link is made in the worker, at send time.
SEND_TIME_CONTEXT: dict = {}
SEND_TIME_CANCEL_REASONS: dict[str, str] = {}


def send_time_context_register(kind: str, make, *, cancelled: str = "") -> None:
    """Another app's kind of mail whose links are made at send time: `make(context)` gets
    the row's stored context and returns the rest of the template context, or None."""
    SEND_TIME_CONTEXT[kind] = lambda row: make(row.context)
    SEND_TIME_CANCEL_REASONS[kind] = cancelled or "what it was about can no longer be used"


def password_reset_enqueue(*, user) -> list[int]:
    """Promise `user` a password reset mail. The row holds their id, never a token: the link
    is made when the mail is sent (`password_reset_url`), so nothing in the outbox or its
    admin can reset a password, and a mail delayed by an outage still carries a fresh one."""
    return notification_enqueue(
        kind=PASSWORD_RESET,
        recipients=[user.email],
        event=f"password-reset:{user.pk}:{_nonce()}",
        about=f"user:{user.pk}",
        context={"user_id": user.pk},
    )


def password_reset_url(*, user) -> str:
    """Django's own reset link (uid and token), valid PASSWORD_RESET_TIMEOUT and only until the
    password changes, so it works once."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def _password_reset_user(row: Notification):
    """The account a reset row is for, while it may still reset by this address."""
    user = get_user_model()._default_manager.filter(pk=row.context.get("user_id")).first()
    if user is None or not user.is_active or not user.has_usable_password():
        return None
    return user if (user.email or "").lower() == row.recipient.lower() else None


def _password_reset_context(row: Notification) -> dict | None:
    user = _password_reset_user(row)
    if user is None:
        return None
    return {
        "reset_url": password_reset_url(user=user),
        "reset_days": settings.PASSWORD_RESET_TIMEOUT // 86400 or 1,
    }


SEND_TIME_CONTEXT[PASSWORD_RESET] = _password_reset_context
SEND_TIME_CANCEL_REASONS[PASSWORD_RESET] = "the account is gone, inactive or has a new address"


def _check_kind(kind: str) -> None:
    """An unknown kind is a programming error: fail loudly where it is made, not in a worker."""
    if not KIND_PATTERN.fullmatch(kind or ""):
        raise ValueError(f"A notification kind is a lower-case identifier, got {kind!r}")
    for part in EMAIL_PARTS:
        try:
            get_template(f"emails/{kind}/{part}")
        except TemplateDoesNotExist:
            raise ValueError(
                f"Unknown notification kind {kind!r}: templates/emails/{kind}/{part} is missing"
            ) from None


def _valid_address(value: str) -> str:
    address = (value or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        if address:
            logger.warning("notification skipped: malformed address %r", address)
        return ""
    return address


def _digest_hold_until(lead: Notification, now: datetime) -> datetime | None:
    """When this recipient may next get a digest of this kind, if that is still to come.

    Rows wait for the window after they are written, so digests are already spaced; this
    guards the rule "at most one per window" against retries and hand-made nudges too.
    """
    window = timedelta(seconds=settings.NOTIFICATIONS_DIGEST_WINDOW)
    if not window:
        return None
    last_sent = Notification.objects.filter(
        kind=lead.kind, recipient=lead.recipient, digest=True, state=Notification.State.SENT
    ).aggregate(last=Max("sent_at"))["last"]
    if last_sent and last_sent + window > now:
        return last_sent + window
    return None


def _nudge(ids: list[int], *, after: timedelta | None = None) -> None:
    """Ask a worker to deliver these rows (`after` that long: when they fall due); if the
    broker is down, the sweep will ask again."""
    from notifications.tasks import deliver_notification

    countdown = after.total_seconds() if after else None
    for pk in ids:
        try:
            deliver_notification.apply_async(
                (pk,),
                countdown=countdown,
                retry=True,
                retry_policy={"max_retries": 1, "interval_start": 0.2},
            )
        except Exception:  # the row is safe in the database; beat retries
            logger.warning("broker unavailable: %d notification(s) wait for the sweep", len(ids))
            return


class OutboxEmail(EmailMultiAlternatives):
    def message(self, *, policy=email.policy.default):
        # The signed unsubscribe URL is longer than the 78-character line the default policy
        # folds at, and it cannot be folded: Python would turn it into RFC 2047 encoded
        # words, which mail clients do not accept in List-Unsubscribe (RFC 2369). RFC 5322
        # allows lines up to 998 characters.
        return super().message(policy=policy.clone(max_line_length=998))


def _send(batch: list[Notification], *, at_send: dict | None = None) -> None:
    lead = batch[0]
    transactional = lead.kind in TRANSACTIONAL_KINDS
    unsubscribe = "" if transactional else unsubscribe_url(recipient=lead.recipient, kind=lead.kind)
    context = {
        **lead.context,
        "items": [row.context for row in batch],
        "recipient": lead.recipient,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe,
        **(at_send or {}),
    }
    if lead.kind == MAILBOX_CONFIRM:
        context["confirm_url"] = confirm_url(recipient=lead.recipient)
        context["confirm_days"] = settings.NOTIFICATIONS_CONFIRM_MAX_AGE // 86400 or 1
    subject = " ".join(render_to_string(f"emails/{lead.kind}/subject.txt", context).split())
    message = OutboxEmail(
        subject=subject,
        body=render_to_string(f"emails/{lead.kind}/body.txt", context),
        to=[lead.recipient],
        headers={
            "Auto-Submitted": "auto-generated",
            # Stable per row: if a crash after SMTP accepted the mail makes us send it again,
            # receiving systems can tell it is the same message.
            "Message-ID": f"<notification-{lead.pk}@{urlsplit(settings.SITE_URL).hostname}>",
        },
    )
    if unsubscribe:  # RFC 8058 one-click unsubscribe; the URL is signed, so no login is needed
        message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.attach_alternative(
        render_to_string(f"emails/{lead.kind}/body.html", context), "text/html"
    )
    message.send(using="default")


def _is_permanent(exc: Exception) -> bool:
    """A 5xx SMTP answer will not change on retry (no such mailbox, refused forever)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _record_failure(batch: list[Notification], exc: Exception, now: datetime) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    permanent = _is_permanent(exc)
    for row in batch:
        row.attempts += 1
        row.last_error = error
        if permanent or row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            row.state = Notification.State.FAILED
        else:
            row.next_attempt_at = now + row.backoff()
    Notification.objects.bulk_update(batch, ["attempts", "last_error", "state", "next_attempt_at"])
    logger.warning(
        "notification %s to %s failed (attempt %d): %s",
        batch[0].kind,
        batch[0].recipient,
        batch[0].attempts,
        error,
    )
