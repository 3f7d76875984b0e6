"""Autosave: the text of a form still being typed in, kept on the server every few seconds so
that a closed tab or a crashed browser loses nothing. An autosave is a Revision marked
autosave: out of the history, one per article and user, never touching the article's row,
so neither the page readers see nor the version the save check compares moves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.body import sanitise_body
from articles.models import Article
from articles.rights import article_editable_by
from editorial.models import EditLock, Revision
from editorial.selectors import AUTOSAVED_FIELDS
from editorial.services.workflow import person_name

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


@transaction.atomic
def article_autosave(*, article: Article | None, user: User, fields: dict[str, str]) -> Revision:
    """Keep `fields` (headline, standfirst, body: the form's text) as `user`'s autosave of
    `article`, or of the new article they are writing when `article` is None.

    Only someone who may edit the article, and only while they hold its edit lock: whoever
    took the lock over is the one editing now, and the other's page must not keep writing
    (PermissionDenied for rights, ValidationError with code "not_lock_holder" for the lock).
    A new article has no lock: nobody else can open a story not saved yet."""
    if article is None:
        if not user.has_perm("articles.add_article"):
            raise PermissionDenied("You cannot write articles.")
    else:
        if not article_editable_by(article=article, user=user):
            raise PermissionDenied("You cannot edit this article.")
        lock = EditLock.objects.select_for_update().filter(article=article).first()
        live = lock is not None and lock.is_live()
        if not live or lock.user_id != user.pk:
            raise ValidationError(
                f"{person_name(lock.user)} is editing this article now: autosave has stopped "
                "here, so nothing of theirs is overwritten."
                if live
                else "You no longer hold this article's edit lock: autosave has stopped. "
                "Reload the page to edit it again.",
                code="not_lock_holder",
            )
    changes = {name: fields.get(name, "") for name in AUTOSAVED_FIELDS}
    changes["body"] = sanitise_body(changes["body"])
    now = timezone.now()
    autosave, _ = Revision.autosaves.update_or_create(
        article=article,
        user=user,
        defaults={"changes": changes, "created_at": now},
        create_defaults={"changes": changes, "created_at": now, "is_autosave": True, "number": 0},
    )
    return autosave


def article_autosave_discard(*, article_id: int | None, user: User) -> bool:
    """Forget the user's autosave of the article (None: of their new article): they saved,
    or chose not to restore it."""
    deleted, _ = Revision.autosaves.filter(article_id=article_id, user_id=user.pk).delete()
    return bool(deleted)
