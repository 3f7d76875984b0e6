"""No stale page from any gunicorn worker once a purge is made in another process.

Each worker answers kept pages itself (newsroom/pagefront.py) and hears purges on a Redis
channel. This test warms both workers, approves a comment here (another process, as a
moderator's request or a Celery task would be), and then reads the page many times: it
must show the approved comment at once and from every worker.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from comments.models import Comment
from comments.services import comment_approve
from tests.comments.conftest import CommentFactory
from tests.factories import ArticleFactory
from tests.faults.cluster import serve_test_database

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_comment_approved_in_another_process_is_on_the_page_from_every_worker(moderator):
    article = ArticleFactory(slug="fresh-pages", headline="Pages that stay fresh")
    comment = CommentFactory(article=article, body="A remark the moderator will approve.")
    # The same Redis as this test, so purges made here reach the server; no broker.
    server = serve_test_database(settings.REDIS_URL, "", PAGE_CACHE_ENABLED="true")
    path = article.get_absolute_url()
    try:
        for _ in range(30):  # both workers keep the page and answer it themselves
            status, html = server.get(path)
            assert status == 200
            assert comment.body not in html

        comment_approve(comment=Comment.objects.get(pk=comment.pk), moderator=moderator)

        deadline = time.monotonic() + 2
        while comment.body not in server.get(path)[1]:
            assert time.monotonic() < deadline, "the approved comment never appeared"
        stale = [n for n in range(60) if comment.body not in server.get(path)[1]]
        assert stale == []
    finally:
        server.stop()
