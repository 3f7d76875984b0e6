"""The only place that writes articles' data with side effects (HackSoft style: <entity>_<verb>).

Admin forms and actions, tasks and commands all call these, so the newsroom's rules live in
one place: who may publish (the `articles.publish_article` permission), what a story needs
before it goes public (a hero photo with alt text and a credit, a free address), and which
cached pages an edit makes stale (purged once the transaction commits).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import models, transaction
from django.utils import formats, timezone

from articles import renditions
from articles.models import Article, Author, Byline, Desk, Photo, Rendition, Topic
from newsroom import pagecache

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

PUBLISH_PERMISSION = "articles.publish_article"
# The statuses a reporter works in; published and unpublished belong to editors.
REPORTER_STATUSES = (Article.Status.DRAFT, Article.Status.IN_REVIEW)
BREAKING_DEFAULT_HOURS = 6


def _purge_on_commit(keys: Iterable[str]) -> None:
    """Mark cached public pages stale, but only once the change is really in the database."""
    keys = list(keys)
    transaction.on_commit(lambda: pagecache.purge(keys))


# --- Who may do what -------------------------------------------------------------------------


def user_can_publish(user: User) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def articles_owned_by(*, user: User) -> models.QuerySet[Article]:
    """A reporter's own articles: the ones they created or carry their byline."""
    return Article.objects.filter(
        models.Q(created_by=user.pk) | models.Q(bylines__author__user=user.pk)
    ).distinct()


def article_owned_by(*, article: Article, user: User) -> bool:
    if article.pk is None or article.created_by_id == user.pk:
        return True
    return Byline.objects.filter(article=article, author__user=user.pk).exists()


def article_editable_by(*, article: Article, user: User) -> bool:
    """Editors edit everything; reporters their own drafts and articles in review."""
    if not user.has_perm("articles.change_article"):
        return False
    if user_can_publish(user):
        return True
    return article.status in REPORTER_STATUSES and article_owned_by(article=article, user=user)


# --- Rules an article must meet ----------------------------------------------------------


def article_url_day(*, article: Article, published_at: datetime.datetime | None) -> datetime.date:
    """The day in the article's address: publication day, else the day it was created."""
    return timezone.localdate(published_at or article.created_at or timezone.now())


def article_slug_clash(
    *, article: Article, desk: Desk, slug: str, day: datetime.date
) -> Article | None:
    """Another article at the same address (desk, day and slug), if there is one."""
    others = (
        Article.objects.filter(desk=desk, slug=slug)
        .exclude(pk=article.pk)
        .only("headline", "published_at", "created_at")
    )
    for other in others:
        if article_url_day(article=other, published_at=other.published_at) == day:
            return other
    return None


def article_check_publishable(
    *,
    article: Article,
    user: User,
    at: datetime.datetime | None = None,
    hero_photo: Photo | None = None,
    check_photo: bool = True,
) -> None:
    """Raise ValidationError, keyed by field, saying everything that stops this publication.

    `hero_photo` lets a form check the photo it is about to set rather than the saved one.
    """
    errors: dict[str, list[str]] = {}
    if not user_can_publish(user):
        errors[NON_FIELD_ERRORS] = [
            "You do not have permission to publish articles. Submit the article for review "
            "and an editor will publish it."
        ]
    photo = hero_photo if hero_photo is not None else article.hero_photo
    if check_photo and photo is not None:
        missing = []
        if not photo.alt_text.strip():
            missing.append("alt text (a description for people who cannot see it)")
        if not photo.has_credit:
            missing.append("a credit (the photographer's name)")
        if missing:
            errors["hero_photo"] = [
                f"The hero photo needs {' and '.join(missing)} before this article can be "
                "published. Add it on the photo, then publish again."
            ]
    day = article_url_day(article=article, published_at=at or article.published_at)
    if article.desk_id and article.slug:
        clash = article_slug_clash(article=article, desk=article.desk, slug=article.slug, day=day)
        if clash is not None:
            errors["slug"] = [slug_clash_message(clash=clash, day=day)]
    if errors:
        raise ValidationError(errors)


def slug_clash_message(*, clash: Article, day: datetime.date) -> str:
    return (
        f"“{clash.headline}” already uses this slug on this desk on "
        f"{formats.date_format(day, 'j F Y')}. Choose another slug."
    )


# --- Workflow ----------------------------------------------------------------------------


@transaction.atomic
def article_publish(
    *, article: Article, user: User, at: datetime.datetime | None = None
) -> Article:
    """Publish now, or at `at` (a future time schedules it: `published()` shows it then).

    A republished article keeps its first publication time, and so its address.
    """
    when = at or article.published_at or timezone.now()
    article_check_publishable(article=article, user=user, at=when)
    article.status = Article.Status.PUBLISHED
    article.published_at = when
    if article.is_breaking and article.breaking_until is None:
        article.breaking_until = when + datetime.timedelta(hours=BREAKING_DEFAULT_HOURS)
    article.save()
    _purge_on_commit(article.cache_keys())
    return article


@transaction.atomic
def article_unpublish(*, article: Article, user: User) -> Article:
    """Take an article off the site (its address answers 404 again); it can be republished."""
    if not user_can_publish(user):
        raise ValidationError("You do not have permission to unpublish articles.")
    article.status = Article.Status.UNPUBLISHED
    article.save(update_fields=["status", "modified_at"])
    _purge_on_commit(article.cache_keys())
    return article


@transaction.atomic
def article_submit(*, article: Article, user: User) -> Article:
    """A reporter hands a draft to the editors: draft → in review."""
    if not article_editable_by(article=article, user=user):
        raise ValidationError("You can only submit your own articles for review.")
    if article.status != Article.Status.DRAFT:
        raise ValidationError(
            f"Only drafts can be submitted for review; this article is "
            f"{article.get_status_display().lower()}."
        )
    article.status = Article.Status.IN_REVIEW
    article.save(update_fields=["status", "modified_at"])
    return article


@transaction.atomic
def article_save(*, article: Article, user: User) -> Article:
    """Save an article edited as a whole (the admin form), its status change going through
    the same workflow as the buttons: publishing checks, permissions, cache purges."""
    previous = (
        Article.objects.filter(pk=article.pk).values_list("status", flat=True).first()
        if article.pk
        else None
    )
    if article.pk is None and article.created_by_id is None and user.pk is not None:
        article.created_by_id = user.pk
    if article.status == Article.Status.PUBLISHED:
        return article_publish(article=article, user=user, at=article.published_at)
    leaving = previous in (Article.Status.PUBLISHED, Article.Status.UNPUBLISHED)
    if (leaving or article.status not in REPORTER_STATUSES) and not user_can_publish(user):
        raise ValidationError("You do not have permission to change this article's status.")
    if article.is_breaking and article.breaking_until is None and article.published_at:
        article.breaking_until = article.published_at + datetime.timedelta(
            hours=BREAKING_DEFAULT_HOURS
        )
    article.save()
    if previous == Article.Status.PUBLISHED:
        _purge_on_commit(article.cache_keys())
    return article


@transaction.atomic
def article_delete(*, article: Article) -> None:
    keys = article.cache_keys()
    article.delete()
    _purge_on_commit(keys)


def article_set_comment_count(*, article_id: int, count: int) -> None:
    """Store the approved-comment count on the article (comments' services call this)."""
    Article.objects.filter(pk=article_id).update(approved_comment_count=count)


# --- Desks, authors, topics, photos: saved as they are, the pages that show them purged ---


def _page_keys(instance: models.Model) -> list[str]:
    if isinstance(instance, Desk):
        return [f"desk-{instance.pk}", "desks", "listings"]
    if isinstance(instance, Author):
        return [f"author-{instance.pk}", "listings"]
    if isinstance(instance, Topic):
        return [f"topic-{instance.pk}", "listings"]
    if isinstance(instance, Photo):
        return [f"photo-{instance.pk}", "listings"]
    if isinstance(instance, Article):
        return instance.cache_keys()
    raise TypeError(f"no public pages for {type(instance).__name__}")


@transaction.atomic
def desk_save(*, desk: Desk) -> Desk:
    desk.save()
    _purge_on_commit(_page_keys(desk))
    return desk


@transaction.atomic
def author_save(*, author: Author) -> Author:
    author.save()
    _purge_on_commit(_page_keys(author))
    return author


@transaction.atomic
def topic_save(*, topic: Topic) -> Topic:
    topic.save()
    _purge_on_commit(_page_keys(topic))
    return topic


@transaction.atomic
def photo_save(*, photo: Photo) -> Photo:
    """Save a photo (its file through the storage API); pages showing it are purged."""
    photo.save()
    _purge_on_commit(_page_keys(photo))
    return photo


@transaction.atomic
def content_delete(*, instance: Desk | Author | Topic | Photo | Article) -> None:
    """Delete a desk, author, topic or photo and purge the pages that showed it."""
    keys = _page_keys(instance)
    if isinstance(instance, Photo):  # its original and renditions go too, once committed
        storage = instance.image.storage
        files = [instance.image.name, *instance.renditions.values_list("file", flat=True)]
        transaction.on_commit(lambda: _delete_files(storage, files))
    instance.delete()
    _purge_on_commit(keys)


# --- Photos: renditions (issue 4) ---------------------------------------------------------


def photo_process(*, photo_id: int, force: bool = False) -> Photo | None:
    """Make a photo's missing or out-of-date renditions, delete stale ones, set its status.

    Idempotent: a rendition already made from the same original (and, for a crop, the same
    focal point) is kept, so a second run makes nothing. The pixels are worked outside any
    transaction; the rows are then written under a lock on the photo, after checking that
    nobody changed it meanwhile (if so, the task that change queued does the work and these
    files are dropped). Replaced files are deleted after commit, so a rollback never leaves
    a row pointing at a deleted file. Returns the photo as stored, or None if deleted.
    """
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None:
        return None
    inputs = _photo_inputs(photo)
    focal = (photo.focal_x, photo.focal_y)
    try:
        with photo.image.open("rb") as original:
            data = original.read()
    except FileNotFoundError:
        return photo_fail(
            photo_id=photo_id, reason="The original file is missing from storage: upload it again."
        )
    try:
        wanted = renditions.plan(data, focal=focal)
        existing = {(r.spec, r.format): r.source for r in photo.renditions.all()}
        todo = [spec for spec in wanted if force or existing.get(spec.key) != spec.source]
        outputs = renditions.render(data, todo, focal=focal)
    except renditions.PhotoRejected as exc:
        return photo_fail(photo_id=photo_id, reason=str(exc))

    storage = Rendition._meta.get_field("file").storage
    saved: list[str] = []
    try:
        made = []
        for output in outputs:
            name = storage.save(_rendition_name(photo.pk, output.spec), ContentFile(output.data))
            saved.append(name)
            made.append(
                Rendition(
                    photo_id=photo.pk,
                    spec=output.spec.name,
                    format=output.spec.format,
                    file=name,
                    width=output.width,
                    height=output.height,
                    bytes=len(output.data),
                    source=output.spec.source,
                )
            )
        with transaction.atomic():
            current = Photo.objects.select_for_update().filter(pk=photo_id).first()
            if current is None or _photo_inputs(current) != inputs:
                transaction.on_commit(lambda: _delete_files(storage, saved))
                return current
            rows = {(r.spec, r.format): r for r in current.renditions.all()}
            wanted_keys = {spec.key for spec in wanted}
            stale = [row for key, row in rows.items() if key not in wanted_keys]
            unused: list[str] = []
            new = []
            for rendition in made:
                row = rows.get((rendition.spec, rendition.format))
                if row is not None and row.source == rendition.source and not force:
                    unused.append(rendition.file.name)  # a concurrent run made it first
                    continue
                if row is not None:
                    stale.append(row)
                new.append(rendition)
            Rendition.objects.filter(pk__in=[row.pk for row in stale]).delete()
            Rendition.objects.bulk_create(new)
            Photo.objects.filter(pk=photo_id).update(status=Photo.Status.READY, error="")
            dropped = [row.file.name for row in stale] + unused
            if new or stale or current.status != Photo.Status.READY:
                transaction.on_commit(lambda: _photo_changed(photo_id, storage, dropped))
    except BaseException:
        _delete_files(storage, saved)
        raise
    current.refresh_from_db()
    return current


def photo_fail(*, photo_id: int, reason: str) -> Photo | None:
    """Mark a photo failed with the reason editors see in admin. Its renditions go: they
    show a picture that is no longer this photo's file or crop."""
    storage = Rendition._meta.get_field("file").storage
    with transaction.atomic():
        stale = list(Rendition.objects.filter(photo_id=photo_id))
        Rendition.objects.filter(pk__in=[row.pk for row in stale]).delete()
        Photo.objects.filter(pk=photo_id).update(status=Photo.Status.FAILED, error=reason)
        dropped = [row.file.name for row in stale]
        transaction.on_commit(lambda: _photo_changed(photo_id, storage, dropped))
    return Photo.objects.filter(pk=photo_id).first()


def photo_request_renditions(*, photo_ids: Iterable[int], force: bool = False) -> int:
    """Queue the worker to (re)make these photos' renditions; returns how many were queued.

    A ready photo stays ready meanwhile, so readers keep the renditions they have; a failed
    one shows as pending again. `force` remakes renditions that are up to date too.
    """
    from articles.tasks import make_renditions  # the task calls back into this module

    ids = list(Photo.objects.filter(pk__in=photo_ids).values_list("pk", flat=True))
    Photo.objects.filter(pk__in=ids, status=Photo.Status.FAILED).update(
        status=Photo.Status.PENDING, error=""
    )
    for pk in ids:
        make_renditions.delay_on_commit(photo_id=pk, force=force)
    return len(ids)


def _photo_inputs(photo: Photo) -> tuple[str, float, float]:
    return photo.image.name, photo.focal_x, photo.focal_y


def _rendition_name(photo_id: int, spec: renditions.Spec) -> str:
    # The source's hash is in the name: a remade file gets a new URL, so CDNs and browsers
    # may cache renditions forever.
    return Rendition._meta.get_field("file").generate_filename(None, f"{photo_id}-{spec.filename}")


def _photo_changed(photo_id: int, storage: Storage, dropped: list[str]) -> None:
    _delete_files(storage, dropped)
    # Pages showing the photo: its article pages (tagged photo-N) and the listings' cards.
    pagecache.purge([f"photo-{photo_id}", "listings"])


def _delete_files(storage: Storage, names: Iterable[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # a file already gone, or storage down: an orphan, never a lost row
            logging.getLogger(__name__).warning(
                "could not delete rendition file %s", name, exc_info=True
            )
