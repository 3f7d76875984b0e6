"""The article form's inlines: bylines, editable with the article, and corrections, part of
the record once published (read-only, each with a link to withdraw it)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from articles import rights
from articles.models import Article, Byline, Correction
from core.clock import newsroom_time


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
