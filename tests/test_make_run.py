"""`make run` itself: a fresh SQLite newsroom served on a free port, /healthz answers."""

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.faults  # starts `make run`, a server of its own


def test_make_run_serves_healthz_and_home_with_sqlite(tmp_path):
    # Copy the checkout so the SQLite file and its migrations stay out of the work tree;
    # reuse the existing virtualenv through a symlink so nothing is reinstalled.
    work = tmp_path / "checkout"
    shutil.copytree(
        ROOT,
        work,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "media", "staticfiles", "db.sqlite3", "__pycache__"
        ),
    )
    (work / ".venv").symlink_to(ROOT / ".venv")
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG"}
    }
    env.update({"PORT": str(port), "DEMO_PASSWORD": "demo-pass-123"})
    proc = subprocess.Popen(
        ["make", "run"],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        text=True,
    )
    try:
        body = b""
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    body = resp.read()
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                time.sleep(0.5)
        assert b'"status": "ok"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as resp:
            assert resp.status == 200
            home = resp.read().decode()
        # Links the site makes (canonical, feeds, mail) name the port it runs on.
        assert f'<link rel="canonical" href="http://127.0.0.1:{port}/">' in home
        # Every demo article renders on SQLite too (related coverage, in-body photos).
        articles = set(re.findall(r'href="(/[a-z-]+/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/)"', home))
        assert articles
        for path in sorted(articles):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as resp:
                assert resp.status == 200, path
        assert (work / "db.sqlite3").exists()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    assert "editor" in output  # the demo logins are printed
