"""A reader behind a shared cache, for tests of which pages a change makes stale.

It keeps what the app marks `public` and drops, at each purge, the pages whose
`Surrogate-Key` holds a purged key: Varnish's xkey rule, without starting Varnish. The
purge goes through the app's whole purge path (`core.pagecache.purge`) up to the HTTP
request, which lands here. tests/edge/ checks the same through the real Varnish.
"""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client

from core import pagecache

FRONT = "http://shared-cache.test"


class SharedCache:
    def __init__(self) -> None:
        self.client = Client()
        self.pages: dict[str, HttpResponse] = {}
        self.purges: list[tuple[list[str], bool]] = []

    def get(self, path: str, **extra) -> HttpResponse:
        """The page as a reader gets it, marked `X-Page-Cache: hit` or `miss`."""
        response = self.pages.get(path)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = self.client.get(path, **extra)
        control = response.get("Cache-Control", "")
        if "public" in control and "s-maxage=0," not in control:  # kept as fresh
            self.pages[path] = response
        response["X-Page-Cache"] = "miss"
        return response

    def purge(self, keys: list[str], *, soft: bool) -> None:
        self.purges.append((keys, soft))
        for path, response in list(self.pages.items()):
            if set(response["Surrogate-Key"].split()) & set(keys):
                del self.pages[path]


@pytest.fixture
def shared_cache(settings, monkeypatch) -> SharedCache:
    cache = SharedCache()
    settings.VARNISH_URLS = [FRONT]

    def send_purge(front: str, keys: list[str], *, soft: bool) -> None:
        assert front == FRONT
        cache.purge(keys, soft=soft)

    monkeypatch.setattr(pagecache, "send_purge", send_purge)
    return cache
