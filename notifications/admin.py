"""The outbox in admin: watch it by state and kind, read errors, retry what failed."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from notifications import services
from notifications.models import Mailbox, Notification, NotificationPreference, Suppression


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "state", "attempts", "short_error"]
    list_filter = ["state", "kind", "digest"]
    search_fields = ["recipient", "about", "event"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    list_per_page = 100
    readonly_fields = [field.name for field in Notification._meta.fields]

    # Rows are written only with their cause (services.notification_enqueue), never by hand.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="Last error")
    def short_error(self, obj: Notification) -> str:
        return Truncator(obj.last_error).chars(60)

    @admin.action(description="Retry the selected notifications now", permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        selected = list(queryset.values_list("pk", flat=True))
        count = services.notification_retry(ids=selected)
        skipped = len(selected) - count
        self.message_user(
            request,
            f"{count} notification(s) queued for another round of attempts."
            + (f" {skipped} already sent or cancelled were left alone." if skipped else ""),
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "moderator_digest"]
    list_filter = ["moderator_digest"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["email"]


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    """Who was asked to confirm mail about their comments, and who did. Read-only: only the
    mailbox itself confirms (by its link); deleting a row withdraws the confirmation."""

    list_display = ["email", "requested_at", "confirmed_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    exclude = ["nonce"]  # the secret of the links in flight
    readonly_fields = ["email", "requested_at", "confirmed_at", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
