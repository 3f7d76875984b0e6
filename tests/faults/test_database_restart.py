"""The database restarts under traffic: clean 503s meanwhile, recovery without a restart, and
no comment that was answered with a 303 is missing afterwards."""

import threading
import time

import psycopg
import pytest

from tests.faults.traffic import Reader, Tally
from tests.support.servers import Cluster, Server, manage

MAKE_ARTICLE = (
    "from tests.support.factories import ArticleFactory; "
    "print(ArticleFactory(slug='outage', headline='Through the outage').get_absolute_url())"
)


@pytest.fixture
def cluster():
    cluster = Cluster()
    cluster.start()
    yield cluster
    cluster.destroy()


def test_a_database_restart_gives_clean_503s_then_recovers_and_loses_no_accepted_comment(
    cluster, settings
):
    env = {
        "DATABASE_URL": cluster.url,
        "DEBUG": "false",
        "SECRET_KEY": "fault-test-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "CELERY_BROKER_URL": "",
        "REDIS_URL": "",
        "COMMENTS_RATE_PER_MINUTE": "100000",
        "COMMENTS_RATE_PER_DAY": "100000",
    }
    manage(env, "migrate", "--noinput", "-v0")
    path = manage(env, "shell", "--no-imports", "-c", MAKE_ARTICLE).strip()
    server = Server(env)
    try:
        assert server.get("/")[0] == 200
        # Forms fetched before the outage, posted one after another through it.
        reader = Reader(server.port, "outage")
        forms = [reader.fetch_form(path) for _ in range(40)]
        assert all(forms)
        tally = Tally()
        outage_over = threading.Event()

        def post_through_the_outage() -> None:
            for n, form in enumerate(forms):
                if tally.statuses.get(503, 0) >= 3:
                    outage_over.wait(60)  # keep the rest of the forms for after the restart
                body = f"Comment {n} sent while the database restarts."
                tally.record(reader.post(path, form, body), body)
                time.sleep(0.05)

        poster = threading.Thread(target=post_through_the_outage, daemon=True)
        poster.start()
        while tally.statuses.get(303, 0) < 5:  # some accepted before the outage
            time.sleep(0.05)

        cluster.stop()
        status, body = server.get("/")
        assert status == 503
        assert "We'll be right back" in body
        assert "Traceback" not in body
        health_status, health = server.get("/healthz")
        assert health_status == 503
        assert '"database"' in health
        time.sleep(1)  # comments keep arriving while it is down

        cluster.start()
        outage_over.set()
        # CONN_HEALTH_CHECKS: the dead connection is replaced on the next request.
        assert [server.get("/")[0] for _ in range(4)] == [200] * 4
        poster.join(60)
        assert not poster.is_alive()
    finally:
        server.stop()

    assert set(tally.statuses) <= {303, 503}, tally.statuses  # no 500s, no dropped requests
    assert tally.statuses.get(503), "no comment was posted during the outage"
    with psycopg.connect(cluster.url) as db:
        stored = [row[0] for row in db.execute("SELECT body FROM comments_comment")]
    assert set(tally.accepted) <= set(stored)  # every comment answered with a 303 is there
    assert len(stored) == len(set(stored))  # and none is there twice
    assert len(tally.accepted) > len(forms) // 2  # most were accepted, before and after
