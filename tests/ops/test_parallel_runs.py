"""`pytest -n 2`: each worker process publishes to and consumes from its own broker database.
Two workers on one broker take each other's tasks and run them against the wrong test
database (mail never sent, articles never live): the fast loop failed a dozen worker tests."""

import os

import pytest

from newsroom.celery import app
from tests.support.workers import use_own_redis_databases, worker_database


@pytest.fixture
def as_worker_gw3(monkeypatch, settings):
    """This process as the fourth xdist worker of a run on `make test`'s Redis databases;
    settings, the app and the environment come back after the test."""
    cache, broker = "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")
    monkeypatch.setenv("CELERY_BROKER_URL", broker)
    monkeypatch.setenv("REDIS_URL", cache)
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": cache}}
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = broker
    for name in ("broker_url", "result_backend"):
        monkeypatch.setitem(app.conf, name, broker)
    return cache, broker


def test_a_worker_moves_the_broker_celery_reads_and_its_children_inherit(as_worker_gw3, settings):
    cache, broker = as_worker_gw3

    use_own_redis_databases()

    own_cache, own_broker = "redis://127.0.0.1:6379/8", "redis://127.0.0.1:6379/9"
    with app.connection_for_write() as connection:  # what a publisher and `start_worker` use
        assert connection.as_uri(include_password=True) == own_broker
    assert app.conf.broker_url == app.conf.result_backend == own_broker
    assert settings.CACHES["default"]["LOCATION"] == own_cache
    assert (os.environ["CELERY_BROKER_URL"], os.environ["REDIS_URL"]) == (own_broker, own_cache)


def test_no_two_workers_nor_a_serial_run_share_a_redis_database():
    cache, broker = "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"  # `make test`'s
    moved = [worker_database(url, worker) for worker in range(7) for url in (cache, broker)]
    assert len(set(moved) | {cache, broker}) == 2 + 7 * 2
    with pytest.raises(SystemExit, match="too many workers"):
        worker_database("redis://127.0.0.1:6379/1", 7)
