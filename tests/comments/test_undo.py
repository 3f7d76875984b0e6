"""Undo in the moderation queue: a decision can be taken back for a few seconds by whoever
made it. The decision stays in the log; the undo is a logged decision of its own that puts
back what was there (status, pick, reports, ban or trust) and purges the page; the mail a
decision causes waits for the window, so an undone approval never mails."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.utils import timezone

from comments import services
from comments.models import Comment, CommenterStanding, ModerationLog, Report
from notifications.models import Mailbox, Notification
from tests.support.factories import ArticleFactory, CommentFactory, DeskFactory
from tests.support.personas import desk_member
from tests.support.public_html import Page

pytestmark = pytest.mark.django_db

PENDING, APPROVED = Comment.Status.PENDING, Comment.Status.APPROVED
REJECTED, SPAM = Comment.Status.REJECTED, Comment.Status.SPAM
JSON = {"Accept": "application/json"}


@pytest.fixture(autouse=True)
def _window(settings):
    settings.COMMENTS_UNDO_SECONDS = 10
    settings.CELERY_TASK_ALWAYS_EAGER = False  # mail is held back as a worker would hold it


def decide(comment, decision, moderator):
    changed, token = services.comment_decide_undoable(
        comment=comment, decision=decision, moderator=moderator
    )
    assert changed and token
    return token


def undo(comment, token, moderator):
    return services.comment_undo(comment=comment, token=token, moderator=moderator)


def opted_in(article, **extra) -> Comment:
    """A held comment whose commenter asked to hear when it is published (and confirmed)."""
    Mailbox.objects.get_or_create(
        email="ana@example.org", defaults={"nonce": "n", "confirmed_at": timezone.now()}
    )
    return CommentFactory(article=article, email="ana@example.org", notify_on_publish=True, **extra)


# --- The service -------------------------------------------------------------------------


def test_undoing_an_approval_holds_the_comment_again_logged_and_purged(
    article, moderator, purges, django_capture_on_commit_callbacks
):
    comment = CommentFactory(article=article)
    token = decide(comment, "approve", moderator)
    purges.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert undo(comment, token, moderator) == "approve"
    comment.refresh_from_db()
    assert comment.status == PENDING
    approval, reversal = ModerationLog.objects.filter(
        comment=comment, moderator=moderator
    ).order_by("pk")
    assert (approval.from_status, approval.to_status) == (PENDING, APPROVED)
    assert (reversal.from_status, reversal.to_status) == (APPROVED, PENDING)
    assert reversal.undoes == approval
    assert reversal.reason == "undo: approve"
    assert [f"article-{article.pk}"] in [keys for keys, _ in purges]
    article.refresh_from_db()
    assert article.approved_comment_count == 0


def test_the_commenters_mail_waits_for_the_window_and_an_undone_approval_never_mails(
    article, moderator
):
    comment = opted_in(article)
    before = timezone.now()
    token = decide(comment, "approve", moderator)
    [mail] = Notification.objects.filter(kind="comment_published")
    assert mail.state == Notification.State.PENDING
    assert mail.next_attempt_at >= before + dt.timedelta(seconds=10)
    assert not Notification.objects.due().filter(pk=mail.pk).exists()
    undo(comment, token, moderator)
    assert not Notification.objects.filter(kind="comment_published").exists()
    # Approved again later, for good: the commenter hears once, then.
    decide(comment, "approve", moderator)
    assert Notification.objects.filter(kind="comment_published").count() == 1


def test_undoing_a_rejection_puts_back_the_comment_and_its_readers_reports(article, moderator):
    comment = CommentFactory(article=article, status=APPROVED)
    services.comment_report(comment_id=comment.pk, reason="abusive", ip="192.0.2.9")
    comment.refresh_from_db()
    token = decide(comment, "reject", moderator)
    assert Report.objects.get().cleared_at is not None
    undo(comment, token, moderator)
    comment.refresh_from_db()
    assert (comment.status, comment.open_reports) == (APPROVED, 1)
    assert Report.objects.get().cleared_at is None
    assert services.comment_status_counts(with_reported=True)["reported"] == 1
    article.refresh_from_db()
    assert article.approved_comment_count == 1


def test_undoing_keep_reopens_the_reports(article, moderator):
    comment = CommentFactory(article=article, status=APPROVED)
    services.comment_report(comment_id=comment.pk, reason="spam", ip="192.0.2.9")
    comment.refresh_from_db()
    token = decide(comment, "keep", moderator)
    undo(comment, token, moderator)
    comment.refresh_from_db()
    assert comment.open_reports == 1
    last = ModerationLog.objects.filter(comment=comment).first()
    assert last.action == ModerationLog.Action.UNDO
    assert last.undoes.action == ModerationLog.Action.KEEP


def test_undoing_a_pick_unpicks(article, moderator):
    comment = CommentFactory(article=article, status=APPROVED)
    token = decide(comment, "pick", moderator)
    undo(comment, token, moderator)
    comment.refresh_from_db()
    assert not comment.is_pick
    assert ModerationLog.objects.filter(comment=comment).first().action == "unpick"


def test_undoing_a_ban_lifts_it_and_restores_the_status(article, moderator):
    comment = CommentFactory(article=article, ip_hash="c" * 64)
    token = decide(comment, "ban", moderator)
    assert services.commenter_standing(email=comment.email) == "banned"
    undo(comment, token, moderator)
    comment.refresh_from_db()
    assert comment.status == PENDING
    assert services.commenter_standing(email=comment.email) == ""
    standing = CommenterStanding.objects.get()
    assert (standing.lifted_by, standing.lifted_reason) == (moderator, "undo: ban")


def test_undoing_a_ban_that_replaced_a_trust_trusts_again(article, moderator):
    earlier = CommentFactory(article=article, email="sam@example.org")
    services.commenter_trust(comment=earlier, moderator=moderator)
    comment = CommentFactory(article=article, email="sam@example.org")
    token = decide(comment, "ban", moderator)
    undo(comment, token, moderator)
    assert services.commenter_standing(email="sam@example.org") == "trusted"


def test_undoing_a_trust_withdraws_its_approval_mail(article, moderator):
    comment = opted_in(article)
    token = decide(comment, "trust", moderator)
    assert Notification.objects.filter(kind="comment_published").exists()
    undo(comment, token, moderator)
    comment.refresh_from_db()
    assert comment.status == PENDING
    assert services.commenter_standing(email=comment.email) == ""
    assert not Notification.objects.filter(kind="comment_published").exists()


def test_an_undo_is_refused_after_the_window(article, moderator):
    comment = CommentFactory(article=article)
    token = decide(comment, "approve", moderator)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=11)):
        with pytest.raises(services.UndoRefused, match="Too late to undo") as refused:
            undo(comment, token, moderator)
    assert refused.value.status == 409
    comment.refresh_from_db()
    assert comment.status == APPROVED


def test_an_undo_is_refused_once_the_comment_was_decided_again(article, moderator, editor):
    comment = CommentFactory(article=article)
    token = decide(comment, "approve", moderator)
    services.comment_moderate(comment=comment, decision="reject", moderator=editor)
    with pytest.raises(services.UndoRefused, match="decided again") as refused:
        undo(comment, token, moderator)
    assert refused.value.status == 409
    comment.refresh_from_db()
    assert comment.status == REJECTED


def test_an_undo_works_once(article, moderator):
    comment = CommentFactory(article=article)
    token = decide(comment, "spam", moderator)
    undo(comment, token, moderator)
    with pytest.raises(services.UndoRefused) as refused:
        undo(comment, token, moderator)
    assert refused.value.status == 409


def test_only_the_moderator_who_decided_can_undo(article, moderator, editor):
    comment = CommentFactory(article=article)
    token = decide(comment, "approve", moderator)
    with pytest.raises(services.UndoRefused) as refused:
        undo(comment, token, editor)
    assert refused.value.status == 403


def test_a_forged_or_misdirected_token_is_refused(article, moderator):
    comment, other = CommentFactory(article=article), CommentFactory(article=article)
    token = decide(comment, "approve", moderator)
    for target, bad in ((comment, token[:-2] + "xx"), (comment, "nonsense"), (other, token)):
        with pytest.raises(services.UndoRefused) as refused:
            undo(target, bad, moderator)
        assert refused.value.status == 400


def test_nothing_to_undo_when_nothing_changed(article, moderator):
    comment = CommentFactory(article=article, status=APPROVED)
    changed, token = services.comment_decide_undoable(
        comment=comment, decision="approve", moderator=moderator
    )
    assert (changed, token) == (False, "")


# --- The views ---------------------------------------------------------------------------


def decide_json(client, comment, decision="approve"):
    response = client.post(f"/moderation/{comment.pk}/", {"decision": decision}, headers=JSON)
    assert response.status_code == 200
    return response.json()


def test_a_decision_answers_with_its_undo_and_the_undo_with_what_it_did(client, moderator, article):
    comment = CommentFactory(article=article, name="Ana")
    client.force_login(moderator)
    offer = decide_json(client, comment)["undo"]
    assert offer["url"] == f"/moderation/{comment.pk}/undo/"
    assert offer["seconds"] == 10
    assert offer["message"] == "Comment by Ana approved."
    response = client.post(offer["url"], {"token": offer["token"]}, headers=JSON)
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["undone"]) == (PENDING, "approve")
    assert body["message"] == "Undone: the comment by Ana is held again."
    assert body["counts"]["pending"] == 1


def test_without_javascript_the_next_page_offers_undo_and_says_what_it_did(
    client, moderator, article
):
    comment = CommentFactory(article=article, name="Ana")
    client.force_login(moderator)
    response = client.post(f"/moderation/{comment.pk}/", {"decision": "reject"}, follow=True)
    page = Page(response.content.decode())
    [bar] = page.select("div", id="mod-undo")
    assert "hidden" not in bar.attrs
    assert "Comment by Ana rejected." in response.content.decode()  # the flash message
    assert "Changed your mind?" in response.content.decode()
    [form] = [f for f in page.select("form") if f.attrs.get("action", "").endswith("/undo/")]
    token = [i for i in page.select("input") if i.attrs.get("name") == "token"][0].attrs["value"]
    undone = client.post(
        form.attrs["action"], {"token": token, "next": "/moderation/"}, follow=True
    )
    assert "Undone: the comment by Ana is held again." in undone.content.decode()
    comment.refresh_from_db()
    assert comment.status == PENDING
    # Shown once: the page after that offers nothing to undo.
    again = Page(client.get("/moderation/").content.decode())
    assert "hidden" in again.select("div", id="mod-undo")[0].attrs


@pytest.mark.parametrize("accept", [{}, JSON])
def test_bad_undos_get_a_clear_4xx_and_change_nothing(client, moderator, article, accept):
    comment = CommentFactory(article=article)
    client.force_login(moderator)
    token = decide_json(client, comment)["undo"]["token"]
    url = f"/moderation/{comment.pk}/undo/"
    cases = [
        (f"/moderation/{comment.pk + 1000}/undo/", {"token": token}, 404),
        (url, {}, 400),
        (url, {"token": "not-a-token"}, 400),
    ]
    for target, data, status in cases:
        response = client.post(target, data, headers=accept)
        assert response.status_code == status, (target, data)
    comment.refresh_from_db()
    assert comment.status == APPROVED
    assert client.get(url).status_code == 405
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=30)):
        late = client.post(url, {"token": token}, headers=accept)
    assert late.status_code == 409
    assert "Too late to undo" in late.content.decode()
    services.comment_moderate(comment=comment, decision="spam", moderator=moderator)
    stale = client.post(url, {"token": token}, headers=accept)
    assert stale.status_code == 409
    assert "decided again" in stale.content.decode()
    comment.refresh_from_db()
    assert comment.status == SPAM


def test_another_desks_moderator_cannot_undo(client, article, moderator):
    science = DeskFactory(name="Science", slug="science")
    comment = CommentFactory(article=ArticleFactory(desk=science))
    token = decide(comment, "approve", moderator)
    culture_mod = desk_member("cleo", "Moderators", DeskFactory(name="Culture", slug="culture"))
    client.force_login(culture_mod)
    response = client.post(f"/moderation/{comment.pk}/undo/", {"token": token}, headers=JSON)
    assert response.status_code == 404
    science_mod = User.objects.create_user("sid", is_staff=True)
    science_mod.groups.add(Group.objects.get(name="Moderators"))
    science.members.add(science_mod, through_defaults={"role": "moderator"})
    client.force_login(science_mod)
    response = client.post(f"/moderation/{comment.pk}/undo/", {"token": token}, headers=JSON)
    assert response.status_code == 403  # their desk's comment, but not their decision
    comment.refresh_from_db()
    assert comment.status == APPROVED
