"""The article admin's actions: bulk actions on the list and buttons on the article's own
page, each run through the workflow's services, saying what it did to each article."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles.admin import BOTH_LOCATIONS
from articles.models import Article
from core.clock import newsroom_time
from editorial.admin.share_links import share_link_address
from editorial.admin.views import article_page
from editorial.forms import UnpublishForm
from editorial.services import share_links, workflow


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


class ArticleActions:
    """Mixed into ArticleAdmin, which lists these in its `actions` and says who may run
    them (`has_publish_permission`, `has_share_permission`)."""

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
        return article_page(
            self,
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
