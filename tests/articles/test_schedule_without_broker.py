"""Without a broker (`make run`), Celery runs tasks in-process at once, ETA or not."""

import datetime as dt

import pytest
from django.utils import timezone

from articles.models import Article
from editorial import services as editorial_services
from editorial.tasks import go_live
from tests.factories import ArticleFactory, AuthorFactory, BylineFactory, PhotoFactory


@pytest.mark.django_db
def test_an_early_in_process_go_live_leaves_the_article_scheduled_without_retrying(editor):
    article = ArticleFactory(draft=True, hero_photo=PhotoFactory())
    BylineFactory(article=article, author=AuthorFactory())
    editorial_services.article_schedule(
        article=article, user=editor, at=timezone.now() + dt.timedelta(minutes=2)
    )

    result = go_live.apply(kwargs={"article_id": article.pk})  # as an eager apply_async runs

    assert result.successful(), result.traceback  # no retry storm, no MaxRetriesExceeded
    assert result.result is False
    article = Article.objects.get(pk=article.pk)
    assert article.is_scheduled()
    assert article.went_live_at is None
