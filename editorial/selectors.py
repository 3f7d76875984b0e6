"""Read-only questions the article desk asks (no writes: those are the services')."""

from __future__ import annotations

from typing import TYPE_CHECKING

from articles.body import sanitise_body
from articles.models import Article
from editorial.models import Revision

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

AUTOSAVED_FIELDS = ("headline", "standfirst", "body")


def autosave_to_offer(*, article: Article | None, user: AbstractBaseUser) -> Revision | None:
    """The user's autosave worth offering back when they open the article's form (None: the
    form for a new article): one written after the article was last saved, whose text
    differs from the article's. An older one lost to a later save is not offered."""
    autosave = Revision.autosaves.filter(article=article, user_id=user.pk).first()
    if autosave is None:
        return None
    if article is None:
        return autosave if any(autosave.changes.get(f) for f in AUTOSAVED_FIELDS) else None
    if article.modified_at and autosave.created_at <= article.modified_at:
        return None
    saved = {
        "headline": article.headline,
        "standfirst": article.standfirst,
        "body": sanitise_body(article.body),
    }
    if all(autosave.changes.get(name, "") == saved[name] for name in AUTOSAVED_FIELDS):
        return None
    return autosave
