"""The real front for tests: Varnish (with xkey) and nginx, started by scripts/stack.py on
free ports in front of a gunicorn serving the test database, as `make serve` runs them.
Used by tests/edge and the browser tests (import the fixtures into the test module)."""

from __future__ import annotations

import http.client
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.support.servers import ROOT, free_port, serve_test_database

sys.path.insert(0, str(ROOT / "scripts"))
from stack import Front  # noqa: E402


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def hit(self) -> bool:
        return self.headers["X-Cache"] == "hit"


class Edge:
    """The running front, and a reader's plain HTTP requests to it (no cookie jar)."""

    def __init__(self, front: Front) -> None:
        self.front = front
        self.url = front.url
        self.media_root = front.media_root

    def request(
        self, method: str, path: str, body: str | bytes | None = None, headers: dict | None = None
    ) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.front.port, timeout=30)
        try:
            connection.request(method, path, body, headers or {})
            response = connection.getresponse()
            return Answer(
                response.status, response.headers, response.read().decode("utf-8", "replace")
            )
        finally:
            connection.close()

    def get(self, path: str, **headers: str) -> Answer:
        return self.request(
            "GET", path, headers={k.replace("_", "-"): v for k, v in headers.items()}
        )

    def post(self, path: str, fields: dict[str, str], **headers: str) -> Answer:
        from urllib.parse import urlencode

        all_headers = {"Content-Type": "application/x-www-form-urlencoded"}
        all_headers |= {k.replace("_", "-"): v for k, v in headers.items()}
        return self.request("POST", path, urlencode(fields), all_headers)


@contextmanager
def running_edge(django_db_blocker, tmp_path_factory, **app_settings: str) -> Iterator[Edge]:
    """The front on free ports before a gunicorn serving the test database; `app_settings`:
    more of the app's settings (environment variables) for this front."""
    media = tmp_path_factory.mktemp("media")
    media.chmod(0o755)
    port = free_port()
    with django_db_blocker.unblock():
        server = serve_test_database(
            settings.REDIS_URL,
            "",
            SECRET_KEY=settings.SECRET_KEY,  # sessions made here are read there
            TRUSTED_PROXY_HOPS="1",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            MEDIA_ROOT=str(media),
            VARNISH_URLS=f"http://127.0.0.1:{port}",
            SITE_URL=f"http://127.0.0.1:{port}",
            **app_settings,
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


@pytest.fixture(scope="module")
def edge(django_db_setup, django_db_blocker, tmp_path_factory):
    with running_edge(django_db_blocker, tmp_path_factory) as running:
        yield running


@pytest.fixture
def purging(edge, settings):
    """Purges made in this test process go to the front, as the app's do."""
    settings.VARNISH_URLS = [edge.url]
    return edge
