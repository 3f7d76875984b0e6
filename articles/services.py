"""The only place that writes articles' data with side effects (HackSoft style: <entity>_<verb>).

Admin forms and actions, tasks and commands all call these, so the newsroom's rules live in
one place: what a story needs before it goes public (a hero photo with alt text and a
credit, a free address), and which cached pages an edit makes stale (purged once the
transaction commits). Who may do what is `articles.rights`; read-only queries are
`articles.selectors`.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from articles.body_render import body_photo_ids, embed_urls
from articles.models import (
    Article,
    Author,
    Correction,
    Desk,
    EmbedMetadata,
    Topic,
    day_in_address,
)
from articles.rights import (
    article_editable_by,
    desk_name,
    photo_editable_by,
    user_can_publish,
    user_can_publish_on,
)
from articles.selectors import photo_uses
from core.clock import moment, newsroom_time
from core.pagecache import purge_on_commit
from photos.models import Photo
from photos.services import photo_files_delete

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

logger = logging.getLogger(__name__)


# --- Rules an article must meet ----------------------------------------------------------


def article_url_day(*, article: Article, published_at: datetime.datetime | None) -> datetime.date:
    """The day in the article's address if it were published at `published_at`."""
    return day_in_address(published_at, article.created_at)


def article_slug_clash(
    *, article: Article, desk: Desk, slug: str, day: datetime.date
) -> Article | None:
    """Another article at the same address (desk, day and slug), if there is one."""
    others = Article.objects.exclude(pk=article.pk).only("headline", "published_at", "created_at")
    return others.at_address(desk=desk.slug, day=day, slug=slug)


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
    elif not user_can_publish_on(user=user, desk_id=article.desk_id):
        errors[NON_FIELD_ERRORS] = [
            f"You do not publish for the {desk_name(article.desk_id)} desk: only its editors "
            "do. Submit the article for review and they will publish it."
        ]
    when = at or article.published_at
    if article.embargo_until is not None and when is not None and when < article.embargo_until:
        errors["published_at"] = [
            "This article is under embargo until "
            f"{newsroom_time(article.embargo_until)}: it cannot be published or scheduled "
            "earlier. Choose that time or a later one."
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
    if check_photo and (problem := _body_photos_problem(article.body)):
        errors["body"] = [problem]
    day = article_url_day(article=article, published_at=at or article.published_at)
    if article.desk_id and article.slug:
        clash = article_slug_clash(article=article, desk=article.desk, slug=article.slug, day=day)
        if clash is not None:
            errors["slug"] = [slug_clash_message(clash=clash, day=day)]
    if errors:
        raise ValidationError(errors)


def _body_photos_problem(body: str) -> str:
    """What stops the photos inside a body from being published, as for the hero: each
    needs alt text and a credit, and must still exist."""
    ids = body_photo_ids(body)
    if not ids:
        return ""
    photos = {photo.pk: photo for photo in Photo.objects.filter(pk__in=ids)}
    lacking = [
        f"no. {pk}" + ("" if pk in photos else " (deleted)")
        for pk in ids
        if pk not in photos or not photos[pk].alt_text.strip() or not photos[pk].has_credit
    ]
    if not lacking:
        return ""
    return (
        f"The photo{'s' if len(lacking) > 1 else ''} in the text ({', '.join(lacking)}) "
        "need alt text and a credit before this article can be published. Add them on the "
        "photo (or take it out of the text), then publish again."
    )


def slug_clash_message(*, clash: Article, day: datetime.date) -> str:
    return (
        f"“{clash.headline}” already uses this slug on this desk on "
        f"{moment(day, 'date')}. Choose another slug."
    )


@transaction.atomic
def correction_withdraw(*, correction: Correction, user: User, note: str) -> Correction:
    """Withdraw a mistaken correction or update with a new entry saying why: readers see
    both (the record is append-only). Sets the article's Updated time."""
    article = (
        Article.objects.select_for_update().select_related("desk").get(pk=correction.article_id)
    )
    if not article_editable_by(article=article, user=user) or not user_can_publish_on(
        user=user, desk_id=article.desk_id
    ):
        raise ValidationError("Only the desk's editors can withdraw a correction.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say why it is withdrawn: readers see this note."})
    if correction.kind == Correction.Kind.WITHDRAWAL:
        raise ValidationError("A withdrawal cannot itself be withdrawn.")
    if Correction.objects.filter(withdraws=correction).exists():
        raise ValidationError("This correction has already been withdrawn.")
    now = timezone.now()
    entry = Correction.objects.create(
        article=article,
        kind=Correction.Kind.WITHDRAWAL,
        withdraws=correction,
        text=note,
        created_at=now,
    )
    article.updated_at = now
    article_store(article=article, update_fields=["updated_at", "modified_at"])
    return entry


def article_store(*, article: Article, update_fields: Iterable[str] | None = None) -> Article:
    """Save an article and, once committed, purge the pages that show it: those it was on
    (known now: another desk, a byline or topic the admin's inlines remove after this save)
    and those it is on once the whole change is committed. Every write of an article's
    fields goes through here; the transaction's other saves and services add to the same
    single purge (`core.pagecache.purge_on_commit`)."""
    listed_before = [] if article._state.adding else article.cache_keys()
    article.save(update_fields=update_fields)
    purge_on_commit(listed_before, objects=[article])
    return article


@transaction.atomic
def article_delete(*, article: Article) -> None:
    """Delete an article and purge the pages that showed it."""
    keys = article.cache_keys()
    article.delete()
    purge_on_commit(keys)


def article_set_comment_count(*, article_id: int, count: int) -> None:
    """Store the approved-comment count on the article (comments' services call this)."""
    Article.objects.filter(pk=article_id).update(approved_comment_count=count)


# --- Desks, authors, topics, photos: saved as they are, the pages that show them purged ---


@transaction.atomic
def content_save[Content: (Desk, Author, Topic, Photo)](*, instance: Content) -> Content:
    """Save a desk, author, topic or photo (a photo's file through the storage API) and
    purge the pages that show it, once committed."""
    instance.save()
    purge_on_commit(objects=[instance])
    return instance


def photo_deletable(*, photo: Photo) -> None:
    """Refuse, naming them, while published articles (live or scheduled) show the photo:
    deleting it would break their pages."""
    published = [
        article.headline
        for article, _ in photo_uses(photo=photo)
        if article.status == Article.Status.PUBLISHED
    ]
    if published:
        raise ValidationError(
            f"“{photo}” is used by published articles ({', '.join(published)}): replace it "
            "there first, then delete it."
        )


def photo_change(*, photo: Photo, user: User) -> Photo:
    """Save a photo changed from the article form (its credits completed, its focal point
    moved, or a new upload), for someone with the right over it: every article that shows
    it is one they may edit. Moving the focal point remakes the crops (Photo.save) and the
    pages showing the photo are purged."""
    if photo.pk is None:
        if not user.has_perm("photos.add_photo"):
            raise PermissionDenied("You cannot add photos.")
    elif not photo_editable_by(photo=photo, user=user):
        raise PermissionDenied(
            "This photo is on articles you cannot edit: ask one of their editors to change it."
        )
    return content_save(instance=photo)


@dataclass(frozen=True)
class PhotoProblem:
    """A photo that stops an article from being published, and where the article shows it."""

    photo_id: int
    photo: Photo | None  # None: deleted since it was put in the text
    where: str
    missing: tuple[str, ...]


def article_photo_problems(*, hero_photo_id: int | None, body: str) -> list[PhotoProblem]:
    """Every photo of an article (its hero, then those in the text, in order) lacking what
    publishing needs, read in one query: the article form's notice says these."""
    body_ids = body_photo_ids(body)
    ids = [*([hero_photo_id] if hero_photo_id else []), *body_ids]
    photos = {photo.pk: photo for photo in Photo.objects.filter(pk__in=ids)} if ids else {}
    problems = []
    places = [(hero_photo_id, "hero photo")] if hero_photo_id else []
    places += [(pk, "in the text") for pk in body_ids if pk != hero_photo_id]
    for pk, where in places:
        photo = photos.get(pk)
        missing = ("photo deleted",) if photo is None else tuple(photo.missing_for_publication())
        if missing:
            problems.append(PhotoProblem(photo_id=pk, photo=photo, where=where, missing=missing))
    return problems


@transaction.atomic
def content_delete(*, instance: Desk | Author | Topic | Photo | Article) -> None:
    """Delete a desk, author, topic, photo or article and purge the pages that showed it."""
    if isinstance(instance, Article):
        article_delete(article=instance)
        return
    if isinstance(instance, Photo):
        photo_deletable(photo=instance)
    keys = instance.cache_keys()  # as the database has it before the delete
    if isinstance(instance, Photo):  # its original and renditions go too, once committed
        storage = instance.image.storage
        files = [instance.image.name, *instance.renditions.values_list("file", flat=True)]
        transaction.on_commit(lambda: photo_files_delete(storage, files))
    instance.delete()
    purge_on_commit(keys)


def article_add_to_comment_count(*, article_id: int, delta: int) -> None:
    """Move the approved-comment count by `delta` (comments' services call this, holding the
    article's row lock, so concurrent moderators each add to the other's committed count).
    Never below zero: a count that drifted is put right by `manage.py recount_comments`."""
    from django.db.models.functions import Greatest

    if delta:
        Article.objects.filter(pk=article_id).update(
            approved_comment_count=Greatest(models.F("approved_comment_count") + delta, 0)
        )


# --- Titles of embedded links ---------------------------------------------------------
EMBED_TITLE_DAYS = 7  # a title fetched for the same address this recently is reused


def embed_titles_queue(*, article: Article) -> None:
    """After commit, ask the worker for the titles of the body's embedded links (when
    `EMBED_FETCH_METADATA` is on and the body embeds any)."""
    if not settings.EMBED_FETCH_METADATA or not embed_urls(article.body):
        return
    from articles.tasks import fetch_embed_titles  # the task calls back into this module

    article_id = article.pk
    transaction.on_commit(lambda: fetch_embed_titles.delay(article_id=article_id))


def embed_titles_refresh(*, article_id: int) -> dict[str, str]:
    """Fetch (or reuse) a title for each link embedded in the article's body, keep them, and
    drop those of links no longer in it; the page is purged when one changed. A link whose
    title cannot be had keeps its plain placeholder. Called by the worker, never by a page."""
    from articles import embed_metadata

    body = Article.objects.filter(pk=article_id).values_list("body", flat=True).first()
    if body is None:
        return {}
    urls = embed_urls(body)
    fresh_since = timezone.now() - datetime.timedelta(days=EMBED_TITLE_DAYS)
    kept = {row.url: row for row in EmbedMetadata.objects.filter(article_id=article_id)}
    titles: dict[str, str] = {}
    changed = False
    for url in urls:
        row = kept.get(url)
        if row is not None and row.fetched_at >= fresh_since:
            titles[url] = row.title
            continue
        known = (
            EmbedMetadata.objects.filter(url=url, fetched_at__gte=fresh_since)
            .exclude(article_id=article_id)
            .values_list("title", flat=True)
            .first()
        )
        if known is None:
            try:
                known = embed_metadata.fetch_title(url)
            except embed_metadata.Refused as refused:
                logger.info("No title for an embedded link: %s", refused)
                known = ""
        if not known:
            continue
        titles[url] = known
        if row is None or row.title != known:
            changed = True
        EmbedMetadata.objects.update_or_create(
            article_id=article_id,
            url=url,
            defaults={"title": known, "fetched_at": timezone.now()},
        )
    gone = EmbedMetadata.objects.filter(article_id=article_id).exclude(url__in=urls)
    if gone.delete()[0]:
        changed = True
    if changed:
        purge_on_commit([Article.page_key_for(article_id)])
    return titles
