"""Emails stay private on every public response; the admin for moderators and editors."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import Permission

from comments import services
from comments.models import Comment, ModerationLog, Term
from tests.support.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    CommentFactory,
    DeskFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

SECRET_EMAIL = "secret.person@example.net"


def every_public_url(article, author, topic) -> list[str]:
    desk = article.desk.slug
    url = article.get_absolute_url()
    return [
        "/",
        f"/{desk}/",
        url,
        f"{url}?cpage=1",
        f"{url}?reply_to=1",
        f"/authors/{author.slug}/",
        f"/topics/{topic.slug}/",
        "/search/?q=Tidal",
        "/search/?q=example.net",
        "/feed/",
        f"/{desk}/feed/",
        f"/authors/{author.slug}/feed/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/robots.txt",
    ]


def test_a_commenters_email_hash_or_gravatar_never_appears_on_any_public_page(client):
    article = ArticleFactory(headline="Tidal power", desk=DeskFactory(slug="science"))
    author, topic = AuthorFactory(), TopicFactory()
    BylineFactory(article=article, author=author)
    article.topics.add(topic)
    approved = CommentFactory(article=article, email=SECRET_EMAIL, ip_hash="f" * 64)
    services.comment_moderate(decision="approve", comment=approved, moderator=None)
    CommentFactory(article=article, email="pending.person@example.net")
    secrets = [
        SECRET_EMAIL,
        "secret.person",
        "pending.person",
        "f" * 64,
        hashlib.md5(SECRET_EMAIL.encode(), usedforsecurity=False).hexdigest(),  # Gravatar
        hashlib.sha256(SECRET_EMAIL.encode()).hexdigest(),
    ]
    checked = 0
    for url in every_public_url(article, author, topic):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in secrets:
            assert secret not in body, (url, secret)
        checked += 1
    assert checked == 15
    assert approved.body in client.get(article.get_absolute_url()).content.decode()


# The admin.


def test_moderators_see_comments_with_their_email_in_admin(client, moderator, article):
    CommentFactory(article=article, email=SECRET_EMAIL)
    client.force_login(moderator)
    response = client.get("/admin/comments/comment/")
    assert response.status_code == 200
    assert SECRET_EMAIL in response.content.decode()


@pytest.mark.parametrize("persona", ["reporter", "outsider"])
def test_staff_without_comment_rights_cannot_open_comments_in_admin(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/admin/comments/comment/").status_code == 403


def test_readers_are_sent_to_the_admin_login(client, reader):
    client.force_login(reader)
    response = client.get("/admin/comments/comment/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["moderator", "editor"])
def test_admin_actions_decide_through_the_services(client, persona, request, article):
    user = request.getfixturevalue(persona)
    comments = [CommentFactory(article=article) for _ in range(2)]
    client.force_login(user)
    response = client.post(
        "/admin/comments/comment/",
        {"action": "approve_comments", "_selected_action": [c.pk for c in comments]},
        follow=True,
    )
    assert "2 comments approved." in response.content.decode()
    assert Comment.objects.filter(status=Comment.Status.APPROVED).count() == 2
    article.refresh_from_db()
    assert article.approved_comment_count == 2
    log = ModerationLog.objects.filter(moderator=user)
    assert log.count() == 2 and {entry.reason for entry in log} == {"admin action"}


def test_staff_without_the_moderate_permission_get_no_decision_actions(client, outsider, article):
    CommentFactory(article=article)
    outsider.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(outsider)
    page = client.get("/admin/comments/comment/").content.decode()
    assert "approve_comments" not in page


def test_the_admin_change_form_cannot_change_the_status(client, moderator, article):
    comment = CommentFactory(article=article)
    client.force_login(moderator)
    url = f"/admin/comments/comment/{comment.pk}/change/"
    page = client.get(url).content.decode()
    assert SECRET_EMAIL not in page and comment.email in page  # shown, read-only
    assert 'name="status"' not in page and 'name="email"' not in page
    client.post(url, {"status": "approved", "email": "changed@example.net", "_save": "Save"})
    comment.refresh_from_db()
    assert (comment.status, comment.email) == (Comment.Status.PENDING, comment.email)


def test_nobody_adds_comments_or_edits_the_log_in_admin(client, superuser, article):
    comment = CommentFactory(article=article)
    services.comment_moderate(decision="reject", comment=comment, moderator=superuser)
    entry = ModerationLog.objects.filter(moderator=superuser).get()
    client.force_login(superuser)
    assert client.get("/admin/comments/comment/add/").status_code == 403
    assert client.get(f"/admin/comments/moderationlog/{entry.pk}/delete/").status_code == 403
    client.post(f"/admin/comments/moderationlog/{entry.pk}/change/", {"reason": "rewritten"})
    entry.refresh_from_db()
    assert entry.reason == ""


def test_moderators_manage_terms_and_editors_only_see_them(client, moderator, editor):
    client.force_login(moderator)
    response = client.post("/admin/comments/term/add/", {"term": "casino", "kind": "suspect"})
    assert response.status_code == 302
    assert Term.objects.filter(term="casino").exists()
    client.force_login(editor)
    assert client.get("/admin/comments/term/").status_code == 200
    assert client.get("/admin/comments/term/add/").status_code == 403


def test_a_term_must_be_unique_and_not_empty(client, moderator):
    Term.objects.create(term="casino")
    client.force_login(moderator)
    for term in ("casino", ""):
        response = client.post("/admin/comments/term/add/", {"term": term, "kind": "suspect"})
        assert response.status_code == 200  # the form again, with its error
    assert Term.objects.count() == 1
