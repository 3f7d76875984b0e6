"""Page-cache purges gathered per transaction: one `pagecache.purge` per commit.

A workflow action saves an article, logs it, marks it live, all in one transaction, and
several of those steps make pages stale. Each step says which through `purge_on_commit`;
the keys are purged together, once, when the transaction commits (never before: no reader
may re-cache the old page in between). Every purge moves the purge counter and empties
every process's kept pages, so one purge per action, not one per step, matters.

An article's keys depend on the lists of cards it is on once the change is committed (a
desk, byline or topic set by the admin's inlines after the save), so they are worked out
at commit time, once per article however many times it was saved.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from django.db import transaction

from core import pagecache

if TYPE_CHECKING:
    from collections.abc import Iterable

    from articles.models import Article

_order = itertools.count()


class _Purge:
    """What one call made stale. Each call registers its own commit callback (so a
    savepoint rolled back drops its callback as Django drops any), and the first callback
    that runs purges its own call's keys and those of every call made after it that is not
    purged yet: at a commit, that is the whole transaction in one purge. Calls made before
    it are left out: their transaction rolled back, or (in tests, which run callbacks by
    hand) they are not being committed now."""

    def __init__(self, pending: list[_Purge]) -> None:
        self.order = next(_order)
        self.pending = pending
        self.keys: set[str] = set()
        self.articles: dict[int, Article] = {}
        self.done = False

    def run(self) -> None:
        if self.done:
            return
        batch = [self, *(p for p in self.pending if not p.done and p.order > self.order)]
        keys: set[str] = set()
        articles: dict[int, Article] = {}
        for purge in batch:
            purge.done = True
            keys |= purge.keys
            articles |= purge.articles
        self.pending[:] = [p for p in self.pending if not p.done]
        for article in articles.values():
            keys.update(article.cache_keys())
        pagecache.purge(keys)  # through the module: tests watch it there


def purge_on_commit(
    keys: Iterable[str] = (), *, articles: Iterable[Article] = (), using: str | None = None
) -> None:
    """Purge `keys`, and each of `articles`' page and lists of cards as they are once
    committed, when the current transaction commits (at once outside one). All the calls
    of one transaction make one purge: a key named twice, or an article saved twice, is
    purged once. Keys named inside a savepoint that rolls back are purged all the same: a
    page made stale for nothing costs one render; a stale page left cached would be wrong."""
    connection = transaction.get_connection(using)
    pending: list[_Purge] | None = getattr(connection, "_articles_pending_purges", None)
    if pending is None:
        pending = connection._articles_pending_purges = []
    purge = _Purge(pending)
    purge.keys.update(keys)
    for article in articles:
        purge.articles.setdefault(article.pk, article)
    if not connection.in_atomic_block:
        purge.run()
        return
    if not connection.run_on_commit:  # none of the earlier calls will run: rolled back
        pending.clear()
    pending.append(purge)
    connection.on_commit(purge.run)
