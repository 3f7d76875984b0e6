"""Who may do what to articles and what shows on them. Two things decide: the rights (what
kind of thing a person may do at all: Django's permissions, from their groups and from their
desk roles) and the role on the article's desk (`desk_roles.desk_role`: editors publish and
edit the desk's articles, reporters write their own, moderators only read). Site-wide people
(superusers, Site administrators, the `articles.work_on_every_desk` right) hold their role
on every desk. The same rights as querysets (what a user
may open, save or read) are `articles.selectors`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models

from articles.body_render import body_photo_ids
from articles.desk_roles import desk_ids_with_role, desk_role
from articles.models import (
    Article,
    Author,
    Byline,
    Desk,
    DeskRole,
)
from photos.models import Photo

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


PUBLISH_PERMISSION = "articles.publish_article"
# The statuses a reporter works in; published and unpublished belong to editors.
REPORTER_STATUSES = (Article.Status.DRAFT, Article.Status.IN_REVIEW)
WRITER_ROLES = (DeskRole.EDITOR, DeskRole.REPORTER)


def user_can_publish(user: User) -> bool:
    """The editor's role, on some desk; `user_can_publish_on` says on which."""
    if not user.has_perm(PUBLISH_PERMISSION):
        return False
    return desk_ids_with_role(user, [DeskRole.EDITOR]) != frozenset()


def user_works_on_desk(*, user: User, desk_id: int | None) -> bool:
    """The user writes for this desk: its editor or its reporter."""
    return desk_role(user, desk_id) in WRITER_ROLES


def user_can_publish_on(*, user: User, desk_id: int | None) -> bool:
    return user.has_perm(PUBLISH_PERMISSION) and desk_role(user, desk_id) == DeskRole.EDITOR


def article_owned_by(*, article: Article, user: User) -> bool:
    if article.pk is None or article.created_by_id == user.pk:
        return True
    return Byline.objects.filter(article=article, author__user=user.pk).exists()


def article_editable_by(*, article: Article, user: User) -> bool:
    """Editors edit their desks' articles; reporters their own drafts and articles in review,
    on the desks they report for. A new article (no desk yet) is editable by anyone who may
    add one."""
    if not user.has_perm("articles.change_article"):
        return False
    if article.desk_id is None:
        if user_can_publish(user):
            return True
    elif user_can_publish_on(user=user, desk_id=article.desk_id):
        return True
    elif not user_works_on_desk(user=user, desk_id=article.desk_id):
        return False
    return article.status in REPORTER_STATUSES and article_owned_by(article=article, user=user)


# A desk, photo or author shows on the pages of articles: rights over it follow them.


def desk_editable_by(*, desk: Desk, user: User) -> bool:
    """A desk (its texts and order) is changed or deleted by those with the right who edit
    it: its own editors, site administrators, managing editors, superusers. Anyone with the
    right may make a new one."""
    if not user.has_perm("articles.change_desk"):
        return False
    return desk.pk is None or user_can_publish_on(user=user, desk_id=desk.pk)


def _uses_only_changeable(articles: models.QuerySet[Article], user: User) -> bool:
    """Every one of these articles is one the user may save (none: true)."""
    from articles.selectors import articles_changeable_by  # selectors build on these rights

    return not articles.exclude(pk__in=articles_changeable_by(user=user).values("pk")).exists()


def photo_editable_by(*, photo: Photo, user: User) -> bool:
    """A photo is changed (caption, credit, crop, file) or deleted only by someone who may
    edit every article that shows it: a reporter, a photo of their own unpublished articles
    or of none; an editor, one their desks' articles use. A change to a photo on a published
    article goes through that article's editors."""
    if not user.has_perm("photos.change_photo"):
        return False
    return photo.pk is None or _uses_only_changeable(
        Article.objects.filter(showing_photo(photo.pk)), user
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
    if not user_can_publish_on(user=user, desk_id=article.desk_id):
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


def body_figure(photo_id: int) -> str:
    """How a body refers to a photo (articles.body writes exactly this)."""
    return f'<figure data-photo-id="{int(photo_id)}">'


def showing_photo(photo_id: int) -> models.Q:
    """The articles showing a photo: as their hero or social card, or inside their text."""
    return (
        models.Q(hero_photo=photo_id)
        | models.Q(social_photo=photo_id)
        | models.Q(body__contains=body_figure(photo_id))
    )


def photo_ids_editable_by(*, user: User, photo_ids: Iterable[int]) -> set[int]:
    """`photo_editable_by` for many photos in one query: those of `photo_ids` the user may
    change (the picker offers to complete their credits or move their focal point)."""
    ids = set(photo_ids)
    if not ids or not user.has_perm("photos.change_photo"):
        return set()
    from articles.selectors import articles_changeable_by  # selectors build on these rights

    showing = models.Q(hero_photo__in=ids) | models.Q(social_photo__in=ids)
    for pk in ids:
        showing |= models.Q(body__contains=body_figure(pk))
    others = (
        Article.objects.filter(showing)
        .exclude(pk__in=articles_changeable_by(user=user).values("pk"))
        .values_list("hero_photo_id", "social_photo_id", "body")
    )
    blocked: set[int] = set()
    for hero_photo_id, social_photo_id, body in others:
        blocked |= ids & {hero_photo_id, social_photo_id, *body_photo_ids(body)}
    return ids - blocked
