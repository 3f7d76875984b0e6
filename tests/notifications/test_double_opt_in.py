"""Double opt-in: mail about a reader's comments goes only to a mailbox that asked for it.

Anyone can type anyone's address into the comment form. Until that mailbox confirms (a
signed, expiring, single-use link; a GET only shows a button, the POST confirms), the only
mail it gets is one confirmation request a day, which carries nothing the poster wrote.
"""

import pytest
from django.db import transaction

from comments import services as comment_services
from comments.models import Comment
from tests.factories import ArticleFactory
from tests.notifications.test_worker import drain

real_commits = pytest.mark.django_db(transaction=True)

ATTACKER_NAME = "Prize Desk"
ATTACKER_BODY = "You won! Claim your prize at https://evil.example/claim before midnight."


def post(client, article, **fields):
    data = {
        "name": "Ana",
        "email": "ana@example.org",
        "body": "The night buses matter more than the fares.",
        "timestamp": comment_services.form_stamp_issue(),
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
        assert comment_services.comment_approve(comment=comment, moderator=moderator)


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
