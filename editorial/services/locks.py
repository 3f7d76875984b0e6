"""Soft edit locks on the article form: who has it open, and taking it over."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from articles.models import Article
from editorial.models import EditLock

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


def article_lock_take(*, article: Article, user: User, take_over: bool = False) -> EditLock:
    """Take (or refresh) the soft lock on an article's form. Someone else's live lock is
    returned as it is, unless `take_over`: then it becomes `user`'s."""
    now = timezone.now()
    with transaction.atomic():
        lock, created = EditLock.objects.select_for_update().get_or_create(
            article=article, defaults={"user_id": user.pk, "since": now, "seen_at": now}
        )
        if created:
            return lock
        if lock.user_id == user.pk:
            lock.seen_at = now
        elif take_over or not lock.is_live(now):
            lock.user_id, lock.since, lock.seen_at = user.pk, now, now
        else:
            return lock
        lock.save()
    return lock


def article_lock_release(*, article_id: int, user: User) -> bool:
    """Drop the user's own lock (on save, or when they leave the form)."""
    deleted, _ = EditLock.objects.filter(article_id=article_id, user_id=user.pk).delete()
    return bool(deleted)
