"""The "Live" email goes once per real event: moving a live article's date is an edit, not a
second going-live, and the mail says when readers could first see the story."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from articles.clock import newsroom_time
from editorial import services as editorial_services
from notifications.models import Notification
from tests.articles.admin_helpers import article_form, change_url, errors
from tests.factories import ArticleFactory, AuthorFactory, BylineFactory, PhotoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def writers_draft(reporter):
    article = ArticleFactory(draft=True, created_by=reporter, hero_photo=PhotoFactory())
    BylineFactory(article=article, author=AuthorFactory(user=reporter))
    return article


def live_mails():
    return list(Notification.objects.filter(kind="article_published"))


def post(client, article, **fields):
    article.refresh_from_db()
    response = client.post(change_url(article), article_form(article, **fields))
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()


@pytest.mark.parametrize("days", [-2, 1])
def test_moving_a_live_articles_date_sends_no_second_live_email(editor_client, writers_draft, days):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        post(editor_client, writers_draft, status="published")
        assert len(live_mails()) == 1
        sent = live_mails()[0].context["published"]
        post(
            editor_client,
            writers_draft,
            published_at=writers_draft.published_at + dt.timedelta(days=days),
        )
        if days > 0:  # moved into the future: it is public again at the new time
            clock.move_to(writers_draft.published_at + dt.timedelta(minutes=1))
            editorial_services.article_go_live_sweep()
    mails = live_mails()
    assert len(mails) == 1
    assert mails[0].context["published"] == sent


def test_a_backdated_publication_mails_when_it_really_went_live(editor_client, writers_draft):
    with time_machine.travel(timezone.now(), tick=False):
        now = timezone.now()
        post(
            editor_client,
            writers_draft,
            status="published",
            published_at=now - dt.timedelta(days=3),
        )
        assert [m.context["published"] for m in live_mails()] == [newsroom_time(now)]
