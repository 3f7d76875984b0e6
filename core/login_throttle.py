"""Admin login throttling, kept in the cache we already run (Redis).

Why not django-axes: it adds tables, a backend and middleware for one rule we can state
in forty lines; Redis counters expire by themselves and are shared by every web process.

Rule: after LOGIN_FAILURE_LIMIT failed attempts for one (IP, username) pair within
LOGIN_LOCKOUT_SECONDS, that pair is locked out for LOGIN_LOCKOUT_SECONDS; one IP failing
across many usernames (LOGIN_IP_FAILURE_LIMIT) is locked out too. Other pairs, such as
the real user signing in from their own address, are not affected; a success clears the
pair's counter.
"""

import hashlib
import logging
import unicodedata
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from core.client import client_key

logger = logging.getLogger(__name__)

LOGIN_PATH = "/admin/login/"
LOCKED_MESSAGE = (
    "Too many failed sign-in attempts. For your security, sign-in from this address for this "
    "account is paused for {minutes} minutes. Ask an administrator if you need in sooner."
)


def _key(*parts: str) -> str:
    return "login-fail:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def normalised_username(username: str) -> str:
    """The account a typed username counts against: NFKC, as Django's sign-in form applies
    before looking the user up (so "ｅditor" signs in as "editor"), then casefolded, so
    neither a look-alike nor a change of case starts a fresh count."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


class LoginThrottleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path != LOGIN_PATH:
            return self.get_response(request)
        ip = client_key(request)
        username = normalised_username(request.POST.get("username", ""))
        pair_key, ip_key = _key("pair", ip, username), _key("ip", ip)
        try:
            counts = cache.get_many([pair_key, ip_key])
        except Exception:  # Redis down: fail open (documented), staff can still sign in
            logger.warning("login throttle unavailable: cache down", exc_info=True)
            return self.get_response(request)
        if (
            counts.get(pair_key, 0) >= settings.LOGIN_FAILURE_LIMIT
            or counts.get(ip_key, 0) >= settings.LOGIN_IP_FAILURE_LIMIT
        ):
            logger.warning("admin login locked out for %r from %s", username, ip)
            return self._locked(request)
        response = self.get_response(request)
        try:
            if response.status_code == 302:  # signed in
                cache.delete(pair_key)
            elif response.status_code == 200:  # the form again: wrong credentials
                for key in (pair_key, ip_key):
                    cache.add(key, 0, settings.LOGIN_LOCKOUT_SECONDS)
                    cache.incr(key)
        except Exception:
            logger.warning("login throttle could not count an attempt", exc_info=True)
        return response

    def _locked(self, request: HttpRequest) -> HttpResponse:
        from django.contrib import admin
        from django.contrib.auth.forms import AuthenticationForm

        form = AuthenticationForm(request)
        message = LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_SECONDS // 60)
        context = {
            **admin.site.each_context(request),
            "title": "Log in",
            "form": form,
            "app_path": request.get_full_path(),
            "lockout_message": message,
        }
        response = TemplateResponse(request, "admin/login.html", context, status=429)
        response.render()
        return response
