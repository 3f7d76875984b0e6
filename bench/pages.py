"""Page throughput under load: the seed article cached, uncached and revalidated (304),
the home page, against a bare Django view of the same size measured in the same run.

Needs: Postgres and Redis (DATABASE_URL/REDIS_URL, defaults as in `make test`), wrk.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request

from bench.harness import ROOT, gunicorn, require, table, wrk

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))

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
}


# The web processes queue tasks on a real broker, as in production (no worker drains it
# during the bench: that work would compete with the web workers for the two cores).
SERVE_ENV = {
    **PROD_ENV,
    "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/15"),
}


def manage(*args: str) -> str:
    env = {**os.environ, **PROD_ENV}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def prepare() -> str:
    """A fresh bench database with the demo newsroom; returns the seed article's path."""
    import psycopg

    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", "-v0")
    manage("loaddemo")
    manage("collectstatic", "--noinput", "-v0")
    return manage("shell", "-c", SEED_COMMENTS).strip().splitlines()[-1]


# 300 approved comments on the seed article, written in one bulk insert.
SEED_COMMENTS = """
from articles.models import Article
from comments.models import Comment
from articles.services import article_set_comment_count
article = Article.objects.published().order_by('-published_at').first()
Comment.objects.bulk_create([
    Comment(article=article, name=f'Reader {i}', email=f'r{i}@example.org',
            body=f'Comment number {i}: a thoughtful reply about open-source AI.',
            status=Comment.Status.APPROVED)
    for i in range(300)
])
article_set_comment_count(article_id=article.pk, count=300)
print(article.get_absolute_url())
"""


def main() -> None:
    require("wrk")
    article_path = prepare()
    rows = []
    with gunicorn("newsroom.wsgi", SERVE_ENV) as url:
        for _ in range(10):  # every worker has served the pages (and so keeps them)
            urllib.request.urlopen(url + "/").read()  # noqa: S310 - loopback
            page = urllib.request.urlopen(url + article_path).read()  # noqa: S310
        etag = urllib.request.urlopen(url + article_path).headers["ETag"]  # noqa: S310
        size = len(page)
        results = {
            "article cached": wrk(url + article_path, seconds=SECONDS),
            "article conditional GET (304)": wrk(
                url + article_path, seconds=SECONDS, headers={"If-None-Match": etag}
            ),
            "home cached": wrk(url + "/", seconds=SECONDS),
        }
    # The same hits answered by Django's middleware alone (each checked in Redis): what the
    # per-process front (newsroom/pagefront.py) adds.
    with gunicorn("newsroom.wsgi", {**SERVE_ENV, "PAGE_CACHE_FRONT": "false"}) as url:
        for _ in range(10):
            urllib.request.urlopen(url + article_path).read()  # noqa: S310 - loopback
        results["article cached, front off"] = wrk(url + article_path, seconds=SECONDS)
    with gunicorn("newsroom.wsgi", {**SERVE_ENV, "PAGE_CACHE_ENABLED": "false"}) as url:
        results["article uncached"] = wrk(url + article_path, seconds=SECONDS)
    with gunicorn("bench.baseline_app:application", {"BASELINE_BYTES": str(size)}) as url:
        baseline = wrk(url + "/", seconds=SECONDS)
    results["baseline (bare Django view)"] = baseline
    for target, r in results.items():
        rows.append(
            (
                target,
                f"{r['rps']:.0f}",
                f"{r['p50']:.2f} ms",
                f"{r['p99']:.2f} ms",
                f"{r['rps'] / baseline['rps']:.2f}x",
                r["errors"],
            )
        )
    print(f"\nPages (gunicorn 4 sync workers, wrk -t2 -c32 -d{SECONDS}s, page {size} bytes)")
    print(table(rows, ("target", "req/s", "p50", "p99", "ratio to baseline", "non-2xx/3xx")))


if __name__ == "__main__":
    main()
