"""The walking skeleton: every real part (Postgres, Redis, Celery, SMTP) is really there."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import connection

from core import tasks

ROOT = Path(__file__).resolve().parent.parent


def test_the_test_database_is_postgres(db):
    assert connection.vendor == "postgresql"


def test_the_cache_is_redis_and_round_trips():
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    cache.set("roundtrip", {"a": 1}, 30)
    assert cache.get("roundtrip") == {"a": 1}


def test_a_real_worker_runs_a_task_and_returns_its_result(celery_worker):
    result = tasks.ping.delay()
    assert result.get(timeout=20) == "pong"


def test_the_same_task_runs_eagerly_without_a_broker():
    env = {**os.environ, "DEBUG": "true", "CELERY_BROKER_URL": "", "DATABASE_URL": ""}
    code = (
        "import django; django.setup(); from core import tasks; "
        "r = tasks.ping.delay(); print(r.get(), tasks.ping.app.conf.task_always_eager)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["pong", "True"]


def test_the_worker_delivers_email_to_a_real_smtp_server(celery_worker, smtp_server):
    tasks.send_plain_email.delay(
        to=["desk@example.org"], subject="Hello", body="From the worker"
    ).get(timeout=20)
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "desk@example.org"
    assert message["Subject"] == "Hello"
    assert "From the worker" in message.get_content()


def test_email_from_the_web_process_uses_mailers(smtp_server):
    EmailMessage(subject="Direct", body="hi", to=["a@example.org"]).send(using="default")
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Direct"


def test_healthz_reports_every_part_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}


def test_healthz_names_the_part_that_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]


def test_home_page_shows_the_site_name(client, db, settings):
    settings.SITE_NAME = "The Test Gazette"
    response = client.get("/")
    assert response.status_code == 200
    assert b"The Test Gazette" in response.content
    assert b'href="#main"' in response.content  # skip link


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/no/such/page/at/all/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def _start(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"DEBUG": "maybe", "SECRET_KEY": "x"}, "DEBUG"),
        ({"DEBUG": "true", "DATABASE_URL": "postgres//broken"}, "DATABASE_URL"),
        ({"DEBUG": "true", "DATABASE_URL": "nosuchdb://u@h/x"}, "DATABASE_URL"),
        ({"DEBUG": "false", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        ({"DEBUG": "true", "REDIS_URL": "http://nope"}, "REDIS_URL"),
    ],
)
def test_bad_configuration_stops_start_up_with_one_line(overrides, variable):
    result = _start(overrides)
    assert result.returncode != 0
    lines = [line for line in result.stderr.strip().splitlines() if line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: " + variable)
