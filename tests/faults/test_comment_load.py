"""Comments under load through a real gunicorn: every 303 is a stored row, no 5xx, nothing
stored twice (double submits included).

`make test` runs it at 300 POSTs from 20 concurrent clients; the full size from the issue is
`LOAD_POSTS=2000 LOAD_CLIENTS=50 pytest tests/faults/test_comment_load.py -s`. Each client
GETs the article page for every form, like a browser (the page is the same for everyone;
a double submit is the same words sent twice). The rate limits are raised through the
server's environment.
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest

from comments.models import Comment
from tests.faults.traffic import Reader, Tally, run_clients
from tests.support.broker import RedisBroker
from tests.support.factories import ArticleFactory
from tests.support.servers import serve_test_database

pytestmark = pytest.mark.django_db(transaction=True)

POSTS = int(os.environ.get("LOAD_POSTS", "300"))
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "20"))
DOUBLE_SUBMIT_EVERY = 10  # every tenth form is sent twice, as by a double click


def test_every_accepted_comment_is_stored_exactly_once_under_concurrent_load(tmp_path):
    article = ArticleFactory(slug="load-test", headline="Comments under load")
    path = article.get_absolute_url()
    redis = RedisBroker(tmp_path)
    redis.start()
    server = serve_test_database(
        f"redis://127.0.0.1:{redis.port}/0",
        f"redis://127.0.0.1:{redis.port}/1",
        workers=3,
        COMMENTS_RATE_PER_MINUTE="1000000",
        COMMENTS_RATE_PER_DAY="1000000",
    )
    tally = Tally()
    per_client = POSTS // CLIENTS

    def reader(n: int) -> None:
        client = Reader(server.port, f"r{n}")
        sent = forms = 0
        while sent < per_client:
            forms += 1
            form = client.fetch_form(path)
            if form is None:
                tally.record(0, "")
                sent += 1
                continue
            body = f"load {n}-{forms}: a point about the fares."
            double = forms % DOUBLE_SUBMIT_EVERY == 0 and per_client - sent >= 2
            for _ in range(2 if double else 1):
                tally.record(client.post(path, form, body), body)
                sent += 1

    started = time.monotonic()
    try:
        run_clients(CLIENTS, reader, timeout=600)
    finally:
        elapsed = time.monotonic() - started
        server.stop()
        redis.stop()

    posted = sum(tally.statuses.values())
    print(f"\n{posted} POSTs from {CLIENTS} clients in {elapsed:.1f}s: {tally.statuses}")
    assert posted == per_client * CLIENTS
    assert tally.statuses == {303: posted}, tally.statuses  # no 5xx, no refusals, no drops
    stored = Counter(
        Comment.objects.filter(article=article).values_list("body", flat=True).iterator()
    )
    assert set(stored) == set(tally.accepted)  # every 303 is a row, every row had a 303
    assert max(stored.values()) == 1  # double submits stored once
    assert len(tally.accepted) - len(set(tally.accepted)) >= CLIENTS  # doubles were sent
