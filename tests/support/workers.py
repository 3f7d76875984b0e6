"""Parallel test runs (`pytest -n 2`, pytest-xdist): each worker its own Redis databases.

pytest-django already gives each worker its own test database (`test_newsroom_gw0`, ...).
Redis would be shared: one worker's cache clearing would empty the other's, and an
in-process Celery worker would take the other's tasks. So each worker moves the cache and
the broker to database numbers of its own, past the two a serial run uses, before any test
opens a connection (tests/conftest.py's `pytest_configure`). A serial run is left alone.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16  # Redis's default `databases`


def worker_database(url: str, worker: int) -> str:
    """`url` moved to database `n + 2 * (worker + 1)`, where `n` is the one it names."""
    parts = urlsplit(url)
    moved = int(parts.path.strip("/") or 0) + 2 * (worker + 1)
    if moved >= REDIS_DATABASES:
        raise SystemExit(f"pytest -n: too many workers for Redis's {REDIS_DATABASES} databases")
    return urlunsplit(parts._replace(path=f"/{moved}"))


def use_own_redis_databases() -> None:
    name = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", ... only in a worker
    if not name:
        return
    from django.conf import settings

    from newsroom.celery import app

    worker = int(name.removeprefix("gw"))
    cache = settings.CACHES["default"]
    if "LOCATION" in cache:
        cache["LOCATION"] = worker_database(cache["LOCATION"], worker)
        os.environ["REDIS_URL"] = cache["LOCATION"]
    if settings.CELERY_BROKER_URL:
        broker = worker_database(settings.CELERY_BROKER_URL, worker)
        settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = broker
        app.conf.broker_url = app.conf.result_backend = broker
        # Celery reads CELERY_BROKER_URL from the environment before its own configuration,
        # and the processes a test starts (manage.py, gunicorn) read only the environment.
        os.environ["CELERY_BROKER_URL"] = broker
