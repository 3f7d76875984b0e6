"""The only place that writes articles' data with side effects (HackSoft style: <entity>_<verb>)."""

from __future__ import annotations

from articles.models import Article


def article_set_comment_count(*, article_id: int, count: int) -> None:
    """Store the approved-comment count on the article (comments' services call this)."""
    Article.objects.filter(pk=article_id).update(approved_comment_count=count)
