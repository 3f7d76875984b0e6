"""Double opt-in: mail about a reader's comments goes only to a mailbox that asked for it.

Anyone can type anyone's address into the comment form. Until that mailbox confirms (a
signed, expiring, single-use link; a GET only shows a button, the POST confirms), the only
mail it gets is one confirmation request a day, which carries nothing the poster wrote.
"""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from comments import services as comment_services
from comments.models import Comment, Term
from notifications import services
from notifications.models import MAILBOX_CONFIRM, Mailbox, Notification, Suppression
from notifications.tasks import sweep_notifications
from tests.support.comments import submit
from tests.support.factories import ArticleFactory
from tests.support.outbox import drain

real_commits = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_undo_window(settings):
    # An approval's mail waits out the moderator's undo window (tests/comments/test_undo.py);
    # here it is due at once, so what the opt-in decides is seen without waiting.
    settings.COMMENTS_UNDO_SECONDS = 0


ATTACKER_NAME = "Prize Desk"
ATTACKER_BODY = "You won! Claim your prize at https://evil.example/claim before midnight."


def post(client, article, **fields):
    data = {
        "name": "Ana",
        "email": "ana@example.org",
        "body": "The night buses matter more than the fares.",
        **fields,
    }
    response = client.post(article.get_absolute_url() + "comments/", data)
    assert response.status_code == 303, response.content.decode()[-2000:]
    return Comment.objects.filter(email=data["email"]).latest("pk")


def every_part(message) -> str:
    parts = [str(message["Subject"])]
    parts += [part.get_content() for part in message.walk() if not part.is_multipart()]
    return "\n".join(parts)


def approve(comment, moderator) -> None:
    with transaction.atomic():
        assert comment_services.comment_moderate(
            decision="approve", comment=comment, moderator=moderator
        )


@real_commits
def test_someone_elses_address_with_notify_gets_one_confirmation_and_no_comment_text(
    celery_worker, mail_server, client, moderator, settings
):
    settings.SITE_URL = "https://news.example.org"
    article = ArticleFactory(headline="Metro fares rise again")
    forged = post(
        client,
        article,
        name=ATTACKER_NAME,
        email="victim@example.org",
        body=ATTACKER_BODY,
        notify_on_publish="on",
        notify_on_reply="on",
    )
    # The attack goes on: the comment is approved and the attacker replies to it.
    approve(forged, moderator)
    reply = post(
        client,
        article,
        name="Mallory",
        email="mallory@example.net",
        body="Reply with your bank details to claim it.",
        parent=str(forged.pk),
    )
    approve(reply, moderator)
    drain()
    to_victim = [m for m in mail_server.messages if m["To"] == "victim@example.org"]
    assert len(to_victim) == 1, [m["Subject"] for m in to_victim]
    [confirmation] = to_victim
    assert confirmation["Subject"] == (
        f"Confirm you want emails from {settings.SITE_NAME} about your comments"
    )
    text = every_part(confirmation)
    assert "https://news.example.org/notifications/confirm/" in text
    for planted in (ATTACKER_NAME, "evil.example", "You won", "Mallory", "bank details"):
        assert planted not in text


def confirm_link(message) -> str:
    """The confirm link's path, as the mail's plain text gives it."""
    text = message.get_body(("plain",)).get_content()
    [url] = re.findall(r"https?://\S+/notifications/confirm/\S+/", text)
    return url.removeprefix(services.settings.SITE_URL)


def requests_to(address: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=MAILBOX_CONFIRM, recipient=address))


def link_for(address: str) -> str:
    url = services.confirm_url(recipient=address)
    return url.removeprefix(services.settings.SITE_URL)


@real_commits
def test_confirming_by_get_then_post_lets_the_approval_mail_reach_the_commenter(
    celery_worker, mail_server, client, moderator, settings
):
    settings.SITE_URL = "https://news.example.org"
    article = ArticleFactory(headline="Metro fares rise again")
    comment = post(client, article, notify_on_publish="on")
    [request] = mail_server.wait_for(1)
    assert request["To"] == "ana@example.org"
    assert request["List-Unsubscribe"]  # "never ask me again", one click
    path = confirm_link(request)

    # A mail scanner (or a reader) opening the link confirms nothing: it only asks.
    page = Client().get(path)
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    assert b"Yes, email me about my comments" in page.content
    assert Mailbox.objects.get(email="ana@example.org").confirmed_at is None

    # The button, from a browser that never saw a CSRF cookie (a webmail's preview).
    done = Client(enforce_csrf_checks=True).post(path)
    assert done.status_code == 200
    assert b"your email is confirmed" in done.content
    assert Mailbox.objects.get(email="ana@example.org").confirmed_at is not None

    approve(comment, moderator)
    [_, published] = mail_server.wait_for(2)
    drain()
    assert mail_server.count() == 2
    assert published["To"] == "ana@example.org"
    assert published["Subject"] == 'Your comment on "Metro fares rise again" is published'
    assert "The night buses matter more" in published.get_body(("plain",)).get_content()


@real_commits
def test_mail_that_waited_goes_once_the_mailbox_confirms(
    celery_worker, mail_server, client, moderator, settings
):
    article = ArticleFactory(headline="Metro fares rise again")
    comment = post(client, article, notify_on_publish="on")
    [request] = mail_server.wait_for(1)
    approve(comment, moderator)  # before the click: the mail waits
    drain()
    assert mail_server.count() == 1
    assert Notification.objects.get(kind="comment_published").state == "awaiting"

    assert client.post(confirm_link(request)).status_code == 200
    [_, published] = mail_server.wait_for(2)
    drain()
    assert mail_server.count() == 2
    assert published["Subject"] == 'Your comment on "Metro fares rise again" is published'


def test_a_second_comment_an_hour_later_sends_no_second_request(db, moderator):
    article = ArticleFactory()
    submit(article, email="ana@example.org", notify_on_publish=True)
    later = timezone.now() + timedelta(hours=1)
    with time_machine.travel(later):
        second = submit(article, email="ana@example.org", notify_on_reply=True, body="Again.")
        comment_services.comment_moderate(decision="approve", comment=second, moderator=moderator)
    assert len(requests_to("ana@example.org")) == 1
    # Both comments' mail waits for the one confirmation.
    with time_machine.travel(later + timedelta(hours=24)):  # a day on, it may ask again
        submit(article, email="ana@example.org", notify_on_publish=True, body="Third.")
    assert len(requests_to("ana@example.org")) == 2


def test_a_comment_without_notify_or_caught_as_spam_asks_nothing(db):
    Term.objects.create(term="cheap pills", kind=Term.Kind.BLOCKED)
    article = ArticleFactory()
    submit(article, email="ana@example.org")
    submit(article, email="ben@example.org", body="Buy cheap pills", notify_on_publish=True)
    assert not Notification.objects.filter(kind=MAILBOX_CONFIRM).exists()


def test_a_confirmed_mailbox_is_not_asked_again_and_its_mail_goes_at_once(db, moderator):
    Mailbox.objects.create(email="ana@example.org", nonce="n", confirmed_at=timezone.now())
    comment = submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    comment_services.comment_moderate(decision="approve", comment=comment, moderator=moderator)
    assert requests_to("ana@example.org") == []
    assert Notification.objects.get(kind="comment_published").state == "pending"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_refused_clearly(db, client, method):
    submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    path = link_for("ana@example.org")
    forged = signing.dumps({"r": "ana@example.org", "n": "guess"}, salt="other.salt")
    for bad in (
        path.replace(":", ":x", 1),
        f"/notifications/confirm/{forged}/",
        "/notifications/confirm/not-a-token/",
    ):
        response = getattr(client, method)(bad)
        assert response.status_code == 400
        assert b"This confirmation link is not valid" in response.content
    assert Mailbox.objects.get().confirmed_at is None


def test_a_link_with_the_right_signature_but_a_guessed_nonce_confirms_nobody(db, client):
    submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    token = services.confirm_token(recipient="ana@example.org", nonce="guessed")
    response = client.post(f"/notifications/confirm/{token}/")
    assert response.status_code == 410
    assert Mailbox.objects.get().confirmed_at is None


def test_an_expired_link_says_so(db, client, settings):
    settings.NOTIFICATIONS_CONFIRM_MAX_AGE = 3600
    submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    path = link_for("ana@example.org")
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 410
            assert b"This confirmation link has expired" in response.content
    assert Mailbox.objects.get().confirmed_at is None


def test_a_link_works_once(db, client):
    submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    path = link_for("ana@example.org")
    assert client.post(path).status_code == 200
    first = Mailbox.objects.get().confirmed_at
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 410
        assert b"This confirmation link has already been used" in response.content
    assert Mailbox.objects.get().confirmed_at == first


def test_only_get_and_post_are_allowed(db, client):
    submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    assert client.put(link_for("ana@example.org")).status_code == 405


def test_confirming_withdraws_a_request_not_yet_sent(db, client):
    submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    client.post(link_for("ana@example.org"))
    [request] = requests_to("ana@example.org")
    assert request.state == "cancelled"


def test_unsubscribe_wins_over_a_confirmation(db, client, moderator):
    article = ArticleFactory()
    waiting = submit(article, email="ana@example.org", notify_on_publish=True)
    comment_services.comment_moderate(decision="approve", comment=waiting, moderator=moderator)
    # Unsubscribed while the mail waits: the waiting mail is withdrawn for good.
    services.notification_unsubscribe(recipient="ana@example.org", kind="comment_published")
    assert client.post(link_for("ana@example.org")).status_code == 200
    assert Notification.objects.get(kind="comment_published").state == "cancelled"
    # And confirmed or not, nothing of that kind is written again.
    later = submit(article, email="ana@example.org", notify_on_publish=True, body="Later.")
    comment_services.comment_moderate(decision="approve", comment=later, moderator=moderator)
    assert not Notification.objects.filter(kind="comment_published", state="pending").exists()


def test_unsubscribing_from_a_confirmed_kind_stops_it(db, client, moderator):
    Mailbox.objects.create(email="ana@example.org", nonce="n", confirmed_at=timezone.now())
    url = services.unsubscribe_url(recipient="ana@example.org", kind="comment_published")
    client.post(url.removeprefix(services.settings.SITE_URL))
    comment = submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    comment_services.comment_moderate(decision="approve", comment=comment, moderator=moderator)
    assert not Notification.objects.filter(kind="comment_published").exists()


def test_never_ask_me_again_stops_the_requests(db, client):
    article = ArticleFactory()
    submit(article, email="ana@example.org", notify_on_publish=True)
    url = services.unsubscribe_url(recipient="ana@example.org", kind=MAILBOX_CONFIRM)
    page = client.post(url.removeprefix(services.settings.SITE_URL))
    assert b"requests to confirm emails about comments" in page.content
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        submit(article, email="ana@example.org", notify_on_publish=True, body="Again.")
    assert len(requests_to("ana@example.org")) == 1
    assert Suppression.objects.filter(kind=MAILBOX_CONFIRM).exists()


def test_an_address_that_unsubscribed_from_everything_it_asks_for_is_not_asked(db):
    Suppression.objects.create(email="ana@example.org", kind="comment_published")
    submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    assert requests_to("ana@example.org") == []


def test_mail_that_waits_too_long_is_cancelled_by_the_sweep(db, settings):
    comment = submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    comment_services.comment_moderate(decision="approve", comment=comment, moderator=None)
    Notification.objects.filter(kind=MAILBOX_CONFIRM).delete()  # nothing else due to nudge
    after = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_CONFIRM_MAX_AGE + 60)
    with time_machine.travel(after):
        sweep_notifications()
        waited = Notification.objects.get(kind="comment_published")
        assert (waited.state, waited.last_error) == (
            "cancelled",
            "Cancelled: the address never confirmed",
        )


def test_a_rejected_comment_withdraws_its_waiting_mail(db, moderator):
    comment = submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    comment_services.comment_moderate(decision="approve", comment=comment, moderator=moderator)
    comment_services.comment_moderate(decision="reject", comment=comment, moderator=moderator)
    assert Notification.objects.get(kind="comment_published").state == "cancelled"


def test_the_privacy_export_says_when_the_address_was_asked_and_confirmed(db, client):
    assert comment_services.commenter_export(email="ana@example.org")["mail_confirmation"] == {}
    submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    client.post(link_for("ana@example.org"))
    exported = comment_services.commenter_export(email="ana@example.org")["mail_confirmation"]
    assert sorted(exported) == ["confirmed_at", "requested_at"]


def test_erasing_a_commenter_forgets_their_mailbox(db):
    submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    comment_services.commenter_erase(email="ana@example.org")
    assert not Mailbox.objects.exists()
    assert not Notification.objects.filter(recipient="ana@example.org").exists()


def test_moderators_mail_needs_no_confirmation(db, moderator):
    submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    digest = Notification.objects.get(recipient=moderator.email)
    assert digest.state == "pending"


@real_commits
def test_two_posts_at_once_with_one_address_send_one_request(celery_worker, mail_server):
    article = ArticleFactory()
    start = threading.Barrier(2)
    errors = []

    def post_one(n: int) -> None:
        try:
            start.wait()
            submit(article, email="ana@example.org", notify_on_publish=True, body=f"Take {n}.")
        except Exception as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post_one, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Comment.objects.count() == 2
    mail_server.wait_for(1)
    drain()
    assert [m["To"] for m in mail_server.messages] == ["ana@example.org"]
    assert len(requests_to("ana@example.org")) == 1


@real_commits
def test_mail_written_as_its_mailbox_confirmed_is_sent_by_the_next_sweep(
    celery_worker, mail_server
):
    Mailbox.objects.create(email="ana@example.org", nonce="n", confirmed_at=timezone.now())
    # As if the approval's transaction had read the mailbox just before it confirmed.
    Notification.objects.create(
        kind="comment_published",
        recipient="ana@example.org",
        event="comment-published:7",
        state="awaiting",
        context={"name": "Ana", "article": "Metro fares", "excerpt": "x", "comment_url": "/"},
    )
    assert sweep_notifications.delay().get(timeout=30) == 1
    [message] = mail_server.wait_for(1)
    assert message["Subject"] == 'Your comment on "Metro fares" is published'


def test_admin_shows_who_confirmed_but_never_the_links_secret(client, superuser):
    submit(ArticleFactory(), email="ana@example.org", notify_on_publish=True)
    mailbox = Mailbox.objects.get()
    client.force_login(superuser)
    listing = client.get("/admin/notifications/mailbox/?q=ana")
    assert b"ana@example.org" in listing.content
    page = client.get(f"/admin/notifications/mailbox/{mailbox.pk}/change/")
    assert page.status_code == 200
    assert mailbox.nonce.encode() not in page.content
    assert b'name="_save"' not in page.content  # read-only


def test_confirmed_only_digests_are_refused_where_they_are_written(db):
    with pytest.raises(ValueError, match="confirmed_only"):
        services.notification_enqueue(
            kind="comment_published",
            recipients=["ana@example.org"],
            event="e:1",
            digest=True,
            confirmed_only=True,
        )
