"""Read-only queries over articles: what a user may open, save or read (the rights of
`articles.rights` as querysets), an article's standing corrections, where a photo is used."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from articles.desk_roles import EVERY_DESK, desk_ids_with_role
from articles.models import (
    Article,
    Correction,
    Desk,
    DeskRole,
    listing_keys,
)
from photos.models import Photo

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser
from articles.rights import (
    PUBLISH_PERMISSION,
    REPORTER_STATUSES,
    WRITER_ROLES,
    body_figure,
    showing_photo,
)


def _desks_with(user: User, roles) -> models.QuerySet[Desk]:
    desk_ids = desk_ids_with_role(user, roles)
    return Desk.objects.all() if desk_ids is EVERY_DESK else Desk.objects.filter(pk__in=desk_ids)


def desks_for(*, user: User) -> models.QuerySet[Desk]:
    """The desks a user may write for (editor or reporter there)."""
    return _desks_with(user, WRITER_ROLES)


def desks_edited_by(*, user: User) -> models.QuerySet[Desk]:
    """The desks a user publishes and runs the staff of (editor there)."""
    if not user.has_perm(PUBLISH_PERMISSION):
        return Desk.objects.none()
    return _desks_with(user, [DeskRole.EDITOR])


def _on_desks(desk_ids) -> models.Q:
    return models.Q() if desk_ids is EVERY_DESK else models.Q(desk__in=desk_ids)


def articles_owned_by(*, user: User) -> models.QuerySet[Article]:
    """A reporter's own articles: the ones they created or carry their byline."""
    return Article.objects.filter(
        models.Q(created_by=user.pk) | models.Q(bylines__author__user=user.pk)
    ).distinct()


def articles_editable_by(*, user: User) -> models.QuerySet[Article]:
    """What a user may open for editing: the articles of the desks they edit, and their own
    on the desks they report for."""
    if not user.has_perm("articles.change_article"):
        return Article.objects.none()
    edited = desk_ids_with_role(user, [DeskRole.EDITOR])
    reported = desk_ids_with_role(user, [DeskRole.REPORTER])
    if not user.has_perm(PUBLISH_PERMISSION):  # an editor's role without the right to publish
        reported = EVERY_DESK if EVERY_DESK in (edited, reported) else edited | reported
        edited = frozenset()
    owned = models.Q(pk__in=articles_owned_by(user=user).values("pk"))
    if edited is EVERY_DESK:
        return Article.objects.all()
    query = models.Q(desk__in=edited) if edited else models.Q(pk__in=[])
    if reported is EVERY_DESK or reported:
        query |= _on_desks(reported) & owned
    return Article.objects.filter(query)


def articles_changeable_by(*, user: User) -> models.QuerySet[Article]:
    """`article_editable_by` as a queryset: the articles whose form the user may save."""
    articles = articles_editable_by(user=user)
    edited = desks_edited_by(user=user)
    return articles.filter(
        models.Q(desk__in=edited.values("pk")) | models.Q(status__in=REPORTER_STATUSES)
    )


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


def corrections_standing(*, article: Article) -> models.QuerySet[Correction]:
    """The article's corrections and updates that still stand: not withdrawn."""
    return Correction.objects.filter(article=article, withdrawal__isnull=True).exclude(
        kind=Correction.Kind.WITHDRAWAL
    )


def photo_uses(*, photo: Photo) -> list[tuple[Article, str]]:
    """Every article showing the photo, and where: as its hero, or in its body (a Markdown
    image by the address of the original or of one of its renditions)."""
    names = [photo.image.name, *photo.renditions.values_list("file", flat=True)]
    in_body = models.Q()
    for name in filter(None, names):
        in_body |= models.Q(body__contains=name)
    articles = Article.objects.filter(showing_photo(photo.pk) | in_body).select_related("desk")
    uses = []
    for article in articles.order_by("-published_at", "-pk"):
        places = []
        if article.hero_photo_id == photo.pk:
            places.append("hero photo")
        if article.social_photo_id == photo.pk:
            places.append("social card")
        if body_figure(photo.pk) in article.body or any(
            name and name in article.body for name in names
        ):
            places.append("in the body")
        uses.append((article, " and ".join(places)))
    return uses


def articles_showing_photo(photo_id: int) -> list[str]:
    """The list pages whose cards show the photo (as an article's hero); photos' services
    purge them with the photo's own pages (registered in ArticlesConfig.ready)."""
    return listing_keys(Article.objects.filter(hero_photo_id=photo_id))
