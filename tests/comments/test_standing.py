"""Banned and trusted commenters: the queue's ban and trust decisions, what they do to
later posts, and that they can be found, lifted, exported and erased."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments import services
from comments.models import Comment, CommenterStanding, ModerationLog
from notifications.models import Mailbox
from tests.support.comments import submission
from tests.support.factories import CommentFactory
from tests.support.public_html import Page

PENDING, APPROVED, SPAM = Comment.Status.PENDING, Comment.Status.APPROVED, Comment.Status.SPAM
BANNED, TRUSTED = CommenterStanding.Kind.BANNED, CommenterStanding.Kind.TRUSTED


@pytest.fixture
def held(article) -> Comment:
    # Posted through the pipeline, so it carries the client hash a real comment has.
    result = services.comment_submit(
        submission=submission(article, email="pat@example.net", ip="192.0.2.44")
    )
    return result.comment


def post_as(client, article, *, email="pat@example.net", ip="192.0.2.44", **fields):
    data = {
        "name": "Pat",
        "email": email,
        "body": "Another careful thought about tides.",
        "parent": "",
        "website": "",
    } | fields
    return client.post(
        f"{article.get_absolute_url()}comments/",
        data,
        headers={"Sec-Fetch-Site": "same-origin"},
        REMOTE_ADDR=ip,
    )


def confirm_mailbox(email: str) -> None:
    Mailbox.objects.create(email=email, nonce="n", confirmed_at=timezone.now())


# Ban.


def test_ban_marks_the_comment_spam_and_bans_the_commenter_logged(client, held, moderator):
    client.force_login(moderator)
    response = client.post(f"/moderation/{held.pk}/", {"decision": "ban", "reason": "flooding"})
    assert response.status_code == 303
    held.refresh_from_db()
    assert held.status == SPAM
    standing = CommenterStanding.objects.get()
    assert (standing.kind, standing.created_by, standing.reason) == (BANNED, moderator, "flooding")
    assert standing.expires_at > timezone.now() + timezone.timedelta(days=300)
    assert "pat@example.net" not in standing.email_hash and standing.client_hash
    assert ModerationLog.objects.filter(comment=held, action="ban", moderator=moderator).exists()


def test_a_banned_commenters_next_post_lands_as_spam_with_no_tell(client, article, held, moderator):
    innocent = post_as(client, article, email="sam@example.net", ip="192.0.2.99", body="Hi there")
    services.commenter_ban(comment=held, moderator=moderator)
    response = post_as(client, article)
    assert response.status_code == 303
    assert response["Location"] == innocent["Location"]  # the same answer as anyone's
    latest = Comment.objects.latest("pk")
    assert (latest.status, latest.held_reasons) == (SPAM, ["banned"])
    assert "ban" not in client.get(response["Location"]).content.decode().lower()


def test_a_ban_holds_by_client_address_under_another_email(client, article, held, moderator):
    services.commenter_ban(comment=held, moderator=moderator)
    post_as(client, article, email="new-identity@example.net")
    assert Comment.objects.latest("pk").status == SPAM
    post_as(client, article, email="someone@example.net", ip="192.0.2.45", body="Different")
    assert Comment.objects.latest("pk").status == PENDING  # another client is not caught


def test_a_ban_outlives_the_clearing_of_address_hashes_and_a_secret_key_rotation(
    client, article, held, moderator, settings
):
    services.commenter_ban(comment=held, moderator=moderator)
    Comment.objects.update(created_at=timezone.now() - timezone.timedelta(days=40))
    assert services.comment_clear_old_ip_hashes() >= 1
    settings.SECRET_KEY = "a-rotated-secret-key"
    post_as(client, article, email="other@example.net")
    assert Comment.objects.latest("pk").status == SPAM


def test_an_expired_or_lifted_ban_no_longer_catches(client, article, held, moderator):
    standing = services.commenter_ban(comment=held, moderator=moderator)
    assert services.standing_lift(standing=standing, moderator=moderator, reason="appeal")
    assert not services.standing_lift(standing=standing, moderator=moderator)  # once
    post_as(client, article, body="After the appeal")
    assert Comment.objects.latest("pk").status == PENDING
    assert ModerationLog.objects.filter(action="lift", reason="appeal").exists()
    services.commenter_ban(comment=held, moderator=moderator)
    CommenterStanding.objects.filter(lifted_at=None).update(expires_at=timezone.now())
    services.standings_forget()
    post_as(client, article, body="After the expiry")
    assert Comment.objects.latest("pk").status == PENDING


# Trust.


def test_trust_approves_and_trusts_the_commenter(client, held, moderator):
    client.force_login(moderator)
    assert client.post(f"/moderation/{held.pk}/", {"decision": "trust"}).status_code == 303
    held.refresh_from_db()
    assert held.status == APPROVED
    assert CommenterStanding.objects.get().kind == TRUSTED
    assert ModerationLog.objects.filter(comment=held, action="trust").exists()


def test_a_trusted_commenter_with_a_confirmed_mailbox_is_published(
    client, article, held, moderator
):
    services.commenter_trust(comment=held, moderator=moderator)
    confirm_mailbox("pat@example.net")
    response = post_as(client, article)
    assert "posted=published" in response["Location"]
    assert Comment.objects.latest("pk").status == APPROVED
    page = client.get(response["Location"]).content.decode()
    assert "Thanks — your comment is published." in page


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("See https://a.example and https://b.example", "links"),
        ("This is a scam, I say", "suspect_term"),
    ],
)
def test_a_trusted_commenter_still_goes_through_the_link_and_word_checks(
    client, article, held, moderator, body, reason
):
    from comments.models import Term

    Term.objects.create(term="scam", kind=Term.Kind.SUSPECT)
    services.commenter_trust(comment=held, moderator=moderator)
    confirm_mailbox("pat@example.net")
    response = post_as(client, article, body=body)
    assert "posted=awaiting" in response["Location"]
    latest = Comment.objects.latest("pk")
    assert latest.status == PENDING
    assert reason in latest.held_reasons and "trusted" in latest.held_reasons


def test_a_trusted_email_without_a_confirmed_mailbox_is_held_marked_trusted(
    client, article, held, moderator
):
    services.commenter_trust(comment=held, moderator=moderator)
    response = post_as(client, article, ip="203.0.113.5")  # anyone can type the address
    assert "posted=awaiting" in response["Location"]
    latest = Comment.objects.latest("pk")
    assert (latest.status, latest.held_reasons) == (PENDING, ["trusted"])
    client.force_login(moderator)
    html = client.get("/moderation/").content.decode()
    assert "Trusted; mailbox unconfirmed" in html


def test_banning_a_trusted_commenter_replaces_the_trust(held, moderator):
    services.commenter_trust(comment=held, moderator=moderator)
    services.commenter_ban(comment=held, moderator=moderator)
    active = CommenterStanding.objects.filter(lifted_at=None)
    assert list(active.values_list("kind", flat=True)) == [BANNED]
    assert services.commenter_standing(email="pat@example.net") == BANNED


def test_trusting_twice_records_once(held, moderator):
    first = services.commenter_trust(comment=held, moderator=moderator)
    assert services.commenter_trust(comment=held, moderator=moderator) == first
    assert CommenterStanding.objects.count() == 1


# The queue: the commenter's other comments, and their standing.


def test_the_history_line_links_to_the_commenters_comments_with_their_standing(
    client, article, held, moderator
):
    earlier = CommentFactory(article=article, email="pat@example.net", status=APPROVED)
    CommentFactory(article=article, email="someone-else@example.net")
    services.commenter_trust(comment=earlier, moderator=moderator)
    client.force_login(moderator)
    html = client.get("/moderation/").content.decode()
    assert f'href="/moderation/?commenter={held.pk}"' in html
    assert 'data-standing="trusted"' in html
    theirs = Page(client.get(f"/moderation/?commenter={held.pk}").content.decode())
    ids = {int(li.attrs["data-comment-id"]) for li in theirs.select("li", class_="mod-item")}
    assert ids == {held.pk, earlier.pk}


def test_the_commenter_view_is_for_moderators_only(client, held, reader):
    assert client.get(f"/moderation/?commenter={held.pk}").status_code == 302
    client.force_login(reader)
    assert client.get(f"/moderation/?commenter={held.pk}").status_code == 403


def test_fifty_held_comments_with_standings_stay_within_eight_queries(
    client, moderator, article, django_assert_max_num_queries
):
    first = CommentFactory(article=article, email="p0@example.net")
    services.commenter_trust(comment=first, moderator=moderator)
    for n in range(55):
        CommentFactory(article=article, email=f"p{n % 7}@example.net")
    client.force_login(moderator)
    client.get("/moderation/")
    with django_assert_max_num_queries(8):  # as the held tab (test_moderation.py)
        response = client.get("/moderation/")
    assert "mod-badge--trusted" in response.content.decode()


# The admin, and personal data.


def test_standings_are_searchable_by_email_in_the_admin_and_lifted_there(client, held, moderator):
    services.commenter_ban(comment=held, moderator=moderator)
    client.force_login(moderator)
    found = client.get("/admin/comments/commenterstanding/?q=PAT@example.net")
    assert found.status_code == 200
    assert found.content.decode().count('name="_selected_action"') == 1
    missing = client.get("/admin/comments/commenterstanding/?q=nobody@example.net")
    assert 'name="_selected_action"' not in missing.content.decode()
    standing = CommenterStanding.objects.get()
    response = client.post(
        "/admin/comments/commenterstanding/",
        {"action": "lift", "_selected_action": [standing.pk], "index": "0"},
    )
    assert response.status_code == 302
    standing.refresh_from_db()
    assert standing.lifted_by == moderator


def test_export_and_erase_cover_standings_and_reports(held, moderator, article):
    shown = CommentFactory(article=article, email="pat@example.net", status=APPROVED)
    services.comment_report(comment_id=shown.pk, reason="spam", note="Pat again", ip="192.0.2.1")
    services.commenter_ban(comment=held, moderator=moderator)
    out = StringIO()
    call_command("export_commenter", "pat@example.net", stdout=out)
    exported = json.loads(out.getvalue())
    assert exported["standing"][0]["kind"] == BANNED
    assert exported["reports_on_comments"][0]["reason"] == "spam"
    assert "192.0.2.1" not in out.getvalue()
    call_command("erase_commenter", "pat@example.net", stdout=StringIO())
    assert not CommenterStanding.objects.exists()
    assert shown.reports.get().note == ""
    assert ModerationLog.objects.filter(action="erase").exists()
    assert services.commenter_standing(email="pat@example.net", ip="192.0.2.44") == ""


def test_no_public_page_shows_a_commenters_hashes(client, article, held, moderator):
    services.commenter_trust(comment=held, moderator=moderator)
    standing = CommenterStanding.objects.get()
    html = client.get(article.get_absolute_url()).content.decode()
    assert standing.email_hash not in html and "pat@example.net" not in html
    assert held.ip_hash not in html


def test_an_erased_commenter_cannot_be_banned_and_nothing_is_half_written(client, held, moderator):
    services.commenter_erase(email="pat@example.net")
    held.refresh_from_db()
    Comment.objects.filter(pk=held.pk).update(ip_hash="")
    held.refresh_from_db()
    client.force_login(moderator)
    response = client.post(f"/moderation/{held.pk}/", {"decision": "ban"})
    assert response.status_code == 400
    held.refresh_from_db()
    assert held.status == PENDING  # the spam decision was rolled back with the ban
    assert not CommenterStanding.objects.exists()


def test_an_unknown_decision_is_refused_by_the_service(held, moderator):
    with pytest.raises(ValueError):
        services.comment_decide(comment=held, decision="delete", moderator=moderator)
