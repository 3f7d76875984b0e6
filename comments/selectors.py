"""Read-only questions about comments; first of all, whose comments a person moderates.

Moderation rights follow desk membership, as article rights do (articles/services.py): a
moderator or editor who is a member of desks moderates those desks' comments only (the
queue, the comment admin, reports, picks, bans and trust, the moderation log) and sees
only those commenters' emails. Someone with the right who is on no desk, a superuser, or
a managing editor with `articles.work_on_every_desk` moderates every desk.

Things that belong to no desk stay with the site-wide moderators: the word lists (which
hold comments on every desk), and bans and trusts that no longer name a comment. A desk's
moderator may still ban or trust the commenter of one of their desks' comments (the ban
then holds on every desk: a commenter is the same person everywhere), see the bans and
trusts set on their desks' comments, and lift those.

`moderation_desk_ids` is the one place that says this: when desk memberships get roles, it
is the function to change (with `moderators_of_desk`, the same rule as one query over many
users, for mail, just below it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from articles.desk_roles import desk_ids_moderated_by
from articles.models import Article, Desk, DeskRole
from articles.selectors import articles_visible_to
from comments.models import Comment, CommenterStanding, ModerationLog, Report

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

MODERATE_PERMISSION = "comments.moderate_comment"


def user_moderates(user: AbstractBaseUser) -> bool:
    """Whether the user may moderate comments at all (on some desk, or every desk)."""
    return bool(user.is_active and user.has_perm(MODERATE_PERMISSION))


def moderation_desk_ids(user: AbstractBaseUser) -> frozenset[int] | None:
    """The desks whose comments the user moderates: None for every desk, an empty set for
    none. Asked once per user object (a page asks it for each row it shows)."""
    if not user_moderates(user):
        return frozenset()
    cached = getattr(user, "_moderation_desk_ids", False)
    if cached is not False:
        return cached
    # The desk roles say it (articles.desk_roles): EVERY_DESK is None here too.
    scope = desk_ids_moderated_by(user)
    user._moderation_desk_ids = scope
    return scope


def moderates_site_wide(user: AbstractBaseUser) -> bool:
    return user_moderates(user) and moderation_desk_ids(user) is None


def _in_scope(user: AbstractBaseUser, rows: QuerySet, desk_path: str) -> QuerySet:
    desk_ids = moderation_desk_ids(user)
    return rows if desk_ids is None else rows.filter(**{f"{desk_path}__in": desk_ids})


def moderation_scope(user: AbstractBaseUser, comments: QuerySet | None = None) -> QuerySet:
    """The comments the user moderates (of `comments`, else of all)."""
    comments = Comment.objects.all() if comments is None else comments
    return _in_scope(user, comments, "article__desk_id")


def moderation_desks(user: AbstractBaseUser) -> QuerySet:
    """The desks the user moderates, for filters."""
    return _in_scope(user, Desk.objects.all(), "pk")


def moderation_logs_for(user: AbstractBaseUser, logs: QuerySet | None = None) -> QuerySet:
    """The moderation log rows the user may read: their desks' comments' rows; the rows
    about no comment (an erasure, a standing whose comment is gone) only site-wide."""
    logs = ModerationLog.objects.all() if logs is None else logs
    return _in_scope(user, logs, "comment__article__desk_id")


def reports_for(user: AbstractBaseUser, reports: QuerySet | None = None) -> QuerySet:
    reports = Report.objects.all() if reports is None else reports
    return _in_scope(user, reports, "comment__article__desk_id")


def standings_for(user: AbstractBaseUser, standings: QuerySet | None = None) -> QuerySet:
    """Bans and trusts the user may see and lift: those set on their desks' comments."""
    standings = CommenterStanding.objects.all() if standings is None else standings
    return _in_scope(user, standings, "comment__article__desk_id")


def moderators_of_desk(users: QuerySet, desk_id: int | None) -> QuerySet:
    """Of `users` (who hold the right through their group), those who moderate `desk_id`'s
    comments: its editors and moderators, and everyone on no desk. The rule of
    `moderation_desk_ids`, said as one query for mail to many moderators at once."""
    on_desk = Q(
        desk_memberships__desk=desk_id,
        desk_memberships__role__in=[DeskRole.EDITOR, DeskRole.MODERATOR],
    )
    return users.filter(on_desk | Q(desk_memberships=None)).distinct()


def with_article_access(user: AbstractBaseUser, comments: QuerySet) -> QuerySet:
    """Each comment with `article_public` (readers see its article: published, its time
    come, no embargo) and `article_in_admin` (the user may open the article in the admin:
    a desk's editor, their desks' articles; a moderator, the published ones)."""
    public = Article.objects.published().filter(pk=OuterRef("article_id"))
    in_admin = articles_visible_to(user=user).filter(pk=OuterRef("article_id"))
    return comments.annotate(article_public=Exists(public), article_in_admin=Exists(in_admin))


def article_address(comment: Comment) -> tuple[str, str]:
    """Where a moderator opens a comment's article, and how to say it: its public page when
    published (what readers see), else its admin page when they may read it there, else no
    link and why. Never a link to a page that would say the article does not exist. The
    comment needs `with_article_access`'s annotation."""
    article = comment.article
    if getattr(comment, "article_public", False):
        return article.get_absolute_url(), ""
    if getattr(comment, "article_in_admin", False):
        return reverse("admin:articles_article_change", args=[article.pk]), ""
    if article.status == Article.Status.PUBLISHED:
        return "", "not yet public"  # scheduled or embargoed
    return "", article.get_status_display().lower()
