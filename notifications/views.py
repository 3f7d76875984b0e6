"""The signed one-click unsubscribe page and staff members' notification preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications import services
from notifications.forms import PreferenceForm
from notifications.models import MODERATOR_DIGEST, NotificationPreference, Suppression

INVALID_TEMPLATE = "notifications/unsubscribe_invalid.html"
KIND_NAMES = {
    MODERATOR_DIGEST: "the digest of comments waiting for moderation",
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
