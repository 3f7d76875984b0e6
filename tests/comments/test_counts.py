"""The counts kept on write (issue 7): the queue's per-status tallies and each article's shown
count stay equal to a full recount after every path that changes a comment's status, and
when moderators decide at the same moment on separate connections."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count

from articles.services import article_delete
from comments import services
from comments.models import Comment, CommentTally, Term
from comments.services import comment_submit
from tests.support.comments import submission
from tests.support.factories import ArticleFactory, CommentFactory, DeskFactory
from tests.support.public_html import Page

pytestmark = pytest.mark.django_db

PENDING, APPROVED = Comment.Status.PENDING, Comment.Status.APPROVED
REJECTED, SPAM = Comment.Status.REJECTED, Comment.Status.SPAM


def tallies(article) -> dict[str, int]:
    rows = CommentTally.objects.filter(article=article).exclude(count=0)
    return dict(rows.values_list("status", "count"))


def recounted(article) -> dict[str, int]:
    by_status = Comment.objects.filter(article=article).order_by().values("status")
    return dict(by_status.annotate(n=Count("pk")).values_list("status", "n"))


def assert_exact(*articles) -> None:
    """What the services kept equals what counting every comment again gives."""
    for article in articles:
        article.refresh_from_db()
        assert tallies(article) == recounted(article)
        shown = Comment.objects.filter(article=article).visible().count()
        assert article.approved_comment_count == shown


def decide(comment: Comment, decision: str, moderator) -> None:
    services.comment_moderate(comment=comment, decision=decision, moderator=moderator)


# Every path that changes a status.


def test_a_held_submission_counts_as_pending(article):
    comment_submit(submission=submission(article))
    assert tallies(article) == {PENDING: 1}
    assert_exact(article)


def test_a_trusted_submission_counts_as_approved_and_shown(article, settings):
    settings.COMMENTS_TRUSTED_AUTO_APPROVE = True
    settings.COMMENTS_TRUSTED_MIN_APPROVED = 1
    CommentFactory(article=article, email="grace@example.net", status=APPROVED, email_verified=True)
    result = comment_submit(submission=submission(article, body="Trusted and counted."))
    assert result.comment.status == APPROVED
    assert tallies(article) == {APPROVED: 2}
    assert_exact(article)
    assert article.approved_comment_count == 2


def test_a_caught_submission_counts_as_spam(article):
    Term.objects.create(term="casino", kind=Term.Kind.BLOCKED)
    comment_submit(submission=submission(article, body="Best casino bonus"))
    assert tallies(article) == {SPAM: 1}
    assert_exact(article)


def test_a_resent_form_is_counted_once(article):
    sent = submission(article)
    comment_submit(submission=sent)
    assert comment_submit(submission=sent).duplicate
    assert tallies(article) == {PENDING: 1}


@pytest.mark.parametrize(
    "decisions",
    [
        ["approve", "reject", "approve", "spam", "approve"],
        ["spam", "reject", "approve", "approve", "reject"],
    ],
)
def test_each_decision_moves_the_counts_by_its_difference(article, moderator, decisions):
    comment = CommentFactory(article=article)
    CommentFactory(article=article, status=APPROVED)
    for decision in decisions:
        decide(comment, decision, moderator)
        assert_exact(article)


def test_approving_a_comment_brings_back_its_approved_replies(article, moderator):
    top = CommentFactory(article=article)
    reply = CommentFactory(article=article, parent=top, status=APPROVED)
    CommentFactory(article=article, parent=reply, status=APPROVED)
    CommentFactory(article=article, parent=reply, status=PENDING)
    article.refresh_from_db()
    assert article.approved_comment_count == 0  # hanging under a held comment: not shown
    decide(top, "approve", moderator)
    article.refresh_from_db()
    assert article.approved_comment_count == 3
    decide(reply, "reject", moderator)
    assert_exact(article)
    assert article.approved_comment_count == 1
    decide(top, "spam", moderator)
    decide(reply, "approve", moderator)  # its parent is spam: still not shown
    assert_exact(article)
    assert article.approved_comment_count == 0
    decide(top, "approve", moderator)
    assert_exact(article)
    assert article.approved_comment_count == 3


def test_bulk_decisions_on_a_thread_count_each_comment_once(article, moderator):
    top = CommentFactory(article=article)
    reply = CommentFactory(article=article, parent=top)
    deepest = CommentFactory(article=article, parent=reply)
    other = CommentFactory(article=ArticleFactory())
    ids = [deepest.pk, top.pk, reply.pk, other.pk]
    assert services.comment_moderate_many(ids=ids, decision="approve", moderator=moderator) == 4
    assert_exact(article, other.article)
    assert article.approved_comment_count == 3
    services.comment_moderate_many(ids=[reply.pk, top.pk], decision="reject", moderator=moderator)
    assert_exact(article)
    assert article.approved_comment_count == 0


# A bulk decision's own statements, however many comments it decides: locking the comments
# and their articles, finding their threads (two lookups on the parent index), the shown
# count before and after, the first-approval check, the status update, the log rows, one
# shown-count update per article, the tallies, and savepoints.
BULK_STATEMENTS = 14


@pytest.mark.parametrize("per_article", [2, 8])
def test_a_bulk_decision_moves_each_articles_counts_once_whatever_the_number_of_comments(
    moderator, django_assert_max_num_queries, per_article
):
    articles = ArticleFactory.create_batch(2)
    for article in articles:
        # Approved replies under a held comment: not shown until it is approved.
        top = CommentFactory(article=article)
        reply = CommentFactory(article=article, parent=top, status=APPROVED)
        CommentFactory(article=article, parent=reply, status=APPROVED)
        CommentFactory.create_batch(per_article, article=article)
    ids = list(Comment.objects.filter(article__in=articles).values_list("pk", flat=True))
    for decision, changes in [("approve", 2 * (1 + per_article)), ("spam", len(ids))]:
        # Plus one statement per comment: its queued mail is withdrawn (issue 6), and
        # `notification_cancel` withdraws one comment's at a time.
        with django_assert_max_num_queries(BULK_STATEMENTS + changes) as queries:
            changed = services.comment_moderate_many(
                ids=ids, decision=decision, moderator=moderator
            )
        assert changed == changes
        shown_updates = [
            q for q in queries.captured_queries if 'UPDATE "articles_article"' in q["sql"]
        ]
        assert len(shown_updates) == len(articles)
        assert_exact(*articles)
    assert [a.approved_comment_count for a in articles] == [0, 0]


def test_admin_actions_keep_the_counts(client, moderator, article):
    comments = [CommentFactory(article=article) for _ in range(3)]
    client.force_login(moderator)
    client.post(
        "/admin/comments/comment/",
        {"action": "spam_comments", "_selected_action": [c.pk for c in comments[:2]]},
    )
    assert tallies(article) == {PENDING: 1, SPAM: 2}
    assert_exact(article)


def test_deleting_in_admin_takes_the_comment_and_its_replies_off_the_counts(
    client, superuser, article
):
    top = CommentFactory(article=article, status=APPROVED)
    CommentFactory(article=article, parent=top, status=APPROVED)
    kept = CommentFactory(article=article, status=APPROVED)
    held = CommentFactory(article=article)
    client.force_login(superuser)
    response = client.post(f"/admin/comments/comment/{top.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert tallies(article) == {APPROVED: 1, PENDING: 1}
    assert_exact(article)
    client.post(
        "/admin/comments/comment/",
        {"action": "delete_selected", "_selected_action": [kept.pk, held.pk], "post": "yes"},
    )
    assert tallies(article) == {}
    assert_exact(article)


def test_a_deleted_article_takes_its_tallies_with_it(article, moderator):
    CommentFactory(article=article)
    other = ArticleFactory()
    CommentFactory(article=other, status=SPAM)
    article_delete(article=article)
    assert services.comment_status_counts() == {PENDING: 0, APPROVED: 0, REJECTED: 0, SPAM: 1}


def test_erasing_a_commenter_changes_no_count(article):
    CommentFactory(article=article, email="gone@example.net", status=APPROVED)
    services.commenter_erase(email="gone@example.net")
    assert tallies(article) == {APPROVED: 1}
    assert_exact(article)


def test_recount_comments_puts_drifted_counts_right(article, capsys):
    CommentFactory(article=article, status=APPROVED)
    CommentFactory(article=article)
    # A raw write behind the services' back, as a bulk load does.
    Comment.objects.filter(article=article).update(status=APPROVED)
    CommentTally.objects.filter(article=article).update(count=99)
    call_command("recount_comments")
    assert tallies(article) == {APPROVED: 2}
    assert_exact(article)
    assert "Recounted 2 comments on 1 article." in capsys.readouterr().out


def test_recount_comments_refuses_an_unknown_article(article):
    with pytest.raises(CommandError, match="no article with id 999999"):
        call_command("recount_comments", "999999")


# What the queue shows from them.


def tab_counts(client, query: str = "") -> dict[str, str]:
    page = Page(client.get(f"/moderation/{query}").content.decode())
    return {a.attrs["data-status"]: a.text for a in page.select("a") if "data-status" in a.attrs}


def test_filtered_tabs_count_exactly_for_an_article_or_a_desk(client, moderator):
    science, sport = DeskFactory(slug="science"), DeskFactory(slug="sport")
    on_science, on_sport = ArticleFactory(desk=science), ArticleFactory(desk=sport)
    CommentFactory(article=on_science)
    CommentFactory(article=on_sport)
    CommentFactory(article=on_sport, status=SPAM)
    client.force_login(moderator)
    assert tab_counts(client, "?desk=sport")["spam"] == "Spam 1"
    assert tab_counts(client, "?desk=sport")["pending"] == "Held 1"
    assert tab_counts(client, f"?article={on_science.pk}")["spam"] == "Spam 0"
    assert tab_counts(client)["pending"] == "Held 2"


def test_with_a_reason_filter_the_tabs_show_no_numbers_rather_than_wrong_ones(client, moderator):
    CommentFactory(held_reasons=["links"])
    client.force_login(moderator)
    response = client.get("/moderation/?reason=links")
    assert tab_counts(client, "?reason=links")["pending"] == "Held"
    assert "Counts are not shown while filtering by reason." in response.content.decode()


def test_a_json_decision_answers_with_the_counts_of_the_page_it_came_from(client, moderator):
    mine, other = ArticleFactory(), ArticleFactory()
    held = CommentFactory(article=mine)
    CommentFactory(article=other)
    client.force_login(moderator)
    response = client.post(
        f"/moderation/{held.pk}/",
        {"decision": "approve", "next": f"/moderation/?article={mine.pk}"},
        headers={"accept": "application/json"},
    )
    assert response.json()["counts"] == {
        PENDING: 0,
        APPROVED: 1,
        REJECTED: 0,
        SPAM: 0,
        "reported": 0,
    }


# At the same moment, on separate connections.


def run_together(*jobs: Callable[[], None]) -> None:
    """Start each job in its own thread (own database connection) at the same instant."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            start.wait()
            job()
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, "\n".join(str(e) for e in errors)


@pytest.mark.django_db(transaction=True)
def test_two_moderators_approving_at_once_both_count(article, moderator, editor):
    for _ in range(5):
        first, second = CommentFactory(article=article), CommentFactory(article=article)
        run_together(
            lambda c=first: decide(c, "approve", moderator),
            lambda c=second: decide(c, "approve", editor),
        )
        assert_exact(article)
    assert article.approved_comment_count == 10


@pytest.mark.django_db(transaction=True)
def test_a_parent_and_its_reply_approved_at_once_both_show(article, moderator, editor):
    for _ in range(5):
        top = CommentFactory(article=article)
        reply = CommentFactory(article=article, parent=top)
        run_together(
            lambda c=top: decide(c, "approve", moderator),
            lambda c=reply: decide(c, "approve", editor),
        )
        assert_exact(article)
    assert article.approved_comment_count == 10


@pytest.mark.django_db(transaction=True)
def test_posting_deciding_and_recounting_at_once_stay_exact(article, moderator, editor, settings):
    settings.COMMENTS_RATE_PER_MINUTE = 100
    for round_ in range(3):
        held = [CommentFactory(article=article) for _ in range(6)]
        sent = [
            submission(article, body=f"Post {round_}-{n}", email=f"p{round_}-{n}@example.net")
            for n in range(4)
        ]
        run_together(
            *(lambda s=s: comment_submit(submission=s) for s in sent),
            lambda held=held: services.comment_moderate_many(
                ids=[c.pk for c in held[:3]], decision="approve", moderator=moderator
            ),
            lambda held=held: services.comment_moderate_many(
                ids=[c.pk for c in held[3:]], decision="spam", moderator=editor
            ),
            lambda: services.comment_counts_recount(article_id=article.pk),
        )
        assert_exact(article)
    assert tallies(article) == {PENDING: 12, APPROVED: 9, SPAM: 9}


@pytest.mark.django_db(transaction=True)
def test_deleting_a_comment_while_a_reply_to_it_commits_neither_deadlocks_nor_orphans(article):
    parent = CommentFactory(article=article, status=APPROVED)
    holding, go = threading.Event(), threading.Event()

    def reply() -> None:
        # What comment_submit does, held open between its tally write and its commit (where
        # the parent's key is checked).
        with transaction.atomic():
            Comment.objects.create(
                article=article, parent=parent, name="Late", email="late@example.net", body="Hi"
            )
            services._tally([(article.pk, PENDING, 1)])
            holding.set()
            go.wait(10)

    def delete() -> None:
        holding.wait(10)
        services.comment_delete_many(ids=[parent.pk])

    def release() -> None:
        holding.wait(10)
        time.sleep(0.5)  # the deleter is waiting on the reply's locks by now
        go.set()

    run_together(reply, delete, release)
    assert not Comment.objects.exists()  # the reply went with its parent
    assert_exact(article)


@pytest.mark.django_db(transaction=True)  # the parent's key is checked at a real commit
def test_a_reply_whose_parent_was_deleted_meanwhile_is_refused_with_a_reason(article):
    parent = CommentFactory(article=article, status=APPROVED)
    stale = submission(article, parent=Comment.objects.get(pk=parent.pk), body="Just in time?")
    services.comment_delete_many(ids=[parent.pk])
    result = comment_submit(submission=stale)
    assert result.rejected == services.Rejection.PARENT_GONE
    assert "has just been removed" in result.message
    assert not Comment.objects.exists()
    assert_exact(article)


@pytest.mark.django_db(transaction=True)
def test_deciding_a_reply_while_its_parent_is_deleted_stays_exact(article, moderator):
    for _ in range(5):
        parent = CommentFactory(article=article, status=APPROVED)
        reply = CommentFactory(article=article, parent=parent)

        def approve(c=reply) -> None:
            try:
                decide(c, "approve", moderator)
            except Comment.DoesNotExist:
                pass  # the delete came first: nothing left to decide

        run_together(approve, lambda p=parent: services.comment_delete_many(ids=[p.pk]))
        assert not Comment.objects.filter(pk__in=[parent.pk, reply.pk]).exists()
        assert_exact(article)
