"""The composer in the admin: posting without leaving the page (JSON for the script, a 303
without it), bad input refused with nothing stored, and approve, edit, pin, withdraw and
end through the same services, for the people who may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from live.models import LiveBlog, LiveEntry, LiveEntryLog
from tests.live.conftest import post
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def composer(blog) -> str:
    return reverse("admin:live_liveblog_change", args=[blog.pk])


def test_the_composer_shows_the_form_and_the_latest_entries(client, blog, desk_editor):
    post(blog, desk_editor, "Already posted.")
    client.force_login(desk_editor)
    answer = client.get(composer(blog))
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'id="nr-entry-form"' in html and "Already posted." in html
    assert "data-article-editor" in html and "js/live_composer" in html
    assert 'type="importmap" nonce="' in html
    assert "End the live blog" in html and 'name="key_event"' in html


def test_posting_from_the_script_answers_json_with_the_entries(client, blog, desk_editor):
    client.force_login(desk_editor)
    answer = client.post(
        reverse("admin:live_liveblog_post", args=[blog.pk]),
        {"headline": "Fire out", "body": "<p>The fire is out.</p>", "key_event": "on"},
        **JSON,
    )
    assert answer.status_code == 200
    data = answer.json()
    entry = LiveEntry.objects.get(pk=data["entry"])
    assert entry.status == "published" and entry.is_key_event and entry.headline == "Fire out"
    assert "The fire is out." in data["entry_html"] and data["message"] == "Posted."


def test_posting_without_javascript_comes_back_to_the_composer(client, blog, desk_reporter):
    client.force_login(desk_reporter)
    answer = client.post(
        reverse("admin:live_liveblog_post", args=[blog.pk]), {"body": "<p>From the scene.</p>"}
    )
    assert answer.status_code == 303 and answer["Location"] == composer(blog)
    assert LiveEntry.objects.get().status == "pending"
    page = client.get(composer(blog)).content.decode()
    assert "Sent to the desk&#x27;s editors for approval." in page or "for approval" in page
    assert 'name="key_event"' not in page  # key events are the editors'


def test_an_empty_entry_is_refused_with_a_reason_and_nothing_stored(client, blog, desk_editor):
    client.force_login(desk_editor)
    url = reverse("admin:live_liveblog_post", args=[blog.pk])
    answer = client.post(url, {"body": "<p> </p>"}, **JSON)
    assert answer.status_code == 400 and "body" in answer.json()["errors"]
    answer = client.post(url, {"body": ""})
    assert answer.status_code == 400 and b"errornote" in answer.content
    assert not LiveEntry.objects.exists()


def test_someone_off_the_desk_cannot_post_or_even_open_it(client, blog, other_editor, outsider):
    client.force_login(other_editor)  # another desk's articles are not theirs to open
    assert client.get(composer(blog)).status_code == 404
    answer = client.post(
        reverse("admin:live_liveblog_post", args=[blog.pk]), {"body": "<p>x</p>"}, **JSON
    )
    assert answer.status_code == 404 and not LiveEntry.objects.exists()
    client.force_login(outsider)
    assert client.get(composer(blog)).status_code in (403, 404)


def test_approve_pin_edit_withdraw_and_end_from_the_composer(
    client, blog, desk_editor, desk_reporter
):
    pending = post(blog, desk_reporter, "Needs checking.")
    client.force_login(desk_editor)

    def act(entry, action, **data):
        url = reverse("admin:live_liveblog_entry_action", args=[blog.pk, entry.pk, action])
        answer = client.post(url, data)
        assert answer.status_code == 303
        entry.refresh_from_db()

    act(pending, "approve")
    assert pending.status == "published"
    act(pending, "pin")
    assert pending.is_key_event
    edit = reverse("admin:live_liveblog_edit", args=[blog.pk, pending.pk])
    assert client.get(edit).status_code == 200
    answer = client.post(
        edit, {"body": "<p>Checked.</p>", "headline": "", "revision": pending.revision}
    )
    assert answer.status_code == 302
    pending.refresh_from_db()
    assert pending.body == "<p>Checked.</p>" and pending.edited_at
    stale = client.post(edit, {"body": "<p>Old form.</p>", "revision": pending.revision - 1})
    assert stale.status_code == 400 and b"changed after you opened it" in stale.content
    act(pending, "withdraw", reason="")
    assert pending.status == "published"  # no reason, no withdrawal
    act(pending, "withdraw", reason="Wrong plant")
    assert pending.status == "withdrawn"
    assert LiveEntryLog.objects.filter(entry=pending, action="withdraw", note="Wrong plant")
    answer = client.post(reverse("admin:live_liveblog_end", args=[blog.pk]))
    assert answer.status_code == 303
    assert LiveBlog.objects.get(pk=blog.pk).ended_at is not None


def test_a_reporter_cannot_approve_or_pin(client, blog, desk_reporter):
    entry = post(blog, desk_reporter)
    client.force_login(desk_reporter)
    for action in ("approve", "pin"):
        url = reverse("admin:live_liveblog_entry_action", args=[blog.pk, entry.pk, action])
        client.post(url)
    entry.refresh_from_db()
    assert entry.status == "pending" and not entry.is_key_event


def test_switching_an_article_to_a_live_blog_in_the_admin(client, desk, desk_editor):
    article = ArticleFactory(desk=desk)
    client.force_login(desk_editor)
    answer = client.post(
        reverse("admin:live_liveblog_add"),
        {"article": article.pk, "started_at_0": "2026-01-01", "started_at_1": "10:00:00"},
    )
    blog = LiveBlog.objects.get(article=article)
    assert answer.status_code == 302 and answer["Location"] == composer(blog)
    assert LiveEntryLog.objects.filter(blog=blog, action="start").exists()


def test_unknown_entries_and_actions_are_404s(client, blog, desk_editor):
    client.force_login(desk_editor)
    entry = post(blog, desk_editor)
    assert (
        client.post(
            reverse("admin:live_liveblog_entry_action", args=[blog.pk, entry.pk, "explode"])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("admin:live_liveblog_edit", args=[blog.pk, 999999])).status_code == 404
    )
    assert client.get(reverse("admin:live_liveblog_change", args=[999999])).status_code == 404


def test_the_site_audit_log_shows_live_steps_with_their_reasons(client, blog, superuser):
    from live import services

    entry = post(blog, blog.created_by)
    services.live_entry_withdraw(entry=entry, user=blog.created_by, reason="Duplicate entry")
    client.force_login(superuser)
    html = client.get("/admin/audit/").content.decode()
    assert "Live: withdrawn" in html and "Duplicate entry" in html and "Live: posted" in html


def test_only_the_desks_editors_can_switch_an_article_to_live_in_the_admin(
    client, desk, desk_reporter, other_editor
):
    article = ArticleFactory(desk=desk)
    data = {"article": article.pk, "started_at_0": "2026-01-01", "started_at_1": "10:00:00"}
    client.force_login(desk_reporter)
    assert client.post(reverse("admin:live_liveblog_add"), data).status_code == 403
    client.force_login(other_editor)
    answer = client.post(reverse("admin:live_liveblog_add"), data)
    assert answer.status_code == 200 and b"Only the desk&#x27;s editors" in answer.content
    assert not LiveBlog.objects.exists()
