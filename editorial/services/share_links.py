"""Share links: a preview of an unpublished article for someone without a login."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from articles.rights import article_editable_by
from editorial.models import ShareLink

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


@transaction.atomic
def share_link_create(
    *,
    article: Article,
    user: User,
    days: int | None = None,
    note: str = "",
) -> ShareLink:
    """A preview link for someone without a login, working for `days` (SHARE_LINK_DAYS)."""
    if not user.has_perm("editorial.add_sharelink") or not article_editable_by(
        article=article, user=user
    ):
        raise ValidationError("You can only share articles you can edit.")
    days = settings.SHARE_LINK_DAYS if days is None else days
    if not 1 <= days <= settings.SHARE_LINK_MAX_DAYS:
        raise ValidationError(
            {"days": f"A share link works for 1 to {settings.SHARE_LINK_MAX_DAYS} days."}
        )
    return ShareLink.objects.create(
        article=article,
        created_by=user,
        note=note,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )


@transaction.atomic
def share_link_revoke(*, link: ShareLink, user: User) -> ShareLink:
    """Stop a share link working now. It stays listed, revoked, for the record."""
    if not user.has_perm("editorial.change_sharelink") and link.created_by_id != user.pk:
        raise ValidationError("You can only revoke your own share links.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
    return link
