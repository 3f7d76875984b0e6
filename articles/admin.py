"""Django admin for the newsroom: editors publish, reporters write their own drafts,
moderators look. Every write goes through `articles.services`, so the rules (who may publish,
what a story needs first, which cached pages go stale) hold whatever the path."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from articles import services
from articles.forms import ArticleAdminForm, AuthorAdminForm, PhotoAdminForm
from articles.models import Article, Author, Byline, Correction, Desk, Photo, Topic

THUMB_WIDTH = 160
# Fields only an editor sets: when and how a story goes public.
PUBLISHING_FIELDS = (
    "published_at",
    "embargo_until",
    "updated_at",
    "is_breaking",
    "breaking_until",
    "is_top_story",
    "top_story_order",
)
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


class PurgeOnDeleteMixin:
    """Deleting from admin goes through the service too, so the pages that showed it purge."""

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        services.content_delete(instance=obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        with transaction.atomic():
            for obj in queryset:
                services.content_delete(instance=obj)


@admin.register(Desk)
class DeskAdmin(PurgeOnDeleteMixin, admin.ModelAdmin):
    list_display = ("name", "title", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name", "title")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012 - Django's API is a dict

    def save_model(self, request, obj, form, change):
        services.desk_save(desk=obj)


@admin.register(Topic)
class TopicAdmin(PurgeOnDeleteMixin, admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012

    def save_model(self, request, obj, form, change):
        services.topic_save(topic=obj)


@admin.register(Author)
class AuthorAdmin(PurgeOnDeleteMixin, admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = ("name", "job_title", "user")
    list_select_related = ("user",)
    search_fields = ("name", "job_title")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012

    def save_model(self, request, obj, form, change):
        services.author_save(author=obj)


@admin.register(Photo)
class PhotoAdmin(PurgeOnDeleteMixin, admin.ModelAdmin):
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

    @admin.display(description="Photo")
    def thumbnail(self, photo: Photo) -> str:
        return photo_thumbnail(photo, width=120 if photo.pk else THUMB_WIDTH)

    @admin.display(description="Size")
    def dimensions(self, photo: Photo) -> str:
        return f"{photo.width} × {photo.height}" if photo.width else "—"

    def save_model(self, request, obj, form, change):
        services.photo_save(photo=obj)

    # Renditions (issue 4): made by the worker; their state, files and a way to remake them.
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
        count = services.photo_request_renditions(
            photo_ids=list(queryset.values_list("pk", flat=True)), force=True
        )
        self.message_user(
            request,
            f"Renditions of {count} photo{'s' if count != 1 else ''} queued: the worker remakes "
            "them in the background.",
            messages.SUCCESS,
        )


class ArticleChildInline:
    """Bylines and corrections are part of the article: editable exactly when it is."""

    def _article_editable(self, request: HttpRequest, obj: Article | None) -> bool:
        return obj is None or services.article_editable_by(article=obj, user=request.user)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._article_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._article_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._article_editable(request, obj)


class BylineInline(ArticleChildInline, admin.TabularInline):
    model = Byline
    fields = ("order", "author", "role")
    autocomplete_fields = ("author",)
    ordering = ("order", "id")
    verbose_name = "byline"
    verbose_name_plural = "Bylines (shown in order: lowest number first)"

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None and obj.bylines.exists() else 1


class CorrectionInline(ArticleChildInline, admin.StackedInline):
    model = Correction
    fields = ("kind", "text", "created_at")
    extra = 0
    verbose_name_plural = "Corrections and updates (shown on the article, oldest first)"


class AuthorListFilter(admin.SimpleListFilter):
    title = "author"
    parameter_name = "author"

    def lookups(self, request, model_admin):
        return Author.objects.filter(bylines__isnull=False).distinct().values_list("pk", "name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(bylines__author_id=self.value())
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = (
        "headline",
        "desk",
        "status_badge",
        "published",
        "breaking",
        "byline_names",
        "comments",
    )
    list_filter = ("desk", "status", "is_breaking", AuthorListFilter)
    list_select_related = ("desk",)
    list_per_page = 50
    search_fields = ("headline", "standfirst", "slug", "bylines__author__name")
    search_help_text = "Search headlines, standfirsts, slugs and author names."
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("headline",)}  # noqa: RUF012
    autocomplete_fields = ("hero_photo", "topics")
    inlines = (BylineInline, CorrectionInline)
    actions = ("publish_selected", "unpublish_selected", "submit_for_review")
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("headline", "slug", "desk", "standfirst", "body")}),
        ("Hero photo", {"fields": ("hero_photo", "hero_preview")}),
        (
            "Publishing",
            {
                "fields": (
                    "status",
                    "published_at",
                    ("is_breaking", "breaking_until"),
                    ("is_top_story", "top_story_order"),
                )
            },
        ),
        ("Topics", {"fields": ("topics",)}),
        (
            "Embargo and significant updates",
            {"fields": ("embargo_until", "updated_at"), "classes": ("collapse",)},
        ),
        (
            "Comments",
            {
                "fields": (
                    "comments_enabled",
                    "comments_close_after_days",
                    "approved_comment_count",
                ),
                "classes": ("collapse",),
            },
        ),
    )

    class Media:
        css = {"all": ["css/admin.css"]}  # noqa: RUF012

    # --- who sees and edits what -------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Article]:
        articles = (
            super()
            .get_queryset(request)
            .defer("body_html", "search_vector")
            .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("author")))
        )
        user = request.user
        if user.has_perm("articles.change_article") and not services.user_can_publish(user):
            # Reporters work on their own articles only.
            articles = articles.filter(pk__in=services.articles_owned_by(user=user).values("pk"))
        return articles

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or services.article_editable_by(article=obj, user=request.user)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return services.user_can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = ["hero_preview", "approved_comment_count"]
        if not services.user_can_publish(request.user):
            fields += PUBLISHING_FIELDS
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # A class made for this request (modelform_factory), so this is not shared.
        form.user = request.user
        return form

    # --- saving through the services -----------------------------------------------------

    def save_model(self, request, obj, form, change):
        services.article_save(article=obj, user=request.user)

    def delete_model(self, request, obj):
        services.article_delete(article=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for article in queryset:
                services.article_delete(article=article)

    # --- actions: the list's bulk actions and buttons on the article's own page ----------

    def _run(self, request, queryset, service, *, done: str, skip_status: str | None = None):
        done_count, skipped, refused = 0, 0, []
        for article in queryset.select_related("desk", "hero_photo"):
            if skip_status is not None and article.status == skip_status:
                skipped += 1
                continue
            try:
                service(article=article, user=request.user)
            except ValidationError as exc:
                refused.append(format_html("“{}”: {}", article.headline, " ".join(exc.messages)))
            else:
                done_count += 1
        if done_count:
            noun = "article" if done_count == 1 else "articles"
            self.message_user(
                request, f"{done.capitalize()} {done_count} {noun}.", messages.SUCCESS
            )
        if skipped:
            self.message_user(request, f"{skipped} already {done}: left as it was.", messages.INFO)
        if refused:
            self.message_user(
                request,
                format_html(
                    "Not {}: {}", done, format_html_join(" ", "{}", ((r,) for r in refused))
                ),
                messages.ERROR,
            )

    @admin.action(
        permissions=["publish"],
        description="Publish",
        description_plural="Publish selected articles",
        location=BOTH_LOCATIONS,
    )
    def publish_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            services.article_publish,
            done="published",
            skip_status=Article.Status.PUBLISHED,
        )

    @admin.action(
        permissions=["publish"],
        description="Unpublish",
        description_plural="Unpublish selected articles",
        location=BOTH_LOCATIONS,
    )
    def unpublish_selected(self, request, queryset):
        queryset = queryset.filter(status=Article.Status.PUBLISHED)
        self._run(request, queryset, services.article_unpublish, done="unpublished")

    @admin.action(
        permissions=["change"],
        description="Submit for review",
        description_plural="Submit selected drafts for review",
        location=BOTH_LOCATIONS,
    )
    def submit_for_review(self, request, queryset):
        self._run(
            request,
            queryset,
            services.article_submit,
            done="submitted",
            skip_status=Article.Status.IN_REVIEW,
        )

    # --- what the list and the form show ---------------------------------------------------

    @admin.display(description="Status", ordering="status")
    def status_badge(self, article: Article) -> str:
        """The status as a coloured badge, with the way to see it on the site beneath:
        "Preview" while the public cannot see it, "View" once it can."""
        now = timezone.now()
        label = article.get_status_display()
        css = article.status
        public = article.is_public(now)
        if article.status == Article.Status.PUBLISHED and not public:
            label, css = "Scheduled", "scheduled"
        return format_html(
            '<span class="nr-status nr-status-{}">{}</span><br>'
            '<a class="nr-site-link" href="{}" target="_blank" rel="noopener">{}</a>',
            css,
            label,
            article.get_absolute_url(),
            "View" if public else "Preview",
        )

    @admin.display(description="Published", ordering="published_at")
    def published(self, article: Article) -> str:
        if article.published_at is None:
            return "—"
        when = timezone.localtime(article.published_at)
        # Short, so the list fits beside the filters: the year only when it is not this one.
        if when.year == timezone.localdate().year:
            return when.strftime("%-d %b, %H:%M")
        return when.strftime("%-d %b %Y")

    @admin.display(description="Breaking", ordering="is_breaking", empty_value="")
    def breaking(self, article: Article) -> str:
        # Only the stories breaking now are marked: a column of crosses would hide them.
        if not article.is_breaking_now():
            return ""
        return format_html('<span class="nr-status nr-status-breaking">{}</span>', "Breaking")

    @admin.display(description="Comments", ordering="approved_comment_count")
    def comments(self, article: Article) -> int:
        return article.approved_comment_count

    @admin.display(description="Bylines")
    def byline_names(self, article: Article) -> str:
        return ", ".join(byline.author.name for byline in article.bylines.all()) or "—"

    @admin.display(description="Preview")
    def hero_preview(self, article: Article) -> str:
        photo = article.hero_photo
        if photo is None:
            return "No hero photo chosen. Choose one above, then save to see it here."
        problems = []
        if not photo.alt_text.strip():
            problems.append("no alt text")
        if not photo.has_credit:
            problems.append("no credit")
        credit = (
            format_html("Photo: {}", photo.credit_name)
            if photo.has_credit
            else format_html('<strong class="nr-warning">{}</strong>', "Photo: no credit")
        )
        warning = (
            format_html(
                '<p class="nr-warning">Cannot be published: {} (<a href="{}">edit the photo</a>)'
                "</p>",
                " and ".join(problems),
                reverse("admin:articles_photo_change", args=[photo.pk]),
            )
            if problems
            else ""
        )
        return format_html(
            '<div class="nr-hero-preview">{}<div><p class="nr-credit">{}</p><p>{}</p>{}</div>'
            "</div>",
            photo_thumbnail(photo),
            credit,
            Truncator(photo.alt_text).chars(140) or "No alt text",
            warning,
        )

    def render_change_form(self, request, context, *args: Any, **kwargs: Any):
        obj = context.get("original")
        if obj is not None:
            # The object tools say "Preview" for anything the public cannot see yet.
            context["article_is_public"] = obj.is_public()
            context["article_url"] = obj.get_absolute_url()
        return super().render_change_form(request, context, *args, **kwargs)
