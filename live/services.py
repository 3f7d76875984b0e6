"""The only place that writes live blogs and their entries (HackSoft style: <entity>_<verb>).

The admin's composer, loaddemo and the tests call these. Each change, in one transaction:
the row, a line in the audit log (LiveEntryLog), the blog's version moved on, and a hard
purge of the blog's page and poll URL (and the entry's own URL) once committed, so a poll
never answers with a list that is out of date.

Entry lifecycle::

    post ──(editor, or reporter on a desk that allows it)──▶ published ◀─┐
      └──(reporter otherwise)──▶ pending ──approve (editor)─────────────┘
    published: edit (shows "Updated HH:MM"), pin/unpin as a key event
    pending or published ──withdraw, with a reason──▶ withdrawn (gone from the page)

Who may do what (on top of articles.services' "Who may do what"): a desk's editors (those
who may publish on its desk) start and end its live blogs and do everything to entries;
its reporters post entries, which go out at once when the desk allows it
(DeskLivePolicy.reporters_post_directly) and otherwise wait for an editor's approval, and
they may edit or withdraw their own entries while those wait (and, on a desk that lets
them post directly, edit their own published ones). Nobody else writes entries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags

from articles.body import sanitise_body
from articles.models import Article, Author
from articles.rights import user_can_publish_on, user_works_on_desk
from core.pagecache import purge_on_commit
from live.models import DeskLivePolicy, LiveBlog, LiveEntry, LiveEntryLog
from live.selectors import forget_running

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

POST_PERMISSION = "live.add_liveentry"


# --- Who may do what -------------------------------------------------------------------


def user_runs_blog(*, user: User, blog: LiveBlog) -> bool:
    """The desk's editors: start, end, approve, edit, pin and withdraw anything."""
    return user_can_publish_on(user=user, desk_id=_desk_id(blog))


def user_may_post(*, user: User, blog: LiveBlog) -> bool:
    if user_runs_blog(user=user, blog=blog):
        return True
    return user.has_perm(POST_PERMISSION) and user_works_on_desk(user=user, desk_id=_desk_id(blog))


def posts_directly(*, user: User, blog: LiveBlog) -> bool:
    """Whether `user`'s new entries go out at once (else they wait for an editor)."""
    if user_runs_blog(user=user, blog=blog):
        return True
    return DeskLivePolicy.objects.filter(
        desk_id=_desk_id(blog), reporters_post_directly=True
    ).exists()


def entry_editable_by(*, entry: LiveEntry, user: User) -> bool:
    if entry.status == LiveEntry.Status.WITHDRAWN:
        return False
    if user_runs_blog(user=user, blog=entry.blog):
        return True
    if entry.created_by_id != user.pk or not user_may_post(user=user, blog=entry.blog):
        return False
    return entry.status == LiveEntry.Status.PENDING or posts_directly(user=user, blog=entry.blog)


def entry_withdrawable_by(*, entry: LiveEntry, user: User) -> bool:
    if entry.status == LiveEntry.Status.WITHDRAWN:
        return False
    if user_runs_blog(user=user, blog=entry.blog):
        return True
    return (
        entry.status == LiveEntry.Status.PENDING
        and entry.created_by_id == user.pk
        and user_may_post(user=user, blog=entry.blog)
    )


def user_may_start(*, user: User, article: Article) -> bool:
    """The article's desk editors switch it to a live blog (and back on)."""
    return user_can_publish_on(user=user, desk_id=article.desk_id)


def _desk_id(blog: LiveBlog) -> int:
    return blog.article.desk_id


def _refuse(message: str) -> None:
    raise ValidationError(message, code="permission")


# --- The blog ----------------------------------------------------------------------------


def _changed(*, blog: LiveBlog, entry: LiveEntry | None = None, listing: bool = False) -> None:
    """The blog's readers must see this change: move its version (row-locked, so two
    changes at once both count) and purge its page and poll URL once committed."""
    LiveBlog.objects.filter(pk=blog.pk).update(version=F("version") + 1)
    keys = [blog.page_key]
    if entry is not None:
        keys.append(entry.page_key)
    # Starting and ending also change the article's cards (the LIVE badge) and its page.
    if listing:  # the badges: now, and again once committed (a render in between re-read it)
        forget_running()
        transaction.on_commit(forget_running)
    purge_on_commit(keys, objects=[blog.article] if listing else ())


def _log(
    *, blog: LiveBlog, user: User | None, action: str, entry: LiveEntry | None = None, note=""
) -> LiveEntryLog:
    return LiveEntryLog.objects.create(
        blog=blog,
        entry=entry,
        user=user if user is not None and user.pk else None,
        action=action,
        note=note,
    )


@transaction.atomic
def live_blog_start(
    *, article: Article, user: User, started_at: datetime.datetime | None = None
) -> LiveBlog:
    """Run `article` as a live blog from `started_at` (now by default). An ended blog of
    the article starts again."""
    if not user_may_start(user=user, article=article):
        _refuse("Only the desk's editors can start a live blog on its articles.")
    blog, created = LiveBlog.objects.select_for_update().get_or_create(
        article=article,
        defaults={"started_at": started_at or timezone.now(), "created_by": _user(user)},
    )
    if not created:
        if blog.is_running():
            raise ValidationError("This article is already a running live blog.")
        blog.started_at = started_at or blog.started_at
        blog.ended_at = None
        blog.save(update_fields=["started_at", "ended_at"])
    _log(blog=blog, user=user, action=LiveEntryLog.Action.START)
    _changed(blog=blog, listing=True)
    return blog


@transaction.atomic
def live_blog_end(
    *, blog: LiveBlog, user: User, ended_at: datetime.datetime | None = None, note: str = ""
) -> LiveBlog:
    """Stop the coverage: the page stays as a normal article with its entries and key
    events; readers' pages stop polling, cards lose the LIVE badge."""
    if not user_runs_blog(user=user, blog=blog):
        _refuse("Only the desk's editors can end its live blogs.")
    blog = LiveBlog.objects.select_for_update().select_related("article").get(pk=blog.pk)
    if blog.ended_at is not None and blog.ended_at <= timezone.now():
        raise ValidationError("This live blog has already ended.")
    blog.ended_at = ended_at or timezone.now()
    if blog.ended_at < blog.started_at:
        raise ValidationError({"ended_at": "A live blog cannot end before it starts."})
    blog.save(update_fields=["ended_at"])
    _log(blog=blog, user=user, action=LiveEntryLog.Action.END, note=note)
    _changed(blog=blog, listing=True)
    return blog


def _user(user: User | None):
    return user if user is not None and user.pk else None


# --- Entries -----------------------------------------------------------------------------


def _fill(entry: LiveEntry, *, headline: str, body: str, key_event: bool | None = None) -> None:
    entry.headline = (headline or "").strip()
    entry.body = body or ""
    if key_event is not None:
        entry.is_key_event = key_event
    cleaned = sanitise_body(entry.body)
    if not strip_tags(cleaned).strip() and "<figure" not in cleaned:
        raise ValidationError({"body": "Write something: an entry cannot be empty."})
    entry.clean_fields(exclude=["blog", "created_by", "status", "published_at"])


def _default_authors(user: User) -> list[Author]:
    author = Author.objects.filter(user=user.pk).first() if user.pk else None
    return [author] if author else []


@transaction.atomic
def live_entry_post(
    *,
    blog: LiveBlog,
    user: User,
    body: str,
    headline: str = "",
    authors: Iterable[Author] | None = None,
    key_event: bool = False,
) -> LiveEntry:
    """A new entry: published at once by an editor (or a reporter whose desk allows it),
    otherwise kept for an editor's approval. Each post is its own row: two people posting
    at once both get theirs in, in the order they committed."""
    if not user_may_post(user=user, blog=blog):
        _refuse("You do not write for this desk, so you cannot post to its live blog.")
    if blog.ended_at is not None and blog.ended_at <= timezone.now():
        raise ValidationError("This live blog has ended: reopen it to post again.")
    directly = posts_directly(user=user, blog=blog)
    if key_event and not user_runs_blog(user=user, blog=blog):
        _refuse("Only the desk's editors choose key events.")
    entry = LiveEntry(blog=blog, created_by=_user(user))
    _fill(entry, headline=headline, body=body, key_event=key_event)
    if directly:
        entry.status = LiveEntry.Status.PUBLISHED
        entry.published_at = timezone.now()
    entry.save()
    chosen = list(authors) if authors is not None else _default_authors(user)
    entry.authors.add(*chosen)
    _known_authors(entry, chosen)
    if directly:
        _log(blog=blog, user=user, action=LiveEntryLog.Action.POST, entry=entry)
        _changed(blog=blog, entry=entry)
    else:
        _log(blog=blog, user=user, action=LiveEntryLog.Action.SUBMIT, entry=entry)
    return entry


def _known_authors(entry: LiveEntry, authors: list[Author]) -> None:
    """Keep the authors just set on the entry, as a prefetch would: showing the new entry
    (the composer answers with it) asks the database nothing more."""
    known = entry.authors.all()
    known._result_cache, known._prefetch_done = list(authors), True
    entry._prefetched_objects_cache = {"authors": known}


def _locked(entry: LiveEntry) -> LiveEntry:
    locked = LiveEntry.objects.select_for_update().get(pk=entry.pk)
    locked.blog = entry.blog  # already loaded with its article
    return locked


@transaction.atomic
def live_entry_approve(*, entry: LiveEntry, user: User) -> LiveEntry:
    if not user_runs_blog(user=user, blog=entry.blog):
        _refuse("Only the desk's editors approve live entries.")
    entry = _locked(entry)
    if entry.status != LiveEntry.Status.PENDING:
        raise ValidationError(
            f"Only entries awaiting an editor can be approved; this one is "
            f"{entry.get_status_display().lower()}."
        )
    entry.status = LiveEntry.Status.PUBLISHED
    entry.published_at = timezone.now()
    entry.save(update_fields=["status", "published_at"])
    _log(blog=entry.blog, user=user, action=LiveEntryLog.Action.APPROVE, entry=entry)
    _changed(blog=entry.blog, entry=entry)
    return entry


STALE_REVISION = "stale_revision"


@transaction.atomic
def live_entry_edit(
    *,
    entry: LiveEntry,
    user: User,
    body: str,
    headline: str = "",
    authors: Iterable[Author] | None = None,
    revision: int | None = None,
    note: str = "",
) -> LiveEntry:
    """Change an entry's text. A published one then shows "Updated HH:MM". `revision` is
    the one the form was opened on: a save over someone else's newer edit is refused."""
    if not entry_editable_by(entry=entry, user=user):
        _refuse("You cannot edit this entry.")
    entry = _locked(entry)
    if entry.status == LiveEntry.Status.WITHDRAWN:
        raise ValidationError("This entry was withdrawn: it cannot be edited.")
    if revision is not None and revision != entry.revision:
        raise ValidationError(
            "This entry changed after you opened it. Your edit has not been saved, so "
            "nothing of theirs is overwritten: reload it and edit again.",
            code=STALE_REVISION,
        )
    _fill(entry, headline=headline, body=body)
    entry.revision += 1
    if entry.status == LiveEntry.Status.PUBLISHED:
        entry.edited_at = timezone.now()
    entry.save()
    if authors is not None:
        entry.authors.set(list(authors))
    _log(blog=entry.blog, user=user, action=LiveEntryLog.Action.EDIT, entry=entry, note=note)
    if entry.status == LiveEntry.Status.PUBLISHED:
        _changed(blog=entry.blog, entry=entry)
    return entry


@transaction.atomic
def live_entry_pin(*, entry: LiveEntry, user: User, pinned: bool = True) -> LiveEntry:
    """Mark a published entry as a key event (listed at the top of the blog) or stop."""
    if not user_runs_blog(user=user, blog=entry.blog):
        _refuse("Only the desk's editors choose key events.")
    entry = _locked(entry)
    if entry.status == LiveEntry.Status.WITHDRAWN:
        raise ValidationError("This entry was withdrawn: it cannot be a key event.")
    if entry.is_key_event == pinned:
        return entry
    entry.is_key_event = pinned
    entry.revision += 1
    entry.save(update_fields=["is_key_event", "revision"])
    action = LiveEntryLog.Action.PIN if pinned else LiveEntryLog.Action.UNPIN
    _log(blog=entry.blog, user=user, action=action, entry=entry)
    if entry.status == LiveEntry.Status.PUBLISHED:
        _changed(blog=entry.blog, entry=entry)
    return entry


@transaction.atomic
def live_entry_withdraw(*, entry: LiveEntry, user: User, reason: str) -> LiveEntry:
    """Take an entry down: it disappears from the page, the poll and its own URL at once
    (a hard purge); the reason stays in the log."""
    if not entry_withdrawable_by(entry=entry, user=user):
        _refuse("You cannot withdraw this entry.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the entry is withdrawn: it goes in the log."})
    entry = _locked(entry)
    if entry.status == LiveEntry.Status.WITHDRAWN:
        raise ValidationError("This entry is already withdrawn.")
    was_public = entry.status == LiveEntry.Status.PUBLISHED
    entry.status = LiveEntry.Status.WITHDRAWN
    entry.is_key_event = False
    entry.revision += 1
    entry.save(update_fields=["status", "is_key_event", "revision"])
    _log(blog=entry.blog, user=user, action=LiveEntryLog.Action.WITHDRAW, entry=entry, note=reason)
    if was_public:
        _changed(blog=entry.blog, entry=entry)
    return entry
