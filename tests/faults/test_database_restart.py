"""The database restarts under traffic: clean 503s meanwhile, recovery without a restart."""

import pytest

from tests.faults.cluster import Cluster, Server, manage


@pytest.fixture
def cluster():
    cluster = Cluster()
    cluster.start()
    yield cluster
    cluster.destroy()


def test_a_database_restart_gives_clean_503s_then_recovers_by_itself(cluster, settings):
    env = {
        "DATABASE_URL": cluster.url,
        "DEBUG": "false",
        "SECRET_KEY": "fault-test-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "CELERY_BROKER_URL": "",
        "REDIS_URL": "",
        "PAGE_CACHE_ENABLED": "false",
    }
    manage(env, "migrate", "--noinput", "-v0")
    server = Server(env)
    try:
        assert server.get("/")[0] == 200

        cluster.stop()
        status, body = server.get("/")
        assert status == 503
        assert "We'll be right back" in body
        assert "Traceback" not in body
        health_status, health = server.get("/healthz")
        assert health_status == 503
        assert '"database"' in health

        cluster.start()
        # CONN_HEALTH_CHECKS: the dead connection is replaced on the next request.
        assert [server.get("/")[0] for _ in range(4)] == [200] * 4
    finally:
        server.stop()
