"""The signed one-click unsubscribe page, the double opt-in's confirm page, and staff
members' notification preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications import selectors, services
from notifications.forms import PreferenceForm
from notifications.models import (
    MAILBOX_CONFIRM,
    MODERATOR_DIGEST,
    NotificationPreference,
    Suppression,
)

INVALID_TEMPLATE = "notifications/unsubscribe_invalid.html"
CONFIRM_INVALID_TEMPLATE = "notifications/confirm_invalid.html"
KIND_NAMES = {
    MODERATOR_DIGEST: "the digest of comments waiting for moderation",
    MAILBOX_CONFIRM: "requests to confirm emails about comments",
    "comment_published": "emails when your comments are published",
    "comment_reply": "emails when someone replies to your comments",
    "article_submitted": "emails when an article is submitted for review",
    "article_returned": "emails when your article is sent back with a note",
    "article_published": "emails when your article goes live",
}


# Mail clients POST here without a CSRF token (RFC 8058 one-click); the signed, expiring
# token in the URL is what authorises the change, and all it can do is stop mail.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        recipient, kind = services.unsubscribe_read(token)
    except signing.SignatureExpired:
        return render(
            request, "notifications/unsubscribe_invalid.html", {"expired": True}, status=400
        )
    except signing.BadSignature:
        return render(
            request, "notifications/unsubscribe_invalid.html", {"expired": False}, status=400
        )
    context = {"kind_name": KIND_NAMES.get(kind, kind.replace("_", " ")), "done": False}
    # GET only asks: link scanners and previews fetch URLs, and must not unsubscribe anyone.
    if request.method == "POST":
        services.notification_unsubscribe(recipient=recipient, kind=kind)
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)


# Like unsubscribing, the signed, expiring, single-use token in the URL is what authorises
# this, and only the mailbox it was mailed to holds it; never cached, it answers once.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        recipient, nonce = services.confirm_read(token)
    except signing.SignatureExpired:
        return render(request, CONFIRM_INVALID_TEMPLATE, {"problem": "expired"}, status=410)
    except signing.BadSignature:
        return render(request, CONFIRM_INVALID_TEMPLATE, {"problem": "invalid"}, status=400)
    # GET only asks: mail scanners open every link in a message, and must confirm nobody.
    if request.method == "POST":
        confirmed = services.mailbox_confirm(recipient=recipient, nonce=nonce)
    else:
        confirmed = selectors.mailbox_link_usable(recipient=recipient, nonce=nonce)
    if not confirmed:
        return render(request, CONFIRM_INVALID_TEMPLATE, {"problem": "used"}, status=410)
    return render(request, "notifications/confirm.html", {"done": request.method == "POST"})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    preference = NotificationPreference.objects.filter(user=request.user).first()
    suppressed = Suppression.objects.filter(
        email=request.user.email.strip().lower(), kind=MODERATOR_DIGEST
    ).exists()
    initial = {
        "moderator_digest": (preference is None or preference.moderator_digest) and not suppressed
    }
    # An unticked box sends nothing at all, so an empty POST is still a submission.
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.notification_preference_set(
            user=request.user, moderator_digest=form.cleaned_data["moderator_digest"]
        )
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
