"""Real parts for the outbox's fault tests: an SMTP server we can stop, refuse with or stall,
our own redis-server as a broker we can take down, and real `celery worker` processes."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


class OutboxSMTP:
    """A real SMTP server (aiosmtpd) that can be stopped and restarted on the same port,
    can refuse mail (`mode = "tempfail"` or `"reject"`), and can stall in the middle of a
    transaction (`hold()`): the sender is then mid-delivery until `release()`."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list = []
        self.raw: list[bytes] = []
        self.mode = "accept"
        self.rcpt_started = threading.Event()
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()
        self.controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def hold(self) -> None:
        self.rcpt_started.clear()
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        self.rcpt_started.set()
        while not self._open.is_set():
            await asyncio.sleep(0.02)
        if self.mode == "tempfail":
            return "451 4.3.0 Mail server temporarily unavailable"
        if self.mode == "reject":
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self.raw.append(envelope.content)
        return "250 OK"

    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def wait_for(self, count: int, timeout: float = 20) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= count:
                with self._lock:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} emails, got {self.count()}")


@pytest.fixture
def mail_server(settings) -> Iterator[OutboxSMTP]:
    """The default mailer points at a real SMTP server this test controls."""
    server = OutboxSMTP()
    server.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    try:
        yield server
    finally:
        server.release()
        server.stop()


class RedisBroker:
    """Our own redis-server on a free port: a broker this test may take down and bring back."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tmp_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        executable = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [
                executable,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("our redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_broker(tmp_path) -> Iterator[RedisBroker]:
    broker = RedisBroker(tmp_path)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


def _reset_producer_pools(app) -> None:
    # Celery caches its broker connection pool; a new broker URL needs a fresh one.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def own_broker(redis_broker) -> Iterator[RedisBroker]:
    """This process publishes tasks to our own redis-server instead of the shared broker."""
    from newsroom.celery import app

    names = ("broker_url", "broker_write_url", "broker_read_url")
    before = {name: app.conf[name] for name in names}
    app.conf.update({name: redis_broker.url for name in names})
    _reset_producer_pools(app)
    try:
        yield redis_broker
    finally:
        app.conf.update(before)
        _reset_producer_pools(app)


class WorkerProcess:
    """A real `celery -A newsroom worker` process (solo pool: the task runs in this very
    process, so SIGKILL stops it mid-task) on the test database and the given broker."""

    def __init__(self, *, broker_url: str, smtp_port: int, log: Path, **extra_env: str) -> None:
        from newsroom.celery import app

        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "CELERY_BROKER_URL": broker_url,
            "CELERY_RESULT_BACKEND": app.conf.result_backend,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_URL": "",
            **extra_env,
        }
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        celery = str(Path(sys.executable).with_name("celery"))
        self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(
            [
                celery, "-A", "newsroom", "worker", "--include=tests.worker_tasks",
                "--pool=solo", "--loglevel=INFO",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as one
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if b" ready." in self.log.read_bytes():
                return
            if self.process.poll() is not None:
                raise AssertionError("worker exited:\n" + self.log.read_text()[-3000:])
            time.sleep(0.1)
        raise AssertionError("worker did not become ready:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        """SIGKILL: no cleanup, no acknowledgement, no goodbye to Postgres."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None
        self._log_file.close()


@pytest.fixture
def worker_processes(transactional_db, tmp_path) -> Iterator[list[WorkerProcess]]:
    """Collects the worker processes a test starts and stops every one of them."""
    started: list[WorkerProcess] = []
    try:
        yield started
    finally:
        for worker in started:
            worker.stop()


def start_worker_process(
    started: list[WorkerProcess], *, broker_url: str, smtp_port: int, tmp_path: Path, **env: str
) -> WorkerProcess:
    worker = WorkerProcess(
        broker_url=broker_url,
        smtp_port=smtp_port,
        log=tmp_path / f"worker-{len(started)}.log",
        **env,
    )
    started.append(worker)
    worker.start()
    return worker
