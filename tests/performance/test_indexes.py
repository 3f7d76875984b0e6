"""Every hot filter has an index, and Postgres uses it (EXPLAIN, not hope).

The tables here are tiny, so the planner would rightly prefer a sequential scan; turning
seq scans off asks "is there an index that serves this query?", which is the question.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.search import search_articles
from comments.models import Comment
from tests.support.factories import ArticleFactory, DeskFactory


def _plan(queryset) -> str:
    return _plan_sql(*queryset.query.sql_with_params())


def _plan_sql(sql: str, params=()) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def newsroom(db):
    desk = DeskFactory(slug="technology")
    articles = ArticleFactory.create_batch(3, desk=desk)
    Comment.objects.bulk_create(
        Comment(article=articles[0], name="A", email="a@example.org", body="Hi", status=status)
        for status in Comment.Status.values
    )
    return desk, articles[0]


@pytest.fixture
def busy_comments(newsroom):
    """Comments over many articles, mostly approved, with the planner's statistics taken: a
    choice between two indexes needs true proportions, not a near-empty table."""
    desk, article = newsroom
    others = ArticleFactory.create_batch(30, desk=desk)
    statuses = ["approved"] * 8 + ["rejected", "spam"]
    Comment.objects.bulk_create(
        Comment(article=others[n % 30], name="B", email=f"b{n}@example.org", body="Hi",
                status=statuses[n % 10])
        for n in range(3000)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")
    return desk, article


def test_desk_pages_read_published_articles_through_the_desk_index(newsroom):
    desk, _ = newsroom
    for n in range(8):  # enough desks that the desk column is the selective one
        other = DeskFactory(slug=f"other-{n}")
        Article.objects.bulk_create(
            Article(
                desk=other,
                headline=f"h{n}-{i}",
                slug=f"h{n}-{i}",
                status="published",
                published_at=timezone.now() - timedelta(hours=i),
            )
            for i in range(40)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    plan = _plan(Article.objects.published().filter(desk=desk).order_by("-published_at"))
    # Either desk index serves it (the composite one or the foreign key's own).
    assert "article_desk_pub" in plan or "articles_article_desk_id" in plan


def test_the_latest_published_list_uses_the_status_index(newsroom):
    plan = _plan(Article.objects.published().order_by("-published_at")[:20])
    assert "article_status_pub" in plan or "article_desk_pub" in plan


def test_an_articles_approved_comments_use_the_article_status_index(busy_comments):
    _, article = busy_comments
    plan = _plan(Comment.objects.approved().filter(article=article).order_by("created_at"))
    assert "comment_article_status" in plan


def test_the_moderation_queue_reads_the_partial_pending_index(newsroom):
    plan = _plan(Comment.objects.pending().order_by("created_at", "id")[:50])
    assert "comment_pending_queue" in plan


def test_rate_and_duplicate_checks_by_email_use_the_email_index(newsroom):
    since = timezone.now() - timedelta(days=1)
    plan = _plan(Comment.objects.filter(email="a@example.org", created_at__gte=since))
    assert "comment_email_created" in plan


def test_search_matches_through_the_gin_index(newsroom):
    plan = _plan(search_articles(Article.objects.all(), "metro"))
    assert "article_search_gin" in plan


def test_near_spellings_are_found_through_trigram_indexes(newsroom):
    # (The bylines' branch may reach authors through their primary key instead, on tables
    # this small: only the article's own indexes are asserted.)
    plan = _plan(search_articles(Article.objects.all(), "bateries"))
    for index in ("article_search_gin", "article_headline_trgm", "article_standfirst_trgm"):
        assert index in plan, plan


@pytest.mark.parametrize("status", ["approved", "rejected", "spam"])
def test_each_decided_tab_reads_only_its_own_rows_newest_first(busy_comments, status):
    plan = _plan(Comment.objects.filter(status=status).order_by("-created_at", "-id")[:51])
    assert "comment_decided_list" in plan
    assert f"Index Cond: ((status)::text = '{status}'::text)" in plan  # not a filter on a walk
    assert "Sort" not in plan


def _page_query(client, url: str) -> tuple[str, str]:
    """The SQL the queue view ran for its page of comments (newest first: a decided tab),
    and the page's link to the next one."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    newest_first = 'ORDER BY "comments_comment"."created_at" DESC'
    (sql,) = [query["sql"] for query in queries.captured_queries if newest_first in query["sql"]]
    return sql, response.context["next_page_url"]


def test_the_rejected_tab_as_the_queue_asks_for_it_reads_only_rejected_rows(
    busy_comments, client, moderator
):
    """The view's own query (its joins, the commenters' history, the next page's cursor),
    not a copy of it: pages 1 and 2 of the Rejected tab start at the rejected rows."""
    client.force_login(moderator)
    queue = reverse("moderation:queue")
    first, next_page = _page_query(client, f"{queue}?status=rejected")
    assert "after=" in next_page
    second, _ = _page_query(client, queue + next_page)
    for sql in (first, second):
        plan = _plan_sql(sql)
        assert "Index Scan using comment_decided_list on comments_comment " in plan
        assert "Index Cond: ((status)::text = 'rejected'::text)" in plan  # not a filtered walk
        assert "Sort" not in plan


def test_a_decision_counts_the_shown_comments_of_its_thread_through_indexes(busy_comments):
    from comments.services import family_ids

    comment = Comment.objects.filter(status="approved").first()
    plan = _plan(Comment.objects.filter(pk__in=family_ids([comment.pk])).visible())
    assert "Seq Scan" not in plan  # not the whole table, whatever the thread


def test_the_reported_tab_reads_the_partial_reported_index(busy_comments):
    plan = _plan(Comment.objects.filter(open_reports__gt=0).order_by("created_at", "id")[:50])
    assert "comment_reported_queue" in plan


def test_an_articles_picks_come_through_the_partial_picks_index(busy_comments):
    _, article = busy_comments
    plan = _plan(Comment.objects.approved().filter(article=article, is_pick=True))
    assert "comment_picks" in plan


def test_the_conversations_replies_and_picks_query_is_served_by_indexes(busy_comments):
    from django.db.models import Q

    _, article = busy_comments
    ids = list(Comment.objects.approved().filter(article=article).values_list("pk", flat=True)[:50])
    threads = Comment.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids)).values("pk")
    rest = Comment.objects.approved().filter(
        Q(parent_id__in=threads) | Q(is_pick=True), article=article
    )
    assert "Seq Scan on comments_comment" not in _plan(rest.order_by("created_at", "id"))
