"""The moderators' queue: who may use it, what it shows, each decision, bulk, and its cost."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment, ModerationLog
from tests.support.factories import ArticleFactory, CommentFactory, DeskFactory
from tests.support.public_html import Page

pytestmark = pytest.mark.django_db

PENDING, APPROVED = Comment.Status.PENDING, Comment.Status.APPROVED
REJECTED, SPAM = Comment.Status.REJECTED, Comment.Status.SPAM
QUEUE = "/moderation/"


def decide_url(comment: Comment) -> str:
    return f"/moderation/{comment.pk}/"


@pytest.fixture
def held(article) -> Comment:
    return CommentFactory(article=article, name="Held Person", email="held@example.net")


def as_user(client, user):
    client.force_login(user)
    return client


# Who may moderate.

ALLOWED = ["editor", "moderator", "superuser"]
FORBIDDEN = ["reader", "reporter", "outsider"]


def test_anonymous_visitors_are_sent_to_the_login_page(client, held):
    for method, url in (("get", QUEUE), ("post", decide_url(held)), ("post", "/moderation/bulk/")):
        response = getattr(client, method)(url, {"decision": "approve", "ids": [held.pk]})
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=/moderation/")
    held.refresh_from_db()
    assert held.status == PENDING


@pytest.mark.parametrize("persona", FORBIDDEN)
def test_people_without_the_moderation_permission_get_403(client, held, persona, request):
    as_user(client, request.getfixturevalue(persona))
    assert client.get(QUEUE).status_code == 403
    assert client.post(decide_url(held), {"decision": "approve"}).status_code == 403
    bulk = client.post("/moderation/bulk/", {"decision": "spam", "ids": [held.pk]})
    assert bulk.status_code == 403
    held.refresh_from_db()
    assert held.status == PENDING
    assert ModerationLog.objects.filter(moderator__isnull=False).count() == 0


@pytest.mark.parametrize("persona", ALLOWED)
def test_moderators_editors_and_superusers_may_moderate(client, held, persona, request):
    user = request.getfixturevalue(persona)
    as_user(client, user)
    assert client.get(QUEUE).status_code == 200
    assert client.post(decide_url(held), {"decision": "approve"}).status_code == 303
    held.refresh_from_db()
    assert (held.status, held.moderated_by) == (APPROVED, user)


# What the queue shows.


def test_the_queue_lists_held_comments_oldest_first_with_everything_needed(
    client, moderator, article
):
    now = timezone.now()
    newer = CommentFactory(article=article, name="Newer", held_reasons=["links"])
    older = CommentFactory(article=article, name="Older", email="older@example.net")
    Comment.objects.filter(pk=older.pk).update(created_at=now - timedelta(hours=2))
    CommentFactory(article=article, status=APPROVED, name="Not held")
    page = Page(as_user(client, moderator).get(QUEUE).content.decode())
    items = page.select("li", class_="mod-item")
    assert [i.attrs["data-comment-id"] for i in items] == [str(older.pk), str(newer.pk)]
    first = items[0].text
    assert "Older" in first and "older@example.net" in first
    assert article.headline in first
    assert older.body in first
    assert "First comment from this email" in first
    assert "ago" in first
    assert "Two or more links" in items[1].text
    assert len(page.select("a", href=article.get_absolute_url())) == 2  # one per comment


def test_each_held_comment_has_a_form_with_the_three_decisions(client, moderator, held):
    page = Page(as_user(client, moderator).get(QUEUE).content.decode())
    form = page.one("form", action=decide_url(held))
    assert form.attrs["method"] == "post"
    buttons = [b for b in page.select("button", name="decision") if b.position > form.position]
    assert [b.attrs["value"] for b in buttons[:3]] == ["approve", "reject", "spam"]


def test_the_queue_shows_the_commenters_history(client, moderator, article):
    for status in (APPROVED, APPROVED, REJECTED, SPAM):
        CommentFactory(article=article, email="regular@example.net", status=status)
    CommentFactory(article=article, email="regular@example.net")
    page = Page(as_user(client, moderator).get(QUEUE).content.decode())
    history = page.one("span", class_="mod-item__history").text
    assert history == "History: 2 approved · 1 rejected · 1 spam"


def test_the_queue_counts_comments_per_status(client, moderator, article):
    for status, count in ((PENDING, 3), (APPROVED, 2), (SPAM, 1)):
        for _ in range(count):
            CommentFactory(article=article, status=status)
    page = Page(as_user(client, moderator).get(QUEUE).content.decode())
    tabs = {a.attrs["data-status"]: a.text for a in page.select("a") if "data-status" in a.attrs}
    assert tabs == {
        "pending": "Held 3",
        "approved": "Approved 2",
        "rejected": "Rejected 0",
        "spam": "Spam 1",
        "reported": "Reported 0",
    }


def test_the_filters_start_at_all_desks_and_any_reason(client, moderator, held):
    page = Page(as_user(client, moderator).get(QUEUE).content.decode())
    selected = [o for o in page.select("option") if "selected" in o.attrs]
    assert selected == []  # so the browser shows each select's first option
    assert [o.text for o in page.select("option")][:1] == ["All desks"]
    assert "Any reason" in [o.text for o in page.select("option")]


def test_the_queue_filters_by_status_desk_article_and_reason(client, moderator):
    science, sport = DeskFactory(slug="science"), DeskFactory(slug="sport")
    on_science = ArticleFactory(desk=science)
    on_sport = ArticleFactory(desk=sport)
    a = CommentFactory(article=on_science, held_reasons=["links"])
    b = CommentFactory(article=on_sport, held_reasons=["first_time"])
    c = CommentFactory(article=on_sport, status=SPAM, held_reasons=["blocked_term"])
    as_user(client, moderator)

    def ids(query: str) -> list[str]:
        page = Page(client.get(QUEUE + query).content.decode())
        return [i.attrs["data-comment-id"] for i in page.select("li", class_="mod-item")]

    assert ids("?desk=science") == [str(a.pk)]
    assert ids(f"?article={on_sport.pk}") == [str(b.pk)]
    assert ids("?reason=links") == [str(a.pk)]
    assert ids("?status=spam") == [str(c.pk)]
    assert ids("?status=spam&reason=links") == []


@pytest.mark.parametrize(
    "query", ["?status=deleted", "?reason=bad_vibes", "?article=abc", "?after=yesterday"]
)
def test_a_bad_filter_is_a_400_that_says_what_is_wrong(client, moderator, held, query):
    response = as_user(client, moderator).get(QUEUE + query)
    assert response.status_code == 400
    assert Page(response.content.decode()).select("ul", class_="errorlist")


def test_keyset_pages_of_fifty_walk_the_whole_queue_once(client, moderator, article):
    start = timezone.now() - timedelta(days=1)
    comments = Comment.objects.bulk_create(
        Comment(article=article, name=f"N{n}", email=f"n{n}@example.net", body=f"B{n}")
        for n in range(120)
    )
    for n, comment in enumerate(comments):
        # Some share a timestamp, so the id must break ties.
        Comment.objects.filter(pk=comment.pk).update(created_at=start + timedelta(seconds=n // 3))
    as_user(client, moderator)
    seen, url = [], QUEUE
    while url:
        page = Page(client.get(url).content.decode())
        seen += [int(i.attrs["data-comment-id"]) for i in page.select("li", class_="mod-item")]
        nexts = page.select("a", rel="next")
        url = QUEUE + nexts[0].attrs["href"].replace("&amp;", "&") if nexts else ""
    assert seen == [c.pk for c in comments]


def test_fifty_held_comments_cost_at_most_eight_queries(
    client, moderator, article, django_assert_max_num_queries
):
    # The session, the user, their two kinds of rights, their desk roles (moderation follows
    # desk membership) and, on no desk, whether their group moderates every desk, the page,
    # the counts.
    for n in range(60):
        parent = CommentFactory(article=article, status=APPROVED) if n % 10 == 0 else None
        CommentFactory(article=article, parent=parent, email=f"p{n % 7}@example.net")
    as_user(client, moderator)
    client.get(QUEUE)  # warm the desk list in the cache, as any earlier visit does
    with django_assert_max_num_queries(8):
        response = client.get(QUEUE)
    assert len(Page(response.content.decode()).select("li", class_="mod-item")) == 50


def test_the_queue_works_without_inline_scripts_or_styles(client, moderator, held):
    response = as_user(client, moderator).get(QUEUE)
    page = Page(response.content.decode())
    scripts = page.select("script")
    assert scripts and all(s.attrs.get("src", "").startswith("/static/js/") for s in scripts)
    assert not page.select("style")
    assert not [e for e in page.elements if "style" in e.attrs or "onclick" in e.attrs]
    assert "script-src 'self'" in response["Content-Security-Policy"]


# Decisions.


@pytest.mark.parametrize(
    ("decision", "status"), [("approve", APPROVED), ("reject", REJECTED), ("spam", SPAM)]
)
def test_each_decision_changes_the_status_and_is_logged(client, moderator, held, decision, status):
    response = as_user(client, moderator).post(
        decide_url(held), {"decision": decision, "reason": "read it"}
    )
    assert response.status_code == 303
    assert response["Location"] == QUEUE
    held.refresh_from_db()
    assert held.status == status
    log = held.log.filter(moderator=moderator).get()
    assert (log.from_status, log.to_status, log.reason) == (PENDING, status, "read it")


def test_approving_updates_the_articles_count_and_rejecting_takes_it_back(
    client, moderator, held, article
):
    as_user(client, moderator)
    client.post(decide_url(held), {"decision": "approve"})
    article.refresh_from_db()
    assert article.approved_comment_count == 1
    client.post(decide_url(held), {"decision": "reject"})
    article.refresh_from_db()
    assert article.approved_comment_count == 0


def test_deciding_twice_is_idempotent(client, moderator, held):
    as_user(client, moderator)
    client.post(decide_url(held), {"decision": "approve"})
    again = client.post(decide_url(held), {"decision": "approve"}, follow=True)
    assert "was already approved" in again.content.decode()
    assert held.log.filter(to_status=APPROVED).count() == 1


def test_a_decision_goes_back_to_a_safe_next(client, moderator, held):
    as_user(client, moderator)
    response = client.post(decide_url(held), {"decision": "reject", "next": "/moderation/?desk=x"})
    assert response["Location"] == "/moderation/?desk=x"


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "http:///evil"]
)
def test_an_unsafe_next_is_refused(client, moderator, held, unsafe):
    response = as_user(client, moderator).post(
        decide_url(held), {"decision": "approve", "next": unsafe}
    )
    assert response.status_code == 303
    assert response["Location"] == QUEUE


@pytest.mark.parametrize("decision", ["", "delete", "APPROVE"])
def test_an_unknown_decision_is_a_400_and_changes_nothing(client, moderator, held, decision):
    response = as_user(client, moderator).post(decide_url(held), {"decision": decision})
    assert response.status_code == 400
    assert "approve, reject or spam" in response.content.decode()
    held.refresh_from_db()
    assert held.status == PENDING


def test_deciding_an_unknown_comment_is_a_404(client, moderator):
    assert (
        as_user(client, moderator).post("/moderation/99999/", {"decision": "approve"}).status_code
        == 404
    )


def test_decisions_are_post_only(client, moderator, held):
    as_user(client, moderator)
    assert client.get(decide_url(held)).status_code == 405
    assert client.get("/moderation/bulk/").status_code == 405
    assert client.post(QUEUE).status_code == 405


def test_a_decision_asked_for_as_json_answers_with_the_new_counts(client, moderator, held):
    response = as_user(client, moderator).post(
        decide_url(held), {"decision": "spam"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "spam" and body["changed"] is True
    assert body["counts"]["pending"] == 0 and body["counts"]["spam"] == 1


def test_a_bad_json_decision_answers_with_the_error(client, moderator, held):
    response = as_user(client, moderator).post(
        decide_url(held), {"decision": "nope"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    assert "approve, reject or spam" in json.loads(response.content)["errors"][0]


# Bulk.


def test_bulk_decides_several_comments_at_once(client, moderator, article):
    chosen = [CommentFactory(article=article) for _ in range(3)]
    untouched = CommentFactory(article=article)
    response = as_user(client, moderator).post(
        "/moderation/bulk/", {"decision": "approve", "ids": [c.pk for c in chosen]}, follow=True
    )
    assert "3 comments approved." in response.content.decode()
    assert set(Comment.objects.filter(status=APPROVED)) == set(chosen)
    untouched.refresh_from_db()
    assert untouched.status == PENDING
    article.refresh_from_db()
    assert article.approved_comment_count == 3
    assert ModerationLog.objects.filter(moderator=moderator).count() == 3


def test_bulk_counts_only_what_changed(client, moderator, article):
    done = CommentFactory(article=article, status=SPAM)
    fresh = CommentFactory(article=article)
    response = as_user(client, moderator).post(
        "/moderation/bulk/", {"decision": "spam", "ids": [done.pk, fresh.pk, 99999]}, follow=True
    )
    assert "1 comment marked as spam (2 already so, or gone)." in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "approve"},
        {"decision": "approve", "ids": ["x"]},
        {"decision": "burn", "ids": ["1"]},
        {"decision": "approve", "ids": [str(n) for n in range(1, 600)]},
    ],
)
def test_bad_bulk_input_is_a_400_and_changes_nothing(client, moderator, held, data):
    response = as_user(client, moderator).post("/moderation/bulk/", data)
    assert response.status_code == 400
    held.refresh_from_db()
    assert held.status == PENDING


def test_bulk_refuses_an_unsafe_next(client, moderator, held):
    response = as_user(client, moderator).post(
        "/moderation/bulk/",
        {"decision": "reject", "ids": [held.pk], "next": "https://evil.example/"},
    )
    assert response["Location"] == QUEUE


# Every decision says what it did, also when it changed nothing.


@pytest.mark.parametrize(
    ("decision", "said"),
    [
        ("pick", "Comment by Shown Person was already picked."),
        ("unpick", "Comment by Shown Person was not picked: nothing to unpick."),
        ("keep", "Comment by Shown Person was without open reports: nothing to clear."),
    ],
)
def test_a_decision_that_changes_nothing_says_so_in_words(
    client, moderator, article, decision, said
):
    shown = CommentFactory(article=article, status=APPROVED, name="Shown Person")
    if decision == "pick":
        from comments.services import comment_pick

        comment_pick(comment=shown, moderator=moderator)
    response = as_user(client, moderator).post(
        decide_url(shown), {"decision": decision}, follow=True
    )
    assert said in response.content.decode()
    json = client.post(
        decide_url(shown), {"decision": decision}, headers={"Accept": "application/json"}
    )
    assert said.split(" was ")[1].rstrip(".") == json.json()["unchanged"]


def test_admin_actions_say_how_many_changed_and_how_many_were_already_so(
    client, moderator, article
):
    held = CommentFactory(article=article)
    approved = CommentFactory(article=article, status=APPROVED)
    response = as_user(client, moderator).post(
        "/admin/comments/comment/",
        {"action": "approve_comments", "_selected_action": [held.pk, approved.pk], "index": "0"},
        follow=True,
    )
    assert "1 comment approved (1 already so)." in response.content.decode()
