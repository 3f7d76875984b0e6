"""What the article form's scripts talk to while someone writes: the edit lock
(static/js/article_lock.js), autosave (static/js/article_autosave.js), the photo notice
(static/js/photo_picker.js) and the social card's photo (static/js/article_card_preview.js);
and the context the form needs to start each of them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles import rights, services
from articles.admin import json_error
from articles.body import sanitise_body
from articles.models import Article
from core.clock import newsroom_time
from core.params import parse_id
from editorial import selectors as editorial_selectors
from editorial.admin.views import ArticleAdminView
from editorial.forms import AutosaveForm
from editorial.services import autosave as autosave_service
from editorial.services import locks
from photos.models import Photo


class LockView(ArticleAdminView):
    """The edit lock: take it over (a button), refresh it or let it go (the page's script)."""

    def post(self, request: HttpRequest, article_id: int):
        article = self.get_article(request, article_id)
        if not self.model_admin.has_change_permission(request, article):
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
            self.model_admin.message_user(
                request,
                "You are editing this article now. The person editing before you is told "
                "when they try to save over your changes.",
                messages.WARNING,
            )
            return redirect("admin:articles_article_change", article.pk)
        return HttpResponseBadRequest("Unknown lock action")


def lock_context(request: HttpRequest, article: Article) -> dict[str, Any]:
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


class AutosaveView(ArticleAdminView):
    """The form's text as typed, kept every few seconds by static/js/article_autosave.js
    (`action=discard` forgets it). Without an id: the new article the user is writing.
    JSON answers: 200 kept, 400 a bad post, 409 someone else holds the edit lock."""

    def post(self, request: HttpRequest, article_id: int | None = None):
        article = None
        if article_id is not None:
            article = self.get_article(request, article_id)
            if not self.model_admin.has_change_permission(request, article):
                raise PermissionDenied
        elif not self.model_admin.has_add_permission(request):
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


def autosave_context(request: HttpRequest, article: Article | None) -> dict[str, Any]:
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
            "when": newsroom_time(offer.created_at, with_date=at.date() != timezone.localdate()),
            "saved": article is not None
            and article.modified_at
            and newsroom_time(article.modified_at),
            "fields": offer.changes,
        }
    return context


class PhotoNoticeView(ArticleAdminView):
    """The notice again, for the form as it is now (unsaved): POST `hero_photo` (an id
    or empty) and `body`. Answers `{"html": …, "blocking": n}`."""

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any):
        return json_error(405, "POST only.")

    def post(self, request: HttpRequest) -> JsonResponse:
        model_admin = self.model_admin
        if not (
            model_admin.has_change_permission(request) or model_admin.has_add_permission(request)
        ) or not request.user.has_perm("photos.view_photo"):
            return json_error(403, "You cannot write articles.")
        hero = request.POST.get("hero_photo", "")
        try:
            hero_photo_id = parse_id(hero) if hero else None
        except ValueError:
            return json_error(400, "hero_photo must be a photo id.")
        body = sanitise_body(request.POST.get("body", ""))
        context = photo_notice_context(hero_photo_id, body, request.user)
        return JsonResponse(
            {
                "html": render_to_string(
                    "admin/articles/article/photo_notice_body.html", context, request=request
                ),
                "blocking": len(context["problems"]),
            }
        )


def photo_notice_context(hero_photo_id: int | None, body: str, user) -> dict:
    """Which photos stop publication and what each lacks; `editable`: whether this user
    may complete it (no user: none)."""
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


class CardPhotoView(ArticleAdminView):
    """The 16:9 crop of a photo chosen for the card, for the preview (JSON)."""

    def get(self, request: HttpRequest):
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied
        try:
            photo_id = parse_id(request.GET.get("id", ""))
        except ValueError:
            return JsonResponse({"error": "Give a photo's number."}, status=400)
        photo = Photo.objects.filter(pk=photo_id).first()
        if photo is None or not photo.image:
            return JsonResponse({"error": "No such photo."}, status=404)
        return JsonResponse({"url": photo.crop_url("16x9"), "alt": photo.alt_text})
