"""The real front (Varnish, nginx, gunicorn on the test database) for the live blog's tests,
with a short poll interval so a browser test waits seconds, not tens of seconds. Built as
tests/front.py builds its `edge`."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore

from tests.support.front import Edge, Front
from tests.support.servers import free_port, serve_test_database

POLL_SECONDS = 2


@pytest.fixture(scope="module")
def live_edge(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    media.chmod(0o755)
    port = free_port()
    with django_db_blocker.unblock():
        server = serve_test_database(
            settings.REDIS_URL,
            "",
            SECRET_KEY=settings.SECRET_KEY,
            TRUSTED_PROXY_HOPS="1",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            MEDIA_ROOT=str(media),
            VARNISH_URLS=f"http://127.0.0.1:{port}",
            SITE_URL=f"http://127.0.0.1:{port}",
            LIVE_POLL_SECONDS=str(POLL_SECONDS),
        )
    front = Front(
        port=port,
        app_port=server.port,
        files_port=free_port(),
        static_root=Path(settings.STATIC_ROOT),
        media_root=media,
    )
    try:
        front.start()
        front.wait_ready()
        yield Edge(front)
    finally:
        front.stop()
        server.stop()


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
