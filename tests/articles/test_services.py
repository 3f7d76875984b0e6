"""articles.services: publishing rules, the reporter's workflow, and the pages a desk, author,
topic or photo edit purges (a workflow action's: test_workflow_purges.py)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles import services
from articles.models import Article
from comments.services import comment_moderate
from editorial import services as editorial_services
from tests import factories
from tests.comments.conftest import CommentFactory
from tests.factories import ArticleFactory, AuthorFactory, BylineFactory, DeskFactory, PhotoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return ArticleFactory(draft=True, hero_photo=PhotoFactory())


def test_editor_publishes_a_draft_now(editor, draft):
    before = timezone.now()
    editorial_services.article_publish(article=draft, user=editor)
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert before <= draft.published_at <= timezone.now()
    assert Article.objects.published().filter(pk=draft.pk).exists()


def test_publishing_at_a_future_time_schedules_the_article(editor, draft):
    later = timezone.now() + timedelta(hours=3)
    editorial_services.article_publish(article=draft, user=editor, at=later)
    assert not Article.objects.published().filter(pk=draft.pk).exists()
    assert Article.objects.published(at=later).filter(pk=draft.pk).exists()


def test_reporter_cannot_publish(reporter, draft):
    draft.created_by = reporter
    draft.save()
    with pytest.raises(ValidationError, match="do not have permission to publish"):
        editorial_services.article_publish(article=draft, user=reporter)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


@pytest.mark.parametrize(
    ("photo", "problem"),
    [
        ({"credit_name": ""}, "a credit"),
        ({"credit_name": "   "}, "a credit"),
        ({"alt_text": ""}, "alt text"),
    ],
)
def test_publishing_is_refused_when_the_hero_photo_lacks_alt_text_or_credit(editor, photo, problem):
    article = ArticleFactory(draft=True, hero_photo=PhotoFactory(**photo))
    with pytest.raises(ValidationError) as caught:
        editorial_services.article_publish(article=article, user=editor)
    assert problem in caught.value.message_dict["hero_photo"][0]
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None


def test_publishing_is_refused_when_another_article_has_the_same_address(editor):
    desk = DeskFactory()
    ArticleFactory(desk=desk, slug="same-slug", published_at=timezone.now())
    article = ArticleFactory(desk=desk, slug="same-slug", draft=True)
    with pytest.raises(ValidationError) as caught:
        editorial_services.article_publish(article=article, user=editor)
    assert "already uses this slug" in caught.value.message_dict["slug"][0]


def test_the_same_slug_on_another_day_is_fine(editor):
    desk = DeskFactory()
    ArticleFactory(desk=desk, slug="same-slug", published_at=timezone.now() - timedelta(days=2))
    article = ArticleFactory(desk=desk, slug="same-slug", draft=True)
    editorial_services.article_publish(article=article, user=editor)
    assert article.status == Article.Status.PUBLISHED


def test_republishing_keeps_the_first_publication_time_and_address(editor):
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=3))
    first, url = article.published_at, article.get_absolute_url()
    editorial_services.article_unpublish(article=article, user=editor)
    editorial_services.article_publish(article=article, user=editor)
    article.refresh_from_db()
    assert article.published_at == first
    assert article.get_absolute_url() == url


def test_breaking_without_an_end_switches_off_after_six_hours(editor):
    article = ArticleFactory(draft=True, is_breaking=True)
    at = timezone.now()
    with time_machine.travel(at, tick=False):  # the window starts now: at this very moment
        editorial_services.article_publish(article=article, user=editor, at=at)
    assert article.breaking_until == at + timedelta(hours=editorial_services.BREAKING_DEFAULT_HOURS)
    assert not Article.objects.breaking(at + timedelta(hours=7)).filter(pk=article.pk).exists()


def test_unpublishing_takes_the_article_off_the_site(editor):
    article = ArticleFactory()
    editorial_services.article_unpublish(article=article, user=editor)
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_reporter_cannot_unpublish(reporter):
    article = ArticleFactory()
    with pytest.raises(ValidationError):
        editorial_services.article_unpublish(article=article, user=reporter)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_reporter_submits_their_own_draft_for_review(reporter):
    article = ArticleFactory(draft=True, created_by=reporter)
    editorial_services.article_submit(article=article, user=reporter)
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


def test_a_byline_makes_the_article_the_reporters_own(reporter):
    article = ArticleFactory(draft=True)
    BylineFactory(article=article, author=AuthorFactory(user=reporter))
    editorial_services.article_submit(article=article, user=reporter)
    assert article.status == Article.Status.IN_REVIEW


def test_reporter_cannot_submit_someone_elses_draft(reporter, editor):
    article = ArticleFactory(draft=True, created_by=editor)
    with pytest.raises(ValidationError, match="your own"):
        editorial_services.article_submit(article=article, user=reporter)


def test_only_drafts_can_be_submitted(editor):
    article = ArticleFactory()
    with pytest.raises(ValidationError, match="Only drafts"):
        editorial_services.article_submit(article=article, user=editor)


def test_article_save_refuses_a_reporter_setting_published(reporter):
    article = ArticleFactory.build(
        desk=DeskFactory(), status=Article.Status.PUBLISHED, published_at=None
    )
    with pytest.raises(ValidationError):
        editorial_services.article_save(article=article, user=reporter)
    assert not Article.objects.exists()


def test_article_save_records_who_created_the_article(reporter):
    article = ArticleFactory.build(desk=DeskFactory(), status=Article.Status.DRAFT)
    editorial_services.article_save(article=article, user=reporter)
    assert Article.objects.get().created_by == reporter


@pytest.mark.parametrize(
    ("make", "keys"),
    [
        (factories.DeskFactory, ["desk-{pk}", "desks"]),
        (factories.AuthorFactory, ["author-{pk}"]),  # no bylines yet: on no list of cards
        (factories.TopicFactory, ["topic-{pk}", "list-topic-{pk}"]),
        (factories.PhotoFactory, ["photo-{pk}"]),  # on no article yet
    ],
    ids=["desk", "author", "topic", "photo"],
)
def test_editing_a_desk_author_topic_or_photo_purges_the_pages_that_show_it(
    purged, django_capture_on_commit_callbacks, make, keys
):
    instance = make()
    with django_capture_on_commit_callbacks(execute=True):
        saved = services.content_save(instance=instance)
    assert saved is instance
    assert sorted([key.format(pk=instance.pk) for key in keys]) in purged


def test_comment_count_is_stored_on_the_article():
    article = ArticleFactory()
    services.article_set_comment_count(article_id=article.pk, count=7)
    article.refresh_from_db()
    assert article.approved_comment_count == 7


def test_an_article_saved_after_a_comment_approval_keeps_the_new_count(editor, moderator):
    # The editor's copy is loaded before the moderator approves: its count is old.
    article = ArticleFactory(headline="Tidal power comes of age")
    comment = CommentFactory(article=article)
    editors_copy = Article.objects.get(pk=article.pk)
    assert editors_copy.approved_comment_count == 0

    comment_moderate(decision="approve", comment=comment, moderator=moderator)
    editors_copy.headline = "Tidal power comes of age, at last"
    editorial_services.article_save(article=editors_copy, user=editor, version=editors_copy.version)

    article.refresh_from_db()
    assert article.headline == "Tidal power comes of age, at last"
    assert article.approved_comment_count == 1


def test_a_plain_save_of_an_old_copy_does_not_write_the_count_back(moderator):
    article = ArticleFactory()
    old_copy = Article.objects.get(pk=article.pk)
    comment_moderate(
        decision="approve", comment=CommentFactory(article=article), moderator=moderator
    )

    old_copy.save()
    Article.objects.only("pk", "headline").get(pk=article.pk).save()  # a deferred load too

    article.refresh_from_db()
    assert article.approved_comment_count == 1
