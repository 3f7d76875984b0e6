"""Shared fixtures: personas, a temp MEDIA_ROOT, a real Celery worker, a real SMTP server."""

import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group, User

from tests.browser import browser, page  # noqa: F401 - the real-browser fixtures, suite-wide
from tests.shared_cache import shared_cache  # noqa: F401 - a reader behind a shared cache


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


def _user(username: str, *, group: str | None = None, staff: bool = False, **extra) -> User:
    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password="pw-" + username,
        is_staff=staff,
        **extra,
    )
    if group:
        user.groups.add(_role_group(group))
    return user


def _role_group(name: str) -> Group:
    """The role's group, as production has it: made by the data migration and again after
    every flush of a transactional test (core/roles.py)."""
    return Group.objects.get(name=name)


@pytest.fixture
def reader(db) -> User:
    """A signed-in member of the public: no staff rights at all."""
    return _user("reader")


# The reporter and editor personas work on every desk (issue 8's `work_on_every_desk`
# right), so tests of a role stay about the role; desk rights are tested with desk members
# in tests/articles/test_desk_rights.py.
def _every_desk(user: User) -> User:
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from articles.models import Article

    ContentType.objects.clear_cache()  # a transactional test's flush made them anew
    permission, _ = Permission.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Article),
        codename="work_on_every_desk",
        defaults={"name": "Can write and publish for every desk"},
    )
    user.user_permissions.add(permission)
    return user


@pytest.fixture
def reporter(db) -> User:
    return _every_desk(_user("reporter", group="Reporters", staff=True))


@pytest.fixture
def editor(db) -> User:
    return _every_desk(_user("editor", group="Editors", staff=True))


@pytest.fixture
def moderator(db) -> User:
    return _user("moderator", group="Moderators", staff=True)


@pytest.fixture
def outsider(db) -> User:
    """Staff, but in no group: can log in to admin and do nothing."""
    return _user("outsider", staff=True)


@pytest.fixture
def superuser(db) -> User:
    return _user("root", staff=True, is_superuser=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def celery_worker(transactional_db) -> Iterator[object]:
    """A real Celery worker thread consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from newsroom.celery import app

    assert os.environ.get("CELERY_BROKER_URL"), "tests need a real broker (make test sets it)"
    app.conf.task_always_eager = False
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = False


class SMTPSink:
    """A real SMTP server (aiosmtpd) on a free port that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.port = free_port()
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        from email import message_from_bytes, policy

        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 15) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} emails, got {len(self.messages)}")


@pytest.fixture
def smtp_server(settings) -> Iterator[SMTPSink]:
    """Point the default mailer at a real SMTP server for this test."""
    sink = SMTPSink()
    sink.controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": sink.port, "timeout": 5},
        }
    }
    try:
        yield sink
    finally:
        sink.controller.stop()


SLOW_FOLDERS = {"e2e": pytest.mark.e2e, "faults": pytest.mark.faults, "edge": pytest.mark.faults}


def pytest_collection_modifyitems(items) -> None:
    """Mark by folder, so `pytest -m "not e2e and not faults"` is the fast loop."""
    for item in items:
        parts = item.path.parts
        for folder, mark in SLOW_FOLDERS.items():
            if folder in parts[parts.index("tests") + 1 : parts.index("tests") + 2]:
                item.add_marker(mark)
