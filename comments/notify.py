"""Which emails a comment's life causes (issue 6 fills these in with the outbox).

comments.services calls these inside the same transaction as the change that causes the
mail, so the outbox row commits (or rolls back) together with its cause.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from comments.models import Comment


def comment_held(*, comment: Comment) -> None:
    """A comment is waiting in the queue: moderators get (a digest of) it."""


def comment_approved(*, comment: Comment) -> None:
    """A comment became approved for the first time: the commenter and the replied-to hear."""
