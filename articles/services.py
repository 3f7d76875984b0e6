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

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import formats, timezone

from articles.body_render import body_photo_ids, embed_urls
from articles.clock import newsroom_time
from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    Desk,
    DeskMembershipChange,
    EmbedMetadata,
    Topic,
    day_in_address,
    listing_keys,
    works_on_every_desk,
)
from articles.purges import purge_on_commit
from photos.models import Photo
from photos.services import photo_files_delete

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

logger = logging.getLogger(__name__)

PUBLISH_PERMISSION = "articles.publish_article"
# The statuses a reporter works in; published and unpublished belong to editors.
REPORTER_STATUSES = (Article.Status.DRAFT, Article.Status.IN_REVIEW)


# --- Who may do what -------------------------------------------------------------------------
# Two things decide: the role (the groups' permissions: editors publish, reporters write
# their own drafts) and the desk (members of a desk work on its articles; superusers
# and staff with `articles.work_on_every_desk` work on every desk).


def user_can_publish(user: User) -> bool:
    """The editor's role, on some desk; `user_can_publish_on` says on which."""
    return user.has_perm(PUBLISH_PERMISSION)


def user_works_on_desk(*, user: User, desk_id: int | None) -> bool:
    if works_on_every_desk(user):
        return True
    if desk_id is None or user.pk is None:
        return False
    return desk_id in _member_desk_ids(user)


def _member_desk_ids(user: User) -> frozenset[int]:
    """The desks a user is a member of, asked once per user object, as Django keeps a user's
    permissions: an article's change page checks the desk some twenty times (form, buttons,
    inlines), and each check was a query."""
    desk_ids = getattr(user, "_member_desk_ids", None)
    if desk_ids is None:
        desk_ids = frozenset(Desk.objects.filter(members=user.pk).values_list("pk", flat=True))
        user._member_desk_ids = desk_ids
    return desk_ids


def user_can_publish_on(*, user: User, desk_id: int | None) -> bool:
    return user_can_publish(user) and user_works_on_desk(user=user, desk_id=desk_id)


def desks_for(*, user: User) -> models.QuerySet[Desk]:
    """The desks a user may write for."""
    if works_on_every_desk(user):
        return Desk.objects.all()
    return Desk.objects.filter(members=user.pk)


def articles_owned_by(*, user: User) -> models.QuerySet[Article]:
    """A reporter's own articles: the ones they created or carry their byline."""
    return Article.objects.filter(
        models.Q(created_by=user.pk) | models.Q(bylines__author__user=user.pk)
    ).distinct()


def articles_editable_by(*, user: User) -> models.QuerySet[Article]:
    """What a user may open for editing: their desks' articles (a reporter: their own)."""
    if not user.has_perm("articles.change_article"):
        return Article.objects.none()
    articles = Article.objects.on_desks_of(user)
    if not user_can_publish(user):
        articles = articles.filter(pk__in=articles_owned_by(user=user).values("pk"))
    return articles


def articles_changeable_by(*, user: User) -> models.QuerySet[Article]:
    """`article_editable_by` as a queryset: the articles whose form the user may save."""
    articles = articles_editable_by(user=user)
    if not user_can_publish(user):
        articles = articles.filter(status__in=REPORTER_STATUSES)
    return articles


def articles_visible_to(*, user: User) -> models.QuerySet[Article]:
    """What a user may read, published or not, in the admin and as a preview on the site:
    writers their desks' articles (reporters their own); those who may only look at articles
    (moderators, for the comments) what the public sees. The site adds the public articles
    to this for everyone."""
    if user.has_perm("articles.change_article"):
        return articles_editable_by(user=user)
    if user.has_perm("articles.view_article"):
        return Article.objects.published()
    return Article.objects.none()


def article_owned_by(*, article: Article, user: User) -> bool:
    if article.pk is None or article.created_by_id == user.pk:
        return True
    return Byline.objects.filter(article=article, author__user=user.pk).exists()


def article_editable_by(*, article: Article, user: User) -> bool:
    """Editors edit their desks' articles; reporters their own drafts and articles in review,
    on their desks. A new article (no desk yet) is editable by anyone who may add one."""
    if not user.has_perm("articles.change_article"):
        return False
    if article.desk_id is not None and not user_works_on_desk(user=user, desk_id=article.desk_id):
        return False
    if user_can_publish(user):
        return True
    return article.status in REPORTER_STATUSES and article_owned_by(article=article, user=user)


# A desk, photo or author shows on the pages of articles: rights over it follow them.


def desk_editable_by(*, desk: Desk, user: User) -> bool:
    """A desk (its texts, order and members) is changed or deleted by those with the role who
    work on it: its own editors, managing editors, superusers. Anyone with the role may make
    a new one."""
    if not user.has_perm("articles.change_desk"):
        return False
    return desk.pk is None or user_works_on_desk(user=user, desk_id=desk.pk)


def _uses_only_changeable(articles: models.QuerySet[Article], user: User) -> bool:
    """Every one of these articles is one the user may save (none: true)."""
    return not articles.exclude(pk__in=articles_changeable_by(user=user).values("pk")).exists()


def photo_editable_by(*, photo: Photo, user: User) -> bool:
    """A photo is changed (caption, credit, crop, file) or deleted only by someone who may
    edit every article that shows it: a reporter, a photo of their own unpublished articles
    or of none; an editor, one their desks' articles use. A change to a photo on a published
    article goes through that article's editors."""
    if not user.has_perm("photos.change_photo"):
        return False
    return photo.pk is None or _uses_only_changeable(
        Article.objects.filter(hero_photo=photo.pk), user
    )


def author_editable_by(*, author: Author, user: User) -> bool:
    """An author's name and bio show in every byline of theirs: changed by someone who may
    edit every article they are in (an editor of all their desks, a managing editor)."""
    if not user.has_perm("articles.change_author"):
        return False
    return author.pk is None or _uses_only_changeable(
        Article.objects.filter(bylines__author=author.pk), user
    )


def desk_name(desk_id: int | None) -> str:
    return Desk.objects.filter(pk=desk_id).values_list("name", flat=True).first() or "this"


def require_publisher(*, article: Article, user: User, verb: str) -> None:
    """Refuse, saying why, unless `user` may publish (`verb`) on the article's desk."""
    if not user_can_publish(user):
        raise ValidationError(f"You do not have permission to {verb} articles.")
    if not user_works_on_desk(user=user, desk_id=article.desk_id):
        raise ValidationError(
            f"You do not {verb} for the {desk_name(article.desk_id)} desk: only its editors do."
        )


def require_writer(*, desk_id: int | None, user: User) -> None:
    if not user_works_on_desk(user=user, desk_id=desk_id):
        raise ValidationError(
            {
                "desk": f"You do not write for the {desk_name(desk_id)} desk. Choose one of "
                "your desks, or ask an editor to add you to this one."
            }
        )


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
    elif not user_works_on_desk(user=user, desk_id=article.desk_id):
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
        f"{formats.date_format(day, 'j F Y')}. Choose another slug."
    )


def corrections_standing(*, article: Article) -> models.QuerySet[Correction]:
    """The article's corrections and updates that still stand: not withdrawn."""
    return Correction.objects.filter(article=article, withdrawal__isnull=True).exclude(
        kind=Correction.Kind.WITHDRAWAL
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
    article.save(update_fields=["updated_at", "modified_at"])  # purges its pages and lists
    return entry


@transaction.atomic
def article_delete(*, article: Article) -> None:
    article.delete()  # purges the pages that showed it


def article_set_comment_count(*, article_id: int, count: int) -> None:
    """Store the approved-comment count on the article (comments' services call this)."""
    Article.objects.filter(pk=article_id).update(approved_comment_count=count)


# --- Desks, authors, topics, photos: saved as they are, the pages that show them purged ---


def _page_keys(instance: models.Model) -> list[str]:
    """The pages showing a desk, author, topic or photo: those tagged with it, and the lists
    whose cards show it (an author's name in bylines, a photo on cards). A desk is in every
    page's navigation (`desks`)."""
    if isinstance(instance, Desk):
        return [instance.page_key, "desks"]
    if isinstance(instance, Author):
        return [
            instance.page_key,
            *listing_keys(Article.objects.filter(bylines__author=instance)),
        ]
    if isinstance(instance, Topic):
        return [instance.page_key, instance.list_key]
    if isinstance(instance, Photo):
        return _photo_page_keys(instance.pk)
    raise TypeError(f"no public pages for {type(instance).__name__}")


def _photo_page_keys(photo_id: int) -> list[str]:
    return [Photo.page_key_for(photo_id), *articles_showing_photo(photo_id)]


def articles_showing_photo(photo_id: int) -> list[str]:
    """The list pages whose cards show the photo (as an article's hero); photos' services
    purge them with the photo's own pages (registered in ArticlesConfig.ready)."""
    return listing_keys(Article.objects.filter(hero_photo_id=photo_id))


@transaction.atomic
def content_save[Content: (Desk, Author, Topic, Photo)](*, instance: Content) -> Content:
    """Save a desk, author, topic or photo (a photo's file through the storage API) and
    purge the pages that show it, once committed."""
    instance.save()
    purge_on_commit(_page_keys(instance))
    return instance


def photo_uses(*, photo: Photo) -> list[tuple[Article, str]]:
    """Every article showing the photo, and where: as its hero, or in its body (a Markdown
    image by the address of the original or of one of its renditions)."""
    names = [photo.image.name, *photo.renditions.values_list("file", flat=True)]
    in_body = models.Q()
    for name in filter(None, names):
        in_body |= models.Q(body__contains=name)
    articles = Article.objects.filter(
        models.Q(hero_photo=photo) | models.Q(social_photo=photo) | in_body
    ).select_related("desk")
    uses = []
    for article in articles.order_by("-published_at", "-pk"):
        places = []
        if article.hero_photo_id == photo.pk:
            places.append("hero photo")
        if article.social_photo_id == photo.pk:
            places.append("social card")
        if any(name and name in article.body for name in names):
            places.append("in the body")
        uses.append((article, " and ".join(places)))
    return uses


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
        purge_on_commit([f"article-{article_id}"])
    return titles


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


# loaddemo still calls these three (its file is not this module's to change): drop them
# once it calls content_save.
@transaction.atomic
def content_delete(*, instance: Desk | Author | Topic | Photo | Article) -> None:
    """Delete a desk, author, topic, photo or article and purge the pages that showed it."""
    if isinstance(instance, Article):  # its delete purges its pages itself
        article_delete(article=instance)
        return
    if isinstance(instance, Photo):
        photo_deletable(photo=instance)
    keys = _page_keys(instance)
    if isinstance(instance, Photo):  # its original and renditions go too, once committed
        storage = instance.image.storage
        files = [instance.image.name, *instance.renditions.values_list("file", flat=True)]
        transaction.on_commit(lambda: photo_files_delete(storage, files))
    instance.delete()
    purge_on_commit(keys)


# --- Desk membership: who works where --------------------------------------------------


def desk_check_members(*, desk: Desk, user: User, members: Iterable, new: bool = False) -> None:
    """Refuse a membership the user may not set: on a desk they have no rights over, or one
    that adds themselves to a desk they do not already work on (a new desk included). `new`:
    the desk is being made in this change (whoever may make one sets its first members)."""
    if not (new or desk_editable_by(desk=desk, user=user)):
        raise ValidationError(
            f"You do not work on the {desk.name or 'this'} desk, so you cannot change its members."
        )
    wanted = {getattr(member, "pk", member) for member in members}
    current = set(desk.members.values_list("pk", flat=True)) if desk.pk else set()
    if user.pk in wanted - current and not user_works_on_desk(user=user, desk_id=desk.pk):
        raise ValidationError(
            {
                "members": "You cannot add yourself to a desk you do not already work on: "
                "ask one of its editors or a managing editor."
            }
        )


@transaction.atomic
def desk_set_members(
    *, desk: Desk, user: User | None, members: Iterable, new: bool = False
) -> list:
    """Make `members` the desk's members, logging each one added or removed (who, when, by
    whom). `user` None: the newsroom itself (loaddemo), which no rule binds; `new` as for
    `desk_check_members`."""
    if user is not None:
        desk_check_members(desk=desk, user=user, members=members, new=new)
    wanted = {getattr(member, "pk", member) for member in members}
    Desk.objects.select_for_update().filter(pk=desk.pk).values_list("pk").first()
    current = set(desk.members.values_list("pk", flat=True))
    added, removed = sorted(wanted - current), sorted(current - wanted)
    desk.members.add(*added)
    desk.members.remove(*removed)
    by = user if user is not None and user.pk else None
    changes = DeskMembershipChange.objects.bulk_create(
        [
            DeskMembershipChange(desk=desk, member_id=pk, action=action, by=by)
            for action, pks in [
                (DeskMembershipChange.Action.ADDED, added),
                (DeskMembershipChange.Action.REMOVED, removed),
            ]
            for pk in pks
        ]
    )
    return changes


def article_add_to_comment_count(*, article_id: int, delta: int) -> None:
    """Move the approved-comment count by `delta` (comments' services call this, holding the
    article's row lock, so concurrent moderators each add to the other's committed count).
    Never below zero: a count that drifted is put right by `manage.py recount_comments`."""
    from django.db.models.functions import Greatest

    if delta:
        Article.objects.filter(pk=article_id).update(
            approved_comment_count=Greatest(models.F("approved_comment_count") + delta, 0)
        )
