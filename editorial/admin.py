"""The article desk in Django admin: editors publish, reporters write their own drafts,
moderators look; the workflow's views (scheduled, revisions, compare, restore, send back,
edit locks) and share links. Every write goes through the services, so the rules (who may
publish, what a story needs first, which cached pages go stale) hold whatever the path."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.forms import Script
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from articles import rights, selectors, services
from articles.admin import BOTH_LOCATIONS, json_error
from articles.body import sanitise_body
from articles.forms import WithdrawCorrectionForm, add_service_errors
from articles.models import Article, Author, Byline, Correction
from articles.photo_picker import PhotoPickerWidget
from articles.seo import social_card
from core.clock import moment, newsroom_time, zone_note
from core.params import BadParameter, parse_id
from editorial import revisions
from editorial import selectors as editorial_selectors
from editorial.forms import (
    PUBLISHING_FIELDS,
    ArticleAdminForm,
    AutosaveForm,
    RestoreForm,
    ReturnForm,
    ShareLinkForm,
    UnpublishForm,
)
from editorial.models import Revision, ShareLink, Transition
from editorial.services import autosave as autosave_service
from editorial.services import locks, saving, share_links, workflow
from editorial.services.revisions import article_record_revision, article_restore_revision
from photos.models import Photo


def said_submitted(article: Article) -> str:
    """What a submission did, in the editor's words: who reviews it now."""
    return f"Sent to the {article.desk.name} desk's editors for review: “{article.headline}”."


def said_published(article: Article) -> str:
    """What a publish did: the live link, or (a future time) when it goes live, in newsroom
    time with the zone named."""
    if article.published_at is not None and article.published_at > timezone.now():
        return format_html(
            "Goes live on {}: “{}”.", newsroom_time(article.published_at), article.headline
        )
    url = article.get_absolute_url()
    return format_html(
        '“{}” is live: <a href="{}">{}</a>', article.headline, url, settings.SITE_URL + url
    )


def said_unpublished(article: Article) -> str:
    return (
        f"“{article.headline}” is withdrawn: its address tells readers so (410 Gone) "
        "until it is published again."
    )


class ArticleChildInline:
    """Bylines and corrections are part of the article: editable exactly when it is."""

    def _article_editable(self, request: HttpRequest, obj: Article | None) -> bool:
        return obj is None or rights.article_editable_by(article=obj, user=request.user)

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
    """Corrections are added by choosing "update" or "correction" when editing a published
    article (which also sets its Updated time). Once published they are part of the record:
    shown here read-only, for everyone, superusers too; a mistaken one is withdrawn by a
    new entry (the link beside it)."""

    model = Correction
    fields = ("kind", "text", "created_at", "withdrawal_state")
    readonly_fields = fields
    extra = 0
    verbose_name_plural = "Corrections and updates (shown on the article, oldest first)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Whoever sees the article sees its corrections (they are on the public page).
        return request.user.has_perm("articles.view_article") or request.user.has_perm(
            "articles.change_article"
        )

    @admin.display(description="Withdrawn")
    def withdrawal_state(self, correction: Correction) -> str:
        if correction.kind == Correction.Kind.WITHDRAWAL:
            return "—"
        withdrawal = Correction.objects.filter(withdraws=correction).first()
        if withdrawal is not None:
            return f"Withdrawn {newsroom_time(withdrawal.created_at)}: {withdrawal.text}"
        return format_html(
            '<a href="{}">Withdraw this {}…</a>',
            reverse(
                "admin:articles_article_withdraw_correction",
                args=[correction.article_id, correction.pk],
            ),
            correction.get_kind_display().lower(),
        )


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

    # --- actions: the list's bulk actions and buttons on the article's own page ----------

    def _run(
        self,
        request,
        queryset,
        service,
        *,
        done: str,
        skip_status: str | None = None,
        summary: str = "{Done} {count} {noun}.",
        describe: Callable[[Article], str] | None = None,
    ):
        """Run `service` on each article; `describe` says what it did to each one (else a
        count)."""
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
                if describe is not None:
                    self.message_user(request, describe(article), messages.SUCCESS)
        if done_count and describe is None:
            noun = "article" if done_count == 1 else "articles"
            self.message_user(
                request,
                summary.format(Done=done.capitalize(), count=done_count, noun=noun),
                messages.SUCCESS,
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
            workflow.article_publish,
            done="published",
            skip_status=Article.Status.PUBLISHED,
            describe=said_published,
        )

    @admin.action(
        permissions=["publish"],
        description="Unpublish",
        description_plural="Unpublish selected articles",
        location=BOTH_LOCATIONS,
    )
    def unpublish_selected(self, request, queryset):
        """Taking a story off the site asks first, and why: the reason is kept in its log."""
        queryset = queryset.filter(status=Article.Status.PUBLISHED)
        if not queryset.exists():
            self.message_user(request, "None of those articles is published.", messages.INFO)
            return None
        confirmed = request.POST.get("confirm") == "yes"
        form = UnpublishForm(request.POST if confirmed else None)
        if confirmed and form.is_valid():
            unpublish = partial(workflow.article_unpublish, note=form.cleaned_data["note"])
            self._run(request, queryset, unpublish, done="unpublished", describe=said_unpublished)
            return None
        return self._page(
            request,
            "unpublish.html",
            "Unpublish",
            articles=queryset.select_related("desk"),
            form=form,
            action_checkbox_name=ACTION_CHECKBOX_NAME,
        )

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
            workflow.article_submit,
            done="submitted",
            skip_status=Article.Status.IN_REVIEW,
            describe=said_submitted,
        )

    @admin.action(
        permissions=["publish"],
        description=f"Breaking for {workflow.BREAKING_NOW_HOURS} hours",
        description_plural=f"Mark selected breaking for {workflow.BREAKING_NOW_HOURS} hours",
        location=BOTH_LOCATIONS,
    )
    def breaking_for_two_hours(self, request, queryset):
        self._run(
            request,
            queryset,
            workflow.article_mark_breaking,
            done="marked breaking",
            summary=f"Breaking for {workflow.BREAKING_NOW_HOURS} hours: {{count}} {{noun}}. "
            "The flag and the home page banner switch off by themselves.",
        )

    def has_share_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("editorial.add_sharelink")

    @admin.action(
        permissions=["share"],
        description=f"Make a share link ({settings.SHARE_LINK_DAYS} days)",
        description_plural="Make share links for selected articles",
        location=BOTH_LOCATIONS,
    )
    def make_share_link(self, request, queryset):
        for article in queryset:
            try:
                link = share_links.share_link_create(article=article, user=request.user)
            except ValidationError as exc:
                self.message_user(
                    request, f"“{article.headline}”: {' '.join(exc.messages)}", messages.ERROR
                )
                continue
            self.message_user(
                request,
                format_html(
                    "Share link for “{}”, working until {}: {}. Anyone with it can read the "
                    "article; revoke it on the article's page when it is no longer needed.",
                    article.headline,
                    newsroom_time(link.expires_at),
                    share_link_address(link),
                ),
                messages.SUCCESS,
            )

    # --- the workflow's own pages: scheduled, revisions, send back, edit lock -----------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("scheduled/", view(self.scheduled_view), name="articles_article_scheduled"),
            path(
                "<int:article_id>/revisions/",
                view(self.revisions_view),
                name="articles_article_revisions",
            ),
            path(
                "<int:article_id>/revisions/compare/",
                view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<int:article_id>/revisions/<int:number>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            path(
                "<int:article_id>/return/", view(self.return_view), name="articles_article_return"
            ),
            path(
                "<int:article_id>/corrections/<int:correction_id>/withdraw/",
                view(self.withdraw_correction_view),
                name="articles_article_withdraw_correction",
            ),
            path("<int:article_id>/lock/", view(self.lock_view), name="articles_article_lock"),
            path(
                "photo-notice/", view(self.photo_notice_view), name="articles_article_photo_notice"
            ),
            path(
                "<int:article_id>/autosave/",
                view(self.autosave_view),
                name="articles_article_autosave",
            ),
            path("autosave/", view(self.autosave_view), name="articles_article_autosave_new"),
            path("card-photo/", view(self.card_photo_view), name="articles_article_card_photo"),
            *super().get_urls(),
        ]

    def _article_or_404(self, request: HttpRequest, article_id: int) -> Article:
        article = self.get_object(request, str(article_id))
        if article is None or not self.has_view_permission(request, article):
            raise Http404("No such article")
        return article

    def _page(self, request: HttpRequest, template: str, title: str, **context: Any):
        return TemplateResponse(
            request,
            f"admin/articles/article/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "zone": zone_note(),
                **context,
            },
        )

    def scheduled_view(self, request: HttpRequest):
        """What goes out when: scheduled and embargoed articles by day, in newsroom time."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        now = timezone.now()
        articles = sorted(
            self.get_queryset(request)
            .filter(status=Article.Status.PUBLISHED)
            .filter(Q(published_at__gt=now) | Q(embargo_until__gt=now))
            .select_related("desk"),
            key=lambda a: (a.goes_live_at(), a.pk),
        )
        scheduled_by = {
            t.article_id: t
            for t in Transition.objects.filter(
                article__in=[a.pk for a in articles],
                action__in=[Transition.Action.SCHEDULE, Transition.Action.PUBLISH],
            )
            .select_related("user")
            .order_by("created_at", "id")
        }
        days: list[dict] = []
        for article in articles:
            when = timezone.localtime(article.goes_live_at())
            if not days or days[-1]["date"] != when.date():
                days.append({"date": when.date(), "entries": []})
            days[-1]["entries"].append(
                {
                    "article": article,
                    # To the minute, like the schedule itself: no seconds or microseconds.
                    "time": newsroom_time(when, with_date=False),
                    "datetime": when.isoformat(timespec="minutes"),
                    "embargoed": article.embargo_until is not None
                    and article.embargo_until > (article.published_at or now),
                    "by": scheduled_by.get(article.pk),
                    "url": reverse("admin:articles_article_change", args=[article.pk]),
                }
            )
        return self._page(
            request, "scheduled.html", "Scheduled", days=days, today=timezone.localdate()
        )

    def revisions_view(self, request: HttpRequest, article_id: int):
        article = self._article_or_404(request, article_id)
        rows = list(article.revisions.select_related("user").order_by("-number"))
        for row in rows:
            row.when = newsroom_time(row.created_at)
            row.summary = revisions.summary(row.changes)
        return self._page(
            request,
            "revisions.html",
            f"Revisions of “{article.headline}”",
            original=article,
            revisions=rows,
            can_restore=self.has_change_permission(request, article),
        )

    def compare_view(self, request: HttpRequest, article_id: int):
        article = self._article_or_404(request, article_id)
        numbers = sorted(article.revisions.values_list("number", flat=True))
        try:
            old = int(request.GET.get("from") or (numbers[-2] if len(numbers) > 1 else 0))
            new = int(request.GET.get("to") or (numbers[-1] if numbers else 0))
        except ValueError:
            old = new = 0
        if old not in numbers or new not in numbers:
            self.message_user(request, "Choose two revisions of this article.", messages.ERROR)
            return redirect("admin:articles_article_revisions", article_id=article.pk)
        old, new = min(old, new), max(old, new)
        versions = revisions.replay(
            article.revisions.filter(number__lte=new).order_by("number").only("number", "changes")
        )
        return self._page(
            request,
            "revision_compare.html",
            f"Revision {old} and revision {new} of “{article.headline}”",
            original=article,
            old=old,
            new=new,
            tables=revisions.diff_tables(
                versions[old],
                versions[new],
                old_label=f"Revision {old}",
                new_label=f"Revision {new}",
            ),
            can_restore=self.has_change_permission(request, article),
        )

    def restore_view(self, request: HttpRequest, article_id: int, number: int):
        """Restoring is an edit: this page shows what would change and asks, for a live
        article, what kind of edit it is; the save goes through the same service."""
        article = self._article_or_404(request, article_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        target = revisions.state_at(article, number)
        if target is None:
            self.message_user(request, f"This article has no revision {number}.", messages.ERROR)
            return redirect("admin:articles_article_revisions", article_id=article.pk)
        public = article.is_public()
        form = RestoreForm(
            request.POST if request.method == "POST" else None,
            public=public,
            initial={"version": article.version},
        )
        if request.method == "POST" and form.is_valid():
            try:
                revision = article_restore_revision(
                    article=article,
                    number=number,
                    user=request.user,
                    version=form.cleaned_data["version"],
                    change_kind=form.cleaned_data.get("change_kind") or "",
                    change_note=form.cleaned_data.get("change_note") or "",
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                done = f"as revision {revision.number}" if revision else "(it is the current text)"
                self.message_user(request, f"Restored revision {number} {done}.", messages.SUCCESS)
                return redirect("admin:articles_article_change", article.pk)
        return self._page(
            request,
            "restore.html",
            f"Restore revision {number} of “{article.headline}”",
            original=article,
            number=number,
            form=form,
            public=public,
            tables=revisions.diff_tables(
                revisions.snapshot(article),
                target,
                old_label="Now",
                new_label=f"Revision {number}",
            ),
        )

    def return_view(self, request: HttpRequest, article_id: int):
        """Send an article in review back to its writer, with a note saying what to change."""
        article = self._article_or_404(request, article_id)
        if not self.has_change_permission(request, article) or not rights.user_can_publish_on(
            user=request.user, desk_id=article.desk_id
        ):
            raise PermissionDenied
        form = ReturnForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                workflow.article_return(
                    article=article, user=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(
                    request,
                    f"“{article.headline}” went back to its writer with your note.",
                    messages.SUCCESS,
                )
                return redirect("admin:articles_article_changelist")
        return self._page(
            request,
            "return.html",
            f"Send “{article.headline}” back",
            original=article,
            form=form,
        )

    def withdraw_correction_view(self, request: HttpRequest, article_id: int, correction_id: int):
        """Withdraw a mistaken correction or update: a new entry, with a note for readers."""
        article = self._article_or_404(request, article_id)
        if not self.has_change_permission(request, article) or not rights.user_can_publish_on(
            user=request.user, desk_id=article.desk_id
        ):
            raise PermissionDenied
        correction = article.corrections.filter(pk=correction_id).first()
        if correction is None:
            raise Http404("No such correction")
        form = WithdrawCorrectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.correction_withdraw(
                    correction=correction, user=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                self.message_user(
                    request,
                    f"The {correction.get_kind_display().lower()} is withdrawn: readers see it "
                    "marked withdrawn, with your note.",
                    messages.SUCCESS,
                )
                return redirect("admin:articles_article_change", article.pk)
        return self._page(
            request,
            "withdraw_correction.html",
            f"Withdraw a {correction.get_kind_display().lower()} of “{article.headline}”",
            original=article,
            correction=correction,
            form=form,
        )

    def lock_view(self, request: HttpRequest, article_id: int):
        """The edit lock: take it over (a button), refresh it or let it go (the page's script)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, article_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "release":
            locks.article_lock_release(article_id=article.pk, user=request.user)
            return HttpResponse(status=204)
        if action == "refresh":
            lock = locks.article_lock_take(article=article, user=request.user)
            return JsonResponse({"mine": lock.user_id == request.user.pk})
        if action == "take_over":
            locks.article_lock_take(article=article, user=request.user, take_over=True)
            self.message_user(
                request,
                "You are editing this article now. The person editing before you is told "
                "when they try to save over your changes.",
                messages.WARNING,
            )
            return redirect("admin:articles_article_change", article.pk)
        return HttpResponseBadRequest("Unknown lock action")

    def autosave_view(self, request: HttpRequest, article_id: int | None = None):
        """The form's text as typed, kept every few seconds by static/js/article_autosave.js
        (`action=discard` forgets it). Without an id: the new article the user is writing.
        JSON answers: 200 kept, 400 a bad post, 409 someone else holds the edit lock."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = None
        if article_id is not None:
            article = self._article_or_404(request, article_id)
            if not self.has_change_permission(request, article):
                raise PermissionDenied
        elif not self.has_add_permission(request):
            raise PermissionDenied
        action = request.POST.get("action", "save")
        if action == "discard":
            autosave_service.article_autosave_discard(article_id=article_id, user=request.user)
            return HttpResponse(status=204)
        if action != "save":
            return JsonResponse({"error": "Unknown autosave action."}, status=400)
        form = AutosaveForm(request.POST)
        if not form.is_valid():
            return JsonResponse(
                {
                    "error": " ".join(form.errors.get("__all__", [])) or "Bad autosave.",
                    "fields": form.errors,
                },
                status=400,
            )
        try:
            autosave = autosave_service.article_autosave(
                article=article, user=request.user, fields=form.cleaned_data
            )
        except ValidationError as refused:
            return JsonResponse({"error": " ".join(refused.messages)}, status=409)
        if request.POST.get("release") == "1" and article is not None:
            # The page is closing: its last autosave and letting go of the lock in one post.
            locks.article_lock_release(article_id=article.pk, user=request.user)
        return JsonResponse(
            {
                "saved_at": autosave.created_at.isoformat(),
                "saved": newsroom_time(autosave.created_at, with_date=False),
            }
        )

    def _autosave_context(self, request: HttpRequest, article: Article | None) -> dict[str, Any]:
        """Where the page autosaves to, and an autosave to offer back (restore or discard)."""
        url = (
            reverse("admin:articles_article_autosave", args=[article.pk])
            if article is not None
            else reverse("admin:articles_article_autosave_new")
        )
        offer = editorial_selectors.autosave_to_offer(article=article, user=request.user)
        context: dict[str, Any] = {
            "autosave_url": url,
            "autosave_seconds": settings.ARTICLE_AUTOSAVE_SECONDS,
        }
        if offer is not None:
            at = timezone.localtime(offer.created_at)
            context["autosave_offer"] = {
                "when": newsroom_time(
                    offer.created_at, with_date=at.date() != timezone.localdate()
                ),
                "saved": article is not None
                and article.modified_at
                and newsroom_time(article.modified_at),
                "fields": offer.changes,
            }
        return context

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
                **self._photo_notice_context(
                    article.hero_photo_id, article.body, getattr(article, "opened_by", None)
                ),
            },
        )

    def _photo_notice_context(self, hero_photo_id: int | None, body: str, user) -> dict:
        problems = services.article_photo_problems(hero_photo_id=hero_photo_id, body=body)
        editable = (
            rights.photo_ids_editable_by(
                user=user, photo_ids=[p.photo_id for p in problems if p.photo is not None]
            )
            if user is not None
            else set()
        )
        return {
            "problems": [
                {
                    "problem": p,
                    "editable": p.photo_id in editable,
                    "missing": " and ".join(
                        f"no {what}" if what != "photo deleted" else "deleted" for what in p.missing
                    ),
                }
                for p in problems
            ],
            "has_photos": bool(hero_photo_id) or "data-photo-id" in (body or ""),
        }

    def photo_notice_view(self, request: HttpRequest) -> JsonResponse:
        """The notice again, for the form as it is now (unsaved): POST `hero_photo` (an id
        or empty) and `body`. Answers `{"html": …, "blocking": n}`."""
        if request.method != "POST":
            return json_error(405, "POST only.")
        if not (
            self.has_change_permission(request) or self.has_add_permission(request)
        ) or not request.user.has_perm("photos.view_photo"):
            return json_error(403, "You cannot write articles.")
        hero = request.POST.get("hero_photo", "")
        try:
            hero_photo_id = parse_id(hero) if hero else None
        except ValueError:
            return json_error(400, "hero_photo must be a photo id.")
        body = sanitise_body(request.POST.get("body", ""))
        context = self._photo_notice_context(hero_photo_id, body, request.user)
        return JsonResponse(
            {
                "html": render_to_string(
                    "admin/articles/article/photo_notice_body.html", context, request=request
                ),
                "blocking": len(context["problems"]),
            }
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

    def card_photo_view(self, request: HttpRequest):
        """The 16:9 crop of a photo chosen for the card, for the preview (JSON)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            photo_id = parse_id(request.GET.get("id", ""))
        except ValueError:
            return JsonResponse({"error": "Give a photo's number."}, status=400)
        photo = Photo.objects.filter(pk=photo_id).first()
        if photo is None or not photo.image:
            return JsonResponse({"error": "No such photo."}, status=404)
        return JsonResponse({"url": photo.crop_url("16x9"), "alt": photo.alt_text})

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
                context.update(self._lock_context(request, obj))
                if context["lock_mine"]:
                    context.update(self._autosave_context(request, obj))
            context["returned"] = self._return_note(obj)
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
            context.update(self._autosave_context(request, None))
        return super().render_change_form(request, context, *args, **kwargs)

    def _lock_context(self, request: HttpRequest, article: Article) -> dict[str, Any]:
        """Opening the form takes the soft lock, or shows who holds it."""
        lock = locks.article_lock_take(article=article, user=request.user)
        mine = lock.user_id == request.user.pk
        since = timezone.localtime(lock.since)
        same_day = since.date() == timezone.localdate()
        return {
            "lock_url": reverse("admin:articles_article_lock", args=[article.pk]),
            "lock_mine": mine,
            "lock_holder": "" if mine else (lock.user.get_full_name() or lock.user.get_username()),
            "lock_since": newsroom_time(lock.since, with_date=not same_day),
            "lock_refresh_seconds": settings.ARTICLE_LOCK_MINUTES * 60 // 3,
        }

    def _return_note(self, article: Article) -> Transition | None:
        """The editor's note, while an article sent back is still a draft."""
        if article.status != Article.Status.DRAFT:
            return None
        last = article.transitions.select_related("user").first()
        if last is None or last.action != Transition.Action.RETURN:
            return None
        last.when = newsroom_time(last.created_at)
        return last


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


@admin.register(ShareLink)
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
