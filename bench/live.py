"""Live blogs under load, through the real front (`make serve`'s stack: Varnish, nginx and
gunicorn), against nginx serving a static copy of the same poll answer in the same rounds.

Rows and goals:
- the poll URL through the front, and nginx's static copy (goal: the front ≥ 0.5× nginx);
- entry to reader: the demo live blog's page under load through the front while readers
  poll every LIVE_POLL_SECONDS (10) and an editor posts an entry every few seconds; for
  each entry and reader, the time from the post (committed and purged) to the first poll
  that returns it (goal: p99 ≤ the poll interval + 1 s);
- an entry posted from the admin's composer through the front, as its script posts it
  (JSON answer with the refreshed list), purge included (goal: p50 < 100 ms).

Needs: Postgres and Redis (BENCH_DATABASE_URL / BENCH_REDIS_URL as bench/pages.py), wrk,
Debian's varnish, varnish-modules and nginx.
"""

from __future__ import annotations

import gzip
import http.client
import json
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from bench.harness import ROOT, free_port, gunicorn, require, table, wrk
from bench.pages import (
    FRONT_PORT,
    ROUNDS,
    SECONDS,
    SERVE_ENV,
    combined,
    manage,
    prepare_database,
)

sys.path.insert(0, str(ROOT / "scripts"))
from stack import Front, missing_package  # noqa: E402

POLL_SECONDS = 10
READERS = 100
LOAD_SECONDS = max(40, SECONDS * 4)
POST_EVERY = 3.0
ADMIN_POSTS = 40

FIND_BLOG = """
from live.models import LiveBlog
blog = LiveBlog.objects.select_related('article__desk').get()
print(blog.pk, blog.article.get_absolute_url())
"""

# An editor posting an entry every few seconds; prints "entry-id epoch" once each post is
# committed and purged (what readers can see from then on).
EDITOR = """
import time
from django.contrib.auth.models import User
from live import services
from live.models import LiveBlog
blog = LiveBlog.objects.select_related('article__desk').get(pk={blog})
editor = User.objects.get(username='editor')
end = time.monotonic() + {seconds}
n = 0
while time.monotonic() < end:
    started = time.monotonic()
    entry = services.live_entry_post(blog=blog, user=editor, body=f'<p>Bench update {{n}}.</p>')
    print(entry.pk, repr(time.time()), flush=True)
    n += 1
    time.sleep(max(0.0, {every} - (time.monotonic() - started)))
"""

SESSION = """
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
user = User.objects.get(username='editor')
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session['_auth_user_backend'] = 'django.contrib.auth.backends.ModelBackend'
session['_auth_user_hash'] = user.get_session_auth_hash()
session.save()
print(session.session_key)
"""


def reader(front_port: int, poll: str, until: float, seen: dict, lock: threading.Lock):
    """One reader's page: polls every POLL_SECONDS from a random phase; notes when each
    entry id first appears in a poll answer (the time the answer arrived)."""
    time.sleep(random.uniform(0, POLL_SECONDS))  # noqa: S311 - a bench's spread, not a secret
    mine: set[int] = set()
    connection = http.client.HTTPConnection("127.0.0.1", front_port, timeout=10)
    while time.time() < until:
        began = time.monotonic()
        try:
            connection.request("GET", poll, headers={"Accept-Encoding": "gzip"})
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", front_port, timeout=10)
            continue
        arrived = time.time()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        for entry_id, _revision in json.loads(body)["entries"]:
            if entry_id not in mine:
                mine.add(entry_id)
                with lock:
                    seen.setdefault(entry_id, []).append(arrived)
        time.sleep(max(0.0, POLL_SECONDS - (time.monotonic() - began)))
    connection.close()


def entry_to_reader(front, blog: int, article_path: str) -> tuple[list[float], dict]:
    """The article under wrk through the front, READERS polling, an editor posting."""
    poll = f"/live/{blog}/poll.json"
    until = time.time() + LOAD_SECONDS + POLL_SECONDS + 2
    seen: dict[int, list[float]] = {}
    lock = threading.Lock()
    # Ids already there before the editor starts are not measured.
    before = {
        row[0] for row in json.loads(urllib.request.urlopen(front.url + poll).read())["entries"]
    }  # noqa: S310
    readers = [
        threading.Thread(target=reader, args=(front.port, poll, until, seen, lock), daemon=True)
        for _ in range(READERS)
    ]
    for thread in readers:
        thread.start()
    posted: dict[int, float] = {}

    def editor() -> None:
        out = manage(
            "shell",
            "-v0",
            "-c",
            EDITOR.format(blog=blog, seconds=LOAD_SECONDS - POLL_SECONDS, every=POST_EVERY),
            env=SERVE_ENV,
        )
        for line in out.split("\n"):
            if line.strip():
                entry_id, at = line.split()
                posted[int(entry_id)] = float(at)

    writer = threading.Thread(target=editor)
    writer.start()
    load = wrk(
        front.url + article_path,
        seconds=LOAD_SECONDS,
        connections=16,
        headers={"Accept-Encoding": "gzip"},
    )
    writer.join()
    for thread in readers:
        thread.join()
    delays = [
        arrived - posted[entry_id]
        for entry_id, times in seen.items()
        if entry_id in posted and entry_id not in before
        for arrived in times
    ]
    missing = sum(READERS - len(seen.get(entry_id, [])) for entry_id in posted)
    return delays, {"load": load, "entries": len(posted), "missing": missing}


def admin_posts(front, blog: int) -> list[float]:
    """ADMIN_POSTS entries posted as the composer's script posts them, through the front."""
    session = manage("shell", "-v0", "-c", SESSION, env=SERVE_ENV).split()[-1]
    composer = f"/admin/live/liveblog/{blog}/change/"
    connection = http.client.HTTPConnection("127.0.0.1", front.port, timeout=30)
    connection.request("GET", composer, headers={"Cookie": f"sessionid={session}"})
    response = connection.getresponse()
    page = response.read().decode()
    csrf = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", ""))[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    cookie = f"sessionid={session}; csrftoken={csrf}"
    timings = []
    for n in range(ADMIN_POSTS):
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "body": f"<p>From the composer {n}.</p>"}
        )
        started = time.perf_counter()
        connection.request(
            "POST",
            f"/admin/live/liveblog/{blog}/post/",
            body,
            {
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "Origin": front.url,
                "Referer": front.url + composer,
            },
        )
        response = connection.getresponse()
        answer = response.read()
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, (response.status, answer[:300])
    connection.close()
    return timings


def main() -> None:
    require("wrk")
    if (package := missing_package()) is not None:
        sys.exit(f"bench: Debian's {package} is missing (apt-get install {package})")
    prepare_database()
    blog, article_path = manage("shell", "-v0", "-c", FIND_BLOG).split()[-2:]
    blog = int(blog)
    poll = f"/live/{blog}/poll.json"
    static_copy = Path(tempfile.mkdtemp(prefix="nr-bench-live-"))
    static_copy.chmod(0o755)
    with ExitStack() as servers:
        site = servers.enter_context(
            gunicorn("newsroom.wsgi", {**SERVE_ENV, "LIVE_POLL_SECONDS": str(POLL_SECONDS)})
        )
        answer = urllib.request.urlopen(site + poll).read()  # noqa: S310 - loopback
        (static_copy / "poll.json").write_bytes(answer)
        front = Front(
            port=FRONT_PORT,
            app_port=int(site.rsplit(":", 1)[1]),
            files_port=free_port(),
            static_root=static_copy,
            media_root=static_copy,
        ).start()
        servers.callback(front.stop)
        front.wait_ready()
        for path in (poll, article_path):
            urllib.request.urlopen(front.url + path).read()  # noqa: S310 - kept from here on
        files = f"http://127.0.0.1:{front.files_port}"
        targets = {
            "nginx, static copy of the poll answer": files + "/static/poll.json",
            "poll URL through the front": front.url + poll,
        }
        runs: dict[str, list[dict]] = {target: [] for target in targets}
        seconds = max(2, round(SECONDS / ROUNDS))
        for _ in range(ROUNDS):
            for target, url in targets.items():
                runs[target].append(wrk(url, seconds=seconds, connections=32))
        posts = admin_posts(front, blog)
        delays, storm = entry_to_reader(front, blog, article_path)
    results = {target: combined(target_runs) for target, target_runs in runs.items()}
    limit = results["nginx, static copy of the poll answer"]["rps"]
    rows = [
        (
            target,
            f"{r['rps']:.0f}",
            f"{r['p50']:.2f} ms",
            f"{r['p99']:.2f} ms",
            f"{r['rps'] / limit:.3f}x",
            r["errors"],
        )
        for target, r in results.items()
    ]
    print(
        f"\nLive poll URL (gunicorn 4 sync workers behind Varnish; wrk -t2 -c32, {ROUNDS} "
        f"rounds of {seconds}s per target taken in turns; answer {len(answer)} bytes)"
    )
    print(table(rows, ("target", "req/s", "p50", "p99", "to nginx static", "non-2xx/3xx")))
    ratio = results["poll URL through the front"]["rps"] / limit
    print(f"Goal: poll through the front >= 0.5x nginx static: {ratio:.2f}x ({_ok(ratio >= 0.5)})")
    delays.sort()
    p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))] if delays else float("nan")
    print(
        f"\nEntry to reader: {storm['entries']} entries, one every {POST_EVERY:.0f}s, "
        f"{READERS} readers polling every {POLL_SECONDS}s, the page under wrk -c16 through "
        f"the front ({storm['load']['rps']:.0f} req/s, p99 {storm['load']['p99']:.1f} ms): "
        f"{len(delays)} first sightings, median {statistics.median(delays):.2f}s, "
        f"p99 {p99:.2f}s, worst {delays[-1]:.2f}s; not seen by a reader before the end: "
        f"{storm['missing']}"
    )
    print(f"Goal: p99 <= {POLL_SECONDS + 1}s: {_ok(p99 <= POLL_SECONDS + 1)}")
    p50 = statistics.median(posts)
    print(
        f"\nAdmin entry post through the front ({ADMIN_POSTS} posts, JSON answer, purge "
        f"included): p50 {p50:.1f} ms, p90 {sorted(posts)[int(len(posts) * 0.9)]:.1f} ms, "
        f"worst {max(posts):.1f} ms"
    )
    print(f"Goal: p50 < 100 ms: {_ok(p50 < 100)}")


def _ok(met: bool) -> str:
    return "met" if met else "NOT met"


if __name__ == "__main__":
    main()
