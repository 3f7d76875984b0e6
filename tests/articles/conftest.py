"""Fixtures shared by the articles tests."""

import pytest

from core import pagecache


@pytest.fixture
def purged(monkeypatch) -> list[list[str]]:
    """The keys of each call to the page cache's purge, sorted, in order (the real purge
    still runs, so cached pages go stale as they would)."""
    calls: list[list[str]] = []
    real = pagecache.purge

    def record(keys, **options):
        calls.append(sorted(set(keys)))
        real(keys, **options)

    monkeypatch.setattr(pagecache, "purge", record)
    return calls


@pytest.fixture
def editor_client(client, editor):
    """The test client, signed in as the editor."""
    client.force_login(editor)
    return client
