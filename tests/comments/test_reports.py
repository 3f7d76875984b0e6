"""Readers' reports: posted from the shared article page, counted once per client, listed
in the queue's Reported tab, cleared by a moderator's keep."""

from __future__ import annotations

import pytest

from comments import services
from comments.models import Comment, ModerationLog, Report
from tests.support.factories import CommentFactory
from tests.support.public_html import Page

APPROVED = Comment.Status.APPROVED
SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def shown(article) -> Comment:
    return CommentFactory(article=article, status=APPROVED, name="Outspoken", held_reasons=[])


def report(client, comment, *, ip="198.51.100.7", headers=None, **data):
    fields = {"reason": "abusive", "note": ""} | data
    return client.post(
        f"/comments/{comment.pk}/report/",
        fields,
        headers=SAME_SITE if headers is None else headers,
        REMOTE_ADDR=ip,
    )


def test_a_report_answers_303_to_a_cacheable_thanks_and_is_stored(client, shown, article):
    response = report(client, shown, note="Personal attack")
    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}?reported=thanks#conversation"
    stored = Report.objects.get()
    assert (stored.comment, stored.reason, stored.note) == (shown, "abusive", "Personal attack")
    assert stored.client_hash and "198.51.100.7" not in stored.client_hash
    page = client.get(response["Location"])
    assert "Thanks — a moderator will look at it." in page.content.decode()
    assert "Set-Cookie" not in page  # the thanks page is shared, like the article


def test_the_article_page_carries_a_report_form_the_same_for_everyone(client, shown, article):
    first = client.get(article.get_absolute_url()).content
    second = client.get(article.get_absolute_url(), REMOTE_ADDR="203.0.113.9").content
    assert first == second
    form = Page(first.decode()).select("form", action=f"/comments/{shown.pk}/report/")
    assert len(form) == 1
    assert "csrfmiddlewaretoken" not in first.decode()


def test_a_reported_comment_stays_visible_by_default(client, shown, article):
    for n in range(5):
        report(client, shown, ip=f"198.51.100.{n + 1}")
    shown.refresh_from_db()
    assert (shown.status, shown.open_reports) == (APPROVED, 5)
    assert "Outspoken" in client.get(article.get_absolute_url()).content.decode()


def test_the_threshold_is_reached_by_distinct_clients(client, shown, settings):
    settings.COMMENTS_REPORT_HIDE_AT = 3
    for n in range(3):
        assert report(client, shown, ip=f"198.51.100.{n + 1}").status_code == 303
    shown.refresh_from_db()
    assert shown.status == Comment.Status.PENDING
    assert "reported" in shown.held_reasons
    assert ModerationLog.objects.filter(comment=shown, reason__startswith="auto: reported").exists()


def test_one_client_reporting_three_times_counts_once(client, shown, settings):
    settings.COMMENTS_REPORT_HIDE_AT = 3
    for _ in range(3):
        assert report(client, shown, reason="spam").status_code == 303  # thanked alike
    shown.refresh_from_db()
    assert (shown.status, shown.open_reports, Report.objects.count()) == (APPROVED, 1, 1)


def test_an_ipv6_client_is_one_client_across_its_64(client, shown):
    report(client, shown, ip="2001:db8:1:2::1")
    report(client, shown, ip="2001:db8:1:2::ffff")
    assert Report.objects.count() == 1


def test_a_cross_site_report_is_refused_and_nothing_stored(client, shown):
    response = report(client, shown, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert not Report.objects.exists()


@pytest.mark.parametrize("reason", ["", "rude", "ABUSIVE"])
def test_a_bad_reason_is_a_400_and_nothing_stored(client, shown, reason):
    assert report(client, shown, reason=reason).status_code == 400
    assert not Report.objects.exists()


def test_a_too_long_note_is_a_400(client, shown):
    assert report(client, shown, note="x" * 501).status_code == 400
    assert not Report.objects.exists()


@pytest.mark.parametrize("status", ["pending", "rejected", "spam"])
def test_only_published_comments_can_be_reported(client, article, status):
    comment = CommentFactory(article=article, status=status)
    assert report(client, comment).status_code == 404
    assert (
        client.post(
            "/comments/999999999/report/", {"reason": "spam"}, headers=SAME_SITE
        ).status_code
        == 404
    )
    assert not Report.objects.exists()


def test_get_is_not_allowed(client, shown):
    assert client.get(f"/comments/{shown.pk}/report/").status_code == 405


def test_reports_are_rate_limited_per_client(client, article, settings):
    settings.COMMENTS_REPORTS_PER_DAY = 2
    comments = [CommentFactory(article=article, status=APPROVED) for _ in range(3)]
    assert [report(client, c).status_code for c in comments] == [303, 303, 429]
    assert report(client, comments[2], ip="198.51.100.99").status_code == 303
    assert Report.objects.count() == 3


# The moderators' side.


def test_keep_clears_the_reports_logged_and_the_same_reports_never_requeue(
    client, shown, moderator
):
    for n in range(2):
        report(client, shown, ip=f"198.51.100.{n + 1}")
    assert services.comment_status_counts(with_reported=True)["reported"] == 1
    client.force_login(moderator)
    response = client.post(f"/moderation/{shown.pk}/", {"decision": "keep"})
    assert response.status_code == 303
    shown.refresh_from_db()
    assert (shown.status, shown.open_reports) == (APPROVED, 0)
    assert services.comment_status_counts(with_reported=True)["reported"] == 0
    log = ModerationLog.objects.get(comment=shown, action="keep")
    assert log.moderator == moderator
    assert Report.objects.filter(cleared_at__isnull=False, cleared_by=moderator).count() == 2
    client.logout()
    for n in range(2):  # the same two clients again: answered alike, counted never
        assert report(client, shown, ip=f"198.51.100.{n + 1}").status_code == 303
    shown.refresh_from_db()
    assert shown.open_reports == 0
    report(client, shown, ip="198.51.100.50")  # somebody new does count
    shown.refresh_from_db()
    assert shown.open_reports == 1


def test_keep_shows_again_a_comment_the_reports_hid(client, shown, moderator, settings):
    settings.COMMENTS_REPORT_HIDE_AT = 2
    report(client, shown, ip="198.51.100.1")
    report(client, shown, ip="198.51.100.2")
    shown.refresh_from_db()
    assert shown.status == Comment.Status.PENDING
    assert services.comment_keep(comment=shown, moderator=moderator)
    assert (shown.status, shown.open_reports) == (APPROVED, 0)
    assert services.comment_status_counts(with_reported=True)["reported"] == 0
    assert shown.article.__class__.objects.get(pk=shown.article_id).approved_comment_count == 1


def test_rejecting_a_reported_comment_answers_its_reports(client, shown, moderator):
    report(client, shown)
    services.comment_moderate(decision="reject", comment=shown, moderator=moderator)
    shown.refresh_from_db()
    assert shown.open_reports == 0
    assert services.comment_status_counts(with_reported=True)["reported"] == 0


def test_the_reported_tab_lists_counts_and_reasons(client, shown, moderator, article):
    report(client, shown, reason="abusive", note="Name-calling")
    report(client, shown, ip="198.51.100.8", reason="abusive")
    report(client, shown, ip="198.51.100.9", reason="off_topic")
    CommentFactory(article=article, status=APPROVED, name="Quiet")  # not reported
    client.force_login(moderator)
    response = client.get("/moderation/?status=reported")
    html = response.content.decode()
    page = Page(html)
    items = page.select("li", class_="mod-item")
    assert [int(li.attrs["data-comment-id"]) for li in items] == [shown.pk]
    assert "Reported by 3 readers: Abusive (2), Off topic (1)" in html
    assert "Name-calling" in html
    assert 'value="keep"' in html
    tabs = {a.attrs["data-status"]: a.text for a in page.select("a") if "data-status" in a.attrs}
    assert tabs["reported"] == "Reported 1"
    assert "198.51.100" not in html


def test_the_reported_tab_costs_at_most_eight_queries(
    client, moderator, article, django_assert_max_num_queries
):
    for n in range(50):
        comment = CommentFactory(article=article, status=APPROVED)
        services.comment_report(comment_id=comment.pk, reason="spam", ip=f"198.51.100.{n % 3}")
    client.force_login(moderator)
    client.get("/moderation/?status=reported")
    with django_assert_max_num_queries(8):  # as the held tab (test_moderation.py)
        response = client.get("/moderation/?status=reported")
    assert len(Page(response.content.decode()).select("li", class_="mod-item")) == 50


def test_recount_rebuilds_the_reported_tally(client, shown):
    report(client, shown)
    services.comment_counts_recount(article_id=shown.article_id)
    assert services.comment_status_counts(with_reported=True)["reported"] == 1


def test_the_queue_offers_keep_only_on_reported_comments(client, moderator, article):
    CommentFactory(article=article, status=APPROVED)
    client.force_login(moderator)
    assert 'value="keep"' not in client.get("/moderation/?status=approved").content.decode()


def test_keep_with_nothing_to_clear_changes_nothing(shown, moderator):
    assert not services.comment_keep(comment=shown, moderator=moderator)
    assert not ModerationLog.objects.filter(action="keep").exists()


def test_a_repeated_or_vanished_report_is_told_apart_by_the_service(shown):
    first = services.comment_report(comment_id=shown.pk, reason="spam", ip="192.0.2.1")
    again = services.comment_report(comment_id=shown.pk, reason="other", ip="192.0.2.1")
    gone = services.comment_report(comment_id=shown.pk + 1000, reason="spam", ip="192.0.2.1")
    assert (first, again, gone) == ("counted", "repeated", "gone")
    with pytest.raises(ValueError):
        services.comment_report(comment_id=shown.pk, reason="rude", ip="192.0.2.2")


def test_no_reporters_hash_or_address_on_the_public_page(client, shown, article):
    report(client, shown, note="Reporter's private note")
    stored = Report.objects.get()
    html = client.get(article.get_absolute_url()).content.decode()
    assert stored.client_hash not in html
    assert "198.51.100.7" not in html and "Reporter's private note" not in html
