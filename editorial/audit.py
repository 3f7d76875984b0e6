"""One audit page across the site (/admin/audit/), read-only over the logs the services
already write: the articles' workflow (Transition), corrections, updates and restores
(Revision), moderation decisions (ModerationLog), desk roles (DeskMembershipChange: added,
removed, role changed, joined by invitation, deactivated) and invitations sent or withdrawn
(Invitation), and, for those who may read it, the live blogs' log
(LiveEntryLog). Filterable by person (who did it; for a change to someone's roles, also the
person it was about), desk and day (in newsroom time).

It needs the right to view every one of those logs (superusers have it; others are given
it in Users or Groups), since it shows all desks' steps and who changed whose rights.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import chain

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from articles.models import Desk, DeskMembershipChange, Invitation
from comments.models import ModerationLog
from core.clock import newsroom_time
from core.params import BadParameter, query_id
from editorial.models import Revision, Transition
from live.models import LiveEntryLog

# The newest steps shown; filtering by day (or person, or desk) reaches older ones.
LIMIT = 200
AUDIT_PERMISSIONS = (
    "editorial.view_transition",
    "editorial.view_revision",
    "articles.view_deskmembershipchange",
    "articles.view_invitation",
    "comments.view_moderationlog",
)
REVISION_STEPS = {
    Revision.Kind.UPDATE: "Updated (shown to readers)",
    Revision.Kind.CORRECTION: "Corrected",
    Revision.Kind.RESTORE: "Restored an earlier revision",
}
COMMENT_STEPS = {"approved": "Comment approved", "rejected": "Comment rejected"}


@dataclass(frozen=True)
class Step:
    when: datetime.datetime
    who: object | None
    what: str
    subject: str
    url: str
    desk: str
    note: str


def may_see_audit(user) -> bool:
    return user.is_active and user.is_staff and user.has_perms(AUDIT_PERMISSIONS)


def _day(request: HttpRequest) -> tuple[datetime.datetime, datetime.datetime] | None:
    """The day asked for (YYYY-MM-DD) as a span in newsroom time; a 400 for anything else."""
    value = request.GET.get("day")
    if value in (None, ""):
        return None
    try:
        day = datetime.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise BadParameter("day must be a date: YYYY-MM-DD")
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(1), datetime.time.min)
    )
    return start, end


def _membership(change: DeskMembershipChange) -> str:
    name = change.member.get_username()
    desk = f"the {change.desk.name} desk" if change.desk_id else ""
    role = change.get_role_display().lower()
    match change.action:
        case DeskMembershipChange.Action.ADDED:
            return f"{name} added to {desk}" + (f" as {role}" if role else "")
        case DeskMembershipChange.Action.REMOVED:
            return f"{name} removed from {desk}"
        case DeskMembershipChange.Action.ROLE:
            before = change.get_previous_role_display().lower()
            return f"{name}'s role on {desk} changed from {before} to {role}"
        case DeskMembershipChange.Action.JOINED:
            return f"{name} accepted the invitation to {desk} as {role}"
        case _:
            return f"{name} deactivated"


def _article_url(article_id: int) -> str:
    return reverse("admin:articles_article_change", args=[article_id])


def _steps(*, user_id: int | None, desk_id: int | None, span, live: bool = False) -> list[Step]:
    def narrowed(rows, *, who: str | None, desk: str, when: str = "created_at"):
        if user_id is not None and who is not None:
            rows = rows.filter(**{f"{who}_id": user_id})
        if desk_id is not None:
            rows = rows.filter(**{f"{desk}_id": desk_id})
        if span is not None:
            rows = rows.filter(**{f"{when}__gte": span[0], f"{when}__lt": span[1]})
        return rows.order_by(f"-{when}", "-id")[:LIMIT]

    transitions = narrowed(
        Transition.objects.select_related("user", "article__desk"), who="user", desk="article__desk"
    )
    revisions = narrowed(
        Revision.objects.filter(kind__in=list(REVISION_STEPS)).select_related(
            "user", "article__desk"
        ),
        who="user",
        desk="article__desk",
    )
    decisions = narrowed(
        ModerationLog.objects.filter(moderator__isnull=False).select_related(
            "moderator", "comment__article__desk"
        ),
        who="moderator",
        desk="comment__article__desk",
    )
    memberships = DeskMembershipChange.objects.select_related("desk", "member", "by")
    if user_id is not None:  # a change to someone's roles is in their record too
        memberships = memberships.filter(Q(by_id=user_id) | Q(member_id=user_id))
    memberships = narrowed(memberships, who=None, desk="desk")
    invitations = narrowed(
        Invitation.objects.select_related("desk", "invited_by"), who="invited_by", desk="desk"
    )
    withdrawals = narrowed(
        Invitation.objects.filter(withdrawn_at__isnull=False).select_related(
            "desk", "withdrawn_by"
        ),
        who="withdrawn_by",
        desk="desk",
        when="withdrawn_at",
    )
    live_steps = (
        narrowed(
            LiveEntryLog.objects.select_related("user", "blog__article__desk", "entry"),
            who="user",
            desk="blog__article__desk",
        )
        if live
        else []
    )
    steps = chain(
        (
            Step(
                t.created_at,
                t.user,
                t.get_action_display()
                + (f" for {newsroom_time(t.at)}" if t.at and t.action == "schedule" else ""),
                t.article.headline,
                _article_url(t.article_id),
                t.article.desk.name,
                t.note,
            )
            for t in transitions
        ),
        (
            Step(
                r.created_at,
                r.user,
                REVISION_STEPS[r.kind],
                r.article.headline,
                _article_url(r.article_id),
                r.article.desk.name,
                r.note,
            )
            for r in revisions
        ),
        (
            Step(
                d.created_at,
                d.moderator,
                COMMENT_STEPS.get(
                    d.to_status, f"Comment marked {d.get_to_status_display().lower()}"
                ),
                d.comment.article.headline,
                reverse("admin:comments_comment_change", args=[d.comment_id]),
                d.comment.article.desk.name,
                d.reason,
            )
            for d in decisions
        ),
        (
            Step(
                m.created_at,
                m.by,
                _membership(m),
                m.desk.name if m.desk_id else m.member.get_username(),
                reverse("admin:articles_desk_change", args=[m.desk_id])
                if m.desk_id
                else reverse("admin:articles_deskmembership_changelist")
                + f"?q={m.member.get_username()}",
                m.desk.name if m.desk_id else "",
                "",
            )
            for m in memberships
        ),
        (
            Step(
                i.created_at,
                i.invited_by,
                f"Invited {i.email} as {i.get_role_display().lower()}",
                i.desk.name,
                reverse("admin:articles_invitation_change", args=[i.pk]),
                i.desk.name,
                "",
            )
            for i in invitations
        ),
        (
            Step(
                i.withdrawn_at,
                i.withdrawn_by,
                f"Withdrew the invitation of {i.email}",
                i.desk.name,
                reverse("admin:articles_invitation_change", args=[i.pk]),
                i.desk.name,
                "",
            )
            for i in withdrawals
        ),
        (
            Step(
                row.created_at,
                row.user,
                f"Live: {row.get_action_display().lower()}"
                + (f" (entry {row.entry_id})" if row.entry_id else ""),
                row.blog.article.headline,
                reverse("admin:live_liveblog_change", args=[row.blog_id]),
                row.blog.article.desk.name,
                row.note,
            )
            for row in live_steps
        ),
    )
    return sorted(steps, key=lambda step: step.when, reverse=True)[:LIMIT]


def audit_view(request: HttpRequest) -> HttpResponse:
    if not may_see_audit(request.user):
        raise PermissionDenied
    user_id, desk_id, span = query_id(request, "user"), query_id(request, "desk"), _day(request)
    return TemplateResponse(
        request,
        "admin/audit.html",
        {
            **admin.site.each_context(request),
            "title": "Audit log",
            "steps": _steps(
                user_id=user_id,
                desk_id=desk_id,
                span=span,
                live=request.user.has_perm("live.view_liveentrylog"),
            ),
            "limit": LIMIT,
            "people": get_user_model().objects.filter(is_staff=True).order_by("username"),
            "desks": Desk.objects.order_by("name").only("name"),
            "chosen": {"user": user_id, "desk": desk_id, "day": request.GET.get("day", "")},
        },
    )


audit = admin.site.admin_view(audit_view)
