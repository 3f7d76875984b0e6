"""Comments at scale: the moderation queue with 1,000,000 comments (200,000 pending),
an approve action, and a flood of 2,000 comment POSTs from 50 concurrent clients.

Needs Postgres and Redis (BENCH_DATABASE_URL / BENCH_REDIS_URL), like bench/pages.py.
Every run starts from a fresh database, unless BENCH_REUSE=1 and the bench database already
holds the million comments: then it only migrates and recounts (for iterating on the code;
the earlier runs' approvals and flood comments stay in it).
"""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import psycopg

from bench.harness import gunicorn, table
from bench.pages import DATABASE_URL, SERVE_ENV, manage, prepare

TOTAL, PENDING = 1_000_000, 200_000
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # one comment a second from here
FLOOD_POSTS, FLOOD_CLIENTS = 2_000, 50
FLOOD_ENV = {  # the flood comes from one address: lift the per-address limits for it
    "COMMENTS_RATE_PER_MINUTE": "100000",
    "COMMENTS_RATE_PER_DAY": "100000",
    "COMMENTS_FORM_MIN_SECONDS": "0",
}


def load_comments(article_path: str) -> None:
    """COPY a million comments in (one round trip per 100k rows), then ANALYZE."""
    url = DATABASE_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(url) as conn:
        article_ids = [row[0] for row in conn.execute("SELECT id FROM articles_article")]
        columns = (
            "article_id, name, email, body, status, held_reasons, created_at, ip_hash, "
            "user_agent, notify_on_publish, notify_on_reply, email_verified"
        )
        with conn.cursor().copy(f"COPY comments_comment ({columns}) FROM STDIN") as copy:
            for start in range(0, TOTAL, 100_000):
                buffer = io.StringIO()
                for i in range(start, min(start + 100_000, TOTAL)):
                    status = "pending" if i % 5 == 0 else "approved"
                    buffer.write(
                        f"{article_ids[i % len(article_ids)]}\tReader {i}\tr{i}@example.org\t"
                        f"Comment {i} about the story.\t{status}\t[]\t"
                        f"{(EPOCH + timedelta(seconds=i)).isoformat()}\t\t\tf\tf\tf\n"
                    )
                copy.write(buffer.getvalue())
        conn.execute("ANALYZE comments_comment")
        conn.commit()


SEED_ARTICLE_PATH = """
from articles.models import Article
print(Article.objects.published().order_by('-published_at').first().get_absolute_url())
"""


def loaded_comments() -> int:
    """How many comments the bench database holds already (0 when it does not exist)."""
    url = DATABASE_URL.replace("postgres://", "postgresql://")
    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM comments_comment").fetchone()[0]
    except psycopg.Error:
        return 0


def prepare_comments() -> str:
    """The bench database with a million comments and their counts; the seed article's path."""
    if os.environ.get("BENCH_REUSE") == "1" and loaded_comments() >= TOTAL:
        manage("migrate", "--noinput", "-v0")
        article_path = manage("shell", "-c", SEED_ARTICLE_PATH).strip().splitlines()[-1]
    else:
        article_path = prepare()
        load_comments(article_path)
    manage("shell", "-c", SET_MODERATOR_PASSWORD)
    # COPY went around the services: rebuild the counts they keep, as after any bulk load.
    manage("recount_comments")
    return article_path


def signed_in_opener(
    base: str, username: str, password: str, *handlers: urllib.request.BaseHandler
) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), *handlers)
    opener.open(base + "/admin/login/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    data = urllib.parse.urlencode(
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        }
    ).encode()
    try:
        opener.open(urllib.request.Request(base + "/admin/login/", data=data)).read()
    except urllib.error.HTTPError as answer:  # the 302 after signing in, when not followed
        if answer.code != 302:
            raise
    return opener


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def approve_all(base: str, opener, ids: list[str], token: str) -> list[float]:
    """Approve each comment; the milliseconds each took, from request to the last byte."""

    def approve(comment_id: str) -> None:
        data = urllib.parse.urlencode({"decision": "approve", "csrfmiddlewaretoken": token})
        request = urllib.request.Request(
            f"{base}/moderation/{comment_id}/",
            data=data.encode(),
            headers={"Referer": base + "/moderation/"},
        )
        try:
            opener.open(request).read()
        except urllib.error.HTTPError as answer:  # the 303, when redirects are not followed
            if answer.code != 303:
                raise

    return [timed(lambda comment_id=comment_id: approve(comment_id)) for comment_id in ids]


def moderation(base: str) -> list[tuple]:
    """The queue's first page, then approves: the decision itself (POST, 303), and the same
    followed by the queue page the 303 leads to (a moderator without JavaScript)."""
    opener = signed_in_opener(base, "moderator", "bench-password-123")
    decide_only = signed_in_opener(base, "moderator", "bench-password-123", NoRedirect())
    queue_ms = [timed(lambda: opener.open(base + "/moderation/").read()) for _ in range(50)]

    def first_page(opener) -> tuple[list[str], str]:
        html = opener.open(base + "/moderation/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        return re.findall(r'data-comment-id="(\d+)"', html)[:50], token

    ids, token = first_page(decide_only)
    approve_ms = approve_all(base, decide_only, ids, token)
    ids, token = first_page(opener)
    round_trip_ms = approve_all(base, opener, ids, token)
    return [
        ("moderation queue, first page", f"{statistics.median(queue_ms):.1f} ms", "< 50 ms"),
        ("approve one comment (POST, 303)", f"{statistics.median(approve_ms):.1f} ms", "< 30 ms"),
        (
            "approve + the queue page it leads to",
            f"{statistics.median(round_trip_ms):.1f} ms",
            "-",
        ),
    ]


def flood(base: str, article_path: str) -> list[tuple]:
    """2,000 POSTs from 50 clients, each with its own cookie jar and a fresh form."""
    lock = threading.Lock()
    results = {"accepted": 0, "5xx": 0, "other": 0, "latencies": []}
    per_client = FLOOD_POSTS // FLOOD_CLIENTS
    run = int(time.time())  # fresh bodies, so a reused database does not take them as resent

    def client(n: int) -> None:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
        for i in range(per_client):
            html = opener.open(base + article_path).read().decode()
            fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
            fields.update(
                name=f"Flood {n}",
                email=f"flood{n}-{i}-{run}@example.org",
                body=f"Flood comment {n}-{i} ({run}): a view on the story.",
                website="",
            )
            fields.pop("parent", None)
            request = urllib.request.Request(
                base + article_path + "comments/", data=urllib.parse.urlencode(fields).encode()
            )
            started = time.perf_counter()
            try:
                status = opener.open(request).status
            except urllib.error.HTTPError as error:
                status = error.code
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                results["latencies"].append(elapsed)
                if status == 303:
                    results["accepted"] += 1
                elif status >= 500:
                    results["5xx"] += 1
                else:
                    results["other"] += 1

    url = DATABASE_URL.replace("postgres://", "postgresql://")
    with psycopg.connect(url) as conn:
        before = conn.execute("SELECT count(*) FROM comments_comment").fetchone()[0]
    with ThreadPoolExecutor(FLOOD_CLIENTS) as pool:
        list(pool.map(client, range(FLOOD_CLIENTS)))
    with psycopg.connect(url) as conn:
        stored = conn.execute("SELECT count(*) FROM comments_comment").fetchone()[0] - before
    p99 = statistics.quantiles(results["latencies"], n=100)[98]
    return [
        ("flood: accepted (303)", results["accepted"], f"= stored ({stored})"),
        ("flood: 5xx", results["5xx"], "0"),
        ("flood: other refusals", results["other"], "-"),
        ("flood: p99", f"{p99:.0f} ms", "< 500 ms"),
    ]


SET_MODERATOR_PASSWORD = """
from django.contrib.auth.models import User
moderator = User.objects.get(username="moderator")
moderator.set_password("bench-password-123")
moderator.save()
"""


def main() -> None:
    article_path = prepare_comments()
    rows = []
    with gunicorn("newsroom.wsgi", {**SERVE_ENV, **FLOOD_ENV}) as base:
        rows += moderation(base)
        rows += flood(base, article_path)
    print(
        f"\nComments ({TOTAL:,} comments, {PENDING:,} pending; flood {FLOOD_POSTS} POSTs "
        f"from {FLOOD_CLIENTS} clients)"
    )
    print(table(rows, ("target", "measured", "goal")))


if __name__ == "__main__":
    main()
