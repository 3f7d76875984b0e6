"""Admin for moderators and editors: comments (read-only, decided through the services), the
moderation log (append-only) and the suspect/blocked terms."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from comments import services
from comments.models import Comment, ModerationLog, Term


class ModerationLogInline(admin.TabularInline):
    model = ModerationLog
    extra = 0
    can_delete = False
    fields = ["created_at", "moderator", "from_status", "to_status", "reason"]
    readonly_fields = fields
    ordering = ["created_at", "id"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _decide(decision: str, label: str):
    """An admin action that makes `decision` through the same service as the queue."""

    @admin.action(description=f"{label} selected comments", permissions=["moderate"])
    def action(modeladmin: CommentAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        changed = services.comment_moderate_many(
            ids=list(queryset.values_list("pk", flat=True)),
            decision=decision,
            moderator=request.user,
            reason="admin action",
        )
        done = services.DECISION_DONE[decision]
        modeladmin.message_user(request, f"{changed} comment(s) {done}.", messages.SUCCESS)

    action.__name__ = f"{decision}_comments"
    return action


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "name", "email", "article", "status", "reasons", "created_at"]
    list_filter = ["status", "article__desk", "created_at"]
    search_fields = ["name", "email", "body", "article__headline"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"
    inlines = [ModerationLogInline]
    actions = [
        _decide("approve", "Approve"),
        _decide("reject", "Reject"),
        _decide("spam", "Mark as spam"),
    ]
    # Everything is read-only: status changes only through the services (and so the log).
    fields = [
        "article",
        "parent",
        "name",
        "email",
        "body",
        "status",
        "reasons",
        "created_at",
        "ip_hash",
        "user_agent",
        "notify_on_publish",
        "notify_on_reply",
        "email_verified",
        "moderated_by",
        "moderated_at",
    ]
    readonly_fields = fields

    @admin.display(description="Comment")
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.body).chars(80)

    @admin.display(description="Held because")
    def reasons(self, comment: Comment) -> str:
        return ", ".join(comment.held_reason_labels())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments come from readers, through the form and its checks

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Nothing on a comment's page can be changed (decisions are the actions and the
        # queue), so it is shown as a view, without Save buttons that would do nothing.
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("comments.moderate_comment")

    # Deleting goes through the service too, so the queue's counts and the article's count
    # follow (a plain delete would leave them counting comments that are gone).
    def delete_model(self, request: HttpRequest, obj: Comment) -> None:
        services.comment_delete_many(ids=[obj.pk])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        services.comment_delete_many(ids=list(queryset.values_list("pk", flat=True)))


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "comment", "moderator", "from_status", "to_status", "reason"]
    list_filter = ["to_status", "created_at"]
    search_fields = ["reason", "comment__body"]
    list_select_related = ["comment", "moderator"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # append-only: the audit trail


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["term", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["term"]
