"""Page throughput under load, through the real front (`make serve`'s stack: Varnish, nginx
and gunicorn), against references measured in the same rounds: nginx serving a static copy
of the same article (the machine's limit) and a bare Django view of the same size.

Rows: the seed article (300 approved comments) and the home page through the front, the
article revalidated (304), the article rendered by Django with no cache anywhere (cold), a
purge storm (the article under load while a moderator approves a comment on it every
second; each approval's delay until readers see it), and the cold render's query count.

Needs: Postgres and Redis (DATABASE_URL/REDIS_URL, defaults as in `make test`), wrk,
Debian's varnish, varnish-modules and nginx.
"""

from __future__ import annotations

import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from bench.harness import ROOT, free_port, gunicorn, require, table, wrk

sys.path.insert(0, str(ROOT / "scripts"))
from stack import Front, missing_package  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
FRONT_PORT = free_port()

PROD_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "CELERY_BROKER_URL": "",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "LOG_LEVEL": "WARNING",
    "TRUSTED_PROXY_HOPS": "1",
    "VARNISH_URLS": f"http://127.0.0.1:{FRONT_PORT}",
}
# The web processes queue tasks on a real broker, as in production (no worker drains it
# during the bench: that work would compete with the web workers for the two cores).
SERVE_ENV = {
    **PROD_ENV,
    "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/15"),
}


def manage(*args: str, env: dict | None = None) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **PROD_ENV, **(env or {})},
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def prepare() -> str:
    """A fresh bench database with the demo newsroom; returns the seed article's path."""
    prepare_database()
    return manage("shell", "-c", SEED_COMMENTS).strip().splitlines()[-1]


def prepare_database() -> None:
    """A fresh bench database with the demo newsroom and the static files collected."""
    import psycopg

    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", "-v0")
    manage("loaddemo")
    manage("collectstatic", "--noinput", "-v0")


# 300 approved comments on the seed article, written in one bulk insert, and 120 pending
# ones for the purge storm to approve.
SEED_COMMENTS = """
from articles.models import Article
from comments.models import Comment
from comments.services import comment_counts_recount
article = Article.objects.published().order_by('-published_at').first()
Comment.objects.bulk_create([
    Comment(article=article, name=f'Reader {i}', email=f'r{i}@example.org',
            body=f'Comment number {i}: a thoughtful reply about open-source AI.',
            status=Comment.Status.APPROVED)
    for i in range(300)
] + [
    Comment(article=article, name=f'Storm {i}', email=f's{i}@example.org',
            body=f'Storm comment {i} waiting for a moderator.',
            status=Comment.Status.PENDING)
    for i in range(120)
])
comment_counts_recount(article_id=article.pk)
print(article.get_absolute_url())
"""

# A moderator approving a comment on the article every second; after each decision, how
# long until a reader through the front sees it. Prints one delay per line, in ms.
# The newest comments are on the conversation's last page: the count in its header shows
# each approval on the page readers land on.
STORM = """
import time, urllib.request
from articles.models import Article
from comments.models import Comment
from comments.services import comment_moderate
url, seconds = {url!r}, {seconds}
pending = list(Comment.objects.filter(status='pending', name__startswith='Storm').order_by('pk'))
end = time.monotonic() + seconds
for comment in pending:
    if time.monotonic() > end:
        break
    started = time.monotonic()
    comment_moderate(comment=comment, decision='approve', moderator=None)
    decided = time.monotonic()  # the moderator's answer: committed and purged
    shown = Article.objects.get(pk=comment.article_id).approved_comment_count
    count = f'>{{shown}} comments<'.encode()
    while count not in urllib.request.urlopen(url).read():
        time.sleep(0.005)
    print(round((time.monotonic() - decided) * 1000, 1), flush=True)
    time.sleep(max(0.0, 1 - (time.monotonic() - started)))
"""

COLD_QUERIES = """
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="localhost")
assert client.get({path!r}).status_code == 200
with CaptureQueriesContext(connection) as queries:
    client.get({path!r})
print(len(queries))
"""


def main() -> None:
    require("wrk")
    if (package := missing_package()) is not None:
        sys.exit(f"bench: Debian's {package} is missing (apt-get install {package})")
    article_path = prepare()
    static_copy = Path(tempfile.mkdtemp(prefix="nr-bench-static-"))
    static_copy.chmod(0o755)
    with ExitStack() as servers:
        site = servers.enter_context(gunicorn("newsroom.wsgi", SERVE_ENV))
        page = urllib.request.urlopen(site + article_path).read()  # noqa: S310 - loopback
        (static_copy / "article.html").write_bytes(page)
        # Compressed beside it, as collectstatic leaves text files: nginx sends it as is.
        (static_copy / "article.html.gz").write_bytes(gzip.compress(page))
        front = Front(
            port=FRONT_PORT,
            app_port=int(site.rsplit(":", 1)[1]),
            files_port=free_port(),
            static_root=static_copy,
            media_root=static_copy,
        ).start()
        servers.callback(front.stop)
        front.wait_ready()
        edge = front.url
        for path in (article_path, "/"):
            urllib.request.urlopen(edge + path).read()  # noqa: S310 - kept from here on
        etag = urllib.request.urlopen(edge + article_path).headers["ETag"]  # noqa: S310
        baseline = servers.enter_context(
            gunicorn("bench.baseline_app:application", {"BASELINE_BYTES": str(len(page))})
        )
        files = f"http://127.0.0.1:{front.files_port}"
        targets = {
            "nginx, static copy of the article": (files + "/static/article.html", {}, 32),
            "article through the front": (edge + article_path, {}, 32),
            "article through the front (304)": (edge + article_path, {"If-None-Match": etag}, 32),
            "home through the front": (edge + "/", {}, 32),
            "article cold (Django, no cache)": (site + article_path, {}, 32),
            "baseline (bare Django view)": (baseline + "/", {}, 32),
        }
        # As browsers ask: the front keeps pages compressed (nginx here serves the copy as is).
        for _, headers, _ in targets.values():
            headers["Accept-Encoding"] = "gzip"
        runs: dict[str, list[dict]] = {target: [] for target in targets}
        seconds = max(2, round(SECONDS / ROUNDS))
        for _ in range(ROUNDS):
            for target, (url, headers, connections) in targets.items():
                runs[target].append(
                    wrk(url, seconds=seconds, headers=headers, connections=connections)
                )
        cold_one = wrk(site + article_path, seconds=seconds, connections=1, threads=1)
        storm, delays = purge_storm(edge + article_path, seconds=max(10, SECONDS))
        queries = manage("shell", "-v0", "-c", COLD_QUERIES.format(path=article_path)).split()[-1]
    results = {target: combined(target_runs) for target, target_runs in runs.items()}
    results["article through the front, purge storm"] = storm
    limit = results["nginx, static copy of the article"]["rps"]
    base = results["baseline (bare Django view)"]["rps"]
    rows = [
        (
            target,
            f"{r['rps']:.0f}",
            f"{r['p50']:.2f} ms",
            f"{r['p99']:.2f} ms",
            f"{r['rps'] / limit:.3f}x",
            f"{r['rps'] / base:.2f}x",
            r["errors"],
        )
        for target, r in results.items()
    ]
    print(
        f"\nPages (gunicorn 4 sync workers behind Varnish; wrk -t2 -c32, {ROUNDS} rounds of "
        f"{seconds}s per target taken in turns; page {len(page)} bytes)"
    )
    print(
        table(
            rows,
            ("target", "req/s", "p50", "p99", "to nginx static", "to bare Django", "non-2xx/3xx"),
        )
    )
    quiet = results["article through the front"]["rps"]
    print(
        f"\nPurge storm: {len(delays)} approvals, one a second; req/s {storm['rps']:.0f} = "
        f"{storm['rps'] / quiet:.2f}x the quiet figure; p99 {storm['p99']:.1f} ms; approval "
        f"visible to readers after: median {statistics.median(delays):.0f} ms, "
        f"worst {max(delays):.0f} ms (each: {', '.join(f'{d:.0f}' for d in delays)})"
    )
    print(
        f"Cold render (no cache anywhere, one connection): p50 {cold_one['p50']:.1f} ms, "
        f"p99 {cold_one['p99']:.1f} ms, {queries} queries"
    )


def purge_storm(url: str, *, seconds: int) -> tuple[dict, list[float]]:
    """wrk on the article while another process approves a comment on it every second."""
    delays: list[float] = []

    def moderator() -> None:
        out = manage("shell", "-v0", "-c", STORM.format(url=url, seconds=seconds - 1))
        delays.extend(float(line) for line in out.split())

    thread = threading.Thread(target=moderator)
    thread.start()
    result = wrk(url, seconds=seconds, headers={"Accept-Encoding": "gzip"})
    thread.join()
    return result, delays


def combined(runs: list[dict]) -> dict:
    """One figure from a target's rounds: mean req/s, median latencies, all errors."""
    middle = len(runs) // 2
    return {
        "rps": statistics.fmean(r["rps"] for r in runs),
        "p50": sorted(r["p50"] for r in runs)[middle],
        "p99": sorted(r["p99"] for r in runs)[middle],
        "errors": sum(r["errors"] for r in runs),
    }


if __name__ == "__main__":
    main()
