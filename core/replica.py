"""Send public page reads to a Postgres read replica, when one is configured.

Only requests for shared public pages (anonymous GET/HEAD outside admin, moderation and
the readers' own preferences; `core.pagecache.is_shared_request`) read from the replica:
they tolerate a second of replication lag, whereas an editor who just saved must read
their own write. Everything else, and every write, uses the primary.
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.pagecache import is_shared_request

_reads_from_replica: ContextVar[bool] = ContextVar("reads_from_replica", default=False)


def reads_from_replica() -> bool:
    """Does this request read from the replica (a public page, with a replica configured)?"""
    return _reads_from_replica.get() and "replica" in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if _reads_from_replica.get() and "replica" in settings.DATABASES:
            return "replica"
        return None

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the same data as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"


class ReplicaReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _reads_from_replica.set(is_shared_request(request))
        try:
            return self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
