"""Which emails a comment's life causes, composed for the outbox (notifications.services).

comments.services calls these inside the same transaction as the change that causes the
mail, so the outbox rows commit (or roll back) together with their cause. Each mail's
event key names the comment, so the same event never makes a second mail: approving,
rejecting and approving again sends the commenter nothing new.

Mail to the commenter (published, replies) is double opt-in: anyone can type anyone's
address into the form, so ticking "email me" first sends that address one request to
confirm (`comment_opted_in`), and the commenter's mail waits in the outbox until the
mailbox confirms. Moderators' mail goes to staff accounts and needs no confirmation.

What a mail says is fixed when it is written; a comment that is then rejected or marked
as spam withdraws the mails about it that have not gone yet (`comment_moderated`), so no
mail ever carries a rejected comment's text.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.text import Truncator

from comments.models import Comment
from comments.selectors import moderators_of_desk
from notifications.models import MODERATOR_DIGEST
from notifications.services import (
    mailbox_confirm_request,
    notification_cancel,
    notification_enqueue,
    notification_forget,
    notification_withdraw,
)

MODERATORS_GROUP = "Moderators"
EXCERPT_CHARS = 240
# Mail about a decision waits this much beyond the undo window: an undo sent in its last
# second still arrives before the mail is due.
UNDO_MARGIN_SECONDS = 5


def comment_held(*, comment: Comment) -> None:
    """A comment is waiting in the queue: its moderators (its desk's, and those of every
    desk) get it in their next digest."""
    moderators = (
        moderators_of_desk(
            get_user_model().objects.filter(groups__name=MODERATORS_GROUP, is_active=True),
            comment.article.desk_id,
        )
        .exclude(email="")
        .exclude(notification_preference__moderator_digest=False)
        .values_list("email", flat=True)
    )
    queue_url = settings.SITE_URL + reverse("moderation:queue")
    notification_enqueue(
        kind=MODERATOR_DIGEST,
        recipients=moderators,
        event=f"comment-held:{comment.pk}",
        about=_about(comment),
        digest=True,
        context={
            "comment_id": comment.pk,
            "name": comment.name,
            "article": comment.article.headline,
            "excerpt": _excerpt(comment),
            "reasons": comment.held_reason_labels(),
            "queue_url": queue_url,
            "item_url": f"{queue_url}#c{comment.pk}",  # the queue's element for this comment
            "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
        },
    )


def comment_opted_in(*, comment: Comment) -> None:
    """A new comment asks for mail: its address must confirm it wants that mail first.

    The request names only the article, never the comment's name or text: the poster may
    not own the address. Comments caught as spam ask for nothing.
    """
    kinds = [
        kind
        for kind, wanted in (
            ("comment_published", comment.notify_on_publish),
            ("comment_reply", comment.notify_on_reply),
        )
        if wanted
    ]
    if not kinds or not comment.email or comment.status == Comment.Status.SPAM:
        return
    mailbox_confirm_request(
        recipient=comment.email, kinds=kinds, context={"article": comment.article.headline}
    )


def undo_hold() -> timedelta | None:
    """How long mail about a moderator's decision waits: past the window in which the
    decision can be undone, so an undone approval never mails. Not under `make run`'s eager
    tasks: with no worker to wait, the mail goes at once."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.COMMENTS_UNDO_SECONDS:
        return None
    return timedelta(seconds=settings.COMMENTS_UNDO_SECONDS + UNDO_MARGIN_SECONDS)


def comment_approved(*, comment: Comment, undoable: bool = False) -> None:
    """A comment became approved for the first time: the commenter and the replied-to hear.
    `undoable`: a moderator's decision, which may be undone for a while; the mail waits."""
    if comment.status != Comment.Status.APPROVED:
        return
    if not (comment.notify_on_publish and comment.email) and comment.parent_id is None:
        return  # nobody to tell: spare every approve the queries below
    # Approved but hanging under a rejected comment: not on the page, so nothing to announce.
    if not Comment.objects.visible().filter(pk=comment.pk).exists():
        return
    url = settings.SITE_URL + comment.get_absolute_url()
    hold = undo_hold() if undoable else None
    if comment.notify_on_publish and comment.email:
        notification_enqueue(
            kind="comment_published",
            recipients=[comment.email],
            event=f"comment-published:{comment.pk}",
            about=_about(comment),
            confirmed_only=True,
            send_after=hold,
            context={
                "name": comment.name,
                "article": comment.article.headline,
                "excerpt": _excerpt(comment),
                "comment_url": url,
            },
        )
    parent = comment.parent
    if (
        parent is not None
        and parent.notify_on_reply
        and parent.status == Comment.Status.APPROVED
        and parent.email
        and parent.email.strip().lower() != comment.email.strip().lower()  # not to oneself
    ):
        notification_enqueue(
            kind="comment_reply",
            recipients=[parent.email],
            event=f"comment-reply:{comment.pk}",
            about=_about(comment),
            confirmed_only=True,
            send_after=hold,
            context={
                "name": parent.name,
                "replier": comment.name,
                "article": comment.article.headline,
                "excerpt": _excerpt(comment),
                "comment_url": url,
            },
        )


def comment_moderated(*, comment: Comment) -> None:
    """A moderator changed a comment's status: withdraw the mail about it that is now wrong.

    Whatever the decision, the comment has left the queue, so the moderators' digest no
    longer lists it. Rejected or spam: nothing about it goes out at all.
    """
    if comment.status in (Comment.Status.REJECTED, Comment.Status.SPAM):
        notification_cancel(about=_about(comment), reason=f"comment {comment.status}")
    else:
        notification_cancel(about=_about(comment), kinds=[MODERATOR_DIGEST], reason="moderated")


def comment_approval_undone(*, comment: Comment) -> None:
    """An approval was undone within its window: the mail it caused has not gone (it waits
    for the window), and now never will; a later approval mails afresh."""
    notification_withdraw(events=[f"comment-published:{comment.pk}", f"comment-reply:{comment.pk}"])


def comments_deleted(*, ids: list[int]) -> None:
    """Comments (and the replies under them) are being deleted: no mail about them goes
    out, neither with their text nor linking to them."""
    for pk in ids:
        notification_cancel(about=f"comment:{pk}", reason="comment deleted")


def commenter_erased(*, email: str, comments: list[Comment]) -> None:
    """A commenter's personal data was erased: the outbox forgets their mail too."""
    notification_forget(email=email, about=[_about(comment) for comment in comments])


def _about(comment: Comment) -> str:
    return f"comment:{comment.pk}"


def _excerpt(comment: Comment) -> str:
    return Truncator(" ".join(comment.body.split())).chars(EXCERPT_CHARS)
