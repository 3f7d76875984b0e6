"""Django admin for desks, authors, topics and photos. Every write goes through the
services, so the rules (who may change what, which cached pages go stale) hold whatever
the path. The article desk's own admin (writing, the workflow) is editorial's."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import (
    HttpRequest,
)
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from articles import services
from articles.clock import newsroom_time
from articles.forms import (
    AuthorAdminForm,
    DeskAdminForm,
    PhotoAdminForm,
)
from articles.models import (
    Article,
    Author,
    Desk,
    Topic,
)
from photos.models import Photo
from photos.services import photo_request_renditions

THUMB_WIDTH = 160


BOTH_LOCATIONS = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


def photo_thumbnail(photo: Photo | None, *, width: int = THUMB_WIDTH) -> str:
    if photo is None or not photo.image:
        return "—"
    # The smallest JPEG rendition once made, rather than the (up to 25 MB) original.
    small = min(
        (r for r in photo.ready_renditions() if r.spec.startswith("w") and r.format == "jpeg"),
        key=lambda r: r.width,
        default=None,
    )
    return format_html(
        '<img src="{}" alt="{}" width="{}" class="nr-thumb" loading="lazy">',
        small.url if small else photo.image.url,
        photo.alt_text,
        width,
    )


class ContentServiceMixin:
    """Saving and deleting from admin go through the services, so the pages that show the
    desk, author, topic or photo purge."""

    def save_model(self, request: HttpRequest, obj: models.Model, form, change) -> None:
        services.content_save(instance=obj)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        services.content_delete(instance=obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        with transaction.atomic():
            for obj in queryset:
                services.content_delete(instance=obj)


class ObjectRightsMixin:
    """Anyone with the role sees the object; changing or deleting it follows the object's
    own rule in the services (`editable_by`), in the form, the delete page and bulk deletes."""

    def editable_by(self, obj: models.Model, user) -> bool:
        raise NotImplementedError

    def _editable(self, request: HttpRequest, obj: models.Model | None) -> bool:
        """The rule, asked once per object and request: a change page asks it for the form,
        each button and the delete link, and each asking was a query."""
        if obj is None:
            return True
        known = request.__dict__.setdefault("_object_rights", {})
        key = (obj._meta.label, obj.pk)
        if key not in known:
            known[key] = self.editable_by(obj, request.user)
        return known[key]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        # The bulk action asks only whether the user may delete some object of the kind.
        if any(not self.editable_by(obj, request.user) for obj in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)


@admin.register(Desk)
class DeskAdmin(ObjectRightsMixin, ContentServiceMixin, admin.ModelAdmin):
    form = DeskAdminForm
    list_display = ("name", "title", "slug", "order", "member_names")
    list_editable = ("order",)
    search_fields = ("name", "title")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012 - Django's API is a dict
    filter_horizontal = ("members",)
    readonly_fields = ("membership_history",)

    def editable_by(self, obj: Desk, user) -> bool:
        return services.desk_editable_by(desk=obj, user=user)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user  # a class made for this request (modelform_factory)
        return form

    def _get_list_editable_queryset(self, request, prefix):
        # The list's editable order: only desks the user has rights over, so a row of
        # another desk in a crafted POST is "not one of the choices".
        desks = super()._get_list_editable_queryset(request, prefix)
        return desks.filter(pk__in=services.desks_for(user=request.user).values("pk"))

    def save_related(self, request, form, formsets, change):
        # The members are set by the service, which checks the rule and logs each change.
        members = form.cleaned_data.pop("members", None)
        super().save_related(request, form, formsets, change)
        if members is not None:
            services.desk_set_members(
                desk=form.instance, user=request.user, members=members, new=not change
            )

    @admin.display(description="Membership history")
    def membership_history(self, desk: Desk) -> str:
        if desk.pk is None:
            return "—"
        rows = desk.membership_changes.select_related("member", "by")[:50]
        if not rows:
            return "No changes recorded."
        return format_html(
            "<table><tr><th>When</th><th>Change</th><th>Member</th><th>By</th></tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        newsroom_time(row.created_at),
                        row.get_action_display(),
                        row.member.get_username(),
                        row.by.get_username() if row.by else "the newsroom",
                    )
                    for row in rows
                ),
            ),
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":  # only staff can work on a desk
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="Members")
    def member_names(self, desk: Desk) -> str:
        return ", ".join(sorted(user.get_username() for user in desk.members.all())) or "—"


@admin.register(Topic)
class TopicAdmin(ContentServiceMixin, admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012


@admin.register(Author)
class AuthorAdmin(ObjectRightsMixin, ContentServiceMixin, admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = ("name", "job_title", "user")
    list_select_related = ("user",)
    search_fields = ("name", "job_title")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012

    def editable_by(self, obj: Author, user) -> bool:
        return services.author_editable_by(author=obj, user=user)


@admin.register(Photo)
class PhotoAdmin(ObjectRightsMixin, ContentServiceMixin, admin.ModelAdmin):
    form = PhotoAdminForm
    list_display = (
        "thumbnail",
        "alt_text",
        "credit_name",
        "dimensions",
        "renditions_status",
        "created_at",
    )
    list_display_links = ("thumbnail", "alt_text")
    list_filter = ("status",)
    search_fields = ("alt_text", "caption", "credit_name")
    readonly_fields = ("thumbnail", "dimensions", "renditions_status", "rendition_list")
    actions = ("remake_renditions",)
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("image", "thumbnail", "dimensions", "alt_text", "caption")}),
        ("Credit", {"fields": ("credit_name", "credit_url", "copyright_notice", "license_url")}),
        (
            "Cropping",
            {
                "fields": ("focal_x", "focal_y"),
                "description": "The point that must stay in every crop of this photo.",
            },
        ),
        ("Renditions", {"fields": ("renditions_status", "rendition_list")}),
    )

    class Media:
        css = {"all": ["css/admin.css"]}  # noqa: RUF012

    def editable_by(self, obj: Photo, user) -> bool:
        return services.photo_editable_by(photo=obj, user=user)

    def get_deleted_objects(self, objs, request):
        """The confirmation names every article using the photos: a published one (live or
        scheduled) stops the delete, as a protected object does; the others lose it."""
        if any(not self._editable(request, photo) for photo in objs):
            raise PermissionDenied  # rights first: whether it is in use is not theirs to see
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        uses, published = [], False
        for photo in objs:
            for article, where in services.photo_uses(photo=photo):
                published |= article.status == Article.Status.PUBLISHED
                uses.append(
                    format_html(
                        '{} article “<a href="{}">{}</a>” shows “{}” ({})',
                        article.get_status_display(),
                        reverse("admin:articles_article_change", args=[article.pk]),
                        article.headline,
                        photo,
                        where,
                    )
                )
        if published:  # refused: the page lists every use, so all can be replaced at once
            protected = [*protected, *uses]
        elif uses:
            deleted = [*deleted, "Articles left without the photo (they are not deleted):", uses]
        return deleted, counts, perms_needed, protected

    @admin.display(description="Photo")
    def thumbnail(self, photo: Photo) -> str:
        return photo_thumbnail(photo, width=120 if photo.pk else THUMB_WIDTH)

    @admin.display(description="Size")
    def dimensions(self, photo: Photo) -> str:
        return f"{photo.width} × {photo.height}" if photo.width else "—"

    # Renditions: made by the worker; their state, files and a way to remake them.
    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    @admin.display(description="Renditions", ordering="status")
    def renditions_status(self, photo: Photo) -> str:
        if photo.status == Photo.Status.FAILED:
            return format_html('<strong class="errornote">Failed:</strong> {}', photo.error)
        return photo.get_status_display() if photo.pk else "—"

    @admin.display(description="Files")
    def rendition_list(self, photo: Photo) -> str:
        rows = sorted(photo.renditions.all(), key=lambda r: (r.spec[0] != "w", r.width, r.format))
        if not rows:
            return "—"
        return format_html(
            "<table><tr><th>Rendition</th><th>Format</th><th>Size</th><th>Bytes</th></tr>{}</table>",
            format_html_join(
                "",
                '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{} × {}</td><td>{}</td></tr>',
                ((r.url, r.spec, r.format, r.width, r.height, f"{r.bytes:,}") for r in rows),
            ),
        )

    @admin.action(
        permissions=["change"],
        description="Remake renditions",
        description_plural="Remake renditions of selected photos",
        location=BOTH_LOCATIONS,
    )
    def remake_renditions(self, request, queryset):
        photos = list(queryset)
        allowed = [photo.pk for photo in photos if self._editable(request, photo)]
        if len(allowed) < len(photos):
            left = len(photos) - len(allowed)
            noun = "photo was" if left == 1 else "photos were"
            self.message_user(
                request,
                f"{left} {noun} left as before: on articles you cannot edit.",
                messages.ERROR,
            )
        if not allowed:
            return
        count = photo_request_renditions(photo_ids=allowed, force=True)
        self.message_user(
            request,
            f"Renditions of {count} photo{'s' if count != 1 else ''} queued: the worker remakes "
            "them in the background.",
            messages.SUCCESS,
        )
