"""The real front (Varnish, nginx, gunicorn on the test database) for the live blog's tests,
with a short poll interval so a browser test waits seconds, not tens of seconds. Built as
tests/front.py builds its `edge`."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore

from tests.support.front import running_edge

POLL_SECONDS = 2


@pytest.fixture(scope="module")
def live_edge(django_db_setup, django_db_blocker, tmp_path_factory):
    with running_edge(
        django_db_blocker, tmp_path_factory, LIVE_POLL_SECONDS=str(POLL_SECONDS)
    ) as running:
        yield running


@pytest.fixture
def live_purging(live_edge, settings):
    """Purges made in this test process go to the front, as the app's do."""
    settings.VARNISH_URLS = [live_edge.url]
    return live_edge


def session_cookie(user) -> str:
    """A signed-in session for `user`, as the admin's login would make it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = get_user_model().objects.get(pk=user.pk).get_session_auth_hash()
    session.save()
    return session.session_key
