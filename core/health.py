"""/healthz: is each part we depend on reachable right now?

Public (load balancers and uptime checks call it without credentials), so it answers
which check failed and no more; why it failed is in the logs."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("healthz", "ok", 5)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")


def _broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # no broker configured: tasks run in-process
    from kombu import Connection

    # A fresh connection, not the pool's: a pooled one can hide a broker that just died.
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=1) as conn:
        conn.ensure_connection(max_retries=0, timeout=1)


CHECKS = {"database": _database, "cache": _cache, "broker": _broker}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # any failure means "down"
            # The reason names hosts and ports: it goes to the logs, never to the public.
            logger.warning("healthz: %s is down", name, exc_info=True)
            results[name] = {"ok": False}
        else:
            results[name] = {"ok": True}
    down = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "ok" if not down else "down", "down": down, "checks": results}
    return JsonResponse(body, status=503 if down else 200)


@never_cache
def livez(request: HttpRequest) -> JsonResponse:
    """The front's health probe: can this process answer pages? Pages render from the
    database alone (Redis and the broker down only slow them), so it checks only that."""
    try:
        _database()
    except Exception as exc:
        logger.warning("livez: database is down: %s", exc)
        return JsonResponse({"status": "down"}, status=503)
    return JsonResponse({"status": "ok"})
