"""The workflow's own admin pages beside the article form: what is scheduled, an article's
revisions (list, compare, restore), sending an article back to its writer and withdrawing a
correction. Each is a class-based view made by `ArticleAdmin.get_urls` as
`View.as_view(model_admin=self)`, the way Django's admin makes its autocomplete view, and
reads the admin's rights and messages through `self.model_admin`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View

from articles import rights, services
from articles.forms import WithdrawCorrectionForm, add_service_errors
from articles.models import Article
from core.clock import newsroom_time, zone_note
from editorial import revisions
from editorial.forms import RestoreForm, ReturnForm
from editorial.models import Transition
from editorial.services import workflow
from editorial.services.revisions import article_restore_revision

if TYPE_CHECKING:
    from editorial.admin.articles import ArticleAdmin


def article_page(
    model_admin: ArticleAdmin, request: HttpRequest, template: str, title: str, **context: Any
) -> TemplateResponse:
    """One of the article admin's own pages, in the admin's frame: these views' pages and
    the unpublish action's confirmation alike."""
    return TemplateResponse(
        request,
        f"admin/articles/article/{template}",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": title,
            "zone": zone_note(),
            **context,
        },
    )


class ArticleAdminView(View):
    """A page or endpoint of the article admin. Wrapped by `admin_site.admin_view`, so only
    staff reach it; the rights on the article itself are the view's to check. A method the
    view has no handler for gets View's 405."""

    model_admin: ArticleAdmin | None = None

    def get_article(self, request: HttpRequest, article_id: int) -> Article:
        """The article, if this user may see it in the admin; else a 404, not a 403, so an
        id says nothing about articles the user cannot see."""
        article = self.model_admin.get_object(request, str(article_id))
        if article is None or not self.model_admin.has_view_permission(request, article):
            raise Http404("No such article")
        return article

    def page(self, request: HttpRequest, template: str, title: str, **context: Any):
        return article_page(self.model_admin, request, template, title, **context)


class ScheduledView(ArticleAdminView):
    """What goes out when: scheduled and embargoed articles by day, in newsroom time."""

    def get(self, request: HttpRequest):
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied
        now = timezone.now()
        articles = sorted(
            self.model_admin.get_queryset(request)
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
        return self.page(
            request, "scheduled.html", "Scheduled", days=days, today=timezone.localdate()
        )


class RevisionsView(ArticleAdminView):
    def get(self, request: HttpRequest, article_id: int):
        article = self.get_article(request, article_id)
        rows = list(article.revisions.select_related("user").order_by("-number"))
        for row in rows:
            row.when = newsroom_time(row.created_at)
            row.summary = revisions.summary(row.changes)
        return self.page(
            request,
            "revisions.html",
            f"Revisions of “{article.headline}”",
            original=article,
            revisions=rows,
            can_restore=self.model_admin.has_change_permission(request, article),
        )


class CompareView(ArticleAdminView):
    def get(self, request: HttpRequest, article_id: int):
        article = self.get_article(request, article_id)
        numbers = sorted(article.revisions.values_list("number", flat=True))
        try:
            old = int(request.GET.get("from") or (numbers[-2] if len(numbers) > 1 else 0))
            new = int(request.GET.get("to") or (numbers[-1] if numbers else 0))
        except ValueError:
            old = new = 0
        if old not in numbers or new not in numbers:
            self.model_admin.message_user(
                request, "Choose two revisions of this article.", messages.ERROR
            )
            return redirect("admin:articles_article_revisions", article_id=article.pk)
        old, new = min(old, new), max(old, new)
        versions = revisions.replay(
            article.revisions.filter(number__lte=new).order_by("number").only("number", "changes")
        )
        return self.page(
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
            can_restore=self.model_admin.has_change_permission(request, article),
        )


class RestoreView(ArticleAdminView):
    """Restoring is an edit: this page shows what would change and asks, for a live
    article, what kind of edit it is; the save goes through the same service."""

    def get(self, request: HttpRequest, article_id: int, number: int):
        return self.restore(request, article_id, number, data=None)

    def post(self, request: HttpRequest, article_id: int, number: int):
        return self.restore(request, article_id, number, data=request.POST)

    def restore(self, request: HttpRequest, article_id: int, number: int, *, data):
        article = self.get_article(request, article_id)
        if not self.model_admin.has_change_permission(request, article):
            raise PermissionDenied
        target = revisions.state_at(article, number)
        if target is None:
            self.model_admin.message_user(
                request, f"This article has no revision {number}.", messages.ERROR
            )
            return redirect("admin:articles_article_revisions", article_id=article.pk)
        public = article.is_public()
        form = RestoreForm(data, public=public, initial={"version": article.version})
        if data is not None and form.is_valid():
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
                self.model_admin.message_user(
                    request, f"Restored revision {number} {done}.", messages.SUCCESS
                )
                return redirect("admin:articles_article_change", article.pk)
        return self.page(
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


class PublisherView(ArticleAdminView):
    """A page for whoever publishes on the article's desk and may change the article."""

    def get_article(self, request: HttpRequest, article_id: int) -> Article:
        article = super().get_article(request, article_id)
        if not self.model_admin.has_change_permission(
            request, article
        ) or not rights.user_can_publish_on(user=request.user, desk_id=article.desk_id):
            raise PermissionDenied
        return article


class ReturnView(PublisherView):
    """Send an article in review back to its writer, with a note saying what to change."""

    def get(self, request: HttpRequest, article_id: int):
        article = self.get_article(request, article_id)
        return self.form_page(request, article, ReturnForm())

    def post(self, request: HttpRequest, article_id: int):
        article = self.get_article(request, article_id)
        form = ReturnForm(request.POST or None)
        if form.is_valid():
            try:
                workflow.article_return(
                    article=article, user=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.model_admin.message_user(
                    request,
                    f"“{article.headline}” went back to its writer with your note.",
                    messages.SUCCESS,
                )
                return redirect("admin:articles_article_changelist")
        return self.form_page(request, article, form)

    def form_page(self, request: HttpRequest, article: Article, form: ReturnForm):
        return self.page(
            request,
            "return.html",
            f"Send “{article.headline}” back",
            original=article,
            form=form,
        )


class WithdrawCorrectionView(PublisherView):
    """Withdraw a mistaken correction or update: a new entry, with a note for readers."""

    def get(self, request: HttpRequest, article_id: int, correction_id: int):
        article, correction = self.get_correction(request, article_id, correction_id)
        return self.form_page(request, article, correction, WithdrawCorrectionForm())

    def post(self, request: HttpRequest, article_id: int, correction_id: int):
        article, correction = self.get_correction(request, article_id, correction_id)
        form = WithdrawCorrectionForm(request.POST or None)
        if form.is_valid():
            try:
                services.correction_withdraw(
                    correction=correction, user=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                self.model_admin.message_user(
                    request,
                    f"The {correction.get_kind_display().lower()} is withdrawn: readers see it "
                    "marked withdrawn, with your note.",
                    messages.SUCCESS,
                )
                return redirect("admin:articles_article_change", article.pk)
        return self.form_page(request, article, correction, form)

    def get_correction(self, request: HttpRequest, article_id: int, correction_id: int):
        article = self.get_article(request, article_id)
        correction = article.corrections.filter(pk=correction_id).first()
        if correction is None:
            raise Http404("No such correction")
        return article, correction

    def form_page(self, request: HttpRequest, article: Article, correction, form) -> HttpResponse:
        return self.page(
            request,
            "withdraw_correction.html",
            f"Withdraw a {correction.get_kind_display().lower()} of “{article.headline}”",
            original=article,
            correction=correction,
            form=form,
        )


def return_note(article: Article) -> Transition | None:
    """The editor's note, while an article sent back is still a draft (shown on its form)."""
    if article.status != Article.Status.DRAFT:
        return None
    last = article.transitions.select_related("user").first()
    if last is None or last.action != Transition.Action.RETURN:
        return None
    last.when = newsroom_time(last.created_at)
    return last
