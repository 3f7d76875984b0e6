"""Staff sign-in: where staff land after signing in (a moderator whose only work is the queue
goes straight to it; everyone else to the admin index or the page they asked for), and the
password reset offered on the sign-in page."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse

from notifications.services import password_reset_enqueue

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


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, for staff accounts, mailing through the outbox (retried, logged,
    never sent from the request) instead of straight from the request."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_staff)

    def save(self, **kwargs) -> None:
        with transaction.atomic():
            for user in self.get_users(self.cleaned_data["email"]):
                password_reset_enqueue(user=user)


# Django's own views, under /admin/ (private: never a shared page) in the admin's style; the
# admin's sign-in page links "Forgotten your password?" once `admin_password_reset` exists.
password_reset_urls = [
    path(
        "admin/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
