"""Where staff land after signing in: a moderator whose only work is the queue goes
straight to it; everyone else to the admin index (or the page they asked for)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

MODERATE_PERMISSION = "comments.moderate_comment"
QUEUE_URL = "/moderation/"


def moderates_only(user: AbstractBaseUser) -> bool:
    """A moderator with no other admin rights: besides the comments app, they may only look
    (the articles they moderate comments on), never add, change or publish."""
    if not user.is_active or user.is_superuser or not user.has_perm(MODERATE_PERMISSION):
        return False
    return all(
        perm.startswith("comments.") or perm.split(".", 1)[1].startswith("view_")
        for perm in user.get_all_permissions()
    )


def staff_login(request: HttpRequest) -> HttpResponse:
    """Django admin's own sign-in, landing moderators on the queue: only when they asked for
    no particular page (the admin index is the default landing)."""
    response = admin.site.login(request)
    landed = isinstance(response, HttpResponseRedirect) and response.url == reverse("admin:index")
    if request.method == "POST" and landed and moderates_only(request.user):
        return HttpResponseRedirect(QUEUE_URL)
    return response
