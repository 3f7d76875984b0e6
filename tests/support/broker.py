"""A broker and workers of our own: a redis-server on a free port that a test may take down and
bring back, and real `celery -A newsroom worker` processes on the test database."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from tests.support.servers import ROOT, free_port


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


def reset_producer_pools(app) -> None:
    # Celery caches its broker connection pool; a new broker URL needs a fresh one.
    app._pool = None
    app.amqp._producer_pool = None


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
