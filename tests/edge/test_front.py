"""Through the real front: Varnish keeps the public pages, nginx serves the files, and every
change reaches readers within a second of its purge."""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from articles.models import Article
from articles.tasks import purge_due_pages
from comments import services as comment_services
from comments.models import Comment
from core.models import PurgeBacklog
from core.pagecache import purges_replay
from editorial import services as editorial_services
from tests.comments.conftest import CommentFactory, form_data
from tests.factories import ArticleFactory, PhotoFactory

pytestmark = pytest.mark.django_db(transaction=True)
SAME_SITE = {"Sec_Fetch_Site": "same-origin"}


def until(check: Callable[[], bool], *, within: float) -> float:
    """Seconds until `check()` holds; fails after `within`."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < within, f"not within {within}s"
        time.sleep(0.02)
    return time.monotonic() - started


def warm(edge, path: str) -> str:
    edge.get(path)
    answer = edge.get(path)
    assert answer.status == 200 and answer.hit, path
    return answer.body


# --- Kept for every reader ---------------------------------------------------------------


def test_the_second_read_is_a_hit_the_same_bytes_and_no_cookie(edge):
    article = ArticleFactory(headline="Kept at the edge")
    first = edge.get(article.get_absolute_url())
    assert first.status == 200 and not first.hit
    assert first.headers["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    time.sleep(1.1)
    second = edge.get(article.get_absolute_url())
    assert second.hit and int(second.headers["Age"]) >= 1
    assert second.body == first.body
    assert second.headers["ETag"] == first.headers["ETag"]
    assert first.headers["Set-Cookie"] is None and second.headers["Set-Cookie"] is None
    assert second.headers["xkey"] is None  # the front's index, not the reader's business
    assert edge.get(article.get_absolute_url(), If_None_Match=first.headers["ETag"]).status == 304
    compressed = edge.request(
        "GET", article.get_absolute_url(), headers={"Accept-Encoding": "gzip"}
    )
    assert compressed.headers["Content-Encoding"] == "gzip"


def test_staff_with_a_session_are_never_given_nor_give_a_shared_copy(edge, editor):
    draft = ArticleFactory(headline="Not out yet", draft=True)
    article = ArticleFactory(headline="Out already")
    warm(edge, article.get_absolute_url())
    session = SessionStore()
    session[SESSION_KEY] = str(editor.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = get_user_model().objects.get(pk=editor.pk).get_session_auth_hash()
    session.save()
    cookie = f"csrftoken=x; sessionid={session.session_key}"
    for _ in range(2):
        answer = edge.get(article.get_absolute_url(), Cookie=cookie)
        assert not answer.hit and "public" not in answer.headers["Cache-Control"]
    preview = edge.get(draft.get_absolute_url(), Cookie=cookie)
    assert preview.status == 200 and "Not out yet" in preview.body
    assert edge.get(draft.get_absolute_url()).status == 404  # the preview was not kept


def test_junk_query_parameters_share_the_one_kept_page(edge):
    article = ArticleFactory()
    warm(edge, article.get_absolute_url())
    for n in range(5):
        assert edge.get(f"{article.get_absolute_url()}?junk={n}&utm_source=x").hit
    assert edge.get("/?page=1&junk=1").status in (200, 404)
    assert edge.get("/?junk=2&page=1").hit  # the same page: parameters kept, in order


# --- Every change reaches readers within a second ----------------------------------------


def approve_comment(article: Article, moderator) -> str:
    comment = CommentFactory(article=article, body="A remark the moderator approves.")
    comment_services.comment_moderate(
        comment=Comment.objects.get(pk=comment.pk), decision="approve", moderator=moderator
    )
    return "A remark the moderator approves."


def edit_headline(article: Article, editor) -> str:
    article.headline = "The headline, corrected"
    editorial_services.article_save(article=article, user=editor, version=article.version)
    return "The headline, corrected"


def add_correction(article: Article, editor) -> str:
    article.body += "\n\nThe date is 4 May."
    editorial_services.article_save(
        article=article,
        user=editor,
        version=article.version,
        change_kind="correction",
        change_note="An earlier version gave the wrong date.",
    )
    return "An earlier version gave the wrong date."


@pytest.mark.parametrize("change", [approve_comment, edit_headline, add_correction])
def test_a_change_is_visible_through_the_front_within_a_second(purging, editor, moderator, change):
    article = ArticleFactory(headline="Before the change")
    path = article.get_absolute_url()
    warm(purging, path)
    shown = change(
        Article.objects.get(pk=article.pk), moderator if change is approve_comment else editor
    )
    seconds = until(lambda: shown in purging.get(path).body, within=1)
    assert seconds < 1
    assert all(shown in purging.get(path).body for _ in range(20))


@pytest.mark.parametrize("removal", ["unpublish", "reject", "delete"])
def test_a_removal_is_never_served_again_once_its_purge_returns(
    purging, editor, moderator, removal
):
    article = ArticleFactory(headline="Soon gone")
    path = article.get_absolute_url()
    comment = None
    if removal in ("reject", "delete"):
        comment = CommentFactory(
            article=article, body="A remark to withdraw.", status=Comment.Status.APPROVED
        )
    warm(purging, path)
    article = Article.objects.get(pk=article.pk)
    if removal == "unpublish":
        editorial_services.article_unpublish(article=article, user=editor)
    elif removal == "delete":
        comment_services.comment_delete_many(ids=[comment.pk])
    else:
        comment_services.comment_moderate(
            comment=Comment.objects.get(pk=comment.pk), decision="reject", moderator=moderator
        )
    # The purge has returned: not one read may show what was removed.
    for _ in range(30):
        answer = purging.get(path)
        if comment is not None:
            assert answer.status == 200 and "A remark to withdraw." not in answer.body
        else:  # withdrawn: 410 Gone, kept by the front for seconds only
            assert answer.status == 410


def test_a_scheduled_story_appears_on_time(purging):
    article = ArticleFactory(
        headline="Goes live in a moment", published_at=timezone.now() + timedelta(seconds=2)
    )
    assert "Goes live in a moment" not in warm(purging, "/")
    assert purging.get(article.get_absolute_url()).status == 404
    time.sleep(max(0.0, (article.published_at - timezone.now()).total_seconds()) + 0.1)
    purge_due_pages()  # what the beat runs every minute
    until(lambda: "Goes live in a moment" in purging.get("/").body, within=1)
    # A missing page is kept for seconds only, so the story's own address follows.
    until(lambda: purging.get(article.get_absolute_url()).status == 200, within=6)


def test_purges_a_front_missed_are_kept_and_replayed_and_saves_still_succeed(purging, editor):
    article = ArticleFactory(headline="Edited while the front is down")
    purging.front.stop_varnish()
    try:
        edit_headline(Article.objects.get(pk=article.pk), editor)  # no error for the editor
        backlog = list(PurgeBacklog.objects.values_list("front", "keys"))
        assert backlog and all(front == purging.url for front, _ in backlog)
        assert any(f"article-{article.pk}" in keys.split() for _, keys in backlog)
        assert purges_replay() == 0  # still down: kept for the next round
        assert PurgeBacklog.objects.count() == len(backlog)
    finally:
        purging.front.start_varnish()
        purging.front.wait_ready()
    assert purges_replay() == len(backlog)
    assert not PurgeBacklog.objects.exists()


# --- Files --------------------------------------------------------------------------------


def test_photos_are_served_through_the_front_as_images_and_never_as_pages(edge, settings):
    settings.MEDIA_ROOT = edge.media_root
    photo = PhotoFactory()
    answer = edge.get(f"/media/{photo.image.name}")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "image/jpeg"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in answer.headers["Content-Security-Policy"]
    (edge.media_root / "authors").mkdir(exist_ok=True)
    (edge.media_root / "authors" / "poly.html").write_text("<script>alert(1)</script>")
    (edge.media_root / "authors" / "poly.jpg").write_text("<script>alert(1)</script>")
    assert edge.get("/media/authors/poly.html").status == 404
    disguised = edge.get("/media/authors/poly.jpg")  # never run as a page, whatever it holds
    assert disguised.headers["Content-Type"] == "image/jpeg"
    assert disguised.headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_with_a_content_hash_are_kept_for_a_year(edge):
    html = edge.get("/").body
    css = html.split('href="/static/css/site.')[1].split('"')[0]
    answer = edge.get(f"/static/css/site.{css}")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/css"
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"


# --- Posting through the front --------------------------------------------------------------


def test_a_reader_comments_through_the_front_without_any_cookie(edge):
    article = ArticleFactory()
    path = article.get_absolute_url()
    answer = edge.post(f"{path}comments/", form_data(), **SAME_SITE)
    assert answer.status == 303
    assert answer.headers["Location"] == f"{path}?posted=awaiting#leave-a-comment"
    assert answer.headers["Set-Cookie"] is None
    thanks = edge.get(answer.headers["Location"].split("#")[0])
    assert "awaiting moderation" in thanks.body
    assert Comment.objects.filter(article=article).count() == 1


def test_a_cross_site_post_is_refused_through_the_front_and_nothing_stored(edge):
    article = ArticleFactory()
    answer = edge.post(
        f"{article.get_absolute_url()}comments/", form_data(), Sec_Fetch_Site="cross-site"
    )
    assert answer.status == 403
    assert not Comment.objects.exists()


def test_a_body_over_the_cap_is_refused_by_the_front_before_it_is_sent(edge):
    """The front answers from the declared length: the app never reads a byte of it."""
    article = ArticleFactory()
    connection = http.client.HTTPConnection("127.0.0.1", edge.front.port, timeout=10)
    try:
        connection.putrequest("POST", f"{article.get_absolute_url()}comments/")
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", str(2 * 1024 * 1024))
        connection.endheaders()
        status = connection.getresponse().status
    finally:
        connection.close()
    assert status == 413
    assert not Comment.objects.exists()


def test_a_spoofed_forwarded_for_does_not_change_the_client(edge):
    """Rate limits count the address that reached the front, whatever the client wrote."""
    article = ArticleFactory()
    statuses = []
    for n in range(6):
        data = form_data(email=f"reader{n}@example.net", body=f"Point number {n}.")
        statuses.append(
            edge.post(
                f"{article.get_absolute_url()}comments/",
                data,
                X_Forwarded_For=f"198.51.100.{n}",
                **SAME_SITE,
            ).status
        )
    assert statuses == [303] * 5 + [429]


def test_the_login_throttle_holds_per_client_behind_the_front(edge, editor):
    def attempt(username: str, spoofed: str) -> str:
        page = edge.get("/admin/login/")
        cookie = page.headers["Set-Cookie"].split(";")[0]
        token = page.body.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        answer = edge.post(
            "/admin/login/",
            {"username": username, "password": "wrong", "csrfmiddlewaretoken": token},
            Cookie=cookie,
            X_Forwarded_For=spoofed,
        )
        return answer.body

    for n in range(5):
        attempt("editor", f"203.0.113.{n}")
    assert "Too many failed sign-in attempts" in attempt("editor", "203.0.113.99")


def test_a_reader_reports_through_the_front_and_the_new_parameters_are_kept(edge):
    article = ArticleFactory()
    comment = CommentFactory(article=article, status=Comment.Status.APPROVED, held_reasons=[])
    path = article.get_absolute_url()
    answer = edge.post(f"/comments/{comment.pk}/report/", {"reason": "spam"}, **SAME_SITE)
    assert answer.status == 303
    assert answer.headers["Set-Cookie"] is None
    thanks = answer.headers["Location"].split("#")[0]
    assert thanks == f"{path}?reported=thanks"
    assert "a moderator will look at it" in edge.get(thanks).body
    assert edge.get(f"{thanks}&junk=1").hit  # the thanks page is kept, junk dropped
    assert "a moderator will look at it" not in edge.get(f"{path}?reported=other").body
    warm(edge, f"{path}?sort=newest")
    assert edge.get(f"{path}?utm_source=x&sort=newest").hit
    assert (
        edge.post(
            f"/comments/{comment.pk}/report/", {"reason": "spam"}, Sec_Fetch_Site="cross-site"
        ).status
        == 403
    )
