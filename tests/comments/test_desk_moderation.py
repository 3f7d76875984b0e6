"""Moderation rights follow desk membership, as article rights do.

A newsroom of two desks, Science and Culture, each with a held comment, a published
comment readers reported and a banned commenter; and these people:

- Mona, a moderator on the Science desk, and Eddie, Science's editor: Science's comments
  only (queue, admin, reports, bans and trusts, the log), never a Culture commenter's email;
- Sam, a moderator on no desk: every desk, as before desks existed;
- Ned, an editor on no desk: he writes for no desk, but moderates every desk's comments.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from comments import notify, selectors, services
from comments.models import Comment, CommenterStanding, ModerationLog, Report, Term
from notifications.models import MODERATOR_DIGEST, Notification
from tests.support.factories import ArticleFactory, CommentFactory, DeskFactory
from tests.support.personas import desk_member, every_desk
from tests.support.public_html import Page

pytestmark = pytest.mark.django_db

PENDING, APPROVED, SPAM = Comment.Status.PENDING, Comment.Status.APPROVED, Comment.Status.SPAM
QUEUE = "/moderation/"


def _desk(name: str, n: int) -> SimpleNamespace:
    desk = DeskFactory(name=name, slug=name.lower())
    article = ArticleFactory(desk=desk, headline=f"{name} story", slug=f"{name.lower()}-story")
    held = CommentFactory(article=article, name=f"{name} Held", email=f"held{n}@{name}.example")
    shown = CommentFactory(
        article=article, status=APPROVED, name=f"{name} Shown", email=f"shown{n}@{name}.example"
    )
    services.comment_report(comment_id=shown.pk, reason="spam", ip=f"192.0.2.{n}")
    spammer = CommentFactory(
        article=article, name=f"{name} Spammer", email=f"spam{n}@{name}.example", ip_hash=str(n)
    )
    standing = services.commenter_ban(comment=spammer, moderator=None)
    return SimpleNamespace(
        desk=desk,
        article=article,
        held=held,
        shown=shown,
        spammer=spammer,
        standing=standing,
        report=Report.objects.get(comment=shown),
        emails={held.email, shown.email, spammer.email},
    )


@pytest.fixture
def newsroom(moderator) -> SimpleNamespace:
    science, culture = _desk("Science", 1), _desk("Culture", 2)
    return SimpleNamespace(
        science=science,
        culture=culture,
        mona=desk_member("mona", "Moderators", science.desk),
        eddie=desk_member("eddie", "Editors", science.desk),
        sam=moderator,
        ned=_managing_editor(),
    )


def _managing_editor():
    """An editor on no desk who works on every desk (a managing editor): site-wide, as an
    editor on no desk without that right is nowhere."""
    ned = desk_member("ned", "Editors")
    every_desk(ned)
    return ned


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown_emails(html: str, newsroom) -> set[str]:
    every = newsroom.science.emails | newsroom.culture.emails
    return {email for email in every if email in html}


# --- The rule, in one place --------------------------------------------------------------


def test_desk_members_moderate_their_desks_and_the_deskless_every_desk(newsroom, superuser):
    science = newsroom.science.desk.pk
    assert selectors.moderation_desk_ids(newsroom.mona) == {science}
    assert selectors.moderation_desk_ids(newsroom.eddie) == {science}
    for site_wide in (newsroom.sam, newsroom.ned, superuser):
        assert selectors.moderation_desk_ids(site_wide) is None
    held = Comment.objects.filter(status=PENDING, open_reports=0)
    mine = selectors.moderation_scope(newsroom.mona, held)
    assert set(mine) == {newsroom.science.held}
    assert set(selectors.moderation_scope(newsroom.sam, held)) == {
        newsroom.science.held,
        newsroom.culture.held,
    }


def test_people_without_the_right_moderate_nothing(newsroom, reporter, outsider):
    for user in (reporter, outsider):
        assert not selectors.moderation_scope(user).exists()


# --- The queue ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mona", "eddie"])
def test_a_desks_moderator_sees_only_their_desks_comments_and_emails(newsroom, who):
    client = signed_in(getattr(newsroom, who))
    for status in ("", "?status=approved", "?status=spam", "?status=reported"):
        html = client.get(QUEUE + status).content.decode()
        assert shown_emails(html, newsroom) <= newsroom.science.emails, status
        assert "Culture" not in html, status  # neither its comments nor its desk filter
    page = Page(client.get(QUEUE).content.decode())
    ids = {int(li.attrs["data-comment-id"]) for li in page.select("li", class_="mod-item")}
    assert ids == {newsroom.science.held.pk}


def test_a_desks_moderators_tabs_count_their_desks_comments(newsroom):
    html = signed_in(newsroom.mona).get(QUEUE).content.decode()
    counts = {
        a.attrs["data-status"]: a.text.split()[-1]
        for a in Page(html).select("a")
        if "data-status" in a.attrs
    }
    # Science: one held, one approved (reported), one spam (the banned commenter's).
    assert counts == {
        "pending": "1",
        "approved": "1",
        "rejected": "0",
        "spam": "1",
        "reported": "1",
    }


def test_a_site_wide_moderator_sees_every_desk(newsroom):
    for user in (newsroom.sam, newsroom.ned):
        html = signed_in(user).get(QUEUE).content.decode()
        assert {newsroom.science.held.email, newsroom.culture.held.email} <= shown_emails(
            html, newsroom
        )


def test_another_desks_commenter_is_not_shown_by_their_comment(newsroom):
    culture = newsroom.culture.held
    html = signed_in(newsroom.mona).get(f"{QUEUE}?commenter={culture.pk}").content.decode()
    assert culture.email not in html
    assert not Page(html).select("li", class_="mod-item")


def test_filtering_by_another_desk_shows_nothing(newsroom):
    html = signed_in(newsroom.mona).get(f"{QUEUE}?desk=culture").content.decode()
    assert shown_emails(html, newsroom) == set()


@pytest.mark.parametrize("decision", ["approve", "reject", "spam", "ban", "trust", "keep", "pick"])
@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_deciding_another_desks_comment_is_404_and_changes_nothing(newsroom, decision, accept):
    target = newsroom.culture.shown if decision in ("keep", "pick") else newsroom.culture.held
    target.refresh_from_db()
    before = (target.status, target.is_pick, target.open_reports)
    logs = ModerationLog.objects.count()
    response = signed_in(newsroom.eddie).post(
        f"{QUEUE}{target.pk}/", {"decision": decision}, headers={"Accept": accept}
    )
    assert response.status_code == 404
    target.refresh_from_db()
    assert (target.status, target.is_pick, target.open_reports) == before
    assert ModerationLog.objects.count() == logs


def test_a_bulk_decision_leaves_another_desks_comments_alone(newsroom):
    science, culture = newsroom.science.held, newsroom.culture.held
    response = signed_in(newsroom.mona).post(
        f"{QUEUE}bulk/", {"ids": [science.pk, culture.pk], "decision": "approve"}, follow=True
    )
    science.refresh_from_db()
    culture.refresh_from_db()
    assert (science.status, culture.status) == (APPROVED, PENDING)
    assert "1 comment approved (1 already so, or gone)." in response.content.decode()


def test_a_desks_moderator_decides_their_own_desks_comments(newsroom):
    held = newsroom.science.held
    response = signed_in(newsroom.mona).post(f"{QUEUE}{held.pk}/", {"decision": "approve"})
    assert response.status_code == 303
    held.refresh_from_db()
    assert held.status == APPROVED


def test_the_queue_links_each_article_where_the_moderator_can_open_it(newsroom):
    """A withdrawn article's public page is gone: the link goes to its admin page for
    those who may read it there, and there is no link for those who may not (never a page
    saying it does not exist)."""
    culture = newsroom.culture.article
    culture.status = culture.Status.UNPUBLISHED
    culture.save(update_fields=["status"])
    for user in (newsroom.sam, newsroom.ned):
        client = signed_in(user)
        page = Page(client.get(f"{QUEUE}?desk=culture").content.decode())
        links = [a.attrs["href"] for a in page.select("a") if "story" in a.text]
        for href in links:
            assert client.get(href).status_code == 200, (user, href)
        if user is newsroom.ned:  # a managing editor reads it in the admin
            assert links
        else:
            html = client.get(f"{QUEUE}?desk=culture").content.decode()
            assert "Culture story (unpublished)" in html


# --- The admin ---------------------------------------------------------------------------

ADMIN_LISTS = [
    "/admin/comments/comment/",
    "/admin/comments/comment/?status__exact=approved",
    "/admin/comments/comment/?q=example",
    "/admin/comments/moderationlog/",
    "/admin/comments/report/",
    "/admin/comments/commenterstanding/",
]


@pytest.mark.parametrize("who", ["mona", "eddie"])
def test_the_admin_lists_only_a_desks_own_comments_reports_bans_and_log(newsroom, who):
    client = signed_in(getattr(newsroom, who))
    for url in ADMIN_LISTS:
        response = client.get(url)
        assert response.status_code == 200, url
        rows = {obj.pk for obj in response.context["cl"].result_list}
        model = response.context["cl"].model
        comments = {
            Comment: lambda pk: Comment.objects.get(pk=pk),
            ModerationLog: lambda pk: ModerationLog.objects.get(pk=pk).comment,
            Report: lambda pk: Report.objects.get(pk=pk).comment,
            CommenterStanding: lambda pk: CommenterStanding.objects.get(pk=pk).comment,
        }[model]
        assert rows, url
        assert {comments(pk).article.desk.name for pk in rows} == {"Science"}, url
        assert shown_emails(response.content.decode(), newsroom) <= newsroom.science.emails


def test_the_admin_lists_every_desk_to_a_site_wide_moderator(newsroom):
    response = signed_in(newsroom.sam).get("/admin/comments/comment/")
    desks = {c.article.desk.name for c in response.context["cl"].result_list}
    assert desks == {"Science", "Culture"}


@pytest.mark.parametrize(
    "path",
    [
        "/admin/comments/comment/{held}/change/",
        "/admin/comments/comment/{held}/history/",
        "/admin/comments/report/{report}/change/",
        "/admin/comments/commenterstanding/{standing}/change/",
    ],
)
def test_another_desks_comment_is_not_found_in_the_admin(newsroom, path):
    culture = newsroom.culture
    url = path.format(held=culture.held.pk, report=culture.report.pk, standing=culture.standing.pk)
    response = signed_in(newsroom.mona).get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert culture.held.email not in signed_in(newsroom.mona).get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("model", "action", "target"),
    [
        ("comment", "approve_comments", "held"),
        ("comment", "ban_comments", "held"),
        ("comment", "pick_comments", "shown"),
        ("report", "keep_comments", "report"),
        ("commenterstanding", "lift", "standing"),
    ],
)
def test_an_admin_action_on_another_desks_rows_does_nothing(newsroom, model, action, target):
    culture = newsroom.culture
    logs = ModerationLog.objects.count()
    signed_in(newsroom.mona).post(
        f"/admin/comments/{model}/",
        {"action": action, "_selected_action": [getattr(culture, target).pk], "index": "0"},
    )
    assert ModerationLog.objects.count() == logs
    culture.standing.refresh_from_db()
    assert culture.standing.is_active


def test_a_desks_moderator_lifts_a_ban_set_on_their_desk(newsroom):
    standing = newsroom.science.standing
    signed_in(newsroom.mona).post(
        "/admin/comments/commenterstanding/",
        {"action": "lift", "_selected_action": [standing.pk], "index": "0"},
    )
    standing.refresh_from_db()
    assert not standing.is_active


def test_the_word_lists_are_kept_by_site_wide_moderators_and_read_by_desk_ones(newsroom):
    mona, sam = signed_in(newsroom.mona), signed_in(newsroom.sam)
    assert mona.get("/admin/comments/term/").status_code == 200
    assert mona.get("/admin/comments/term/add/").status_code == 403
    assert (
        mona.post("/admin/comments/term/add/", {"term": "casino", "kind": "suspect"}).status_code
        == 403
    )
    assert not Term.objects.exists()
    assert (
        sam.post("/admin/comments/term/add/", {"term": "casino", "kind": "suspect"}).status_code
        == 302
    )
    assert Term.objects.filter(term="casino").exists()


@pytest.mark.parametrize("who", ["mona", "eddie", "sam", "ned"])
def test_every_article_link_on_a_comments_admin_page_opens(newsroom, who):
    """Its article is linked where the user can open it: the admin page for those who may
    read it there, the public page for the others, never an admin page saying it does not
    exist."""
    client = signed_in(getattr(newsroom, who))
    comments = [newsroom.science.held]
    if who in ("sam", "ned"):
        comments.append(newsroom.culture.held)
    for comment in comments:
        page = client.get(f"/admin/comments/comment/{comment.pk}/change/")
        assert page.status_code == 200
        links = [
            a.attrs["href"]
            for a in Page(page.content.decode()).select("a")
            if a.text.strip() == comment.article.headline
        ]
        assert links, who
        for href in links:
            opened = client.get(href)
            assert opened.status_code == 200, (who, href)
            assert "doesn’t exist" not in opened.content.decode()


# --- Mail to moderators ------------------------------------------------------------------


def test_the_held_comment_digest_goes_to_that_desks_moderators_and_the_site_wide(newsroom):
    Notification.objects.all().delete()
    for person in (newsroom.mona, newsroom.sam):
        person.email = f"{person.username}@newsroom.example"
        person.save()
    other = desk_member("otto", "Moderators", newsroom.culture.desk)
    notify.comment_held(comment=newsroom.science.held)
    recipients = set(
        Notification.objects.filter(kind=MODERATOR_DIGEST).values_list("recipient", flat=True)
    )
    assert newsroom.mona.email in recipients
    assert newsroom.sam.email in recipients
    assert other.email not in recipients
