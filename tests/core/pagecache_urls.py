"""A tiny URLconf for testing the shared-page rules on their own."""

from django.http import HttpResponse
from django.urls import include, path

from core.pagecache import purge, tag_response


def article(request, pk):
    return tag_response(HttpResponse(f"article {pk}"), [f"article-{pk}", "home"])


def racing(request, how):
    """A page during whose rendering what it shows changes: a comment approved (an
    addition, a soft purge) or rejected (a removal, a hard one)."""
    if how in ("hard", "both"):
        purge(["racing"])
    if how in ("soft", "both"):
        purge(["racing"], soft=True)
    return tag_response(HttpResponse("racing"), ["racing"])


def sets_cookie(request):
    response = HttpResponse("cookie")
    response.set_cookie("welcome", "seen")
    return tag_response(response, ["home"])


def reads_session(request):
    request.session.get("anything")  # Django adds Vary: Cookie
    return tag_response(HttpResponse("session read"), ["home"])


def untagged(request):
    return HttpResponse("untagged")


urlpatterns = [
    path("racing/<str:how>/", racing),
    path("sets-cookie/", sets_cookie),
    path("reads-session/", reads_session),
    path("a/<int:pk>/", article),
    path("untagged/", untagged),
    path("", include("newsroom.urls")),
]
