"""/healthz: public, so it says which check failed and nothing about where things live."""

import json
import logging

import pytest

pytestmark = pytest.mark.django_db

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def test_a_failed_check_is_named_and_its_reason_only_logged(client, settings, caplog):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = UNREACHABLE_BROKER

    with caplog.at_level(logging.WARNING, logger="core.health"):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body == {
        "status": "down",
        "down": ["broker"],
        "checks": {"database": {"ok": True}, "cache": {"ok": True}, "broker": {"ok": False}},
    }
    text = response.content.decode()
    for detail in ("127.0.0.1", ":1", "redis", "refused", "Error"):
        assert detail not in text
    assert "broker is down" in caplog.text
    assert "refused" in caplog.text.lower() or "connect" in caplog.text.lower()


def test_all_up_is_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "ok"
