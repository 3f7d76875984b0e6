"""The services on their own: the pipeline's order and codes, decisions, hooks, privacy, tasks."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from comments import notify, services
from comments.models import Comment, ModerationLog, Term
from comments.services import Rejection, comment_submit
from tests.support.comments import submission
from tests.support.factories import CommentFactory

pytestmark = pytest.mark.django_db

APPROVED, PENDING = Comment.Status.APPROVED, Comment.Status.PENDING


# The pipeline.


def test_the_checks_run_in_the_documented_order():
    assert [check.__name__ for check in services.CHECKS] == [
        "_check_honeypot",
        "_check_resent",
        "_check_rate",
        "_check_banned",
        "_check_links",
        "_check_terms",
        "_check_history",
    ]


def test_the_honeypot_is_checked_first(article):
    comment_submit(submission=submission(article))
    result = comment_submit(submission=submission(article, honeypot="x"))  # also a resend
    assert result.rejected == Rejection.HONEYPOT


def test_every_hold_reason_is_kept_in_order(article):
    Term.objects.create(term="lottery", kind=Term.Kind.SUSPECT)
    body = "Win the lottery at https://a.example and https://b.example"
    result = comment_submit(submission=submission(article, body=body))
    assert result.comment.held_reasons == ["links", "suspect_term", "first_time"]


def test_a_commenter_with_approved_comments_is_still_pre_moderated_by_default(article):
    CommentFactory(article=article, email="grace@example.net", status=APPROVED, email_verified=True)
    result = comment_submit(submission=submission(article))
    assert result.comment.status == PENDING
    assert result.comment.held_reasons == ["pre_moderated"]


def trusted_history(article, count: int = 3) -> None:
    for n in range(count):
        CommentFactory(
            article=article,
            email="grace@example.net",
            status=APPROVED,
            email_verified=True,
            body=f"Earlier {n}",
        )


def test_trusted_commenters_are_approved_when_the_setting_is_on(article, settings):
    settings.COMMENTS_TRUSTED_AUTO_APPROVE = True
    trusted_history(article)
    result = comment_submit(submission=submission(article))
    assert result.comment.status == APPROVED
    assert result.comment.held_reasons == []
    assert result.comment.log.get().reason == "auto: trusted commenter"
    article.refresh_from_db()
    assert article.approved_comment_count == 4  # a recount: three earlier ones and this one


def test_trust_needs_enough_approved_comments(article, settings):
    settings.COMMENTS_TRUSTED_AUTO_APPROVE = True
    trusted_history(article, count=2)
    assert comment_submit(submission=submission(article)).comment.status == PENDING


def test_trust_needs_a_verified_email(article, settings):
    settings.COMMENTS_TRUSTED_AUTO_APPROVE = True
    for n in range(3):
        CommentFactory(article=article, email="grace@example.net", status=APPROVED, body=f"E{n}")
    assert comment_submit(submission=submission(article)).comment.status == PENDING


def test_a_trusted_commenter_with_two_links_is_still_held(article, settings):
    settings.COMMENTS_TRUSTED_AUTO_APPROVE = True
    trusted_history(article)
    body = "See https://a.example and https://b.example"
    result = comment_submit(submission=submission(article, body=body))
    assert result.comment.status == PENDING
    assert "links" in result.comment.held_reasons


def test_rate_limits_fail_open_when_redis_is_down(article, settings):
    # A real Redis client pointed at a port where nothing listens.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    result = comment_submit(submission=submission(article))
    assert result.comment is not None and result.comment.status == PENDING


def test_the_ip_hash_is_salted_and_stable(article, settings):
    first = services.ip_hash("192.0.2.10")
    assert first == services.ip_hash("192.0.2.10") != services.ip_hash("192.0.2.11")
    settings.COMMENTS_IP_HASH_SALT = "another salt"
    assert services.ip_hash("192.0.2.10") != first


@pytest.mark.parametrize(
    ("text", "terms", "found"),
    [
        ("Cheap ＶＩＡＧＲＡ here", ["viagra"], ["viagra"]),
        ("ﬁnancial advice", ["financial"], ["financial"]),  # the ﬁ ligature
        ("Scunthorpe United", ["cunt"], []),
        ("click here now", ["click here"], ["click here"]),
        ("click, here!", ["click here"], ["click here"]),
        ("clicker here", ["click here"], []),
    ],
)
def test_terms_match_normalised_whole_words(text, terms, found):
    assert services.terms_found(text, terms) == found


# Decisions.


def test_a_moderation_writes_who_when_from_to_and_why(article, moderator):
    comment = CommentFactory(article=article)
    before = timezone.now()
    assert services.comment_moderate(
        decision="approve", comment=comment, moderator=moderator, reason="fine"
    )
    log = ModerationLog.objects.filter(moderator=moderator).get()
    assert (log.comment, log.from_status, log.to_status, log.reason) == (
        comment,
        PENDING,
        APPROVED,
        "fine",
    )
    assert log.created_at >= before
    comment.refresh_from_db()
    assert comment.moderated_by == moderator and comment.moderated_at >= before


def test_comment_moderate_refuses_an_unknown_decision(article, moderator):
    comment = CommentFactory(article=article)
    with pytest.raises(ValueError, match="unknown decision"):
        services.comment_moderate(comment=comment, decision="delete", moderator=moderator)


def test_back_and_forth_keeps_the_count_right(article, moderator):
    comment = CommentFactory(article=article)
    for decision, count in (("approve", 1), ("spam", 0), ("approve", 1), ("reject", 0)):
        services.comment_moderate(comment=comment, decision=decision, moderator=moderator)
        article.refresh_from_db()
        assert article.approved_comment_count == count
    assert comment.log.count() == 4


def test_the_hooks_are_called_inside_the_transaction_at_the_right_moments(
    article, moderator, monkeypatch
):
    calls = []
    monkeypatch.setattr(
        notify, "comment_held", lambda *, comment: calls.append(("held", comment.pk))
    )
    monkeypatch.setattr(
        notify,
        "comment_approved",
        lambda *, comment, undoable=False: calls.append(("approved", comment.pk)),
    )
    result = comment_submit(submission=submission(article))
    pk = result.comment.pk
    services.comment_moderate(decision="approve", comment=result.comment, moderator=moderator)
    services.comment_moderate(decision="reject", comment=result.comment, moderator=moderator)
    services.comment_moderate(decision="approve", comment=result.comment, moderator=moderator)
    assert calls == [("held", pk), ("approved", pk)]  # approved once: the first time only


def test_spam_is_not_announced_to_moderators(article, monkeypatch):
    calls = []
    monkeypatch.setattr(notify, "comment_held", lambda *, comment: calls.append(comment.pk))
    Term.objects.create(term="viagra", kind=Term.Kind.BLOCKED)
    comment_submit(submission=submission(article, body="viagra"))
    assert calls == []


def test_a_failing_hook_rolls_the_comment_back(article, monkeypatch):
    def broken(*, comment):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(notify, "comment_held", broken)
    with pytest.raises(RuntimeError):
        comment_submit(submission=submission(article))
    assert Comment.objects.count() == 0 and ModerationLog.objects.count() == 0


# Privacy.


def test_erase_commenter_anonymises_and_logs_it(article, capsys):
    mine = CommentFactory(article=article, email="gone@example.net", ip_hash="h" * 64)
    other = CommentFactory(article=article, email="stays@example.net")
    call_command("erase_commenter", "Gone@Example.net")
    assert "Anonymised 1 comment from" in capsys.readouterr().out
    mine.refresh_from_db()
    assert (mine.name, mine.email, mine.ip_hash, mine.user_agent) == ("Removed", "", "", "")
    assert mine.log.filter(reason__contains="erased").exists()
    assert "gone@example.net" not in str(list(ModerationLog.objects.values()))
    other.refresh_from_db()
    assert other.email == "stays@example.net"


def test_export_commenter_prints_their_data_as_json(article, capsys):
    CommentFactory(article=article, email="me@example.net", body="My words.")
    CommentFactory(article=article, email="you@example.net", body="Not mine.")
    call_command("export_commenter", "me@example.net")
    data = json.loads(capsys.readouterr().out)
    assert data["email"] == "me@example.net"
    assert [c["body"] for c in data["comments"]] == ["My words."]
    assert data["comments"][0]["article_url"].endswith(article.get_absolute_url())


@pytest.mark.parametrize("command", ["erase_commenter", "export_commenter"])
def test_the_privacy_commands_refuse_something_that_is_not_an_email(command):
    with pytest.raises(CommandError, match="not an email address"):
        call_command(command, "nobody")


def old_and_new_comments(article) -> tuple[Comment, Comment]:
    old = CommentFactory(article=article, ip_hash="o" * 64, user_agent="Old UA")
    new = CommentFactory(article=article, ip_hash="n" * 64, user_agent="New UA")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    return old, new


def test_ip_hashes_older_than_thirty_days_are_cleared(article):
    old, new = old_and_new_comments(article)
    assert services.comment_clear_old_ip_hashes() == 1
    assert services.comment_clear_old_ip_hashes() == 0  # idempotent
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.ip_hash, old.user_agent) == ("", "")
    assert new.ip_hash == "n" * 64


def test_the_ip_hash_task_runs_in_a_real_worker(celery_worker):
    from comments.tasks import clear_old_ip_hashes
    from tests.support.factories import ArticleFactory

    old, _ = old_and_new_comments(ArticleFactory())
    assert clear_old_ip_hashes.delay().get(timeout=20) == 1
    old.refresh_from_db()
    assert old.ip_hash == ""


def test_the_ip_hash_task_is_on_the_beat_schedule(settings):
    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "comments.tasks.clear_old_ip_hashes" in tasks
