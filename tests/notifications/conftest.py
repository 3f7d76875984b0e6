"""Real parts for the outbox's fault tests: our own redis-server as a broker we can take down,
and real `celery worker` processes (tests/support/broker.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.broker import RedisBroker, WorkerProcess, reset_producer_pools


@pytest.fixture
def redis_broker(tmp_path) -> Iterator[RedisBroker]:
    broker = RedisBroker(tmp_path)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture
def own_broker(redis_broker) -> Iterator[RedisBroker]:
    """This process publishes tasks to our own redis-server instead of the shared broker."""
    from newsroom.celery import app

    names = ("broker_url", "broker_write_url", "broker_read_url")
    before = {name: app.conf[name] for name in names}
    app.conf.update({name: redis_broker.url for name in names})
    reset_producer_pools(app)
    try:
        yield redis_broker
    finally:
        app.conf.update(before)
        reset_producer_pools(app)


@pytest.fixture
def worker_processes(transactional_db, tmp_path) -> Iterator[list[WorkerProcess]]:
    """Collects the worker processes a test starts and stops every one of them."""
    started: list[WorkerProcess] = []
    try:
        yield started
    finally:
        for worker in started:
            worker.stop()
