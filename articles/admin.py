"""Django admin for desks, authors, topics and photos. Every write goes through the
services, so the rules (who may change what, which cached pages go stale) hold whatever
the path. The article desk's own admin (writing, the workflow) is editorial's."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles import rights, selectors, services
from articles.forms import (
    AuthorAdminForm,
    DeskAdminForm,
    PhotoAdminForm,
    PhotoCreditsForm,
    PhotoFocalForm,
    PhotoPickerUploadForm,
)
from articles.models import (
    Article,
    Author,
    Desk,
    Topic,
)
from articles.photo_picker import photo_json
from core.clock import newsroom_time
from core.params import parse_id, parse_page
from photos import selectors as photo_selectors
from photos.models import Photo
from photos.services import photo_request_renditions

THUMB_WIDTH = 160


BOTH_LOCATIONS = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


def photo_thumbnail(photo: Photo | None, *, width: int = THUMB_WIDTH) -> str:
    if photo is None or not photo.image:
        return "—"
    # The smallest JPEG rendition once made, rather than the (up to 25 MB) original.
    small = photo.smallest_rendition()
    return format_html(
        '<img src="{}" alt="{}" width="{}" class="nr-thumb" loading="lazy">',
        small.url if small else photo.image.url,
        photo.alt_text,
        width,
    )


def json_error(status: int, message: str, errors: dict | None = None) -> JsonResponse:
    """The picker's endpoints answer their script in JSON, errors included."""
    return JsonResponse({"error": message, "errors": errors or {}}, status=status)


def form_errors(form) -> dict[str, list[str]]:
    return {name: [str(m) for m in messages_] for name, messages_ in form.errors.items()}


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
    readonly_fields = ("staff", "membership_history")

    def editable_by(self, obj: Desk, user) -> bool:
        return rights.desk_editable_by(desk=obj, user=user)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships__user")

    def _get_list_editable_queryset(self, request, prefix):
        # The list's editable order: only desks the user has rights over, so a row of
        # another desk in a crafted POST is "not one of the choices".
        desks = super()._get_list_editable_queryset(request, prefix)
        return desks.filter(pk__in=selectors.desks_edited_by(user=request.user).values("pk"))

    @admin.display(description="Staff")
    def staff(self, desk: Desk) -> str:
        """Who works here, in which role; changed under Desk staff (articles/staff.py)."""
        if desk.pk is None:
            return "Add people under Desk staff once the desk is saved."
        link = reverse("admin:articles_deskmembership_changelist") + f"?desk__id__exact={desk.pk}"
        return format_html(
            '{} <a href="{}">Manage this desk’s staff</a>',
            self.member_names(desk),
            link,
        )

    @admin.display(description="Membership history")
    def membership_history(self, desk: Desk) -> str:
        if desk.pk is None:
            return "—"
        rows = desk.membership_changes.select_related("member", "by")[:50]
        if not rows:
            return "No changes recorded."
        return format_html(
            "<table><tr><th>When</th><th>Change</th><th>Member</th><th>Role</th><th>By</th>"
            "</tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        newsroom_time(row.created_at),
                        row.get_action_display(),
                        row.member.get_username(),
                        row.get_role_display() or row.get_previous_role_display() or "—",
                        row.by.get_username() if row.by else "the newsroom",
                    )
                    for row in rows
                ),
            ),
        )

    @admin.display(description="Members")
    def member_names(self, desk: Desk) -> str:
        return (
            ", ".join(
                f"{m.user.get_username()} ({m.get_role_display().lower()})"
                for m in sorted(desk.memberships.all(), key=lambda m: m.user.get_username())
            )
            or "—"
        )


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
        return rights.author_editable_by(author=obj, user=user)


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
    readonly_fields = (
        "thumbnail",
        "dimensions",
        "focal_point",
        "renditions_status",
        "rendition_list",
    )
    actions = ("remake_renditions",)
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("image", "thumbnail", "dimensions", "alt_text", "caption")}),
        ("Credit", {"fields": ("credit_name", "credit_url", "copyright_notice", "license_url")}),
        (
            "Cropping",
            {
                "fields": ("focal_point", "focal_x", "focal_y"),
                "description": "The point that must stay in every crop of this photo: click "
                "it on the picture (or move it with the arrow keys), then save.",
            },
        ),
        ("Renditions", {"fields": ("renditions_status", "rendition_list")}),
    )

    class Media:
        css = {"all": ["css/admin.css", "css/photo_picker.css"]}  # noqa: RUF012
        js = [forms.Script("js/photo_focal.js", type="module")]  # noqa: RUF012

    def editable_by(self, obj: Photo, user) -> bool:
        return rights.photo_editable_by(photo=obj, user=user)

    @admin.display(description="Focal point")
    def focal_point(self, photo: Photo) -> str:
        """The picture to click on: it sets the fields below (which stay typeable). Read
        only (no fields below) for someone who may not change the photo."""
        if photo.pk is None or not photo.image:
            return "Save the photo first, then click the point every crop must keep."
        preview = photo_json(photo, editable=False)["preview"]
        return format_html(
            '<div class="nr-focal nr-focal--large" data-focal data-focal-form '
            'data-focal-x="{}" data-focal-y="{}">'
            '<img src="{}" alt="" width="{}" height="{}" class="nr-focal__image"></div>',
            photo.focal_x,
            photo.focal_y,
            preview,
            480,
            round(480 * photo.height / photo.width) if photo.width and photo.height else 320,
        )

    # --- the article form's picker: the library, uploads, credits, the focal point -------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("picker/", view(self.picker_view), name="photos_photo_picker"),
            path(
                "picker/upload/", view(self.picker_upload_view), name="photos_photo_picker_upload"
            ),
            path("<int:photo_id>/focal/", view(self.focal_view), name="photos_photo_focal"),
            path("<int:photo_id>/credits/", view(self.credits_view), name="photos_photo_credits"),
            *super().get_urls(),
        ]

    def picker_view(self, request: HttpRequest) -> JsonResponse:
        """A page of the library as JSON, newest first: `q` searches alt text, caption and
        credit; `page` pages; `ids` (comma-separated) asks for given photos. Each says
        whether this user may complete it (`editable`)."""
        if request.method != "GET":
            return json_error(405, "GET only.")
        if not self.has_view_permission(request):
            return json_error(403, "You cannot see the photo library.")
        search = request.GET.get("q", "").strip()
        try:
            page = parse_page(request.GET.get("page") or "1")
            ids = request.GET.get("ids")
            ids = [parse_id(part) for part in ids.split(",")][:100] if ids is not None else None
        except ValueError:
            return json_error(400, "page must be a page number and ids a list of photo ids.")
        if len(search) > 200:
            return json_error(400, "Search for at most 200 characters.")
        photos, more = photo_selectors.photos_for_picker(search=search, page=page, ids=ids)
        editable = rights.photo_ids_editable_by(
            user=request.user, photo_ids=[photo.pk for photo in photos]
        )
        return JsonResponse(
            {
                "results": [photo_json(p, editable=p.pk in editable) for p in photos],
                "page": page,
                "has_next": more,
            }
        )

    def picker_upload_view(self, request: HttpRequest) -> JsonResponse:
        """A new photo from the picker: the file, its alt text and credit; the photo as JSON
        (renditions pending), or the form's errors by field."""
        if request.method != "POST":
            return json_error(405, "POST only.")
        if not self.has_add_permission(request):
            return json_error(403, "You cannot add photos.")
        form = PhotoPickerUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return json_error(400, "The photo was not added: see each field.", form_errors(form))
        try:
            photo = services.photo_change(photo=form.instance, user=request.user)
        except PermissionDenied as exc:
            return json_error(403, str(exc))
        return JsonResponse({"photo": photo_json(photo, editable=True)}, status=201)

    def _photo_form_view(self, request: HttpRequest, photo_id: int, form_class, said: str):
        """Change a few fields of a photo from the article form, as its own page would."""
        if request.method != "POST":
            return json_error(405, "POST only.")
        photo = Photo.objects.filter(pk=photo_id).first()
        if photo is None or not self.has_view_permission(request, photo):
            return json_error(404, "No such photo.")
        if not self.has_change_permission(request, photo):
            return json_error(
                403, "This photo is on articles you cannot edit: ask one of their editors."
            )
        form = form_class(request.POST, instance=photo)
        if not form.is_valid():
            return json_error(400, f"{said} was not saved: see each field.", form_errors(form))
        try:
            photo = services.photo_change(photo=form.instance, user=request.user)
        except PermissionDenied as exc:
            return json_error(403, str(exc))
        photo.refresh_from_db()
        return JsonResponse({"photo": photo_json(photo, editable=True)})

    def focal_view(self, request: HttpRequest, photo_id: int) -> JsonResponse:
        """Move the focal point (`focal_x`, `focal_y`, 0 to 1): the crops are remade."""
        return self._photo_form_view(request, photo_id, PhotoFocalForm, "The focal point")

    def credits_view(self, request: HttpRequest, photo_id: int) -> JsonResponse:
        """Complete alt text, caption and credit from the article form's pop-up."""
        return self._photo_form_view(request, photo_id, PhotoCreditsForm, "The photo")

    def get_deleted_objects(self, objs, request):
        """The confirmation names every article using the photos: a published one (live or
        scheduled) stops the delete, as a protected object does; the others lose it."""
        if any(not self._editable(request, photo) for photo in objs):
            raise PermissionDenied  # rights first: whether it is in use is not theirs to see
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        uses, published = [], False
        for photo in objs:
            for article, where in selectors.photo_uses(photo=photo):
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


from articles import staff_admin  # noqa: E402, F401 - Desk staff and invitations register themselves
