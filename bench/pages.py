"""Page throughput under load: the seed article cached, uncached and revalidated (304),
the home page, against a bare Django view of the same size measured in the same run.

Needs: Postgres and Redis (DATABASE_URL/REDIS_URL, defaults as in `make test`), wrk.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import urllib.request
from contextlib import ExitStack

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


ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def main() -> None:
    require("wrk")
    article_path = prepare()
    # Every server runs from the start and the targets take turns, a round at a time: this
    # machine's speed drifts by a third over minutes, and each ratio must compare like with
    # like (an idle gunicorn costs nothing).
    with ExitStack() as servers:
        site = servers.enter_context(gunicorn("newsroom.wsgi", SERVE_ENV))
        # The same hits answered by Django's middleware alone (each checked in Redis): what
        # the per-process front (newsroom/pagefront.py) adds.
        front_off = servers.enter_context(
            gunicorn("newsroom.wsgi", {**SERVE_ENV, "PAGE_CACHE_FRONT": "false"})
        )
        uncached = servers.enter_context(
            gunicorn("newsroom.wsgi", {**SERVE_ENV, "PAGE_CACHE_ENABLED": "false"})
        )
        for _ in range(10):  # every worker has served the pages (and so keeps them)
            for url in (site, front_off):
                urllib.request.urlopen(url + "/").read()  # noqa: S310 - loopback
                page = urllib.request.urlopen(url + article_path).read()  # noqa: S310
        etag = urllib.request.urlopen(site + article_path).headers["ETag"]  # noqa: S310
        size = len(page)
        baseline = servers.enter_context(
            gunicorn("bench.baseline_app:application", {"BASELINE_BYTES": str(size)})
        )
        targets = {
            "article cached": (site + article_path, {}),
            "article conditional GET (304)": (site + article_path, {"If-None-Match": etag}),
            "home cached": (site + "/", {}),
            "article cached, front off": (front_off + article_path, {}),
            "article uncached": (uncached + article_path, {}),
            "baseline (bare Django view)": (baseline + "/", {}),
        }
        runs: dict[str, list[dict]] = {target: [] for target in targets}
        seconds = max(2, round(SECONDS / ROUNDS))
        for _ in range(ROUNDS):
            for target, (url, headers) in targets.items():
                runs[target].append(wrk(url, seconds=seconds, headers=headers))
    results = {target: combined(target_runs) for target, target_runs in runs.items()}
    base = results["baseline (bare Django view)"]["rps"]
    rows = [
        (
            target,
            f"{r['rps']:.0f}",
            f"{r['p50']:.2f} ms",
            f"{r['p99']:.2f} ms",
            f"{r['rps'] / base:.2f}x",
            r["errors"],
        )
        for target, r in results.items()
    ]
    print(
        f"\nPages (gunicorn 4 sync workers, wrk -t2 -c32, {ROUNDS} rounds of {seconds}s per target"
        f" taken in turns, page {size} bytes)"
    )
    print(table(rows, ("target", "req/s", "p50", "p99", "ratio to baseline", "non-2xx/3xx")))


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
