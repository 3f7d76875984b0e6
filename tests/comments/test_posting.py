"""Posting a comment: the happy path, every bad input, and each check of the pipeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, ModerationLog, Term
from tests.articles.public_html import Page
from tests.comments.conftest import CommentFactory, form_data, post_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

AWAITING = "Thanks — your comment is awaiting moderation."


def errors_by_field(response) -> dict[str, str]:
    """Each field's error text as the page shows it, next to that field."""
    page = Page(response.content.decode())
    found = {}
    for block in page.select("div"):
        if block.attrs.get("id", "").startswith("div_id_"):
            feedback = block.text
            found[block.attrs["id"].removeprefix("div_id_")] = feedback
    return found


def assert_nothing_stored():
    assert Comment.objects.count() == 0
    assert ModerationLog.objects.count() == 0


# The happy path.


def test_a_reader_posts_and_is_sent_back_to_the_article_with_the_awaiting_message(
    client, article, post
):
    response = post()
    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}?posted=awaiting#leave-a-comment"
    page = client.get(response["Location"])
    assert AWAITING in page.content.decode()


def test_the_awaiting_message_is_a_shared_page_with_no_cookie_set(client, article, post):
    """Everyone who posts sees the same confirmation page: a shared cache may keep it."""
    response = post()
    assert not response.cookies
    first = client.get(response["Location"])
    second = Client().get(response["Location"])
    assert first.content == second.content
    assert "public" in first["Cache-Control"]
    assert not first.cookies


def test_an_unknown_outcome_in_the_address_shows_no_message(client, article):
    page = client.get(article.get_absolute_url(), {"posted": "<script>x</script>"})
    assert page.status_code == 200
    assert "Thanks —" not in page.content.decode()
    assert "<script>x" not in page.content.decode()


def test_a_new_comment_is_stored_pending_with_why_it_was_held(post, article):
    post()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reasons == ["first_time"]
    assert (comment.name, comment.email, comment.article) == (
        "Ada Reader",
        "ada@example.net",
        article,
    )
    log = comment.log.get()
    assert (log.from_status, log.to_status, log.moderator) == ("", "pending", None)


def test_a_pending_comment_is_neither_shown_nor_counted(client, post, article):
    post()
    article.refresh_from_db()
    assert article.approved_comment_count == 0
    assert "A careful point" not in client.get(article.get_absolute_url()).content.decode()


def test_the_raw_ip_is_never_stored_only_a_salted_hash(client, article):
    client.post(post_url(article), form_data(), REMOTE_ADDR="203.0.113.9")
    comment = Comment.objects.get()
    assert "203.0.113.9" not in str(Comment.objects.values().get())
    assert len(comment.ip_hash) == 64


def test_the_email_is_stored_in_one_spelling(post):
    post(email="  Ada@Example.NET ")
    assert Comment.objects.get().email == "ada@example.net"


def test_the_notification_choices_are_kept_for_the_outbox(post):
    post(notify_on_publish="on", notify_on_reply="on")
    comment = Comment.objects.get()
    assert comment.notify_on_publish and comment.notify_on_reply


def test_the_form_a_page_serves_can_be_posted_with_no_cookie_and_no_token(article):
    """The article page carries nothing per reader; a browser posts its form as it is."""
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(article.get_absolute_url())
    assert not page.cookies
    html = page.content.decode()
    assert "csrfmiddlewaretoken" not in html
    fields = {i.attrs["name"] for i in Page(html).select("input") if "name" in i.attrs}
    assert fields >= {"name", "email", "parent", "website"}
    response = Client(enforce_csrf_checks=True).post(
        post_url(article),
        form_data(),
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    )
    assert response.status_code == 303
    assert Comment.objects.get().held_reasons == ["first_time"]


def test_two_readers_get_the_same_bytes(article):
    first = Client().get(article.get_absolute_url())
    second = Client().get(article.get_absolute_url())
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]


# Bad input: status 400, the article page with an error by the field, nothing stored.


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Please enter your name"),
        ("name", "   ", "Please enter your name"),
        ("name", "n" * 81, "at most 80 characters"),
        ("email", "", "Please enter your email address"),
        ("email", "not-an-email", "Please enter a valid email address"),
        ("email", "ada@", "Please enter a valid email address"),
        ("body", "", "Please write your comment."),
        ("body", " \n ", "Please write your comment."),
        ("body", "x" * 5001, "Please keep your comment to 5,000 characters (it has 5001)."),
    ],
)
def test_a_bad_field_is_a_400_with_the_error_by_that_field(post, field, value, message):
    response = post(**{field: value})
    assert response.status_code == 400
    assert message in errors_by_field(response)[field]
    assert_nothing_stored()


def test_a_body_of_exactly_5000_characters_is_accepted(post):
    assert post(body="y" * 5000).status_code == 303
    assert len(Comment.objects.get().body) == 5000


def test_the_400_page_is_the_article_page_with_the_readers_text_kept(post, article):
    response = post(email="nope", body="Keep this text, please.")
    page = Page(response.content.decode())
    assert page.one("h1").text == article.headline
    assert page.one("textarea", name="body").text == "Keep this text, please."
    assert "Leave a comment" in page.text


def test_the_400_page_focuses_the_first_bad_field(post):
    response = post(name="", email="nope")
    page = Page(response.content.decode())
    assert "autofocus" in page.one("input", name="name").attrs


def test_a_filled_honeypot_is_refused_and_nothing_stored(post):
    response = post(website="http://cheap-pills.example")
    assert response.status_code == 400
    assert "leave the last field empty" in response.content.decode()
    assert_nothing_stored()


# Cross-site posts: refused with 403 before anything is read or stored. The browser says
# where a post comes from; the first header it sends decides.


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is another site's page
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
        {"Origin": "null"},
        {"Origin": "https://evil.example"},
        {"Origin": "http://testserver.evil.example"},
        {"Referer": "https://evil.example/page"},
    ],
)
def test_a_cross_site_post_is_refused_and_nothing_stored(client, article, headers):
    response = client.post(post_url(article), form_data(), headers=headers)
    assert response.status_code == 403
    page = Page(response.content.decode())
    assert page.one("h1").text == "We couldn’t accept that form"
    assert "another site" in page.text
    assert_nothing_stored()


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},  # typed or bookmarked
        {"Origin": "http://testserver"},
        {"Referer": "http://testserver/world/"},
        {},  # no browser a reader uses, but nothing says it is another site
    ],
)
def test_a_post_from_the_site_itself_is_accepted(client, article, headers):
    response = client.post(post_url(article), form_data(), headers=headers)
    assert response.status_code == 303
    assert Comment.objects.count() == 1


def test_a_post_from_a_trusted_origin_is_accepted(client, article, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.example.org"]
    from core import crosssite

    crosssite._django_origins.cache_clear()
    try:
        response = client.post(
            post_url(article), form_data(), headers={"Origin": "https://www.example.org"}
        )
    finally:
        crosssite._django_origins.cache_clear()
    assert response.status_code == 303


def test_the_post_never_reads_the_session(client, article, post, editor):
    """A signed-in editor's post is a reader's post: no session is read, no cookie set."""
    client.force_login(editor)
    response = post()
    assert response.status_code == 303
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


def test_only_post_is_allowed(client, article):
    assert client.get(post_url(article)).status_code == 405


# Duplicates: store one.


def test_a_double_click_stores_one_comment(post):
    first, second = post(), post()
    assert (first.status_code, second.status_code) == (303, 303)
    assert Comment.objects.count() == 1


def test_a_resend_that_races_past_the_check_stores_one_comment(article):
    """The unique key on (article, email, body, day) lets exactly one of two copies in,
    even when both passed the look-up before either was stored."""
    from comments import services

    data = {
        "article": article,
        "parent": None,
        "name": "Ada",
        "email": "ada@example.net",
        "body": "Twice at once.",
        "honeypot": "",
        "ip": "203.0.113.4",
        "user_agent": "",
    }
    first = services.comment_submit(submission=services.Submission(**data))
    checks = services.CHECKS
    services.CHECKS = [c for c in checks if c is not services._check_resent]
    try:
        second = services.comment_submit(submission=services.Submission(**data))
    finally:
        services.CHECKS = checks
    assert second.duplicate and second.comment == first.comment
    assert Comment.objects.count() == 1


def test_the_same_body_from_the_same_email_on_the_same_article_within_a_day_stores_one(post):
    post()
    post()  # a fresh form, the same words
    assert Comment.objects.count() == 1


def test_the_same_body_a_day_later_is_a_new_comment(post):
    post()
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        post()
    assert Comment.objects.count() == 2


def test_the_same_body_on_another_article_is_a_new_comment(post):
    post()
    post(ArticleFactory())
    assert Comment.objects.count() == 2


# Rate limits in Redis, per IP and per email.


def test_the_sixth_comment_in_a_minute_from_one_address_is_refused_with_429(client, article):
    for n in range(5):
        data = form_data(email=f"person{n}@example.net", body=f"Point {n}")
        assert client.post(post_url(article), data).status_code == 303
    response = client.post(post_url(article), form_data(email="late@example.net"))
    assert response.status_code == 429
    assert "faster than we allow" in response.content.decode()
    assert Comment.objects.count() == 5


def test_the_sixth_comment_in_a_minute_from_one_email_is_refused_from_any_address(client, article):
    for n in range(5):
        data = form_data(body=f"Point {n}")
        client.post(post_url(article), data, REMOTE_ADDR=f"198.51.100.{n}")
    response = client.post(post_url(article), form_data(body="Six"), REMOTE_ADDR="192.0.2.77")
    assert response.status_code == 429
    assert Comment.objects.count() == 5


def test_the_minute_limit_lets_the_reader_go_on_a_minute_later(client, article):
    for n in range(6):
        client.post(post_url(article), form_data(body=f"Point {n}"))
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        response = client.post(post_url(article), form_data(body="After a pause"))
    assert response.status_code == 303
    assert Comment.objects.count() == 6


def test_the_daily_limit_holds_across_minutes(client, article, settings):
    settings.COMMENTS_RATE_PER_DAY = 3
    # Midday tomorrow (UTC): the day's window starts at midnight, so a run started at 23:55
    # would span two days; tomorrow, so the article is already out.
    start = (timezone.now() + timedelta(days=1)).replace(hour=12, minute=0)
    for n in range(3):
        with time_machine.travel(start + timedelta(minutes=2 * n)):
            assert client.post(post_url(article), form_data(body=f"P{n}")).status_code == 303
    with time_machine.travel(start + timedelta(minutes=10)):
        assert client.post(post_url(article), form_data(body="P4")).status_code == 429


def test_duplicates_do_not_use_up_the_rate_limit(post):
    for _ in range(8):
        assert post().status_code == 303


# Content checks: links, suspect and blocked terms.


def test_one_link_is_fine(post):
    post(body="See https://example.org/report for the data.")
    assert "links" not in Comment.objects.get().held_reasons


def test_two_links_hold_the_comment(post):
    post(body="See https://example.org/a and www.example.com/b too.")
    assert "links" in Comment.objects.get().held_reasons


def test_a_suspect_term_holds_the_comment(post):
    Term.objects.create(term="casino", kind=Term.Kind.SUSPECT)
    post(body="Best CASINO bonus here")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert "suspect_term" in comment.held_reasons


def test_a_term_added_or_removed_applies_to_the_very_next_post(post, settings):
    settings.COMMENTS_TRUSTED_AUTO_APPROVE = False
    post(body="Nothing to see here.", email="first@example.net")  # the terms are now kept
    term = Term.objects.create(term="casino", kind=Term.Kind.BLOCKED)
    post(body="Best casino bonus", email="second@example.net")
    assert Comment.objects.get(email="second@example.net").status == Comment.Status.SPAM
    term.delete()
    post(body="A casino closed in town.", email="third@example.net")
    assert Comment.objects.get(email="third@example.net").status == Comment.Status.PENDING


def test_suspect_terms_match_after_nfkc_normalisation(post):
    Term.objects.create(term="casino", kind=Term.Kind.SUSPECT)
    post(body="Try our ｃａｓｉｎｏ today")  # fullwidth letters
    assert "suspect_term" in Comment.objects.get().held_reasons


def test_suspect_terms_match_whole_words_not_parts_of_words(post):
    Term.objects.create(term="ass", kind=Term.Kind.SUSPECT)
    post(body="A classic assessment of the bypass.")
    assert "suspect_term" not in Comment.objects.get().held_reasons


def test_suspect_phrases_match_as_whole_words(post):
    Term.objects.create(term="buy now", kind=Term.Kind.SUSPECT)
    post(body="You should Buy   now!")
    assert "suspect_term" in Comment.objects.get().held_reasons


def test_a_blocked_term_makes_spam_without_telling_the_poster_which_word(client, post):
    Term.objects.create(term="viagra", kind=Term.Kind.BLOCKED)
    response = post(body="Cheap Viagra here")
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert comment.held_reasons == ["blocked_term"]
    page = client.get(response["Location"]).content.decode()
    assert AWAITING in page
    assert "viagra" not in page.lower()


def test_a_blocked_term_in_the_name_is_caught_too(post):
    Term.objects.create(term="viagra", kind=Term.Kind.BLOCKED)
    post(name="Viagra Shop")
    assert Comment.objects.get().status == Comment.Status.SPAM


# Who may post where.


def test_comments_closed_by_the_editor_is_a_403_with_a_clear_page(post, article):
    article.comments_enabled = False
    article.save()
    response = post()
    assert response.status_code == 403
    assert "Comments are closed on this article" in response.content.decode()
    assert_nothing_stored()


def test_comments_closed_after_n_days_is_a_403(post):
    old = ArticleFactory(
        published_at=timezone.now() - timedelta(days=10), comments_close_after_days=7
    )
    assert post(old).status_code == 403
    assert_nothing_stored()


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.UNPUBLISHED},
        {"embargo_until_hours": 2},
        {"published_in_hours": 2},
    ],
)
def test_an_article_that_is_not_public_is_a_404(post, state):
    now = timezone.now()
    fields = {"status": state.get("status", Article.Status.PUBLISHED)}
    if "embargo_until_hours" in state:
        fields["embargo_until"] = now + timedelta(hours=state["embargo_until_hours"])
    if "published_in_hours" in state:
        fields["published_at"] = now + timedelta(hours=state["published_in_hours"])
    hidden = ArticleFactory(**fields)
    assert post(hidden).status_code == 404
    assert_nothing_stored()


def test_a_wrong_date_in_the_address_is_a_404(client, article):
    url = post_url(article).replace(f"/{article.published_at.year}/", "/1999/")
    assert client.post(url, form_data()).status_code == 404


# Replies.


def test_a_reply_to_an_approved_comment_is_stored_under_it(post, article):
    parent = CommentFactory(article=article, status=Comment.Status.APPROVED)
    assert post(parent=str(parent.pk)).status_code == 303
    assert Comment.objects.get(parent=parent).article == article


def test_a_reply_to_a_reply_is_allowed(post, article):
    top = CommentFactory(article=article, status=Comment.Status.APPROVED)
    reply = CommentFactory(article=article, parent=top, status=Comment.Status.APPROVED)
    assert post(parent=str(reply.pk)).status_code == 303


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unknown", "could not be found"),
        ("not_a_number", "could not be found"),
        ("other_article", "You can only reply to a comment on this article."),
        ("pending", "You can only reply to a published comment."),
        ("spam", "You can only reply to a published comment."),
        ("too_deep", "Replies go two levels deep"),
    ],
)
def test_a_reply_to_a_comment_it_cannot_answer_is_a_400(post, article, case, message):
    approved = Comment.Status.APPROVED
    if case == "unknown":
        parent = "999999"
    elif case == "not_a_number":
        parent = "abc"
    elif case == "other_article":
        parent = CommentFactory(status=approved).pk
    elif case == "pending":
        parent = CommentFactory(article=article).pk
    elif case == "spam":
        parent = CommentFactory(article=article, status=Comment.Status.SPAM).pk
    else:
        top = CommentFactory(article=article, status=approved)
        reply = CommentFactory(article=article, parent=top, status=approved)
        parent = CommentFactory(article=article, parent=reply, status=approved).pk
    before = Comment.objects.count()
    response = post(parent=str(parent))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Comment.objects.count() == before


def test_browser_line_breaks_are_stored_as_plain_newlines_and_count_once(post):
    body = "line\r\n" * 833 + "ab"  # 5000 characters once CRLF counts as one
    assert post(body=body).status_code == 303
    assert Comment.objects.get().body == "line\n" * 833 + "ab"
