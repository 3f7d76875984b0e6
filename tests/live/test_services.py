"""Every entry transition through the services: what it does, what it logs, what it purges
(the blog's page and poll URL, hard, once committed), and what it refuses."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from live import services
from live.models import LiveBlog, LiveEntry, LiveEntryLog
from tests.live.conftest import post
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def logged(entry) -> list[str]:
    return list(
        LiveEntryLog.objects.filter(entry=entry)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )


def blog_keys(blog, entry):
    return [f"live-entry-{entry.pk}", f"live-{blog.pk}"]


def test_an_editor_posts_an_entry_that_goes_out_at_once(
    blog, desk_editor, purges, django_capture_on_commit_callbacks
):
    version = LiveBlog.objects.get(pk=blog.pk).version
    with django_capture_on_commit_callbacks(execute=True):
        entry = post(blog, desk_editor, headline="Fire reported")
    assert entry.status == LiveEntry.Status.PUBLISHED and entry.published_at is not None
    assert [a.name for a in entry.authors.all()] == ["Dana Editor"]
    assert logged(entry) == ["post"]
    assert LiveBlog.objects.get(pk=blog.pk).version == version + 1
    assert purges == [(sorted(blog_keys(blog, entry)), False)]  # hard: never a stale list


def test_a_reporter_waits_for_an_editor_unless_the_desk_allows_posting_directly(
    blog, desk_reporter, desk_editor, purges, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = post(blog, desk_reporter)
    assert entry.status == LiveEntry.Status.PENDING and entry.published_at is None
    assert purges == []  # readers see nothing of it yet
    assert logged(entry) == ["submit"]
    with django_capture_on_commit_callbacks(execute=True):
        services.live_entry_approve(entry=entry, user=desk_editor)
    entry.refresh_from_db()
    assert entry.status == LiveEntry.Status.PUBLISHED and entry.published_at is not None
    assert logged(entry) == ["submit", "approve"]
    assert purges == [(sorted(blog_keys(blog, entry)), False)]


def test_on_a_desk_that_allows_it_a_reporters_entry_goes_out_at_once(
    direct_desk, blog, desk_reporter
):
    entry = post(blog, desk_reporter)
    assert entry.status == LiveEntry.Status.PUBLISHED
    assert logged(entry) == ["post"]


def test_editing_a_published_entry_shows_updated_and_refuses_a_stale_form(
    blog, desk_editor, purges, django_capture_on_commit_callbacks
):
    entry = post(blog, desk_editor)
    opened = entry.revision
    purges.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.live_entry_edit(
            entry=entry, user=desk_editor, body="<p>Two fire crews.</p>", revision=opened
        )
    entry.refresh_from_db()
    assert entry.body == "<p>Two fire crews.</p>" and entry.edited_at is not None
    assert entry.revision == opened + 1
    assert purges == [(sorted(blog_keys(blog, entry)), False)]
    with pytest.raises(ValidationError) as refused:
        services.live_entry_edit(
            entry=entry, user=desk_editor, body="<p>Overwrites.</p>", revision=opened
        )
    assert refused.value.code == services.STALE_REVISION
    entry.refresh_from_db()
    assert entry.body == "<p>Two fire crews.</p>"
    assert logged(entry) == ["post", "edit"]


def test_pin_and_unpin_a_key_event(blog, desk_editor, purges, django_capture_on_commit_callbacks):
    entry = post(blog, desk_editor)
    purges.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.live_entry_pin(entry=entry, user=desk_editor)
    assert LiveEntry.objects.get(pk=entry.pk).is_key_event
    services.live_entry_pin(entry=entry, user=desk_editor, pinned=False)
    assert not LiveEntry.objects.get(pk=entry.pk).is_key_event
    assert logged(entry) == ["post", "pin", "unpin"]
    assert purges[0] == (sorted(blog_keys(blog, entry)), False)


def test_withdrawing_needs_a_reason_hides_the_entry_and_logs_why(
    blog, desk_editor, purges, django_capture_on_commit_callbacks
):
    entry = post(blog, desk_editor, key_event=True)
    with pytest.raises(ValidationError):
        services.live_entry_withdraw(entry=entry, user=desk_editor, reason="  ")
    assert LiveEntry.objects.get(pk=entry.pk).status == LiveEntry.Status.PUBLISHED
    purges.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.live_entry_withdraw(entry=entry, user=desk_editor, reason="Unconfirmed report")
    entry.refresh_from_db()
    assert entry.status == LiveEntry.Status.WITHDRAWN and not entry.is_key_event
    assert not LiveEntry.objects.filter(blog=blog).shown().exists()
    assert LiveEntryLog.objects.get(entry=entry, action="withdraw").note == "Unconfirmed report"
    assert purges == [(sorted(blog_keys(blog, entry)), False)]
    with pytest.raises(ValidationError):
        services.live_entry_edit(entry=entry, user=desk_editor, body="<p>Back?</p>")
    with pytest.raises(ValidationError):
        services.live_entry_pin(entry=entry, user=desk_editor)


def test_an_empty_entry_or_a_bad_headline_is_refused_and_nothing_is_stored(blog, desk_editor):
    for body in ("", "<p> </p>", "<script>alert(1)</script>"):
        with pytest.raises(ValidationError):
            services.live_entry_post(blog=blog, user=desk_editor, body=body)
    with pytest.raises(ValidationError):
        services.live_entry_post(blog=blog, user=desk_editor, body="<p>x</p>", headline="a\x00b")
    assert not LiveEntry.objects.exists()


def test_the_body_is_cleaned_by_the_articles_allow_list(blog, desk_editor):
    entry = services.live_entry_post(
        blog=blog,
        user=desk_editor,
        body='<p onclick="x()">Hi <a href="javascript:x()">there</a></p><figure data-photo-id="3">'
        "</figure>",
    )
    assert entry.body == '<p>Hi <a>there</a></p><figure data-photo-id="3"></figure>'


def test_starting_and_ending_purge_the_article_and_its_cards(
    desk, desk_editor, purges, django_capture_on_commit_callbacks
):
    article = ArticleFactory(desk=desk)
    with django_capture_on_commit_callbacks(execute=True):
        blog = services.live_blog_start(article=article, user=desk_editor)
    assert blog.is_running()
    keys, soft = purges[-1]
    assert {f"article-{article.pk}", f"live-{blog.pk}", "list-all", f"list-desk-{desk.pk}"} <= set(
        keys
    )
    with pytest.raises(ValidationError):
        services.live_blog_start(article=article, user=desk_editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.live_blog_end(blog=blog, user=desk_editor)
    blog.refresh_from_db()
    assert not blog.is_running() and blog.ended_at is not None
    assert f"list-desk-{desk.pk}" in purges[-1][0]
    with pytest.raises(ValidationError):
        post(blog, desk_editor)
    with pytest.raises(ValidationError):
        services.live_blog_end(blog=blog, user=desk_editor)
    assert list(LiveEntryLog.objects.filter(blog=blog).values_list("action", flat=True)) == [
        "end",
        "start",
    ]
    services.live_blog_start(article=article, user=desk_editor)  # reopened
    assert LiveBlog.objects.get(pk=blog.pk).is_running()


def test_a_blog_cannot_end_before_it_starts(blog, desk_editor):
    with pytest.raises(ValidationError):
        services.live_blog_end(
            blog=blog, user=desk_editor, ended_at=blog.started_at - timedelta(minutes=1)
        )


@pytest.mark.django_db(transaction=True)
def test_two_people_posting_at_once_both_get_their_entry_in(desk, desk_editor, direct_desk):
    from tests.support.personas import desk_member

    blog = services.live_blog_start(
        article=ArticleFactory(desk=desk), user=desk_editor, started_at=timezone.now()
    )
    second = desk_member("sam_reporter", "Reporters", desk)
    barrier = threading.Barrier(2)
    errors = []

    def write(user, text):
        try:
            barrier.wait(timeout=5)
            for n in range(5):
                fresh = LiveBlog.objects.select_related("article").get(pk=blog.pk)
                post(fresh, user, f"{text} {n}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(desk_editor, "Editor")),
        threading.Thread(target=write, args=(second, "Reporter")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert LiveEntry.objects.filter(blog=blog).shown().count() == 10
    assert LiveBlog.objects.get(pk=blog.pk).version == 1 + 10  # the start, then each entry
