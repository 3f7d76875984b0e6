"""Saving an article edited as a whole (the admin form): the version check that keeps
two editors from overwriting each other, the status change through the workflow, the
kind of edit readers are told about, and the old address kept when it changes."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleAddress, Correction, SiteKeys, day_in_address
from articles.rights import (
    REPORTER_STATUSES,
    desk_name,
    require_publisher,
    require_writer,
    user_can_publish,
    user_works_on_desk,
)
from articles.services import article_store, embed_titles_queue
from core.clock import newsroom_time
from core.pagecache import purge_on_commit
from editorial.models import Revision, Transition
from editorial.services.workflow import (
    article_publish,
    default_breaking_end,
    log_submission,
    log_transition,
    person_name,
    queue_end_breaking,
    start_breaking,
    stored_row,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


STALE_VERSION = "stale_version"


def article_check_version(*, article_id: int, version: int | None, user: User) -> None:
    """Refuse a save made from a form opened on an older version of the article (optimistic
    concurrency): somebody saved, published or returned it meanwhile, and saving would
    silently undo their work. Locks the row, so nobody can slip in before the save."""
    stored = (
        Article.objects.select_for_update()
        .filter(pk=article_id)
        .values_list("version", flat=True)
        .first()
    )
    if stored is None or version is None or stored == version:
        return
    who, when = _last_change(article_id)
    if who is not None and who.pk == user.pk:
        by = "You saved it in another window"
    else:
        by = f"{person_name(who)} saved it" if who is not None else "Someone else saved it"
    raise ValidationError(
        f"This article changed after you opened it: {by}"
        f"{f' at {newsroom_time(when)}' if when else ''}. Your changes have not been saved, "
        "so nothing of theirs is overwritten. Copy what you changed, reload the page, and "
        "make your changes again.",
        code=STALE_VERSION,
    )


def _last_change(article_id: int) -> tuple[User | None, datetime.datetime | None]:
    revision = (
        Revision.objects.filter(article_id=article_id).select_related("user").order_by("-number")
    ).first()
    transition = (
        Transition.objects.filter(article_id=article_id)
        .select_related("user")
        .order_by("-created_at", "-id")
        .first()
    )
    latest = max(
        (row for row in (revision, transition) if row is not None),
        key=lambda row: row.created_at,
        default=None,
    )
    return (latest.user, latest.created_at) if latest else (None, None)


def article_check_change_note(*, public: bool, change_kind: str, change_note: str) -> str:
    """An update or a correction to an article readers can see carries a note for them (shown
    under the article and on the corrections page): the note, stripped, or "" for an edit
    that needs none. Refused when it is missing."""
    if not public or change_kind not in (Correction.Kind.UPDATE, Correction.Kind.CORRECTION):
        return ""
    note = (change_note or "").strip()
    if not note:
        raise ValidationError(
            {"change_note": "Say what changed: readers see this note with the article."}
        )
    return note


@transaction.atomic
def article_save(
    *,
    article: Article,
    user: User,
    version: int | None = None,
    change_kind: str = "",
    change_note: str = "",
) -> Article:
    """Save an article edited as a whole (the admin form), its status change going through
    the same workflow as the buttons: publishing checks, permissions, the audit log, mail,
    cache purges.

    `version` is the version the form was opened on: a newer one refuses the save. Editing
    an article the public can see, `change_kind` says what the edit is: a silent fix (the
    default: a typo), an update or a correction; the last two need `change_note`, show an
    "Updated" time and add to the article's corrections.
    """
    if article.pk is not None:
        article_check_version(article_id=article.pk, version=version, user=user)
    before = stored_row(article)
    if before is not None and not user_works_on_desk(user=user, desk_id=before["desk_id"]):
        raise ValidationError(
            f"You do not work on the {desk_name(before['desk_id'])} desk, so you cannot edit "
            "its articles."
        )
    require_writer(desk_id=article.desk_id, user=user)
    if article.pk is None and article.created_by_id is None and user.pk is not None:
        article.created_by_id = user.pk
    now = timezone.now()
    was_public = before is not None and Article(
        status=before["status"],
        published_at=before["published_at"],
        embargo_until=before["embargo_until"],
    ).is_public(now)
    change_note = article_check_change_note(
        public=was_public, change_kind=change_kind, change_note=change_note
    )
    significant = bool(change_note)
    if significant:
        article.updated_at = now
    previous_status = before["status"] if before else None
    breaking_began = start_breaking(article=article, before=before)
    if article.status == Article.Status.PUBLISHED:
        article_publish(article=article, user=user, at=article.published_at)
    else:
        leaving = previous_status in (Article.Status.PUBLISHED, Article.Status.UNPUBLISHED)
        if leaving or article.status not in REPORTER_STATUSES:
            if not user_can_publish(user):
                raise ValidationError("You do not have permission to change this article's status.")
            require_publisher(article=article, user=user, verb="change the status of")
        default_breaking_end(article)
        article_store(article=article)
        _log_status_change(article=article, user=user, previous=previous_status)
    if breaking_began:
        purge_on_commit([SiteKeys.HOME])  # the banner
        queue_end_breaking(article)
    if before is not None and (was_public or before["went_live_at"] is not None):
        _keep_old_address(article=article, before=before)
    if significant:
        Correction.objects.create(
            article=article, kind=change_kind, text=change_note, created_at=now
        )
    embed_titles_queue(article=article)
    return article


def _keep_old_address(*, article: Article, before: dict) -> ArticleAddress | None:
    """Readers have links to an article that has been public: when its desk, slug or date
    changes, its address before the change keeps answering (a 301 to the new one)."""
    day = day_in_address(before["published_at"], before["created_at"])
    old = (before["desk__slug"], day, before["slug"])
    if old == (article.desk.slug, article.address_day(), article.slug):
        return None
    address, _ = ArticleAddress.objects.get_or_create(
        article=article, desk_slug=old[0], day=old[1], slug=old[2]
    )
    return address


def _log_status_change(*, article: Article, user: User, previous: str | None) -> None:
    """A status changed by the form's field, logged as the button would have logged it."""
    if previous == article.status or (previous is None and article.status == Article.Status.DRAFT):
        return
    if article.status == Article.Status.IN_REVIEW and previous in (None, Article.Status.DRAFT):
        log_submission(article=article, user=user, from_status=previous)
        return
    action = {
        Article.Status.UNPUBLISHED: Transition.Action.UNPUBLISH,
    }.get(article.status, Transition.Action.STATUS)
    log_transition(article=article, user=user, action=action, from_status=previous)
