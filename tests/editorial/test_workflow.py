"""The review workflow: submit, publish, schedule, send back and unpublish, as services and
through the admin, each written to the audit log; the desk's editors mailed on submit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial.models import Transition
from editorial.services import workflow
from notifications.models import Notification
from notifications.services import notification_deliver
from tests.support.admin import CHANGELIST, action, article_form, change_url, errors
from tests.support.factories import ArticleFactory, DeskFactory, PhotoFactory
from tests.support.personas import desk_member as member

pytestmark = pytest.mark.django_db


def log(article: Article) -> list[tuple]:
    return list(
        Transition.objects.filter(article=article)
        .order_by("created_at", "id")
        .values_list("action", "from_status", "to_status", "user__username", "note")
    )


# --- Submit ----------------------------------------------------------------------------


def test_submitting_moves_the_draft_to_review_and_logs_who_and_when(transport_draft, rita):
    before = timezone.now()
    workflow.article_submit(article=transport_draft, user=rita, note="Ready when you are.")
    transport_draft.refresh_from_db()
    assert transport_draft.status == Article.Status.IN_REVIEW
    assert log(transport_draft) == [("submit", "draft", "in_review", "rita", "Ready when you are.")]
    assert Transition.objects.get().created_at >= before


def test_submitting_mails_the_desks_editors_and_nobody_else(
    transport, transport_draft, rita, eddie
):
    other_desk_editor = member("olga", "Editors", DeskFactory())
    no_email = member("nomail", "Editors", transport, email="")
    fellow_reporter = member("rob", "Reporters", transport)
    workflow.article_submit(article=transport_draft, user=rita)
    rows = Notification.objects.filter(kind="article_submitted")
    assert list(rows.values_list("recipient", flat=True)) == [eddie.email]
    assert rows.get().context["reporter"] == "Rita Example"
    assert rows.get().context["review_url"].endswith(change_url(transport_draft))
    assert not {other_desk_editor.email, no_email.email, fellow_reporter.email} & set(
        rows.values_list("recipient", flat=True)
    )


def test_the_mail_to_the_desk_editors_is_delivered_over_smtp(
    transport_draft, rita, eddie, mail_server
):
    workflow.article_submit(article=transport_draft, user=rita)
    row = Notification.objects.get(kind="article_submitted")
    assert notification_deliver(notification_id=row.pk) is True
    message = mail_server.wait_for(1)[0]
    assert message["To"] == eddie.email
    assert message["Subject"] == 'For review: "Fares rise" by Rita Example'
    assert "Transport desk" in message.get_body(("plain",)).get_content()


def test_a_submission_that_rolls_back_leaves_no_log_and_no_mail(transport_draft, rita, eddie):
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.article_submit(article=transport_draft, user=rita)
        raise RuntimeError("something later in the same request failed")
    transport_draft.refresh_from_db()
    assert transport_draft.status == Article.Status.DRAFT
    assert not Transition.objects.exists()
    assert not Notification.objects.exists()


def test_only_drafts_can_be_submitted_and_nothing_is_logged_on_refusal(transport_draft, rita):
    workflow.article_submit(article=transport_draft, user=rita)
    with pytest.raises(ValidationError, match="Only drafts"):
        workflow.article_submit(article=transport_draft, user=rita)
    assert len(log(transport_draft)) == 1


def test_choosing_in_review_in_the_form_is_a_submission_with_its_mail(
    client, transport_draft, rita, eddie
):
    client.force_login(rita)
    response = client.post(
        change_url(transport_draft), article_form(transport_draft, status="in_review")
    )
    assert response.status_code == 302, errors(response)
    assert [row[0] for row in log(transport_draft)] == ["submit"]
    assert Notification.objects.get(kind="article_submitted").recipient == eddie.email


def test_the_submit_action_submits_from_the_list(client, transport_draft, rita, eddie):
    client.force_login(rita)
    client.post(reverse(CHANGELIST), action("submit_for_review", transport_draft))
    transport_draft.refresh_from_db()
    assert transport_draft.status == Article.Status.IN_REVIEW


# --- Send back ---------------------------------------------------------------------------


def test_an_editor_sends_an_article_back_with_a_note_the_writer_sees(
    client, transport_draft, rita, eddie
):
    workflow.article_submit(article=transport_draft, user=rita)
    client.force_login(eddie)
    url = reverse("admin:articles_article_return", args=[transport_draft.pk])
    assert (
        url in client.get(change_url(transport_draft)).content.decode()
    )  # "Send back with a note"
    response = client.post(url, {"note": "Source the fare figures, please."})
    assert response.status_code == 302
    transport_draft.refresh_from_db()
    assert transport_draft.status == Article.Status.DRAFT
    assert log(transport_draft)[-1] == (
        "return",
        "in_review",
        "draft",
        "eddie",
        "Source the fare figures, please.",
    )
    mail = Notification.objects.get(kind="article_returned")
    assert mail.recipient == rita.email
    assert mail.context["note"] == "Source the fare figures, please."
    client.force_login(rita)
    html = client.get(change_url(transport_draft)).content.decode()
    assert "Sent back by Eddie Example" in html
    assert "Source the fare figures, please." in html


def test_sending_back_without_a_note_is_a_form_error_and_nothing_changes(
    client, transport_draft, rita, eddie
):
    workflow.article_submit(article=transport_draft, user=rita)
    client.force_login(eddie)
    response = client.post(
        reverse("admin:articles_article_return", args=[transport_draft.pk]), {"note": "   "}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    transport_draft.refresh_from_db()
    assert transport_draft.status == Article.Status.IN_REVIEW


def test_only_articles_in_review_can_be_sent_back(transport_draft, eddie):
    with pytest.raises(ValidationError, match="Only articles in review"):
        workflow.article_return(article=transport_draft, user=eddie, note="No.")


def test_reporter_cannot_send_back_by_crafted_post(client, transport_draft, rita):
    workflow.article_submit(article=transport_draft, user=rita)
    client.force_login(rita)
    response = client.post(
        reverse("admin:articles_article_return", args=[transport_draft.pk]), {"note": "Self-review"}
    )
    assert response.status_code == 403
    transport_draft.refresh_from_db()
    assert transport_draft.status == Article.Status.IN_REVIEW


# --- Publish, schedule, unpublish ---------------------------------------------------------


def test_publishing_logs_the_step_and_tells_the_writer_it_is_live(transport_draft, rita, eddie):
    workflow.article_submit(article=transport_draft, user=rita)
    workflow.article_publish(article=transport_draft, user=eddie)
    assert [row[:4] for row in log(transport_draft)] == [
        ("submit", "draft", "in_review", "rita"),
        ("publish", "in_review", "published", "eddie"),
    ]
    mail = Notification.objects.get(kind="article_published")
    assert mail.recipient == rita.email
    transport_draft.refresh_from_db()
    assert transport_draft.went_live_at == transport_draft.published_at


def test_scheduling_logs_the_time_it_was_scheduled_for(transport_draft, eddie):
    at = timezone.now() + dt.timedelta(days=1)
    workflow.article_schedule(article=transport_draft, user=eddie, at=at)
    step = Transition.objects.get()
    assert (step.action, step.at) == ("schedule", at)
    assert not Notification.objects.filter(kind="article_published").exists()  # not yet


def test_saving_a_published_article_again_logs_nothing_new(client, transport, eddie):
    article = ArticleFactory(desk=transport, hero_photo=PhotoFactory())
    client.force_login(eddie)
    response = client.post(change_url(article), article_form(article, headline="Typo fixed"))
    assert response.status_code == 302, errors(response)
    assert log(article) == []


def test_unpublishing_is_logged_with_who_did_it(client, transport, eddie):
    article = ArticleFactory(desk=transport)
    client.force_login(eddie)
    data = {**action("unpublish_selected", article), "confirm": "yes", "note": "Legal hold"}
    client.post(reverse(CHANGELIST), data)
    assert [row[:4] for row in log(article)] == [("unpublish", "published", "unpublished", "eddie")]


def test_the_audit_log_is_shown_on_the_articles_admin_page(client, transport_draft, rita, eddie):
    workflow.article_submit(article=transport_draft, user=rita)
    workflow.article_return(article=transport_draft, user=eddie, note="Needs a second source.")
    client.force_login(eddie)
    html = client.get(change_url(transport_draft)).content.decode()
    history = html[html.index("Workflow history") :]
    assert "Sent back to the writer" in history and "Submitted for review" in history
    assert "Needs a second source." in history
    assert history.index("Sent back to the writer") < history.index("Submitted for review")
    assert "GMT" in history or "BST" in history  # times carry the newsroom's zone


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("reporter", False), ("moderator", False), ("outsider", False), ("superuser", True)],
)
def test_who_may_send_back_an_article_in_review(persona, allowed, request):
    user = request.getfixturevalue(persona)
    article = ArticleFactory(status=Article.Status.IN_REVIEW, published_at=None)
    if allowed:
        workflow.article_return(article=article, user=user, note="Rework the intro.")
        assert article.status == Article.Status.DRAFT
    else:
        with pytest.raises(ValidationError):
            workflow.article_return(article=article, user=user, note="Rework the intro.")
        article.refresh_from_db()
        assert article.status == Article.Status.IN_REVIEW
