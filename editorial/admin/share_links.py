"""Share links in the admin: a list of them (made here or from an article's page, never
edited, only revoked), and how a link's address and state read wherever one is shown."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from articles import selectors
from articles.admin import BOTH_LOCATIONS
from core.clock import newsroom_time
from editorial.forms import ShareLinkForm
from editorial.models import ShareLink
from editorial.services import share_links


def share_link_address(link: ShareLink) -> str:
    url = settings.SITE_URL + link.get_absolute_url()
    if not link.is_active():
        return format_html("<del>{}</del>", url)
    return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>', url, url)


def share_link_state(link: ShareLink) -> str:
    if link.revoked_at is not None:
        return f"Revoked {newsroom_time(link.revoked_at)}"
    if not link.is_active():
        return "Expired"
    return "Active"


class ShareLinkStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("ended", "Expired or revoked")]

    def queryset(self, request, queryset):
        active = Q(revoked_at__isnull=True, expires_at__gt=timezone.now())
        if self.value() == "active":
            return queryset.filter(active)
        if self.value() == "ended":
            return queryset.exclude(active)
        return queryset


class ShareLinkAdmin(admin.ModelAdmin):
    """Share links: made here or from an article's page; never edited, only revoked."""

    form = ShareLinkForm
    list_display = ("article", "note", "created_by", "expires", "state", "address")
    list_select_related = ("article", "created_by")
    list_filter = (ShareLinkStateFilter,)
    search_fields = ("article__headline", "note")
    autocomplete_fields = ("article",)
    actions = ("revoke",)

    def get_queryset(self, request):
        links = super().get_queryset(request)
        # The links of the articles the user can edit (their desks; a reporter's own).
        return links.filter(article__in=selectors.articles_editable_by(user=request.user))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("article", "note", "days")
        return ("article", "note", "address", "expires", "state", "created_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return self.get_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        return False  # a link is never edited: revoke it and make another

    def has_delete_permission(self, request, obj=None):
        return False  # kept, revoked, for the record of who could read what

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.has_perm("editorial.change_sharelink") or user.has_perm(
            "editorial.add_sharelink"
        )

    def save_model(self, request, obj, form, change):
        link = share_links.share_link_create(
            article=obj.article,
            user=request.user,
            days=form.cleaned_data["days"],
            note=obj.note,
        )
        # The admin's "added" message and redirect use `obj`: make it the stored link.
        obj.pk, obj.token, obj.expires_at = link.pk, link.token, link.expires_at
        obj.created_by, obj.created_at = link.created_by, link.created_at
        obj._state.adding = False

    @admin.display(description="Address")
    def address(self, link: ShareLink) -> str:
        return share_link_address(link)

    @admin.display(description="Expires", ordering="expires_at")
    def expires(self, link: ShareLink) -> str:
        return newsroom_time(link.expires_at)

    @admin.display(description="State")
    def state(self, link: ShareLink) -> str:
        return share_link_state(link)

    @admin.action(
        permissions=["revoke"],
        description="Revoke",
        description_plural="Revoke selected share links",
        location=BOTH_LOCATIONS,
    )
    def revoke(self, request, queryset):
        revoked, refused = 0, []
        for link in queryset.select_related("article"):
            try:
                share_links.share_link_revoke(link=link, user=request.user)
            except ValidationError as exc:
                refused.append(f"“{link.article.headline}”: {' '.join(exc.messages)}")
            else:
                revoked += 1
        if revoked:
            noun = "link" if revoked == 1 else "links"
            self.message_user(
                request, f"Revoked {revoked} share {noun}: they stop working now.", messages.SUCCESS
            )
        for message in refused:
            self.message_user(request, message, messages.ERROR)
