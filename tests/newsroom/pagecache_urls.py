"""A tiny URLconf for testing the page cache on its own."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import include, path

from newsroom.pagecache import CSRF_PLACEHOLDER, purge, tag_response

CALLS = {"count": 0}

PAGE = engines["django"].from_string(
    "<p>{{ text }}</p>"
    '<script nonce="{{ csp_nonce }}" type="application/ld+json">{}</script>'
    '<form method="post" action="/post/"><input type="hidden" name="csrfmiddlewaretoken" '
    f'value="{CSRF_PLACEHOLDER}"><button>Send</button></form>'
)


def article(request, pk):
    CALLS["count"] += 1
    html = PAGE.render({"text": f"article {pk} render {CALLS['count']}"}, request)
    return tag_response(HttpResponse(html), [f"article-{pk}", "home"])


def plain(request):
    CALLS["count"] += 1
    return tag_response(HttpResponse(f"plain {CALLS['count']}"), ["home"])


def post(request):
    return HttpResponse("posted")


def untagged(request):
    CALLS["count"] += 1
    return HttpResponse(f"untagged {CALLS['count']}")


def racing(request):
    """A page during whose rendering what it shows changes (a comment approved, say)."""
    CALLS["count"] += 1
    purge(["racing"])
    return tag_response(HttpResponse(f"racing {CALLS['count']}"), ["racing"])


def sets_cookie(request):
    CALLS["count"] += 1
    response = HttpResponse(f"cookie {CALLS['count']}")
    response.set_cookie("welcome", "seen")
    return tag_response(response, ["home"])


def flash(request):
    """Like a comment POST: a flash message, then a redirect to a public page."""
    messages.success(request, "Thanks, noted.")
    return redirect("/")


urlpatterns = [
    path("flash/", flash),
    path("racing/", racing),
    path("sets-cookie/", sets_cookie),
    path("a/<int:pk>/", article),
    path("plain/", plain),
    path("post/", post),
    path("untagged/", untagged),
    path("", include("newsroom.urls")),  # the site's own pages (its CSRF failure page uses them)
]
