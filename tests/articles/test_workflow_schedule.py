"""Scheduling at the exact minute: the ETA task in a real worker, the beat sweep, the times
in the newsroom's zone, the Scheduled view, and breaking for two hours."""

import datetime as dt
import time
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import services as editorial_services
from editorial.models import Transition
from editorial.tasks import end_breaking, go_live, go_live_sweep
from notifications.models import Notification
from photos.models import Photo
from tests.articles.admin_helpers import CHANGELIST, action, article_form, change_url, errors
from tests.factories import ArticleFactory, AuthorFactory, BylineFactory, DeskFactory, PhotoFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("the worker did not get there in time")


def writers_draft(reporter, **fields) -> Article:
    if "hero_photo" not in fields:
        fields["hero_photo"] = PhotoFactory()
    article = ArticleFactory(draft=True, created_by=reporter, **fields)
    BylineFactory(article=article, author=AuthorFactory(user=reporter, name="Rita Reporter"))
    return article


# --- Through a real worker, on a travelled clock ------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_article_goes_live_at_its_minute_with_its_side_effects(
    shared_cache, celery_worker, editor, reporter
):
    """Scheduled for 10:00 on the newsroom's clock: hidden at 09:59:58; at 10:00 the ETA task
    in the worker purges the cached pages that now show it, logs it and mails its writer."""
    desk = DeskFactory(slug="world", name="World")
    # The photo's renditions first: when they are made, the worker purges the pages showing
    # the photo, and a page rendered meanwhile is (rightly) not kept by the page cache.
    photo = PhotoFactory()
    wait_for(lambda: Photo.objects.get(pk=photo.pk).status == Photo.Status.READY)
    ten = dt.datetime(2026, 3, 14, 10, 0, tzinfo=LONDON)
    with time_machine.travel(ten - dt.timedelta(seconds=2), tick=True):
        article = writers_draft(
            reporter, desk=desk, headline="Tide tables rewritten", hero_photo=photo
        )
        editorial_services.article_schedule(article=article, user=editor, at=ten)
        assert "Tide tables rewritten" not in shared_cache.get("/world/").content.decode()
        assert shared_cache.get("/world/")["X-Page-Cache"] == "hit"  # cached while hidden

        wait_for(lambda: Article.objects.get(pk=article.pk).went_live_at is not None)
        # The purge follows the commit that sets went_live_at, in the worker's thread.
        desk_list = f"list-desk-{desk.pk}"
        wait_for(lambda: any(desk_list in keys for keys, _ in shared_cache.purges))

        assert timezone.now() >= ten  # not a moment early
        page = shared_cache.get("/world/")
        assert page["X-Page-Cache"] == "miss"  # the task purged the desk's page
        assert "Tide tables rewritten" in page.content.decode()
        assert shared_cache.get(article.get_absolute_url()).status_code == 200
    log = Transition.objects.filter(article=article).values_list("action", "user")
    assert list(log) == [
        (Transition.Action.WENT_LIVE, None),
        (Transition.Action.SCHEDULE, editor.pk),
    ]
    mail = Notification.objects.get(kind="article_published")
    assert mail.recipient == reporter.email
    assert mail.context["url"].endswith(article.get_absolute_url())


@pytest.mark.django_db(transaction=True)
def test_the_beat_sweep_does_the_work_of_a_lost_task_through_the_worker(celery_worker, editor):
    """A broker outage at the minute loses the ETA message: the sweep catches it."""
    with time_machine.travel(dt.datetime(2026, 3, 14, 9, 0, tzinfo=LONDON), tick=False) as clock:
        article = ArticleFactory(draft=True, hero_photo=PhotoFactory())
        when = timezone.now() + dt.timedelta(minutes=30)
        Article.objects.filter(pk=article.pk).update(
            status=Article.Status.PUBLISHED, published_at=when
        )  # as if the ETA message never reached the broker
        clock.move_to(when + dt.timedelta(seconds=30))

        swept = go_live_sweep.delay().get(timeout=20)

        assert swept == [article.pk]
        assert go_live_sweep.delay().get(timeout=20) == []  # done once
    article.refresh_from_db()
    assert article.went_live_at == when
    assert Transition.objects.filter(article=article, action="went_live").count() == 1


def test_beat_runs_the_go_live_sweep_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["articles-go-live-sweep"]
    assert entry["task"] == go_live_sweep.name
    assert entry["schedule"] <= 60


# --- The services, without a worker -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_scheduling_queues_the_go_live_task_for_the_minute_after_commit(editor, monkeypatch):
    queued = []
    monkeypatch.setattr(go_live, "apply_async", lambda **kw: queued.append(kw))
    article = ArticleFactory(draft=True, hero_photo=PhotoFactory())
    at = timezone.now() + dt.timedelta(hours=3)
    editorial_services.article_schedule(article=article, user=editor, at=at)
    assert queued == [{"kwargs": {"article_id": article.pk}, "eta": at}]


@pytest.mark.django_db(transaction=True)
def test_an_embargoed_article_goes_live_when_its_embargo_ends(editor, monkeypatch):
    queued = []
    monkeypatch.setattr(go_live, "apply_async", lambda **kw: queued.append(kw))
    at = timezone.now() + dt.timedelta(hours=1)
    article = ArticleFactory(
        draft=True, hero_photo=PhotoFactory(), embargo_until=at + dt.timedelta(hours=1)
    )
    editorial_services.article_schedule(article=article, user=editor, at=article.embargo_until)
    assert queued[0]["eta"] == article.embargo_until


@pytest.mark.django_db(transaction=True)
def test_a_failed_schedule_queues_nothing(editor, monkeypatch):
    queued = []
    monkeypatch.setattr(go_live, "apply_async", lambda **kw: queued.append(kw))
    article = ArticleFactory(draft=True, hero_photo=PhotoFactory(credit_name=""))
    with pytest.raises(ValidationError):
        editorial_services.article_schedule(
            article=article, user=editor, at=timezone.now() + dt.timedelta(hours=1)
        )
    assert queued == []
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


@pytest.mark.django_db
def test_going_live_happens_once_whatever_the_number_of_deliveries(editor, reporter):
    article = writers_draft(reporter)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        at = timezone.now() + dt.timedelta(minutes=5)
        editorial_services.article_schedule(article=article, user=editor, at=at)
        assert editorial_services.article_go_live(article_id=article.pk) is False  # too early
        clock.move_to(at)
        assert editorial_services.article_go_live(article_id=article.pk) is True
        assert editorial_services.article_go_live(article_id=article.pk) is False
        assert editorial_services.article_go_live_sweep() == []
    assert Notification.objects.filter(kind="article_published").count() == 1


@pytest.mark.django_db
def test_a_rescheduled_article_goes_live_at_the_new_time_only(editor):
    article = ArticleFactory(draft=True, hero_photo=PhotoFactory())
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = timezone.now() + dt.timedelta(hours=1)
        editorial_services.article_schedule(article=article, user=editor, at=first)
        editorial_services.article_schedule(
            article=article, user=editor, at=first + dt.timedelta(hours=1)
        )
        clock.move_to(first)  # the first task arrives: the article is not due any more
        assert go_live.run(article_id=article.pk) is False
        clock.move_to(first + dt.timedelta(hours=1))
        assert go_live.run(article_id=article.pk) is True


@pytest.mark.django_db
def test_the_sweep_leaves_old_articles_alone(editor):
    ArticleFactory(published_at=timezone.now() - dt.timedelta(days=3))
    assert editorial_services.article_go_live_sweep() == []


@pytest.mark.django_db
def test_scheduling_in_the_past_is_refused_with_a_clear_message(editor):
    article = ArticleFactory(draft=True, hero_photo=PhotoFactory())
    with pytest.raises(ValidationError) as caught:
        editorial_services.article_schedule(
            article=article, user=editor, at=timezone.now() - dt.timedelta(minutes=1)
        )
    assert "in the future" in caught.value.message_dict["published_at"][0]


@pytest.mark.django_db
def test_reporter_cannot_schedule(reporter):
    article = ArticleFactory(draft=True, created_by=reporter, hero_photo=PhotoFactory())
    with pytest.raises(ValidationError, match="permission to publish"):
        editorial_services.article_schedule(
            article=article, user=reporter, at=timezone.now() + dt.timedelta(hours=1)
        )
    assert not Transition.objects.exists()


# --- Times in the newsroom's zone ------------------------------------------------------


@pytest.mark.django_db
def test_times_are_entered_in_the_newsroom_zone_which_the_form_names(client, editor, settings):
    settings.TIME_ZONE = "America/New_York"
    client.force_login(editor)
    article = ArticleFactory(draft=True, hero_photo=PhotoFactory())
    html = client.get(change_url(article)).content.decode()
    assert "Newsroom time: America/New_York" in html
    # "10:00" typed into the form is 10:00 in New York, whatever the editor's computer says.
    data = article_form(article, status="published")
    data["published_at_0"], data["published_at_1"] = "2099-07-01", "10:00:00"
    response = client.post(change_url(article), data)
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    new_york = zoneinfo.ZoneInfo("America/New_York")
    assert article.published_at == dt.datetime(2099, 7, 1, 10, 0, tzinfo=new_york)


# --- The Scheduled view ------------------------------------------------------------------


@pytest.mark.django_db
def test_scheduled_view_lists_what_goes_out_when_grouped_by_day(
    client, editor, django_assert_max_num_queries
):
    client.force_login(editor)
    with time_machine.travel(dt.datetime(2026, 3, 14, 8, 0, tzinfo=LONDON), tick=False):
        desk = DeskFactory(name="World")
        for headline, day, hour in [
            ("Saturday late", 14, 18),
            ("Saturday early", 14, 9),
            ("Monday", 16, 7),
        ]:
            article = ArticleFactory(
                draft=True, desk=desk, headline=headline, hero_photo=PhotoFactory()
            )
            BylineFactory(article=article)
            editorial_services.article_schedule(
                article=article,
                user=editor,
                at=dt.datetime(2026, 3, day, hour, 0, tzinfo=LONDON),
            )
        embargoed = ArticleFactory(
            headline="Embargoed report",
            published_at=timezone.now() - dt.timedelta(hours=1),
            embargo_until=dt.datetime(2026, 3, 15, 0, 1, tzinfo=LONDON),
        )
        ArticleFactory(headline="Already out")
        ArticleFactory(headline="A draft", draft=True)
        with django_assert_max_num_queries(10):
            response = client.get(reverse("admin:articles_article_scheduled"))
    html = response.content.decode()
    assert response.status_code == 200
    days = [h for h in ("Today, Saturday 14 March 2026", "Sunday 15 March 2026", "Monday 16 March")]
    positions = [html.index(day) for day in days]
    assert positions == sorted(positions)
    order = [
        html.index(h) for h in ("Saturday early", "Saturday late", embargoed.headline, "Monday")
    ]
    assert order == sorted(order)
    assert "09:00 GMT" in html and "18:00 GMT" in html and "00:01 GMT" in html
    assert "Newsroom time: Europe/London" in html
    assert "Embargoed" in html
    assert "scheduled by editor" in html
    assert "Already out" not in html and "A draft" not in html


@pytest.mark.django_db
def test_scheduled_view_shows_times_to_the_minute_with_the_zone(client, editor):
    client.force_login(editor)
    with time_machine.travel(dt.datetime(2026, 7, 14, 8, 0, tzinfo=LONDON), tick=False):
        ArticleFactory(
            headline="Embargoed to the microsecond",
            published_at=timezone.now() - dt.timedelta(hours=1),
            embargo_until=dt.datetime(2026, 7, 14, 9, 30, 15, 123456, tzinfo=LONDON),
        )
        html = client.get(reverse("admin:articles_article_scheduled")).content.decode()

    assert '<time class="nr-slot__time" datetime="2026-07-14T09:30+01:00">09:30 BST</time>' in html
    assert "123456" not in html and ":15" not in html


@pytest.mark.django_db
def test_the_article_list_links_to_the_scheduled_view(client, editor):
    client.force_login(editor)
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert f'href="{reverse("admin:articles_article_scheduled")}"' in html


@pytest.mark.django_db
def test_staff_without_article_rights_cannot_see_the_scheduled_view(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("admin:articles_article_scheduled")).status_code == 403


# --- Breaking for two hours --------------------------------------------------------------


@pytest.mark.django_db
def test_breaking_for_two_hours_is_one_admin_action_and_ends_by_itself(client, editor):
    client.force_login(editor)
    article = ArticleFactory(headline="Bridge closed")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        start = timezone.now()
        response = client.post(
            reverse(CHANGELIST), action("breaking_for_two_hours", article), follow=True
        )
        shown = [str(m) for m in response.context["messages"]]
        assert any(m.startswith("Breaking for 2 hours: 1 article.") for m in shown), shown
        article.refresh_from_db()
        assert article.breaking_until == start + dt.timedelta(hours=2)
        assert "breaking-banner" in client.get("/").content.decode()
        clock.move_to(start + dt.timedelta(hours=2, seconds=1))
        client.logout()
        assert "breaking-banner" not in client.get("/").content.decode()
        assert end_breaking.run(article_id=article.pk) is True
    article.refresh_from_db()
    assert article.is_breaking is False
    assert Transition.objects.get(article=article).action == Transition.Action.BREAKING


@pytest.mark.django_db(transaction=True)
def test_the_end_of_breaking_purges_the_cached_home_page_through_the_worker(
    shared_cache, celery_worker, editor
):
    # Two seconds rather than two hours, queued as article_mark_breaking queues it.
    article = ArticleFactory(
        headline="Bridge closed",
        is_breaking=True,
        breaking_until=timezone.now() + dt.timedelta(seconds=2),
    )
    with time_machine.travel(timezone.now(), tick=True):
        result = end_breaking.apply_async(
            kwargs={"article_id": article.pk}, eta=article.breaking_until
        )
        assert "breaking-banner" in shared_cache.get("/").content.decode()
        assert shared_cache.get("/")["X-Page-Cache"] == "hit"
        assert result.get(timeout=20) is True  # it ran, at its time, in the worker
        assert timezone.now() >= article.breaking_until
        response = shared_cache.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "breaking-banner" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_marking_breaking_queues_its_end_for_the_minute_after_commit(editor, monkeypatch):
    queued = []
    monkeypatch.setattr(end_breaking, "apply_async", lambda **kw: queued.append(kw))
    article = ArticleFactory()
    editorial_services.article_mark_breaking(article=article, user=editor)
    assert queued == [{"kwargs": {"article_id": article.pk}, "eta": article.breaking_until}]


@pytest.mark.django_db
def test_only_published_articles_can_be_marked_breaking(editor):
    draft = ArticleFactory(draft=True)
    with pytest.raises(ValidationError, match="Only published"):
        editorial_services.article_mark_breaking(article=draft, user=editor)


@pytest.mark.django_db
def test_reporter_cannot_mark_breaking_by_crafted_post(client, reporter):
    client.force_login(reporter)
    article = ArticleFactory(created_by=reporter)
    client.post(reverse(CHANGELIST), action("breaking_for_two_hours", article))
    article.refresh_from_db()
    assert not article.is_breaking
