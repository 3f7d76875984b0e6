"""Writing revisions: keeping one at each save, and restoring an earlier one as a new
edit. What a revision holds and how versions are rebuilt is `editorial.revisions`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models, transaction

from articles.models import Article, Author, Byline, Correction
from articles.rights import article_editable_by
from articles.selectors import corrections_standing
from editorial import revisions
from editorial.models import Revision
from editorial.services.saving import article_check_version, article_save
from photos.models import Photo

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


@transaction.atomic
def article_record_revision(
    *, article: Article, user: User | None, kind: str = Revision.Kind.EDIT, note: str = ""
) -> Revision | None:
    """Keep a revision of the article as saved now: only the tracked fields that changed
    since the last one. None when nothing tracked changed and there is no note to keep."""
    Article.objects.select_for_update().filter(pk=article.pk).values_list("pk").first()
    changes = revisions.changed(revisions.latest_state(article), revisions.snapshot(article))
    if not changes and not note:
        return None
    last = article.revisions.aggregate(number=models.Max("number"))["number"] or 0
    return Revision.objects.create(
        article=article,
        number=last + 1,
        user=user if user is not None and user.pk else None,
        kind=kind,
        note=note,
        changes=changes,
    )


@transaction.atomic
def article_restore_revision(
    *,
    article: Article,
    number: int,
    user: User,
    version: int | None,
    change_kind: str = "",
    change_note: str = "",
) -> Revision:
    """Put an earlier revision's text, photo and bylines back, as a new revision (the ones
    in between stay in the history). The status and publication time are not touched.

    It is an edit like any other, saved by `article_save`: `version` is the one the
    confirmation was opened on, and a live article needs the kind of edit (and its note).
    A correction published after the revision fixed something the revision still says:
    restoring it takes a new correction saying why, never a silent fix or an update."""
    if not article_editable_by(article=article, user=user):
        raise ValidationError("You cannot edit this article, so you cannot restore it.")
    if version is None:
        raise ValidationError("Open the restore page again: it did not say which version it saw.")
    article_check_version(article_id=article.pk, version=version, user=user)
    state = revisions.state_at(article, number)
    if state is None:
        raise ValidationError(f"This article has no revision {number}.")
    public = article.is_public()
    if public and change_kind not in ("silent", Correction.Kind.UPDATE, Correction.Kind.CORRECTION):
        raise ValidationError(
            {"change_kind": "Readers can see this article: say what kind of edit this is."}
        )
    revised_at = article.revisions.get(number=number).created_at
    later = corrections_standing(article=article).filter(
        kind=Correction.Kind.CORRECTION, created_at__gt=revised_at
    )
    if later.exists() and not (public and change_kind == Correction.Kind.CORRECTION):
        raise ValidationError(
            {
                "change_kind": f"A correction was published after revision {number}: "
                "restoring it would put the corrected error back under the correction note. "
                + (
                    "Restore it only as a new correction, saying why, or edit the article."
                    if public
                    else "Edit the article instead, or restore it once it is public again, "
                    "as a new correction."
                )
            }
        )
    photo = state["hero_photo"]
    if photo is not None and not Photo.objects.filter(pk=photo["id"]).exists():
        raise ValidationError(
            f"Revision {number}'s hero photo has been deleted, so it cannot be restored. "
            "Copy what you need from the comparison instead."
        )
    author_ids = [byline["author"] for byline in state["bylines"]]
    if len(set(Author.objects.filter(pk__in=author_ids).values_list("pk", flat=True))) < len(
        set(author_ids)
    ):
        raise ValidationError(
            f"An author in revision {number}'s bylines has been deleted, so it cannot be "
            "restored. Copy what you need from the comparison instead."
        )
    article.headline = state["headline"]
    article.standfirst = state["standfirst"]
    article.body = state["body"]
    article.hero_photo_id = photo["id"] if photo else None
    article_save(
        article=article,
        user=user,
        version=version,
        change_kind=change_kind if public else "",
        change_note=change_note,
    )
    Byline.objects.filter(article=article).delete()
    Byline.objects.bulk_create(
        Byline(article=article, author_id=byline["author"], role=byline["role"], order=order)
        for order, byline in enumerate(state["bylines"])
    )
    note = " ".join(part for part in (f"Restored revision {number}.", change_note.strip()) if part)
    return article_record_revision(
        article=article, user=user, kind=Revision.Kind.RESTORE, note=note
    )
