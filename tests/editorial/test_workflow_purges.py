"""Each workflow action makes stale exactly the cached pages it changes, with one purge once
its transaction commits (storing the article purges its pages; the services add only what
that does not cover, such as the home page's breaking banner)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from articles import services
from articles.models import Article, Correction
from articles.services import article_store
from core.pagecache import purge_on_commit
from editorial.services import saving, workflow
from tests.support.admin import article_form, change_url
from tests.support.factories import (
    ArticleFactory,
    BylineFactory,
    DeskFactory,
    PhotoFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def story(**fields) -> Article:
    """An article with a byline and a topic, so it is on every kind of list of cards. A
    published one has done its going live already (as one published through the services)."""
    article = ArticleFactory(hero_photo=PhotoFactory(), **fields)
    BylineFactory(article=article)
    article.topics.add(TopicFactory())
    if article.published_at is not None:
        Article.objects.filter(pk=article.pk).update(went_live_at=article.published_at)
        article.refresh_from_db()
    return article


def page_keys(article: Article, *, listed: bool, home: bool = False) -> list[str]:
    """The keys a change to `article` must purge: its page, and the lists of cards it was
    or is now on (`listed`), and the home page's own key (`home`)."""
    keys = {f"article-{article.pk}"}
    if listed:
        keys |= {"list-all", f"list-desk-{article.desk_id}"}
        keys |= {f"list-author-{pk}" for pk in article.bylines.values_list("author", flat=True)}
        keys |= {f"list-topic-{pk}" for pk in article.topics.values_list("pk", flat=True)}
    if home:
        keys.add("home")
    return sorted(keys)


def cached(reader, *paths: str) -> None:
    for path in paths:
        reader.get(path)
        assert reader.get(path)["X-Page-Cache"] == "hit", path


# --- One purge per action, with the right keys ---------------------------------------------


def publish(article, editor, reporter):
    workflow.article_publish(article=article, user=editor)


def schedule(article, editor, reporter):
    workflow.article_schedule(article=article, user=editor, at=timezone.now() + timedelta(hours=2))


def unpublish(article, editor, reporter):
    workflow.article_unpublish(article=article, user=editor)


def correct(article, editor, reporter):
    article.body = "Corrected paragraph."
    saving.article_save(
        article=article,
        user=editor,
        version=article.version,
        change_kind=Correction.Kind.CORRECTION,
        change_note="A date was wrong.",
    )


def silent_fix(article, editor, reporter):
    article.headline = "A typo fixed"
    saving.article_save(article=article, user=editor, version=article.version)


def go_live(article, editor, reporter):
    workflow.article_go_live(article_id=article.pk)


def mark_breaking(article, editor, reporter):
    workflow.article_mark_breaking(article=article, user=editor)


def submit(article, editor, reporter):
    workflow.article_submit(article=article, user=reporter)


def send_back(article, editor, reporter):
    workflow.article_return(article=article, user=editor, note="Needs a second source.")


def delete(article, editor, reporter):
    services.article_delete(article=article)


LIVE = {"published_at": timezone.now() - timedelta(hours=1)}
DRAFT = {"draft": True}
IN_REVIEW = {"status": Article.Status.IN_REVIEW, "published_at": None}


@pytest.mark.parametrize(
    ("action", "fields", "listed", "home"),
    [
        pytest.param(publish, DRAFT, True, True, id="publish"),  # joins lists and home
        pytest.param(schedule, DRAFT, False, False, id="schedule"),  # going live purges later
        pytest.param(schedule, LIVE, True, False, id="reschedule-live"),  # leaves its lists
        pytest.param(unpublish, LIVE, True, False, id="unpublish"),
        pytest.param(correct, LIVE, True, False, id="correct"),
        pytest.param(silent_fix, LIVE, True, False, id="silent-fix"),
        pytest.param(go_live, LIVE, True, True, id="go-live"),
        pytest.param(mark_breaking, LIVE, True, True, id="mark-breaking"),  # the home banner
        pytest.param(submit, DRAFT, False, False, id="submit"),  # on no list before or after
        pytest.param(send_back, IN_REVIEW, False, False, id="return"),
        pytest.param(delete, LIVE, True, False, id="delete"),
    ],
)
def test_each_workflow_action_purges_its_pages_once_after_commit(
    editor, reporter, purged, django_capture_on_commit_callbacks, action, fields, listed, home
):
    article = story(created_by=reporter, **fields)
    if action is go_live:  # its time came: a lost task, the sweep does the work
        Article.objects.filter(pk=article.pk).update(went_live_at=None)
    expected = page_keys(article, listed=listed, home=home)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        action(article, editor, reporter)
    assert purged == []  # nothing before the change is committed
    for callback in callbacks:
        callback()
    if action is publish:  # the lists it joined, known once committed
        expected = page_keys(article, listed=True, home=True)
    assert purged == [expected]


def test_an_edit_in_the_admin_purges_once_for_the_article_its_inlines_and_its_revision(
    client, editor, purged, django_capture_on_commit_callbacks
):
    article = story(**LIVE)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(article),
            article_form(article, headline="A new headline", change_kind="silent"),
        )
    assert response.status_code == 302
    assert purged == [page_keys(article, listed=True)]


def test_a_publish_costs_a_bounded_number_of_queries_purge_included(
    editor, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    article = story(**DRAFT)
    # 16: the checks, the save, the log, going live and its mail, and the article's keys
    # worked out twice: before the save (the lists it leaves) and once committed (the lists
    # it joins). Going live worked them out a third time for a purge of its own: 19.
    with django_assert_max_num_queries(16), django_capture_on_commit_callbacks(execute=True):
        workflow.article_publish(article=article, user=editor)
    assert article.is_public()


# --- The pages that must go stale do (a reader behind a shared cache) ----------------------


def test_publishing_puts_the_story_on_its_cached_lists_and_leaves_other_desks_cached(
    editor, shared_cache, django_capture_on_commit_callbacks
):
    article = story(draft=True, headline="Tram line opens", desk=DeskFactory(slug="transport"))
    DeskFactory(slug="culture")
    reader = shared_cache
    author = article.bylines.get().author
    cached(reader, "/", "/transport/", "/feed/", author.get_absolute_url(), "/culture/")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_publish(article=article, user=editor)
    for path in ("/", "/transport/", "/feed/", author.get_absolute_url()):
        response = reader.get(path)
        assert response["X-Page-Cache"] == "miss", path
        assert "Tram line opens" in response.content.decode(), path
    assert reader.get(article.get_absolute_url()).status_code == 200
    assert reader.get("/culture/")["X-Page-Cache"] == "hit"


def test_unpublishing_takes_the_story_off_its_cached_page_and_lists(
    editor, shared_cache, django_capture_on_commit_callbacks
):
    article = story(headline="Bridge closes", desk=DeskFactory(slug="transport"), **LIVE)
    reader = shared_cache
    cached(reader, article.get_absolute_url(), "/", "/transport/")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_unpublish(article=article, user=editor)
    assert reader.get(article.get_absolute_url()).status_code == 410
    for path in ("/", "/transport/"):
        response = reader.get(path)
        assert response["X-Page-Cache"] == "miss", path
        assert "Bridge closes" not in response.content.decode(), path


def test_a_correction_reaches_the_cached_article_page(
    editor, shared_cache, django_capture_on_commit_callbacks
):
    article = story(**LIVE)
    reader = shared_cache
    cached(reader, article.get_absolute_url(), "/corrections/")
    with django_capture_on_commit_callbacks(execute=True):
        correct(article, editor, None)
    for path in (article.get_absolute_url(), "/corrections/"):
        response = reader.get(path)
        assert response["X-Page-Cache"] == "miss", path
        assert "A date was wrong." in response.content.decode(), path


def test_going_live_reaches_the_cached_home_page(
    editor, shared_cache, django_capture_on_commit_callbacks
):
    article = story(headline="Polls open", published_at=timezone.now() - timedelta(minutes=1))
    Article.objects.filter(pk=article.pk).update(went_live_at=None)
    reader = shared_cache
    cached(reader, "/")
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.article_go_live(article_id=article.pk) is True
    response = reader.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "Polls open" in response.content.decode()


def test_marking_breaking_puts_the_banner_on_the_cached_home_page(
    editor, shared_cache, django_capture_on_commit_callbacks
):
    article = story(**LIVE)
    reader = shared_cache
    cached(reader, "/")
    assert "breaking-banner" not in reader.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_mark_breaking(article=article, user=editor)
    response = reader.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "breaking-banner" in response.content.decode()


def test_a_draft_edit_purges_only_its_own_preview_key_and_leaves_lists_cached(
    reporter, purged, shared_cache, django_capture_on_commit_callbacks
):
    ArticleFactory(desk=DeskFactory(slug="news"))
    article = story(draft=True, created_by=reporter)
    reader = shared_cache
    cached(reader, "/", "/news/")
    article.headline = "Still a draft"
    with django_capture_on_commit_callbacks(execute=True):
        saving.article_save(article=article, user=reporter, version=article.version)
    assert purged == [[f"article-{article.pk}"]]
    for path in ("/", "/news/"):
        assert reader.get(path)["X-Page-Cache"] == "hit", path


# --- How purges are gathered ----------------------------------------------------------------


def test_the_calls_of_one_transaction_make_one_purge_of_their_keys(
    purged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        purge_on_commit(["home", "desks"])
        with transaction.atomic():
            purge_on_commit(["desks", "desk-1"])
        purge_on_commit(["home"])
    assert purged == [["desk-1", "desks", "home"]]


def test_an_article_saved_twice_has_its_keys_worked_out_once(
    purged, django_capture_on_commit_callbacks, django_assert_num_queries
):
    article = story(**LIVE)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            article_store(article=article)
            article_store(article=article)
    with django_assert_num_queries(3):  # the desks, authors and topics of its lists
        for callback in callbacks:
            callback()
    assert purged == [page_keys(article, listed=True)]


def test_a_transaction_rolled_back_purges_nothing(purged, django_capture_on_commit_callbacks):
    with pytest.raises(RuntimeError), transaction.atomic():
        purge_on_commit(["gone"])
        raise RuntimeError("rolled back")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        purge_on_commit(["kept"])
    assert purged == [["kept"]]


def test_purging_is_the_services_work_not_the_models(purged, django_capture_on_commit_callbacks):
    article = story(**LIVE)
    with django_capture_on_commit_callbacks(execute=True):
        article.save()  # a shell's or a migration's save: no side effects
    assert purged == []
    with django_capture_on_commit_callbacks(execute=True):
        article_store(article=article)
    assert purged == [page_keys(article, listed=True)]


def test_a_key_named_both_hard_and_soft_in_one_transaction_is_purged_hard(
    purges, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        purge_on_commit(["article-1", "article-2"], soft=True)  # comments joining
        purge_on_commit(["article-1"])  # a comment leaving the same page
    assert purges == [(["article-1"], False), (["article-2"], True)]
