"""The mail a comment's life causes, driven through the comments app's own services and form."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from comments import notify, services
from comments.models import Comment, Term
from notifications.models import (
    MODERATOR_DIGEST,
    Notification,
    NotificationPreference,
    Suppression,
)
from notifications.services import notification_deliver
from tests.support.comments import submit
from tests.support.factories import ArticleFactory
from tests.support.outbox import confirmed, drain


def moderator_named(name: str, *, digest: bool = True) -> User:
    user = User.objects.create_user(name, email=f"{name}@newsroom.example", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    if not digest:
        NotificationPreference.objects.create(user=user, moderator_digest=False)
    return user


def rows(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("pk"))


@pytest.fixture
def article(db):
    return ArticleFactory(headline="Metro fares rise again")


real_commits = pytest.mark.django_db(transaction=True)


@real_commits
def test_a_posted_comment_reaches_each_moderator_in_one_digest(
    celery_worker, mail_server, client, settings, moderator, editor
):
    settings.NOTIFICATIONS_DIGEST_WINDOW = 0
    settings.SITE_URL = "https://news.example.org"
    article = ArticleFactory(headline="Metro fares rise again")
    moderator_named("second")
    moderator_named("quiet", digest=False)
    response = client.post(
        article.get_absolute_url() + "comments/",
        {
            "name": "Ana",
            "email": "ana@example.org",
            "body": "The night buses matter more than the fares.",
        },
    )
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.status == "pending"
    # No digest window: the commit queued the digests, no beat job is needed.
    messages = mail_server.wait_for(2)
    drain()
    assert mail_server.count() == 2
    assert sorted(m["To"] for m in messages) == [
        "moderator@example.org",
        "second@newsroom.example",
    ]
    text = messages[0].get_body(("plain",)).get_content()
    assert "The night buses matter more than the fares." in text
    assert "Metro fares rise again" in text
    assert f"https://news.example.org/moderation/#c{comment.pk}" in text
    assert "ana@example.org" not in text  # the commenter's address stays out of mail


@real_commits
def test_approving_with_opt_in_mails_the_commenter_exactly_once(
    celery_worker, mail_server, moderator, settings
):
    settings.SITE_URL = "https://news.example.org"
    settings.COMMENTS_UNDO_SECONDS = 0  # due at once: the undo window has its own test
    article = ArticleFactory(headline="Metro fares rise again")
    confirmed("ana@example.org")
    comment = submit(article, notify_on_publish=True, email="ana@example.org")
    assert (
        services.comment_moderate(decision="approve", comment=comment, moderator=moderator) is True
    )
    [message] = mail_server.wait_for(1)
    assert (
        services.comment_moderate(decision="approve", comment=comment, moderator=moderator) is False
    )
    services.comment_moderate(decision="reject", comment=comment, moderator=moderator)
    services.comment_moderate(decision="approve", comment=comment, moderator=moderator)
    drain()
    assert mail_server.count() == 1
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == 'Your comment on "Metro fares rise again" is published'
    text = message.get_body(("plain",)).get_content()
    assert f"https://news.example.org{article.get_absolute_url()}#comment-{comment.pk}" in text
    assert message["List-Unsubscribe"].startswith(
        "<https://news.example.org/notifications/unsubscribe/"
    )
    # It left the queue before any digest went out: the moderators are not told about it.
    assert {row.state for row in rows(MODERATOR_DIGEST)} == {"cancelled"}


def test_no_opt_in_means_no_mail_to_the_commenter(article, moderator):
    comment = submit(article)
    services.comment_moderate(decision="approve", comment=comment, moderator=moderator)
    assert not Notification.objects.exclude(kind=MODERATOR_DIGEST).exists()


@pytest.mark.parametrize("decision", ["reject", "spam"])
def test_a_rejected_or_spam_comment_never_mails_its_commenter(article, moderator, decision):
    comment = submit(article, notify_on_publish=True, notify_on_reply=True)
    services.comment_moderate(comment=comment, decision=decision, moderator=moderator)
    assert rows("comment_published") == []
    assert {row.state for row in rows(MODERATOR_DIGEST)} == {"cancelled"}


def test_a_comment_rejected_before_its_mail_went_out_is_never_echoed(
    article, moderator, mail_server
):
    comment = submit(article, body="Something the desk later rejected.", notify_on_publish=True)
    services.comment_moderate(decision="approve", comment=comment, moderator=moderator)
    [row] = rows("comment_published")
    services.comment_moderate(
        decision="reject", comment=comment, moderator=moderator, reason="abusive"
    )
    assert notification_deliver(notification_id=row.pk) is False
    row.refresh_from_db()
    assert row.state == "cancelled"
    assert mail_server.count() == 0


def test_a_comment_deleted_before_its_mail_went_out_is_never_echoed(
    article, moderator, mail_server
):
    parent = submit(article, body="The thread's first word.", notify_on_publish=True)
    services.comment_moderate(decision="approve", comment=parent, moderator=moderator)
    reply = submit(article, body="A reply goes with it.", parent=parent, notify_on_publish=True)
    services.comment_moderate(decision="approve", comment=reply, moderator=moderator)
    queued = list(rows("comment_published"))
    assert len(queued) == 2
    services.comment_delete_many(ids=[parent.pk])  # the reply goes with it
    for row in queued:
        assert notification_deliver(notification_id=row.pk) is False
        row.refresh_from_db()
        assert row.state == "cancelled"
    assert mail_server.count() == 0


def test_a_spam_comment_caught_at_posting_tells_no_moderator(article, moderator):
    Term.objects.create(term="cheap pills", kind=Term.Kind.BLOCKED)
    comment = submit(article, body="Buy cheap pills now")
    assert comment.status == "spam"
    assert not Notification.objects.exists()


def test_an_approved_reply_mails_the_parent_author_who_opted_in(
    article, moderator, mail_server, settings
):
    # A moderator's approval mails after its undo window (tests/comments/test_undo.py); this
    # test delivers at once.
    settings.COMMENTS_UNDO_SECONDS = 0
    confirmed("ana@example.org")
    parent = submit(article, name="Ana", email="ana@example.org", notify_on_reply=True)
    services.comment_moderate(decision="approve", comment=parent, moderator=moderator)
    reply = submit(article, parent=parent, name="Ben", body="I disagree about the buses.")
    services.comment_moderate(decision="approve", comment=reply, moderator=moderator)
    [row] = rows("comment_reply")
    assert row.recipient == "ana@example.org"
    assert notification_deliver(notification_id=row.pk) is True
    [message] = mail_server.wait_for(1)
    assert message["Subject"] == 'Ben replied to your comment on "Metro fares rise again"'
    text = message.get_body(("plain",)).get_content()
    assert "I disagree about the buses." in text
    assert f"#comment-{reply.pk}" in text


def test_no_reply_mail_for_a_spam_reply_or_a_reply_to_oneself(article, moderator):
    parent = submit(article, email="ana@example.org", notify_on_reply=True)
    services.comment_moderate(decision="approve", comment=parent, moderator=moderator)
    spam = submit(article, parent=parent, body="Visit my shop")
    services.comment_moderate(decision="spam", comment=spam, moderator=moderator)
    own = submit(article, parent=parent, email="ana@example.org", body="And one more thing.")
    services.comment_moderate(decision="approve", comment=own, moderator=moderator)
    assert rows("comment_reply") == []


def test_the_mail_rolls_back_with_an_approval_that_fails(article, moderator):
    comment = submit(article, notify_on_publish=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.comment_moderate(decision="approve", comment=comment, moderator=moderator)
        assert len(rows("comment_published")) == 1
        raise RuntimeError("the approval's transaction fails after the hook")
    assert rows("comment_published") == []
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_the_held_hook_costs_a_fixed_number_of_queries(article, django_assert_max_num_queries):
    for n in range(20):
        moderator_named(f"mod{n}")
    comment = submit(article)
    Notification.objects.all().delete()
    with django_assert_max_num_queries(6):
        notify.comment_held(comment=comment)
    assert len(rows(MODERATOR_DIGEST)) == 20


def test_erasing_a_commenter_erases_their_mail_from_the_outbox(article, moderator):
    confirmed("ana@example.org", "ben@example.org")
    parent = submit(article, email="ana@example.org", notify_on_publish=True, notify_on_reply=True)
    services.comment_moderate(decision="approve", comment=parent, moderator=moderator)
    reply = submit(article, parent=parent, email="ben@example.org", notify_on_publish=True)
    services.comment_moderate(decision="approve", comment=reply, moderator=moderator)
    mine = submit(article, email="ana@example.org", body="A second thought.")
    Suppression.objects.create(email="ana@example.org", kind="comment_reply")
    assert Notification.objects.filter(recipient="ana@example.org").count() == 2
    about_reply = set(
        Notification.objects.filter(about=f"comment:{reply.pk}")
        .exclude(recipient="ana@example.org")
        .values_list("kind", "recipient")
    )

    assert services.commenter_erase(email="ana@example.org") == 2
    assert not Notification.objects.filter(recipient="ana@example.org").exists()
    assert not Notification.objects.filter(about__in=[f"comment:{mine.pk}", f"comment:{parent.pk}"])
    # Ben's mail about his reply, and the moderators' row about it, stay.
    assert set(Notification.objects.values_list("kind", "recipient")) == about_reply
    assert ("comment_published", "ben@example.org") in about_reply
    assert Suppression.objects.filter(email="ana@example.org").exists()  # the opt-out outlives it


@real_commits
def test_an_approval_mails_after_the_undo_window_and_an_undone_one_never(
    celery_worker, mail_server, moderator, settings
):
    """Through the real worker and SMTP server: the approval's mail is held for the undo
    window (a Celery countdown), and the one whose approval was undone never goes."""
    settings.COMMENTS_UNDO_SECONDS = 1  # the mail then waits 1 s + the 5 s margin
    article = ArticleFactory(headline="Metro fares rise again")
    confirmed("ana@example.org", "ben@example.org")
    kept = submit(article, name="Ana", email="ana@example.org", notify_on_publish=True)
    undone = submit(article, name="Ben", email="ben@example.org", notify_on_publish=True)
    decided_at = timezone.now()
    services.comment_decide_undoable(comment=kept, decision="approve", moderator=moderator)
    _, token = services.comment_decide_undoable(
        comment=undone, decision="approve", moderator=moderator
    )
    services.comment_undo(comment=undone, token=token, moderator=moderator)
    drain()
    assert mail_server.count() == 0  # nothing before the window has passed
    [published] = mail_server.wait_for(1)
    assert timezone.now() - decided_at >= timedelta(seconds=6)
    assert published["To"] == "ana@example.org"
    drain()
    assert mail_server.count() == 1
    assert not Notification.objects.filter(recipient="ben@example.org", kind="comment_published")
