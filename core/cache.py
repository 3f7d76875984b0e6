"""Django's Redis cache backend, keeping one `redis.Redis` client per connection pool.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache call,
and its constructor fills a table of some 170 response callbacks: more work than the
loopback round trip itself, on every rate-limit count and page-version read. A
`redis.Redis` holds no connection of its own (its pool does) and is safe to share between
threads, so one per pool is enough.

It also skips Django's key validation, which warns about keys memcached would refuse,
checking them a character at a time: Redis takes any key, and a page's versions are read
with a dozen keys at once. Everything else is Django's backend unchanged.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def validate_key(self, key) -> None:
        """Redis accepts any key (see the module docstring)."""

    # Pub/sub for the page cache's purge messages (newsroom/pagefront.py). Always on the
    # primary: replicas relay PUBLISH, but a subscriber there would add the replica's lag.
    def publish(self, name: str, message: str) -> None:
        self._cache.get_client(write=True).publish(self.channel(name), message)

    def pubsub(self):
        return self._cache.get_client(write=True).pubsub()

    def channel(self, name: str) -> str:
        """A channel name as private as this cache's keys: channels are server-wide, not
        per database, so the database number is part of it."""
        pool = self._cache._get_connection_pool(True)
        return f"{self.make_key(name)}@{pool.connection_kwargs.get('db', 0)}"
