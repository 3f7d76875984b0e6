"""ArticleAdmin: the article desk's list and form. Editors publish, reporters write their own
drafts, moderators look. Its actions are in actions.py, its own pages in views.py (the
workflow) and editor.py (what the form's scripts talk to), its inlines in inlines.py. Every
write goes through the services, so the rules (who may publish, what a story needs first,
which cached pages go stale) hold whatever the path."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models, transaction
from django.db.models import Prefetch
from django.forms import Script
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from articles import rights, selectors, services
from articles.models import Article, Author, Byline
from articles.photo_picker import PhotoPickerWidget
from articles.seo import social_card
from core.clock import moment, newsroom_time
from core.params import BadParameter, parse_id
from editorial.admin.actions import ArticleActions, said_published, said_submitted
from editorial.admin.editor import (
    AutosaveView,
    CardPhotoView,
    LockView,
    PhotoNoticeView,
    autosave_context,
    lock_context,
    photo_notice_context,
)
from editorial.admin.inlines import BylineInline, CorrectionInline
from editorial.admin.share_links import share_link_address, share_link_state
from editorial.admin.views import (
    CompareView,
    RestoreView,
    ReturnView,
    RevisionsView,
    ScheduledView,
    WithdrawCorrectionView,
    return_note,
)
from editorial.forms import PUBLISHING_FIELDS, ArticleAdminForm
from editorial.models import Revision
from editorial.services import autosave as autosave_service
from editorial.services import locks, saving
from editorial.services.revisions import article_record_revision


class AuthorListFilter(admin.SimpleListFilter):
    title = "author"
    parameter_name = "author"

    def lookups(self, request, model_admin):
        return Author.objects.filter(bylines__isnull=False).distinct().values_list("pk", "name")

    def queryset(self, request, queryset):
        if self.value():
            try:
                author_id = parse_id(self.value())
            except ValueError:
                raise BadParameter("author must be an id") from None
            return queryset.filter(bylines__author_id=author_id)
        return queryset


class ArticleAdmin(ArticleActions, admin.ModelAdmin):
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
    autocomplete_fields = ("social_photo", "topics")
    inlines = (BylineInline, CorrectionInline)
    actions = (
        "publish_selected",
        "unpublish_selected",
        "submit_for_review",
        "breaking_for_two_hours",
        "make_share_link",
    )
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("headline", "slug", "desk", "standfirst", "body")}),
        ("Hero photo", {"fields": ("hero_photo", "photo_notice")}),
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
            "Social and search card",
            {
                "fields": (("social_title", "social_description", "social_photo"), "card_preview"),
                "description": "How a link to the article looks when shared or in search. "
                "Each field is optional: empty, the card uses the headline, the standfirst "
                "and the hero photo.",
                "classes": ("nr-card-fields",),
            },
        ),
        (
            "Embargo and the Updated time",
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

    # Editing a public article: what kind of edit it is (corrections as data).
    change_fieldset = (
        "This edit",
        {
            "fields": ("change_kind", "change_note"),
            "description": "Readers can see this article. Say what kind of edit you are "
            "saving: updates and corrections are shown with the article and on the "
            "corrections page.",
        },
    )

    class Media:
        css = {"all": ["css/admin.css", "css/admin_workflow.css"]}  # noqa: RUF012
        js = [  # noqa: RUF012
            Script("js/article_lock.js", type="module"),
            Script("js/article_autosave.js", type="module"),
            Script("js/article_card_preview.js", type="module"),
        ]

    # --- who sees and edits what -------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Article]:
        articles = (
            super()
            .get_queryset(request)
            .defer("body_html", "search_vector")
            .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("author")))
        )
        # The same rule as the site's preview: writers see their desks' articles (reporters
        # their own), moderators the published ones, read-only.
        return articles.filter(pk__in=selectors.articles_visible_to(user=request.user).values("pk"))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # Read-only fields see only the article: the photo notice offers to complete
            # the photos this user may change.
            obj.opened_by = request.user
        return obj

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and obj.is_public() and self.has_change_permission(request, obj):
            fieldsets.insert(1, self.change_fieldset)
        return fieldsets

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or rights.article_editable_by(article=obj, user=request.user)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or rights.article_editable_by(article=obj, user=request.user)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return rights.user_can_publish(request.user)

    def has_share_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("editorial.add_sharelink")

    def get_readonly_fields(self, request, obj=None):
        # The Updated time follows from the kind of edit (an update or a correction).
        fields = ["photo_notice", "card_preview", "approved_comment_count", "updated_at"]
        # An article on a desk: whether the user publishes on that desk (an editor elsewhere
        # who reports here sees the publishing fields read-only, as a reporter does).
        if obj is not None and obj.desk_id is not None:
            publishes = rights.user_can_publish_on(user=request.user, desk_id=obj.desk_id)
        else:
            publishes = rights.user_can_publish(request.user)
        if not publishes:
            fields += PUBLISHING_FIELDS
        return fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "hero_photo":
            # The library as thumbnails (the picker), not a select of alt texts; not wrapped
            # in the admin's add/change links: the picker uploads and completes photos.
            return db_field.formfield(widget=PhotoPickerWidget(user=request.user), **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # A class made for this request (modelform_factory), so this is not shared.
        form.user = request.user
        form.unsaved_action = getattr(request, "_unsaved_action", "")
        if obj is not None and obj.is_public() and "slug" in form.base_fields:
            form.base_fields["slug"].help_text = (
                f"This article is live at {obj.get_absolute_url()}. Changing its desk, slug "
                "or publication date gives it a new address; readers’ links to the old "
                "address are redirected to the new one."
            )
        return form

    # --- an action run from the article's own page ---------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The page's actions post the whole form. With edits not saved yet, the action is
        not run (it would redirect, dropping them): the form comes back as typed, with the
        reason, as a save that failed would."""
        field = f"{admin.ActionLocation.CHANGE_FORM.value}-action"
        name = request.POST.get(field) if request.method == "POST" else None
        submitting = {"_save", "_continue", "_addanother", "_saveasnew"} & set(request.POST)
        if name and object_id and not submitting and self._has_unsaved_edits(request, object_id):
            request.POST = request.POST.copy()
            del request.POST[field]  # Django then treats the post as a save of the form
            action = getattr(self, name, None) if name in self.actions else None
            request._unsaved_action = getattr(action, "short_description", name)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _has_unsaved_edits(self, request: HttpRequest, object_id: str) -> bool:
        obj = self.get_object(request, object_id)
        if obj is None or "headline" not in request.POST:  # no form posted: nothing typed
            return False
        if not self.has_change_permission(request, obj):
            return False
        fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        form = self.get_form(request, obj, change=True, fields=fields)(
            request.POST, request.FILES, instance=obj
        )
        # The kind of edit is a choice for the save, not text; the version is no edit.
        if set(form.changed_data) - {"version", "change_kind"}:
            return True
        formsets, _ = self._create_formsets(request, obj, change=True)
        return any(formset.has_changed() for formset in formsets)

    # --- saving through the services -----------------------------------------------------

    def save_model(self, request, obj, form, change):
        stored = Article.objects.select_related("desk").filter(pk=obj.pk).first()
        saving.article_save(
            article=obj,
            user=request.user,
            version=form.cleaned_data.get("version"),
            change_kind=form.cleaned_data.get("change_kind") or "",
            change_note=form.cleaned_data.get("change_note") or "",
        )
        self._say_status_change(request, stored, obj)
        if stored is None:
            return
        old = stored.address_day()
        if obj.old_addresses.filter(desk_slug=stored.desk.slug, day=old, slug=stored.slug).exists():
            self.message_user(
                request,
                f"The address changed from {stored.get_absolute_url()} to "
                f"{obj.get_absolute_url()}: readers’ links to the old one are redirected.",
                messages.WARNING,
            )

    def _say_status_change(self, request, stored: Article | None, obj: Article) -> None:
        """A status chosen in the form says what it did, as the buttons do."""
        before = (stored.status, stored.published_at) if stored is not None else (None, None)
        if obj.status == Article.Status.IN_REVIEW and before[0] != Article.Status.IN_REVIEW:
            self.message_user(request, said_submitted(obj), messages.SUCCESS)
        elif obj.status == Article.Status.PUBLISHED and before != (obj.status, obj.published_at):
            self.message_user(request, said_published(obj), messages.SUCCESS)

    def save_related(self, request, form, formsets, change):
        """After the bylines and topics are saved: keep a revision, and let go of the lock."""
        super().save_related(request, form, formsets, change)
        article = form.instance
        kind, note = Revision.Kind.EDIT, ""
        if getattr(form, "public_edit", False):
            kind = form.cleaned_data.get("change_kind") or Revision.Kind.SILENT
            note = form.cleaned_data.get("change_note") or "" if kind != "silent" else ""
        article_record_revision(article=article, user=request.user, kind=kind, note=note)
        locks.article_lock_release(article_id=article.pk, user=request.user)
        # Saved: what was autosaved is in the article now (a new one's autosave had no id).
        autosave_service.article_autosave_discard(
            article_id=article.pk if change else None, user=request.user
        )

    def delete_model(self, request, obj):
        services.article_delete(article=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for article in queryset:
                services.article_delete(article=article)

    # --- the article's own pages: views.py (the workflow) and editor.py (the form's scripts)

    def get_urls(self):
        def view(view_class):
            return self.admin_site.admin_view(view_class.as_view(model_admin=self))

        autosave = view(AutosaveView)
        return [
            path("scheduled/", view(ScheduledView), name="articles_article_scheduled"),
            path(
                "<int:article_id>/revisions/",
                view(RevisionsView),
                name="articles_article_revisions",
            ),
            path(
                "<int:article_id>/revisions/compare/",
                view(CompareView),
                name="articles_article_compare",
            ),
            path(
                "<int:article_id>/revisions/<int:number>/restore/",
                view(RestoreView),
                name="articles_article_restore",
            ),
            path("<int:article_id>/return/", view(ReturnView), name="articles_article_return"),
            path(
                "<int:article_id>/corrections/<int:correction_id>/withdraw/",
                view(WithdrawCorrectionView),
                name="articles_article_withdraw_correction",
            ),
            path("<int:article_id>/lock/", view(LockView), name="articles_article_lock"),
            path("photo-notice/", view(PhotoNoticeView), name="articles_article_photo_notice"),
            path("<int:article_id>/autosave/", autosave, name="articles_article_autosave"),
            path("autosave/", autosave, name="articles_article_autosave_new"),
            path("card-photo/", view(CardPhotoView), name="articles_article_card_photo"),
            *super().get_urls(),
        ]

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
        # Short, so the list fits beside the filters: the year only when it is not this one.
        this_year = timezone.localtime(article.published_at).year == timezone.localdate().year
        return moment(article.published_at, "brief" if this_year else "short")

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

    @admin.display(description="Photos and publishing")
    def photo_notice(self, article: Article) -> str:
        """Which photos (hero and in the text) stop publication, each with a button to
        complete it in a pop-up; the page's script asks again as the form changes."""
        return render_to_string(
            "admin/articles/article/photo_notice.html",
            {
                "notice_url": reverse("admin:articles_article_photo_notice"),
                **photo_notice_context(
                    article.hero_photo_id, article.body, getattr(article, "opened_by", None)
                ),
            },
        )

    @admin.display(description="Preview")
    def card_preview(self, article: Article) -> str:
        """The card as a shared link shows it (articles.seo.social_card), kept up to date
        while typing by static/js/article_card_preview.js."""
        card = social_card(article)
        photo = card.photo
        image = (
            format_html(
                '<img class="nr-card__image" src="{}" alt="" width="320" height="180">',
                photo.crop_url("16x9"),
            )
            if photo is not None
            else format_html(
                '<div class="nr-card__image nr-card__image--none">{}</div>', "No image"
            )
        )
        return format_html(
            '<div class="nr-card" id="nr-card-preview" data-photo-url="{}" aria-live="polite">'
            "{}"
            '<div class="nr-card__text"><p class="nr-card__site">{}</p>'
            '<p class="nr-card__title">{}</p><p class="nr-card__description">{}</p></div></div>'
            '<p class="help">As most sites show a shared link: image cropped to 16:9, the '
            "title on one or two lines, the description cut short.</p>",
            reverse("admin:articles_article_card_photo"),
            image,
            urlsplit(settings.SITE_URL).hostname or settings.SITE_NAME,
            card.title or "Headline",
            Truncator(card.description).chars(200),
        )

    def render_change_form(self, request, context, *args: Any, **kwargs: Any):
        obj = context.get("original")
        if obj is not None:
            # The object tools say "Preview" for anything the public cannot see yet.
            context["article_is_public"] = obj.is_public()
            context["article_url"] = obj.get_absolute_url()
            context["revisions_url"] = reverse("admin:articles_article_revisions", args=[obj.pk])
            can_change = self.has_change_permission(request, obj)
            if (
                can_change
                and obj.status == Article.Status.IN_REVIEW
                and rights.user_can_publish_on(user=request.user, desk_id=obj.desk_id)
            ):
                context["return_url"] = reverse("admin:articles_article_return", args=[obj.pk])
            if can_change:
                context.update(lock_context(request, obj))
                if context["lock_mine"]:
                    context.update(autosave_context(request, obj))
            context["returned"] = return_note(obj)
            # The audit log and the share links: records the services write, shown below.
            context["transitions"] = [
                {"row": t, "when": newsroom_time(t.created_at), "at": t.at and newsroom_time(t.at)}
                for t in obj.transitions.select_related("user")[:100]
            ]
            context["share_links"] = [
                {
                    "row": link,
                    "address": share_link_address(link),
                    "expires": newsroom_time(link.expires_at),
                    "state": share_link_state(link),
                }
                for link in obj.share_links.select_related("created_by")
            ]
            context["can_share"] = self.has_share_permission(request) and can_change
        elif kwargs.get("add") and self.has_add_permission(request):
            context.update(autosave_context(request, None))
        return super().render_change_form(request, context, *args, **kwargs)
