"""The outbox's settings: beat runs its jobs, bad values stop start-up, HTTPS links."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_beat_runs_the_resend_sweep_and_the_digest_flush_every_minute():
    from newsroom.celery import app

    app.loader.import_default_modules()
    jobs = {
        entry["task"]: entry["schedule"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"].startswith("notifications.")
    }
    assert jobs == {"notifications.sweep": 60.0, "notifications.flush_digests": 60.0}
    assert set(jobs) <= set(app.tasks)


def test_delivery_tasks_are_acks_late_idempotent_and_time_limited():
    from notifications.tasks import deliver_notification, flush_digests, sweep_notifications

    for task in (deliver_notification, sweep_notifications, flush_digests):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
        assert 0 < task.soft_time_limit < task.time_limit


def _manage(*args: str, **overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG"))}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="news.example.org",
        SITE_URL="https://news.example.org",
        EMAIL_URL="smtp://mailer:secret@smtp.example.org:587",
        EMAIL_USE_TLS="true",
    )
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_deploy_check_warns_when_mail_links_would_not_be_https():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", SITE_URL="http://news.example.org"
    )
    assert result.returncode != 0
    assert "notifications.W001" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("NOTIFICATIONS_MAX_ATTEMPTS", "0", "must be at least 1"),
        ("NOTIFICATIONS_DIGEST_WINDOW", "-5", "must not be negative"),
        ("NOTIFICATIONS_IMMEDIATE", "sometimes", "must be true or false"),
        ("NOTIFICATIONS_BACKOFF_SECONDS", "a minute", "must be a whole number"),
    ],
)
def test_a_bad_outbox_setting_stops_start_up_with_one_line(variable, value, problem):
    result = _manage("check", **{variable: value})
    assert result.returncode != 0
    lines = [line for line in result.stderr.strip().splitlines() if line]
    assert len(lines) == 1
    assert variable in lines[0] and problem in lines[0]
