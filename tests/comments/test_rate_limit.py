"""The rate limit's counting against real Redis (issue 7): one round trip, no lost count, and
no "Key not found" when a window expires between creating and counting it."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from redis import Redis

from comments.services import Rejection, comment_submit, rate_windows_count
from tests.support.comments import submission

pytestmark = pytest.mark.django_db


def test_a_window_is_created_with_its_expiry_and_counted_in_one_go(settings):
    assert rate_windows_count([("rate-test:a", 60), ("rate-test:b", 86400)]) == [1, 1]
    assert rate_windows_count([("rate-test:a", 60), ("rate-test:b", 86400)]) == [2, 2]
    assert cache.get("rate-test:a") == 2  # readable through the cache like any value
    redis = Redis.from_url(settings.CACHES["default"]["LOCATION"])
    assert 60 < redis.ttl(cache.make_and_validate_key("rate-test:a")) <= 65  # just past its window


def test_a_window_that_expired_just_before_counting_starts_again_at_one():
    rate_windows_count([("rate-test:gone", 60)])
    cache.delete("rate-test:gone")  # what Redis does when the window's lifetime ends
    assert rate_windows_count([("rate-test:gone", 60)]) == [1]


def test_concurrent_posters_each_get_their_own_count():
    totals: list[int] = []
    start = threading.Barrier(20)

    def count() -> None:
        start.wait()
        totals.extend(rate_windows_count([("rate-test:busy", 60)]))

    threads = [threading.Thread(target=count) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(totals) == list(range(1, 21))


def test_the_limit_refuses_the_one_over_it(article, settings):
    settings.COMMENTS_RATE_PER_MINUTE = 2
    results = [
        comment_submit(submission=submission(article, body=f"Point {n}", email=f"r{n}@example.net"))
        for n in range(3)
    ]
    assert [r.rejected for r in results] == ["", "", Rejection.RATE]


def test_without_redis_the_cache_counts_the_windows_itself(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert rate_windows_count([("rate-test:local", 60)]) == [1]
    assert rate_windows_count([("rate-test:local", 60)]) == [2]
