"""The live blog as readers get it: the page, the permalinks, the poll URL and the entries'
own URLs, the feed and the cards' badge; what a change purges; fixed query counts."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from live import services
from live.models import LiveEntry
from tests.live.conftest import post
from tests.support.factories import ArticleFactory, PhotoFactory

pytestmark = pytest.mark.django_db


def entries_on(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-entry-id="(\d+)"', html)]


def test_the_page_shows_entries_newest_first_with_key_events_on_top(client, blog, desk_editor):
    first = post(blog, desk_editor, "Smoke seen over the plant.", headline="Smoke")
    second = post(blog, desk_editor, "Crews arrive.")
    services.live_entry_pin(entry=first, user=desk_editor)
    response = client.get(blog.article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>LIVE: Chip plant fire: live" in html
    assert entries_on(html) == [second.pk, first.pk]
    assert 'id="key-events-title"' in html and f'href="{first.get_absolute_url()}"' in html
    assert html.index("Key events") < html.index("data-entry-id")
    assert 'aria-live="polite"' in html and "/static/js/live." in html
    assert f'data-poll-url="/live/{blog.pk}/poll.json"' in html
    assert "<script>" not in html  # the CSP allows no inline script
    assert response["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    assert f"live-{blog.pk}" in response["Surrogate-Key"].split()


def test_an_edited_entry_says_updated_and_a_withdrawn_one_is_gone(client, blog, desk_editor):
    kept = post(blog, desk_editor, "Two crews.")
    gone = post(blog, desk_editor, "A rumour.")
    services.live_entry_edit(entry=kept, user=desk_editor, body="<p>Three crews.</p>")
    services.live_entry_withdraw(entry=gone, user=desk_editor, reason="Not confirmed")
    html = client.get(blog.article.get_absolute_url()).content.decode()
    assert "Three crews." in html and "Updated <time" in html
    assert "A rumour." not in html and entries_on(html) == [kept.pk]
    assert client.get(f"/live/{blog.pk}/entries/{gone.pk}/").status_code == 404
    assert client.get(gone.get_absolute_url()).status_code == 404


def test_pending_entries_are_not_shown(client, blog, desk_reporter):
    post(blog, desk_reporter, "Waiting for the editor.")
    html = client.get(blog.article.get_absolute_url()).content.decode()
    assert "Waiting for the editor." not in html
    assert json.loads(client.get(f"/live/{blog.pk}/poll.json").content)["entries"] == []


def test_older_entries_are_on_later_pages_and_a_permalink_finds_its_page(
    client, blog, desk_editor, settings
):
    settings.LIVE_PAGE_SIZE = 3
    entries = [post(blog, desk_editor, f"Update {n}.") for n in range(7)]
    url = blog.article.get_absolute_url()
    assert entries_on(client.get(url).content.decode()) == [e.pk for e in entries[::-1][:3]]
    assert entries_on(client.get(url + "?page=3").content.decode()) == [entries[0].pk]
    assert client.get(url + "?page=4").status_code == 404
    assert client.get(url + "?page=x").status_code == 404
    newest, oldest = entries[-1], entries[0]
    answer = client.get(newest.get_absolute_url())
    assert answer.status_code == 302 and answer["Location"] == f"{url}#entry-{newest.pk}"
    answer = client.get(oldest.get_absolute_url())
    assert answer["Location"] == f"{url}?page=3#entry-{oldest.pk}"
    assert "public" not in answer["Cache-Control"]  # its page moves as entries come in
    assert client.get(url + "entries/999999/").status_code == 404


def test_the_poll_url_is_the_same_bytes_for_everyone_and_lists_the_newest_entries(
    client, blog, desk_editor
):
    a, b = post(blog, desk_editor, "One."), post(blog, desk_editor, "Two.")
    first = client.get(f"/live/{blog.pk}/poll.json")
    assert first["Content-Type"] == "application/json"
    assert first["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    assert set(first["Surrogate-Key"].split()) == {f"live-{blog.pk}", f"article-{blog.article_id}"}
    assert "Set-Cookie" not in first and "Vary" not in first or "Cookie" not in first["Vary"]
    data = json.loads(first.content)
    assert data["live"] is True and data["entries"] == [[b.pk, b.revision], [a.pk, a.revision]]
    blog.refresh_from_db()
    assert data["version"] == blog.version
    again = client.get(f"/live/{blog.pk}/poll.json?after={a.pk}", HTTP_COOKIE="x=1")
    assert again.content == first.content


def test_each_entry_has_its_own_cacheable_url(client, blog, desk_editor):
    entry = post(blog, desk_editor, "Fragment.")
    answer = client.get(f"/live/{blog.pk}/entries/{entry.pk}/")
    assert answer.status_code == 200 and b"Fragment." in answer.content
    assert f"live-entry-{entry.pk}" in answer["Surrogate-Key"].split()
    assert f"live-{blog.pk}" not in answer["Surrogate-Key"].split()
    assert answer["Cache-Control"].startswith("public")


def test_a_blog_of_an_unpublished_article_is_nowhere(client, desk, desk_editor):
    draft = ArticleFactory(desk=desk, draft=True)
    blog = services.live_blog_start(article=draft, user=desk_editor)
    entry = post(blog, desk_editor)
    for path in (
        f"/live/{blog.pk}/poll.json",
        f"/live/{blog.pk}/entries/{entry.pk}/",
        f"/live/{blog.pk}/feed/",
    ):
        assert client.get(path).status_code == 404, path


def test_an_ended_blog_is_a_normal_article_with_its_key_events(client, blog, desk_editor):
    entry = post(blog, desk_editor, "The fire is out.", key_event=True)
    services.live_blog_end(blog=blog, user=desk_editor)
    html = client.get(blog.article.get_absolute_url()).content.decode()
    assert (
        "<title>LIVE" not in html and "/static/js/live." not in html and "data-poll-url" not in html
    )
    assert "Key events" in html and "The fire is out." in html
    assert "This live coverage ran from" in html
    assert json.loads(client.get(f"/live/{blog.pk}/poll.json").content)["live"] is False
    assert entries_on(html) == [entry.pk]


def test_the_feed_lists_the_entries(client, blog, desk_editor):
    import feedparser

    post(blog, desk_editor, "First update.")
    post(blog, desk_editor, "Second update.", headline="Second")
    answer = client.get(f"/live/{blog.pk}/feed/")
    feed = feedparser.parse(answer.content)
    assert [item.title for item in feed.entries] == ["Second", "First update."]
    assert feed.entries[0].link.endswith(f"/entries/{LiveEntry.objects.first().pk}/")
    assert f"live-{blog.pk}" in answer["Surrogate-Key"].split()


def test_cards_show_a_live_badge_while_the_blog_runs(client, blog, desk_editor):
    other = ArticleFactory(desk=blog.article.desk, headline="Quiet story")
    html = client.get(f"/{blog.article.desk.slug}/").content.decode()
    assert html.count('class="flag flag--live"') == 1
    assert re.search(r'flag--live">Live</span> <h\d class="card__title"><a[^>]*>Chip plant', html)
    assert other.headline in html
    services.live_blog_end(blog=blog, user=desk_editor)
    assert "flag--live" not in client.get(f"/{blog.article.desk.slug}/").content.decode()
    assert "flag--live" not in client.get("/").content.decode()


def test_a_photo_and_an_embed_in_an_entry_render_as_in_articles(client, blog, desk_editor):
    photo = PhotoFactory()
    services.live_entry_post(
        blog=blog,
        user=desk_editor,
        body=f'<p>Look.</p><figure data-photo-id="{photo.pk}"></figure>'
        '<figure data-embed-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></figure>',
    )
    answer = client.get(blog.article.get_absolute_url())
    html = answer.content.decode()
    assert re.search(r"Photo: <a [^>]*>Abderrahmane Habibi</a>", html)
    assert 'embed--youtube"' in html
    assert "youtube" not in html.split('embed--youtube"')[0].split("<main")[1]
    assert f"photo-{photo.pk}" in answer["Surrogate-Key"].split()


# --- Purge precision -------------------------------------------------------------------


def test_an_entry_purges_the_blog_and_its_poll_url_and_no_other_page(
    shared_cache, blog, desk_editor, django_capture_on_commit_callbacks
):
    other = ArticleFactory(desk=blog.article.desk)
    old = post(blog, desk_editor, "Earlier.")
    desk_page = f"/{blog.article.desk.slug}/"
    page, poll = blog.article.get_absolute_url(), f"/live/{blog.pk}/poll.json"
    fragment = f"/live/{blog.pk}/entries/{old.pk}/"
    paths = (page, poll, fragment, "/", desk_page, other.get_absolute_url(), "/feed/")
    for path in paths:
        shared_cache.get(path)
        assert shared_cache.get(path)["X-Page-Cache"] == "hit", path
    with django_capture_on_commit_callbacks(execute=True):
        entry = post(blog, desk_editor, "Newest.")
    assert shared_cache.purges == [(sorted([f"live-{blog.pk}", f"live-entry-{entry.pk}"]), False)]
    assert shared_cache.get(page)["X-Page-Cache"] == "miss"
    assert shared_cache.get(poll)["X-Page-Cache"] == "miss"
    for path in (fragment, "/", desk_page, other.get_absolute_url(), "/feed/"):
        assert shared_cache.get(path)["X-Page-Cache"] == "hit", path
    assert entry.pk == json.loads(shared_cache.get(poll).content)["entries"][0][0]
    # An edit purges the entry's own URL as well, and still nothing else.
    with django_capture_on_commit_callbacks(execute=True):
        services.live_entry_edit(entry=old, user=desk_editor, body="<p>Earlier, corrected.</p>")
    assert shared_cache.get(fragment)["X-Page-Cache"] == "miss"
    assert b"corrected" in shared_cache.get(fragment).content
    for path in ("/", desk_page, other.get_absolute_url()):
        assert shared_cache.get(path)["X-Page-Cache"] == "hit", path


# --- Query counts ------------------------------------------------------------------------


def queries_for(client, path, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm anything per process
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_the_entries(client, blog, desk_editor):
    photo = PhotoFactory()
    post(blog, desk_editor, "One.", key_event=True)
    page = blog.article.get_absolute_url()
    poll = f"/live/{blog.pk}/poll.json"
    entry = LiveEntry.objects.first()
    fragment = f"/live/{blog.pk}/entries/{entry.pk}/"
    before = {path: queries_for(client, path, None) for path in (page, poll, fragment)}
    for n in range(12):
        body = f'<p>Update {n}.</p><figure data-photo-id="{photo.pk}"></figure>'
        services.live_entry_post(blog=blog, user=desk_editor, body=body, key_event=n % 3 == 0)
    after = {path: queries_for(client, path, None) for path in (page, poll, fragment)}
    assert after[poll] == before[poll] <= 2
    assert after[fragment] <= before[fragment] + 1 <= 6  # + the photos' one query
    assert after[page] <= before[page] + 1  # + the photos' one query, however many
    assert after[page] <= 16


def test_the_live_page_renders_fast_enough_to_stay_cheap_uncached(client, blog, desk_editor):
    """A guard against an N+1: 40 entries with authors and photos in a bounded count."""
    for n in range(40):
        post(blog, desk_editor, f"Entry {n}.")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(blog.article.get_absolute_url())
    assert len(captured) <= 16, [q["sql"][:80] for q in captured]


def test_a_started_blog_in_the_future_is_not_running(client, desk, desk_editor):
    article = ArticleFactory(desk=desk)
    blog = services.live_blog_start(
        article=article, user=desk_editor, started_at=timezone.now() + timedelta(hours=1)
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<title>LIVE" not in html and not blog.is_running()
