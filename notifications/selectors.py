"""Read-only questions about the outbox's mailboxes (the writes are in services.py)."""

from __future__ import annotations

from typing import Any

from django.utils.crypto import constant_time_compare

from notifications.models import Mailbox


def mailbox_link_usable(*, recipient: str, nonce: str) -> bool:
    """Whether a confirm link (its signature checked by `services.confirm_read`) is still
    unused: confirming replaces the mailbox's nonce."""
    current = Mailbox.objects.filter(email=recipient.strip().lower()).values_list(
        "nonce", flat=True
    )
    return any(constant_time_compare(value, nonce) for value in current)


def mailbox_state(*, email: str) -> dict[str, Any] | None:
    """What we keep about an address's confirmation (for a privacy export), or None."""
    return (
        Mailbox.objects.filter(email=email.strip().lower())
        .values("requested_at", "confirmed_at")
        .first()
    )
