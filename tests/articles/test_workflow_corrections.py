"""Corrections and updates as data: editing a public article, the editor says whether it is a
silent fix, an update or a correction; /corrections/ lists them all, newest first."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.utils import timezone

from articles.models import Correction
from editorial.models import Revision
from tests.articles.admin_helpers import article_form, change_url, errors
from tests.factories import ArticleFactory, CorrectionFactory, DeskFactory, PhotoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live():
    return ArticleFactory(
        headline="Council votes on bus lanes",
        hero_photo=PhotoFactory(),
        published_at=timezone.now() - dt.timedelta(days=1),
    )


def jsonld(client, article) -> dict:
    html = client.get(article.get_absolute_url()).content.decode()
    found = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def edit(client, article, **fields):
    article.refresh_from_db()
    return client.post(change_url(article), article_form(article, **fields))


def test_the_form_asks_what_kind_of_edit_only_for_public_articles(editor_client, live):
    html = editor_client.get(change_url(live)).content.decode()
    assert "Silent fix" in html and "Update: new information" in html and "Correction:" in html
    draft = ArticleFactory(draft=True)
    assert "Silent fix" not in editor_client.get(change_url(draft)).content.decode()


def test_a_silent_fix_changes_neither_the_updated_time_nor_the_corrections(
    editor_client, client, live
):
    before = jsonld(client, live)["dateModified"]
    response = edit(editor_client, live, body="Fixed a typo.", change_kind="silent")
    assert response.status_code == 302, errors(response)
    live.refresh_from_db()
    assert live.updated_at is None
    assert not live.corrections.exists()
    # The same moment (the form keeps times to the second, so only the microseconds went).
    assert jsonld(client, live)["dateModified"][:19] == before[:19]
    assert "Updated" not in client.get(live.get_absolute_url()).content.decode()
    assert live.revisions.get().kind == Revision.Kind.SILENT


@pytest.mark.parametrize("kind", ["update", "correction"])
def test_an_update_or_correction_shows_the_time_and_the_note(editor_client, client, live, kind):
    with time_machine.travel(timezone.now(), tick=False):
        now = timezone.now()
        response = edit(
            editor_client,
            live,
            body="The vote was 31 to 12.",
            change_kind=kind,
            change_note="The vote was 31 to 12, not 21 to 12.",
        )
    assert response.status_code == 302, errors(response)
    live.refresh_from_db()
    assert live.updated_at == now
    correction = live.corrections.get()
    assert (correction.kind, correction.text, correction.created_at) == (
        kind,
        "The vote was 31 to 12, not 21 to 12.",
        now,
    )
    html = client.get(live.get_absolute_url()).content.decode()
    assert "Updated <time" in html
    assert "The vote was 31 to 12, not 21 to 12." in html
    assert jsonld(client, live)["dateModified"].startswith(f"{timezone.localtime(now):%Y-%m-%d}")
    revision = live.revisions.get()
    assert (revision.kind, revision.note) == (kind, "The vote was 31 to 12, not 21 to 12.")


@pytest.mark.parametrize("note", ["", "   "])
def test_a_correction_without_a_note_is_a_form_error_and_nothing_is_saved(
    editor_client, live, note
):
    response = edit(
        editor_client, live, headline="Changed", change_kind="correction", change_note=note
    )
    assert response.status_code == 200
    assert "change_note: Say what changed" in errors(response)
    live.refresh_from_db()
    assert live.headline == "Council votes on bus lanes"
    assert not live.corrections.exists() and live.updated_at is None


def test_an_unknown_kind_is_a_form_error(editor_client, live):
    response = edit(editor_client, live, change_kind="retraction", change_note="x")
    assert response.status_code == 200
    assert "change_kind: Select a valid choice" in errors(response)


def test_the_updated_time_cannot_be_set_by_hand_by_crafted_post(editor_client, live):
    response = edit(editor_client, live, updated_at=timezone.now() + dt.timedelta(days=9))
    assert response.status_code == 302, errors(response)
    live.refresh_from_db()
    assert live.updated_at is None


def test_corrections_are_added_only_through_the_kind_of_edit(editor_client, live):
    data = article_form(live)
    data.update(
        {
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "Sneaked in",
            "corrections-0-created_at_0": "2026-01-01",
            "corrections-0-created_at_1": "10:00:00",
        }
    )
    editor_client.post(change_url(live), data)
    assert not Correction.objects.exists()


# --- The corrections page -----------------------------------------------------------------


def test_the_corrections_page_lists_all_corrections_newest_first_with_links(client):
    now = timezone.now()
    older = CorrectionFactory(
        article=ArticleFactory(headline="Older story"),
        text="A name was misspelled.",
        created_at=now - dt.timedelta(days=3),
    )
    newer = CorrectionFactory(
        article=ArticleFactory(headline="Newer story", desk=DeskFactory(name="Markets")),
        kind=Correction.Kind.UPDATE,
        text="Adds the minister's reply.",
        created_at=now - dt.timedelta(hours=2),
    )
    CorrectionFactory(article=ArticleFactory(draft=True, headline="A draft"), text="Hidden")
    CorrectionFactory(
        article=ArticleFactory(headline="Under embargo", embargo_until=now + dt.timedelta(hours=1)),
        text="Hidden too",
    )
    response = client.get("/corrections/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Adds the minister") < html.index("A name was misspelled.")
    assert f'href="{newer.article.get_absolute_url()}"' in html
    assert f'href="{older.article.get_absolute_url()}"' in html
    assert "Update" in html and "Markets" in html
    assert "A draft" not in html and "Hidden" not in html and "Under embargo" not in html


def test_the_corrections_page_is_cached_and_purged_by_a_new_correction(
    editor_client, live, shared_cache, django_capture_on_commit_callbacks
):
    reader = shared_cache
    assert reader.get("/corrections/")["X-Page-Cache"] == "miss"
    assert reader.get("/corrections/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        edit(editor_client, live, change_kind="correction", change_note="A date was wrong.")
    response = reader.get("/corrections/")
    assert response["X-Page-Cache"] == "miss"
    assert "A date was wrong." in response.content.decode()


def test_the_corrections_page_costs_few_queries(client, django_assert_max_num_queries):
    for n in range(25):
        CorrectionFactory(article=ArticleFactory(), text=f"Correction {n}")
    with django_assert_max_num_queries(4):
        response = client.get("/corrections/")
    assert response.content.decode().count('class="corrections-list__item') == 25


def test_the_corrections_page_is_in_the_sitemap_and_the_footer(client, settings):
    settings.SITE_URL = "https://news.example"
    assert "https://news.example/corrections/" in client.get("/sitemap.xml").content.decode()
    assert 'href="/corrections/"' in client.get("/").content.decode()
