"""The editorial workflow: submit, send back, publish, schedule, go live, unpublish,
breaking news. Every move is written to the audit log (Transition) in the same
transaction, and so are its emails (the outbox).

draft → in review (submit) → published now or at a time (publish / schedule), or back to
draft with a note (return); published → unpublished (unpublish).

Admin views and actions, tasks and commands all call these; the rules an article must meet
and who may touch it are articles' services, asked from here."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, DeskRole, SiteKeys
from articles.rights import (
    article_editable_by,
    desk_name,
    require_publisher,
    user_works_on_desk,
)
from articles.services import article_check_publishable, article_store
from core.clock import newsroom_time
from core.pagecache import purge_on_commit
from editorial.models import Transition
from notifications.services import notification_enqueue

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

BREAKING_DEFAULT_HOURS = 6
BREAKING_NOW_HOURS = 2  # the admin's one-click "breaking for 2 hours"


def log_transition(
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


def stored_row(article: Article) -> dict | None:
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


def person_name(user: User | None) -> str:
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
    article_store(article=article, update_fields=["status", "modified_at"])
    log_submission(article=article, user=user, from_status=Article.Status.DRAFT, note=note)
    return article


def log_submission(
    *, article: Article, user: User, from_status: str | None, note: str = ""
) -> None:
    transition = log_transition(
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
            "reporter": person_name(user),
            "note": note,
            "review_url": settings.SITE_URL
            + reverse("admin:articles_article_change", args=[article.pk]),
        },
    )


def desk_editors(*, desk_id: int | None) -> models.QuerySet:
    """The active editors of a desk (its members in the editor's role) with an address: the
    people a submission is for. Site-wide editors are not mailed every desk's submissions."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            desk_memberships__desk=desk_id,
            desk_memberships__role=DeskRole.EDITOR,
        )
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
    article_store(article=article, update_fields=["status", "modified_at"])
    transition = log_transition(
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
            "editor": person_name(user),
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
    before = stored_row(article)
    article.status = Article.Status.PUBLISHED
    article.published_at = when
    default_breaking_end(article)
    article_store(article=article)
    if before is None or _moved(before, article):
        log_transition(
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
    before = stored_row(article)
    article.status = Article.Status.PUBLISHED
    article.published_at = at
    default_breaking_end(article)
    article_store(article=article)  # it may have been public until now
    if before is None or _moved(before, article):
        log_transition(
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


def default_breaking_end(article: Article) -> None:
    """A breaking flag without an end runs for the default hours from now, or from when the
    article goes live if that is later (from its publication, an older story's flag would
    be over before it was set)."""
    if article.is_breaking and article.breaking_until is None and article.published_at:
        start = max(timezone.now(), article.goes_live_at())
        article.breaking_until = start + datetime.timedelta(hours=BREAKING_DEFAULT_HOURS)


def start_breaking(*, article: Article, before: dict | None) -> bool:
    """The flag just ticked: its window starts now. An end left from an earlier window
    (the form shows it) is over, so it gives way to a new one. True when a window began."""
    if not article.is_breaking or (before is not None and before["is_breaking"]):
        return False
    if article.breaking_until is not None and article.breaking_until > timezone.now():
        return True
    article.breaking_until = None
    default_breaking_end(article)
    return article.breaking_until is not None


def queue_end_breaking(article: Article) -> None:
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
        log_transition(
            article=article,
            user=None,
            action=Transition.Action.WENT_LIVE,
            from_status=Article.Status.PUBLISHED,
            at=article.published_at,
        )
    # Every page that now shows it: its own, and the lists of cards it is on (home, its
    # desk's, authors' and topics' pages, feeds, sitemaps), as committed. From a publish
    # this is the save's own purge, so nothing is worked out or purged twice.
    purge_on_commit([SiteKeys.HOME], objects=[article])
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
    article_store(article=article, update_fields=["status", "modified_at"])
    log_transition(
        article=article,
        user=user,
        action=Transition.Action.UNPUBLISH,
        from_status=before,
        note=note,
    )
    return article


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
    article_store(article=article, update_fields=["is_breaking", "breaking_until", "modified_at"])
    purge_on_commit([SiteKeys.HOME])  # the banner; the store purges the article's own pages
    log_transition(
        article=article,
        user=user,
        action=Transition.Action.BREAKING,
        from_status=article.status,
        note=f"Breaking for {hours} hours, until {newsroom_time(article.breaking_until)}.",
    )
    queue_end_breaking(article)
    return article


def article_end_breaking(*, article_id: int) -> bool:
    """Clear an expired breaking flag and purge the home page (safe to repeat; an article
    whose flag was extended meanwhile is left alone: its own task comes later)."""
    now = timezone.now()
    with transaction.atomic():
        ended = Article.objects.filter(
            pk=article_id, is_breaking=True, breaking_until__lte=now
        ).update(is_breaking=False)
    purge_on_commit([SiteKeys.HOME], objects=[Article(pk=article_id)])
    return bool(ended)


def article_end_breaking_sweep(*, now: datetime.datetime | None = None) -> list[int]:
    """End every breaking flag whose time is up and whose task did not run."""
    now = now or timezone.now()
    due = Article.objects.filter(is_breaking=True, breaking_until__lte=now).values_list(
        "pk", flat=True
    )
    return [pk for pk in due if article_end_breaking(article_id=pk)]


def clock_sweep(*, now: datetime.datetime | None = None) -> dict[str, list[int]]:
    """The one sweep of what changes with the clock rather than with a write (the beat runs
    it every minute): articles whose time or embargo's end came go live, their pages purged
    and their writers told; breaking flags whose time is up end, the home page's banner
    purged. Each of these has its own task queued for its minute; the sweep does the work of
    any whose task was lost, and of those set without one (a row written directly)."""
    now = now or timezone.now()
    return {
        "went_live": article_go_live_sweep(now=now),
        "breaking_ended": article_end_breaking_sweep(now=now),
    }
