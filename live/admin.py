"""Live blogs in the admin: "Add live blog" switches an article to a live blog; its page
is the composer, built for speed: post without leaving the page (the last entries stay in
view and refresh), Ctrl/Cmd+Enter to post, the entry being written kept in the browser
(static/js/live_composer.js), and approve, edit, pin and withdraw beside each entry.
Everything goes through live.services: the rights, the log and the purges are there."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles import rights as article_rights
from articles.models import Article
from core.clock import newsroom_time
from live import selectors, services
from live.forms import EntryForm, WithdrawForm
from live.models import DeskLivePolicy, LiveBlog, LiveEntry, LiveEntryLog

COMPOSER_ENTRIES = 30  # the newest entries kept in view under the form


class StartForm(forms.ModelForm):
    user = None  # set by LiveBlogAdmin.get_form: whose rights are checked

    class Meta:
        model = LiveBlog
        fields = ("article", "started_at")

    def validate_unique(self) -> None:
        pass  # an ended blog of the article starts again (live.services)

    def clean(self):
        cleaned = super().clean()
        article = cleaned.get("article")
        if article is not None and not services.user_may_start(user=self.user, article=article):
            self.add_error("article", "Only the desk's editors can start a live blog on it.")
        elif article is not None and LiveBlog.objects.running().filter(article=article).exists():
            self.add_error("article", "This article is already a running live blog.")
        return cleaned


@admin.register(LiveBlog)
class LiveBlogAdmin(admin.ModelAdmin):
    form = StartForm
    list_display = ("article", "started_at", "ended_at", "running")
    list_select_related = ("article",)
    autocomplete_fields = ("article",)
    search_fields = ("article__headline",)

    def get_queryset(self, request):
        # The blogs of the desks one works on: their reporters post to them too.
        desks = Article.objects.on_desks_of(request.user)
        return super().get_queryset(request).filter(article__in=desks.values("pk"))

    @admin.display(boolean=True, description="Running")
    def running(self, blog: LiveBlog) -> bool:
        return blog.is_running()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # entries are part of the record: end the blog instead

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change) -> None:
        try:
            blog = services.live_blog_start(
                article=obj.article, user=request.user, started_at=obj.started_at
            )
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from None
        obj.pk = blog.pk

    def response_add(self, request, obj, post_url_continue=None):
        return redirect("admin:live_liveblog_change", obj.pk)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:blog_id>/change/", view(self.composer_view), name="live_liveblog_change"),
            path("<int:blog_id>/post/", view(self.post_view), name="live_liveblog_post"),
            path("<int:blog_id>/entries/", view(self.entries_view), name="live_liveblog_entries"),
            path(
                "<int:blog_id>/entries/<int:entry_id>/edit/",
                view(self.edit_view),
                name="live_liveblog_edit",
            ),
            path(
                "<int:blog_id>/entries/<int:entry_id>/<str:action>/",
                view(self.entry_action_view),
                name="live_liveblog_entry_action",
            ),
            path("<int:blog_id>/end/", view(self.end_view), name="live_liveblog_end"),
            *super().get_urls(),
        ]

    # --- the composer ------------------------------------------------------------------

    def _blog(self, request: HttpRequest, blog_id: int) -> LiveBlog:
        blog = self.get_queryset(request).select_related("article__desk").filter(pk=blog_id).first()
        if blog is None or not self.has_view_permission(request, blog):
            raise Http404("No such live blog")
        return blog

    def _entries(
        self, request: HttpRequest, blog: LiveBlog, only: LiveEntry | None = None
    ) -> list[LiveEntry]:
        """What the composer lists: entries awaiting an editor first, then the newest (or
        `only` that one, just posted by this user, as the service returned it)."""
        if only is not None:
            only.created_by = request.user
            rows = [only]
        else:
            rows = list(
                LiveEntry.objects.filter(blog=blog)
                .exclude(status=LiveEntry.Status.WITHDRAWN)
                .select_related("created_by")
                .prefetch_related("authors")
                .order_by("status", "-published_at", "-id")[:COMPOSER_ENTRIES]
            )
        for entry in rows:
            entry.blog = blog
            entry.may_edit = services.entry_editable_by(entry=entry, user=request.user)
            entry.may_withdraw = services.entry_withdrawable_by(entry=entry, user=request.user)
            entry.when = newsroom_time(entry.published_at or entry.created_at, with_date=False)
        return selectors.with_html(rows)

    def _entries_html(
        self, request: HttpRequest, blog: LiveBlog, only: LiveEntry | None = None
    ) -> str:
        return render_to_string(
            "admin/live/liveblog/entries.html",
            {
                "blog": blog,
                "entries": self._entries(request, blog, only),
                "runs": services.user_runs_blog(user=request.user, blog=blog),
            },
            request=request,
        )

    def composer_view(self, request: HttpRequest, blog_id: int, form: EntryForm | None = None):
        blog = self._blog(request, blog_id)
        may_post = services.user_may_post(user=request.user, blog=blog)
        runs = services.user_runs_blog(user=request.user, blog=blog)
        form = form or EntryForm()
        if not runs:
            del form.fields["key_event"]
        return TemplateResponse(
            request,
            "admin/live/liveblog/composer.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"Live: {blog.article.headline}",
                "blog": blog,
                "original": blog,
                "form": form,
                "media": self.media + form.media,
                "may_post": may_post and blog.ended_at is None,
                "posts_directly": services.posts_directly(user=request.user, blog=blog),
                "runs": runs,
                "entries_html": self._entries_html(request, blog),
                "log": blog.log.select_related("user", "entry")[:50],
                "running": blog.is_running(),
                "draft_key": f"newsroom:live-draft:{blog.pk}:{request.user.pk}",
            },
        )

    def entries_view(self, request: HttpRequest, blog_id: int) -> HttpResponse:
        """The composer's list of entries alone, refreshed by the page (others' posts)."""
        blog = self._blog(request, blog_id)
        return HttpResponse(self._entries_html(request, blog))

    def post_view(self, request: HttpRequest, blog_id: int) -> HttpResponse:
        """A new entry. From the composer's script: JSON (the new entry's HTML, or the errors)
        and the page stays; without JavaScript: back to the composer (303)."""
        if request.method != "POST":
            return redirect("admin:live_liveblog_change", blog_id)
        blog = self._blog(request, blog_id)
        form = EntryForm(request.POST)
        wants_json = "application/json" in request.headers.get("Accept", "")
        entry = None
        if form.is_valid():
            try:
                entry = services.live_entry_post(
                    blog=blog,
                    user=request.user,
                    headline=form.cleaned_data["headline"],
                    body=form.cleaned_data["body"],
                    authors=form.cleaned_data["authors"] or None,
                    key_event=form.cleaned_data.get("key_event", False),
                )
            except ValidationError as exc:
                _errors_onto(form, exc)
        if entry is None:
            if wants_json:
                return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
            response = self.composer_view(request, blog_id, form=form)
            response.status_code = 400
            return response
        said = (
            "Posted."
            if entry.status == LiveEntry.Status.PUBLISHED
            else "Sent to the desk's editors for approval."
        )
        if wants_json:
            return JsonResponse(
                {
                    "entry": entry.pk,
                    "status": entry.status,
                    "message": said,
                    # The new entry alone: the page puts it on top of its list at once;
                    # others' entries come with the list's own refresh.
                    "entry_html": self._entries_html(request, blog, only=entry),
                }
            )
        self.message_user(request, said, messages.SUCCESS)
        return see_other(blog)

    def _entry(self, request: HttpRequest, blog: LiveBlog, entry_id: int) -> LiveEntry:
        entry = LiveEntry.objects.filter(blog=blog, pk=entry_id).first()
        if entry is None:
            raise Http404("No such entry")
        entry.blog = blog
        return entry

    def edit_view(self, request: HttpRequest, blog_id: int, entry_id: int):
        blog = self._blog(request, blog_id)
        entry = self._entry(request, blog, entry_id)
        if not services.entry_editable_by(entry=entry, user=request.user):
            raise PermissionDenied
        if request.method == "POST":
            form = EntryForm(request.POST)
            del form.fields["key_event"]
            if form.is_valid():
                try:
                    services.live_entry_edit(
                        entry=entry,
                        user=request.user,
                        headline=form.cleaned_data["headline"],
                        body=form.cleaned_data["body"],
                        authors=form.cleaned_data["authors"],
                        revision=form.cleaned_data["revision"],
                    )
                except ValidationError as exc:
                    _errors_onto(form, exc)
                else:
                    self.message_user(request, "Entry saved.", messages.SUCCESS)
                    return redirect("admin:live_liveblog_change", blog.pk)
        else:
            form = EntryForm(
                initial={
                    "headline": entry.headline,
                    "body": entry.body,
                    "authors": list(entry.authors.all()),
                    "revision": entry.revision,
                }
            )
            del form.fields["key_event"]
        return TemplateResponse(
            request,
            "admin/live/liveblog/edit_entry.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"Edit entry {entry.pk}",
                "blog": blog,
                "original": blog,
                "entry": entry,
                "form": form,
                "media": self.media + form.media,
            },
            status=400 if request.method == "POST" else 200,
        )

    def entry_action_view(self, request: HttpRequest, blog_id: int, entry_id: int, action: str):
        if request.method != "POST":
            return redirect("admin:live_liveblog_change", blog_id)
        blog = self._blog(request, blog_id)
        entry = self._entry(request, blog, entry_id)
        try:
            if action == "approve":
                services.live_entry_approve(entry=entry, user=request.user)
                said = "Approved: readers see it now."
            elif action in ("pin", "unpin"):
                services.live_entry_pin(entry=entry, user=request.user, pinned=action == "pin")
                said = "Pinned as a key event." if action == "pin" else "No longer a key event."
            elif action == "withdraw":
                form = WithdrawForm(request.POST)
                reason = form.cleaned_data["reason"] if form.is_valid() else ""
                services.live_entry_withdraw(entry=entry, user=request.user, reason=reason)
                said = "Withdrawn: readers no longer see it."
            else:
                raise Http404("No such action")
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, said, messages.SUCCESS)
        return see_other(blog)

    def end_view(self, request: HttpRequest, blog_id: int):
        if request.method != "POST":
            return redirect("admin:live_liveblog_change", blog_id)
        blog = self._blog(request, blog_id)
        try:
            services.live_blog_end(blog=blog, user=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(
                request, "The live blog has ended: it stays as an article.", messages.SUCCESS
            )
        return see_other(blog)

    class Media:
        css = {"all": ["css/admin.css", "css/live_composer.css"]}  # noqa: RUF012


def see_other(blog: LiveBlog) -> HttpResponseRedirect:
    """Back to the composer after a POST (303: the browser asks with GET)."""
    response = HttpResponseRedirect(reverse("admin:live_liveblog_change", args=[blog.pk]))
    response.status_code = 303
    return response


def _errors_onto(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@admin.register(DeskLivePolicy)
class DeskLivePolicyAdmin(admin.ModelAdmin):
    list_display = ("desk", "reporters_post_directly")

    def _desk_ok(self, request, obj) -> bool:
        return obj is None or article_rights.desk_editable_by(desk=obj.desk, user=request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._desk_ok(request, obj)

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm("live.change_desklivepolicy")

    def save_model(self, request, obj, form, change) -> None:
        if not article_rights.desk_editable_by(desk=obj.desk, user=request.user):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(LiveEntryLog)
class LiveEntryLogAdmin(admin.ModelAdmin):
    """The live blogs' audit log, read-only."""

    list_display = ("created_at", "user", "action", "blog", "entry", "note")
    list_filter = ("action",)
    list_select_related = ("user", "blog__article", "entry")

    def get_queryset(self, request):
        desks = Article.objects.on_desks_of(request.user)
        return super().get_queryset(request).filter(blog__article__in=desks.values("pk"))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
