"""The editorial workflow's writes: submit, send back, publish, schedule, go live, unpublish,
breaking news; every save of an article with its revision and log; edit locks; share links.

Admin views and actions, tasks and commands all call these; the rules an article must meet
and who may touch it are articles' services, asked from here."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from articles.body import sanitise_body
from articles.clock import newsroom_time
from articles.models import Article, ArticleAddress, Author, Byline, Correction, day_in_address
from articles.purges import purge_on_commit
from articles.services import (
    PUBLISH_PERMISSION,
    REPORTER_STATUSES,
    article_check_publishable,
    article_editable_by,
    corrections_standing,
    desk_name,
    embed_titles_queue,
    require_publisher,
    require_writer,
    user_can_publish,
    user_works_on_desk,
)
from core import pagecache
from editorial import revisions
from editorial.models import EditLock, Revision, ShareLink, Transition
from editorial.selectors import AUTOSAVED_FIELDS
from notifications.services import notification_enqueue
from photos.models import Photo

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

BREAKING_DEFAULT_HOURS = 6
BREAKING_NOW_HOURS = 2  # the admin's one-click "breaking for 2 hours"


# --- Workflow -------------------------------------------------------------------
# draft → in review (submit) → published now or at a time (publish / schedule), or back to
# draft with a note (return); published → unpublished (unpublish). Every move is written to
# the audit log (Transition) in the same transaction, and so are its emails (the outbox).

STALE_VERSION = "stale_version"


def _log(
    *,
    article: Article,
    user: User | None,
    action: str,
    from_status: str | None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Transition:
    return Transition.objects.create(
        article=article,
        user=user if user is not None and user.pk else None,
        action=action,
        from_status=from_status or "",
        to_status=article.status,
        note=note,
        at=at,
    )


def _stored(article: Article) -> dict | None:
    """The article's row as stored, locked until the transaction ends (None: not saved yet)."""
    if article.pk is None:
        return None
    return (
        Article.objects.select_for_update()
        .filter(pk=article.pk)
        .values(
            "status",
            "desk_id",
            "desk__slug",
            "slug",
            "version",
            "published_at",
            "embargo_until",
            "went_live_at",
            "created_at",
            "is_breaking",
        )
        .first()
    )


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
        by = f"{_person(who)} saved it" if who is not None else "Someone else saved it"
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


def _person(user: User | None) -> str:
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()


@transaction.atomic
def article_submit(*, article: Article, user: User, note: str = "") -> Article:
    """A reporter hands a draft to the desk's editors: draft → in review. They are told by
    email, through the outbox, in the same transaction."""
    if not article_editable_by(article=article, user=user):
        if not user_works_on_desk(user=user, desk_id=article.desk_id):
            raise ValidationError(
                f"You do not write for the {desk_name(article.desk_id)} desk, so you cannot "
                "submit its articles."
            )
        raise ValidationError("You can only submit your own articles for review.")
    if article.status != Article.Status.DRAFT:
        raise ValidationError(
            f"Only drafts can be submitted for review; this article is "
            f"{article.get_status_display().lower()}."
        )
    article.status = Article.Status.IN_REVIEW
    article.save(update_fields=["status", "modified_at"])
    _submitted(article=article, user=user, from_status=Article.Status.DRAFT, note=note)
    return article


def _submitted(*, article: Article, user: User, from_status: str | None, note: str = "") -> None:
    transition = _log(
        article=article,
        user=user,
        action=Transition.Action.SUBMIT,
        from_status=from_status,
        note=note,
    )
    editors = desk_editors(desk_id=article.desk_id).exclude(pk=user.pk)
    notification_enqueue(
        kind="article_submitted",
        recipients=editors.values_list("email", flat=True),
        event=f"article-submitted:{article.pk}:{transition.pk}",
        about=f"article:{article.pk}",
        context={
            "headline": article.headline,
            "desk": desk_name(article.desk_id),
            "reporter": _person(user),
            "note": note,
            "review_url": settings.SITE_URL
            + reverse("admin:articles_article_change", args=[article.pk]),
        },
    )


def desk_editors(*, desk_id: int | None) -> models.QuerySet:
    """The active members of a desk who may publish (superusers, and the permission held
    directly or through a group: Django's own rule), with an address: the people a
    submission is for."""
    return (
        get_user_model()
        .objects.with_perm(PUBLISH_PERMISSION, is_active=True, include_superusers=True)
        .filter(desks=desk_id)
        .exclude(email="")
    )


@transaction.atomic
def article_return(*, article: Article, user: User, note: str) -> Article:
    """An editor sends an article in review back to its writer with a note: → draft."""
    require_publisher(article=article, user=user, verb="return")
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": "Say what needs to change: the note goes back with the article."}
        )
    if article.status != Article.Status.IN_REVIEW:
        raise ValidationError(
            "Only articles in review can be sent back; this one is "
            f"{article.get_status_display().lower()}."
        )
    article.status = Article.Status.DRAFT
    article.save(update_fields=["status", "modified_at"])
    transition = _log(
        article=article,
        user=user,
        action=Transition.Action.RETURN,
        from_status=Article.Status.IN_REVIEW,
        note=note,
    )
    notification_enqueue(
        kind="article_returned",
        recipients=[u.email for u in article_writers(article=article) if u.pk != user.pk],
        event=f"article-returned:{article.pk}:{transition.pk}",
        about=f"article:{article.pk}",
        context={
            "headline": article.headline,
            "editor": _person(user),
            "note": note,
            "edit_url": settings.SITE_URL
            + reverse("admin:articles_article_change", args=[article.pk]),
        },
    )
    return article


def article_writers(*, article: Article) -> list:
    """The logins behind an article: who created it and the bylined authors with a login."""
    users = get_user_model().objects.filter(
        models.Q(pk=article.created_by_id) | models.Q(author__bylines__article=article.pk),
        is_active=True,
    )
    return list(users.exclude(email="").distinct())


@transaction.atomic
def article_publish(
    *,
    article: Article,
    user: User,
    at: datetime.datetime | None = None,
    note: str = "",
    notify: bool = True,
) -> Article:
    """Publish now, or at `at` (a future time schedules it: see `article_schedule`).

    A republished article keeps its first publication time, and so its address. Its writers
    are told it is live unless `notify` is off (loaddemo's backdated demo stories).
    """
    now = timezone.now()
    when = at or article.published_at or now
    if when > now:
        return article_schedule(article=article, user=user, at=when, note=note)
    article_check_publishable(article=article, user=user, at=when)
    before = _stored(article)
    article.status = Article.Status.PUBLISHED
    article.published_at = when
    _default_breaking_end(article)
    article.save()
    if before is None or _moved(before, article):
        _log(
            article=article,
            user=user,
            action=Transition.Action.PUBLISH,
            from_status=before and before["status"],
            note=note,
            at=when,
        )
    _went_live(article=article, user=user, scheduled=False, notify=notify)
    return article


@transaction.atomic
def article_schedule(
    *, article: Article, user: User, at: datetime.datetime, note: str = ""
) -> Article:
    """Publish at a future minute. The public sees it from then (`published()` follows the
    time); a task queued for that moment does the rest (purges, emails), and the beat sweep
    does it if the task is lost."""
    if at is None or at <= timezone.now():
        raise ValidationError(
            {"published_at": "Choose a time in the future to schedule; to publish now, publish."}
        )
    article_check_publishable(article=article, user=user, at=at)
    before = _stored(article)
    article.status = Article.Status.PUBLISHED
    article.published_at = at
    _default_breaking_end(article)
    article.save()  # purges the pages that showed it: it may have been public until now
    if before is None or _moved(before, article):
        _log(
            article=article,
            user=user,
            action=Transition.Action.SCHEDULE,
            from_status=before and before["status"],
            note=note,
            at=at,
        )
    _queue_go_live(article)
    return article


def _same_second(a: datetime.datetime | None, b: datetime.datetime | None) -> bool:
    """Forms send times to the second: a saved time that only lost its microseconds is the
    same moment, not a new publication."""
    if a is None or b is None:
        return a is b
    return abs(a - b) < datetime.timedelta(seconds=1)


def _moved(before: dict, article: Article) -> bool:
    """Did this save change the status or the publication time (a step for the log)?"""
    return before["status"] != article.status or not _same_second(
        before["published_at"], article.published_at
    )


def _default_breaking_end(article: Article) -> None:
    """A breaking flag without an end runs for the default hours from now, or from when the
    article goes live if that is later (from its publication, an older story's flag would
    be over before it was set)."""
    if article.is_breaking and article.breaking_until is None and article.published_at:
        start = max(timezone.now(), article.goes_live_at())
        article.breaking_until = start + datetime.timedelta(hours=BREAKING_DEFAULT_HOURS)


def _start_breaking(*, article: Article, before: dict | None) -> bool:
    """The flag just ticked: its window starts now. An end left from an earlier window
    (the form shows it) is over, so it gives way to a new one. True when a window began."""
    if not article.is_breaking or (before is not None and before["is_breaking"]):
        return False
    if article.breaking_until is not None and article.breaking_until > timezone.now():
        return True
    article.breaking_until = None
    _default_breaking_end(article)
    return article.breaking_until is not None


def _queue_end_breaking(article: Article) -> None:
    """After commit, queue the task that clears the flag and the home page's banner."""
    from editorial.tasks import end_breaking  # the task calls back into this module

    if not end_breaking.app.conf.task_always_eager and article.breaking_until is not None:
        article_id, until = article.pk, article.breaking_until
        transaction.on_commit(
            lambda: end_breaking.apply_async(kwargs={"article_id": article_id}, eta=until)
        )


def _queue_go_live(article: Article) -> None:
    """After commit, queue the going-live work for the article's minute (a Celery ETA)."""
    from editorial.tasks import go_live  # the task calls back into this module

    article_id, when = article.pk, article.goes_live_at()
    if go_live.app.conf.task_always_eager:
        # No broker (`make run`): an eager task would run now, before its time. The page
        # shows up by itself at the time; nothing else is waiting on it.
        return
    transaction.on_commit(lambda: go_live.apply_async(kwargs={"article_id": article_id}, eta=when))


def _went_live(
    *, article: Article, user: User | None, scheduled: bool, notify: bool = True
) -> bool:
    """The work of an article's going live, done once per publication time: purge the pages
    that now show it and tell its writers. Runs inside the caller's transaction."""
    now = timezone.now()
    if not article.is_public(now) or _same_second(article.went_live_at, article.published_at):
        return False  # not yet (embargo), or done (a republication keeps its first time)
    # An article that went live before and whose date an editor moved is not news to its
    # writers: the pages are purged again, the "Live" mail is not sent again.
    first_time = article.went_live_at is None
    Article.objects.filter(pk=article.pk).update(went_live_at=article.published_at)
    article.went_live_at = article.published_at
    if scheduled:
        _log(
            article=article,
            user=None,
            action=Transition.Action.WENT_LIVE,
            from_status=Article.Status.PUBLISHED,
            at=article.published_at,
        )
    # Every page that now shows it: its own, and the lists of cards it is on (home, its
    # desk's, authors' and topics' pages, feeds, sitemaps), as committed. From a publish
    # this is the save's own purge, so nothing is worked out or purged twice.
    purge_on_commit(["home"], articles=[article])
    if not notify or not first_time:
        return True
    acting = user.pk if user is not None else None
    # When readers could first see it: its time, when that came by itself (a schedule, an
    # embargo's end); else now, as publishing with a time already past (a backdated story)
    # shows it from now, not from that time.
    live_at = article.goes_live_at() if scheduled else now
    notification_enqueue(
        kind="article_published",
        recipients=[u.email for u in article_writers(article=article) if u.pk != acting],
        event=f"article-live:{article.pk}",  # once per article, whatever its dates become
        about=f"article:{article.pk}",
        context={
            "headline": article.headline,
            "desk": desk_name(article.desk_id),
            "url": settings.SITE_URL + article.get_absolute_url(),
            "published": newsroom_time(live_at),
        },
    )
    return True


def article_go_live(*, article_id: int) -> bool:
    """The scheduled moment's work for one article (the ETA task and the sweep call this).
    Safe to run any number of times: the row lock and `went_live_at` let it happen once."""
    with transaction.atomic():
        article = (
            Article.objects.select_for_update(of=("self",))
            .select_related("desk")
            .filter(pk=article_id)
            .first()
        )
        if article is None:
            return False
        return _went_live(article=article, user=None, scheduled=True)


GO_LIVE_LOOKBACK = datetime.timedelta(days=1)


def article_go_live_sweep(*, now: datetime.datetime | None = None) -> list[int]:
    """Do the going-live work of every article whose time came in the last day and whose
    task did not run (lost with a broker outage, or a worker that was down)."""
    now = now or timezone.now()
    since = now - GO_LIVE_LOOKBACK
    due = (
        Article.objects.published(now)
        .filter(models.Q(published_at__gt=since) | models.Q(embargo_until__gt=since))
        .filter(
            models.Q(went_live_at__isnull=True) | ~models.Q(went_live_at=models.F("published_at"))
        )
        .order_by("published_at")
        .values_list("pk", flat=True)
    )
    return [pk for pk in due if article_go_live(article_id=pk)]


@transaction.atomic
def article_unpublish(*, article: Article, user: User, note: str = "") -> Article:
    """Take an article off the site (its address answers 404 again); it can be republished."""
    require_publisher(article=article, user=user, verb="unpublish")
    before = article.status
    article.status = Article.Status.UNPUBLISHED
    article.save(update_fields=["status", "modified_at"])  # purges the pages it was on
    _log(
        article=article,
        user=user,
        action=Transition.Action.UNPUBLISH,
        from_status=before,
        note=note,
    )
    return article


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
    before = _stored(article)
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
    significant = was_public and change_kind in (Correction.Kind.UPDATE, Correction.Kind.CORRECTION)
    if significant:
        change_note = (change_note or "").strip()
        if not change_note:
            raise ValidationError(
                {"change_note": "Say what changed: the note is shown to readers."}
            )
        article.updated_at = now
    previous_status = before["status"] if before else None
    breaking_began = _start_breaking(article=article, before=before)
    if article.status == Article.Status.PUBLISHED:
        article_publish(article=article, user=user, at=article.published_at)
    else:
        leaving = previous_status in (Article.Status.PUBLISHED, Article.Status.UNPUBLISHED)
        if leaving or article.status not in REPORTER_STATUSES:
            if not user_can_publish(user):
                raise ValidationError("You do not have permission to change this article's status.")
            require_publisher(article=article, user=user, verb="change the status of")
        _default_breaking_end(article)
        article.save()  # purges the pages it was on and is on now
        _log_status_change(article=article, user=user, previous=previous_status)
    if breaking_began:
        purge_on_commit(["home"])  # the banner
        _queue_end_breaking(article)
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
        _submitted(article=article, user=user, from_status=previous)
        return
    action = {
        Article.Status.UNPUBLISHED: Transition.Action.UNPUBLISH,
    }.get(article.status, Transition.Action.STATUS)
    _log(article=article, user=user, action=action, from_status=previous)


@transaction.atomic
def article_mark_breaking(
    *, article: Article, user: User, hours: int = BREAKING_NOW_HOURS
) -> Article:
    """Flag a published article breaking for `hours` from now (or from when it goes live).
    The flag ends by itself: the page shows it only until `breaking_until`, and a task
    queued for that minute clears it and purges the home page."""
    require_publisher(article=article, user=user, verb="mark breaking")
    if article.status != Article.Status.PUBLISHED:
        raise ValidationError(
            "Only published or scheduled articles can be marked breaking; this one is "
            f"{article.get_status_display().lower()}."
        )
    start = max(timezone.now(), article.goes_live_at())
    article.is_breaking = True
    article.breaking_until = start + datetime.timedelta(hours=hours)
    article.save(update_fields=["is_breaking", "breaking_until", "modified_at"])
    purge_on_commit(["home"])  # the banner; the save purges the article's own pages
    _log(
        article=article,
        user=user,
        action=Transition.Action.BREAKING,
        from_status=article.status,
        note=f"Breaking for {hours} hours, until {newsroom_time(article.breaking_until)}.",
    )
    _queue_end_breaking(article)
    return article


def article_end_breaking(*, article_id: int) -> bool:
    """Clear an expired breaking flag and purge the home page (safe to repeat; an article
    whose flag was extended meanwhile is left alone: its own task comes later)."""
    now = timezone.now()
    with transaction.atomic():
        ended = Article.objects.filter(
            pk=article_id, is_breaking=True, breaking_until__lte=now
        ).update(is_breaking=False)
    pagecache.purge([*Article(pk=article_id).cache_keys(), "home"])
    return bool(ended)


# --- Edit locks -------------------------------------------------------------------


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


# --- Revisions --------------------------------------------------------------------


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


# --- Autosave ------------------------------------------------------------------------
# The text of a form still being typed in, kept on the server every few seconds so that a
# closed tab or a crashed browser loses nothing. An autosave is a Revision marked autosave:
# out of the history, one per article and user, never touching the article's row, so
# neither the page readers see nor the version the save check compares moves.


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
                f"{_person(lock.user)} is editing this article now: autosave has stopped "
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


# --- Share links ------------------------------------------------------------------


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
