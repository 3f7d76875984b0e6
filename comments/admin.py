"""Admin for moderators and editors: comments (read-only, decided through the services), the
moderation log (append-only), readers' reports, banned and trusted commenters (listed,
searched by email, lifted through the services) and the suspect/blocked terms."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.text import Truncator

from comments import selectors, services
from comments.models import Comment, CommenterStanding, ModerationLog, Report, Term


class DeskFilter(admin.SimpleListFilter):
    """By desk, offering only the desks whose comments the user moderates."""

    title = "desk"
    parameter_name = "desk"
    path = "article__desk"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        desks = selectors.moderation_desks(request.user)
        return [(str(pk), name) for pk, name in desks.values_list("pk", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() and self.value().isdigit():
            return queryset.filter(**{f"{self.path}_id": int(self.value())})
        return queryset


class CommentDeskFilter(DeskFilter):
    path = "comment__article__desk"


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
        if _none_of_yours(modeladmin, request, queryset):
            return
        ids = list(queryset.values_list("pk", flat=True))
        changed = services.comment_moderate_many(
            ids=ids,
            decision=decision,
            moderator=request.user,
            reason="admin action",
        )
        modeladmin.message_user(request, _said(decision, changed, len(ids)), messages.SUCCESS)

    action.__name__ = f"{decision}_comments"
    return action


NONE_OF_YOURS = (
    "None of the selected rows is on a desk whose comments you moderate: nothing changed."
)


def _none_of_yours(modeladmin, request: HttpRequest, queryset: QuerySet) -> bool:
    """The action's rows are all another desk's (the admin found none of the selected)."""
    if queryset.exists():
        return False
    modeladmin.message_user(request, NONE_OF_YOURS, messages.WARNING)
    return True


def _said(decision: str, changed: int, selected: int) -> str:
    """ "2 comments approved (1 already so)." """
    plural = "" if changed == 1 else "s"
    unchanged = selected - changed
    note = f" ({unchanged} already so)" if unchanged else ""
    return f"{changed} comment{plural} {services.DECISION_DONE[decision]}{note}."


def _decide_each(decision: str, label: str):
    """An admin action that makes a one-comment decision (keep, pick, ban, trust) on each
    selected comment through the queue's service."""

    @admin.action(description=f"{label} selected comments", permissions=["moderate"])
    def action(modeladmin: CommentAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        if _none_of_yours(modeladmin, request, queryset):
            return
        changed, refused = 0, []
        for comment in queryset.order_by("pk"):
            try:
                changed += services.comment_decide(
                    comment=comment,
                    decision=decision,
                    moderator=request.user,
                    reason="admin action",
                )
            except ValueError as error:
                refused.append(f"#{comment.pk}: {error}")
        decided = queryset.count() - len(refused)  # the refused ones are said apart
        modeladmin.message_user(request, _said(decision, changed, decided), messages.SUCCESS)
        if refused:
            modeladmin.message_user(request, " ".join(refused), messages.WARNING)

    action.__name__ = f"{decision}_comments"
    return action


class ModeratorsOnly:
    """Readable and actionable by whoever may moderate comments (moderators, editors); the
    rows are those of the desks they moderate (`scoped`, from comments/selectors.py)."""

    scoped = staticmethod(selectors.reports_for)

    def _moderates(self, request: HttpRequest) -> bool:
        return selectors.user_moderates(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        rows = super().get_queryset(request)
        if not self._moderates(request):
            return rows  # refused with a 403 anyway, not told "does not exist"
        return self.scoped(request.user, rows)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._moderates(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._moderates(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # records: reports are cleared, standings lifted, never deleted by hand

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return self._moderates(request)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "excerpt",
        "name",
        "email",
        "article_link",
        "status",
        "reasons",
        "open_reports",
        "is_pick",
        "created_at",
    ]
    list_filter = ["status", "is_pick", DeskFilter, "created_at"]
    search_fields = ["name", "email", "body", "article__headline"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"
    inlines = [ModerationLogInline]
    actions = [
        _decide("approve", "Approve"),
        _decide("reject", "Reject"),
        _decide("spam", "Mark as spam"),
        _decide_each("keep", "Keep (clear the reports of)"),
        _decide_each("pick", "Pick"),
        _decide_each("unpick", "Unpick"),
        _decide_each("ban", "Mark as spam and ban the commenters of"),
        _decide_each("trust", "Approve and trust the commenters of"),
    ]
    # Everything is read-only: status changes only through the services (and so the log).
    fields = [
        "article_link",
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
        "open_reports",
        "is_pick",
        "picked_at",
    ]
    readonly_fields = fields

    @admin.display(description="Comment")
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.body).chars(80)

    @admin.display(description="Held because")
    def reasons(self, comment: Comment) -> str:
        has_history = getattr(comment, "has_history", False)
        return ", ".join(comment.held_reason_labels(has_history=has_history))

    @admin.display(description="Article", ordering="article__headline")
    def article_link(self, comment: Comment) -> str:
        url, why = selectors.article_address(comment)
        if url:
            return format_html('<a href="{}">{}</a>', url, comment.article.headline)
        return format_html("{} ({})", comment.article.headline, why)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # A desk's moderators see only their desks' comments (and so only their commenters'
        # emails); another desk's comment is not found.
        comments = super().get_queryset(request)
        if not self.has_view_or_change_permission(request):
            return comments  # refused with a 403 anyway, not told "does not exist"
        comments = selectors.moderation_scope(request.user, comments)
        # "First comment from this email" no longer holds once others of theirs are decided.
        decided = Comment.objects.filter(email=OuterRef("email")).exclude(pk=OuterRef("pk"))
        comments = comments.annotate(
            has_history=Exists(decided.exclude(status=Comment.Status.PENDING).exclude(email=""))
        )
        return selectors.with_article_access(request.user, comments)

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
    """The log of the desks the user moderates (rows about no comment: site-wide only)."""

    list_display = [
        "created_at",
        "comment",
        "action",
        "moderator",
        "from_status",
        "to_status",
        "reason",
    ]
    list_filter = ["action", "to_status", CommentDeskFilter, "created_at"]
    search_fields = ["reason", "comment__body"]
    list_select_related = ["comment", "moderator"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        logs = super().get_queryset(request)
        if not self.has_view_or_change_permission(request):
            return logs  # refused with a 403 anyway, not told "does not exist"
        return selectors.moderation_logs_for(request.user, logs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # append-only: the audit trail


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    """The word lists hold comments on every desk: kept by site-wide moderators; a desk's
    moderators (and editors) read them."""

    list_display = ["term", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["term"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and self._site_wide(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._site_wide(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._site_wide(request)

    def _site_wide(self, request: HttpRequest) -> bool:
        return selectors.moderates_site_wide(request.user)


@admin.register(Report)
class ReportAdmin(ModeratorsOnly, admin.ModelAdmin):
    """Readers' reports: who reported is known only as a keyed hash, never shown."""

    list_display = ["created_at", "comment", "reason", "note", "cleared_at", "cleared_by"]
    list_filter = [
        "reason",
        ("cleared_at", admin.EmptyFieldListFilter),
        CommentDeskFilter,
        "created_at",
    ]
    search_fields = ["note", "comment__body", "comment__name"]
    list_select_related = ["comment", "cleared_by"]
    fields = ["comment", "reason", "note", "created_at", "cleared_at", "cleared_by"]
    readonly_fields = fields
    actions = ["keep_comments"]

    @admin.action(
        description="Keep the reported comments (clear their reports)", permissions=["moderate"]
    )
    def keep_comments(self, request: HttpRequest, queryset: QuerySet) -> None:
        if _none_of_yours(self, request, queryset):
            return
        ids = sorted(set(queryset.values_list("comment_id", flat=True)))
        kept = sum(
            services.comment_keep(comment=comment, moderator=request.user, reason="admin action")
            for comment in Comment.objects.filter(pk__in=ids)
        )
        self.message_user(
            request, f"{kept} comment(s) kept, their reports cleared.", messages.SUCCESS
        )


@admin.register(CommenterStanding)
class CommenterStandingAdmin(ModeratorsOnly, admin.ModelAdmin):
    """Banned and trusted commenters. Search by the email itself: it is hashed with the
    commenters' key and matched against the stored hashes (the email is never stored here).
    A desk's moderators see (and lift) those set on their desks' comments."""

    scoped = staticmethod(selectors.standings_for)

    list_display = [
        "kind",
        "name",
        "created_at",
        "created_by",
        "reason",
        "expires_at",
        "lifted_at",
        "lifted_by",
    ]
    list_filter = ["kind", ("lifted_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["name", "reason"]
    search_help_text = "A name, a reason, or the commenter's email address."
    list_select_related = ["created_by", "lifted_by"]
    fields = [
        "kind",
        "name",
        "comment",
        "reason",
        "created_by",
        "created_at",
        "expires_at",
        "lifted_at",
        "lifted_by",
        "lifted_reason",
    ]
    readonly_fields = fields
    actions = ["lift"]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        results, duplicates = super().get_search_results(request, queryset, search_term)
        if "@" in search_term:
            results |= queryset.filter(email_hash=services.email_hash(search_term))
        return results, duplicates

    @admin.action(description="Lift the selected bans or trusts", permissions=["moderate"])
    def lift(self, request: HttpRequest, queryset: QuerySet) -> None:
        if _none_of_yours(self, request, queryset):
            return
        lifted = services.standing_lift_many(
            ids=list(queryset.values_list("pk", flat=True)),
            moderator=request.user,
            reason="lifted in the admin",
        )
        self.message_user(request, f"{lifted} ban(s) or trust(s) lifted.", messages.SUCCESS)
