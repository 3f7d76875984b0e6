"""Refusing cross-site form posts without a token, for forms on shared-cached pages.

The comment form sits on article pages that every reader gets as the same bytes from a
shared cache, so it cannot carry a per-visitor CSRF token. It needs none: a comment post
carries no login (the view never reads the session or the user), so a forged post can do
nothing a visitor could not do by posting the form themselves. What remains is to stop
other sites from making readers' browsers post for them, and browsers say where a
request comes from:

1. `Sec-Fetch-Site` (every current browser sends it, and pages cannot forge it): only
   `same-origin` (our own page) or `none` (typed, bookmarked) pass;
2. else `Origin` (older browsers on POST): `null` and any origin but this site's, or one
   in `CSRF_TRUSTED_ORIGINS` (Django's own check), are refused;
3. else `Referer`, when sent, must be one of those origins too;
4. with none of them (no browser a reader uses today) the post is accepted.

Everywhere a session exists (admin, moderation, preferences) Django's token check stays.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

SAME_SITE_FETCHES = frozenset({"same-origin", "none"})


def is_cross_site(request: HttpRequest) -> bool:
    """Did a page of another site make the browser send this request?"""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in SAME_SITE_FETCHES
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == "null" or not _origin_allowed(request, origin)
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        return not _origin_allowed(request, f"{parts.scheme}://{parts.netloc}")
    return False


@functools.cache
def _django_origins() -> CsrfViewMiddleware:
    # Django's own lists of trusted origins (exact and wildcard), built from the settings.
    return CsrfViewMiddleware(lambda request: HttpResponse())


def _origin_allowed(request: HttpRequest, origin: str) -> bool:
    """Django's origin check (CsrfViewMiddleware), for an origin from any header."""
    checker = _django_origins()
    original = request.META.get("HTTP_ORIGIN")
    request.META["HTTP_ORIGIN"] = origin
    try:
        return checker._origin_verified(request)
    finally:
        if original is None:
            del request.META["HTTP_ORIGIN"]
        else:
            request.META["HTTP_ORIGIN"] = original


def same_site_posts_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For views that take posts from shared-cached pages: no CSRF token, no cookie needed;
    a cross-site post gets 403 before the view runs, so nothing is stored."""

    @csrf_exempt
    @functools.wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and is_cross_site(request):
            return render(request, "403_cross_site.html", status=403)
        return view(request, *args, **kwargs)

    return checked
