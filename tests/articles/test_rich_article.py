"""The editor's whole toolbox in one story (tests/articles/rich_article.py): two in-body
photos, a video, a chart and a link card, the card photo, related coverage and a
conversation. Its page stays within the article's query budget (six, plus the
conversation's two), valid HTML, with no third-party address in any src."""

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.articles.rich_article import build_rich_article
from tests.articles.test_public_html_valid import KNOWN_TO_THE_STANDARD, VNU
from tests.support.public_html import Page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_ENABLED = False


def comment_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "comments_' in q["sql"]]


def test_the_rich_page_costs_six_queries_plus_the_conversations_two(client):
    url = build_rich_article().get_absolute_url()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    conversation = comment_queries(queries.captured_queries)
    assert len(conversation) <= 2, conversation
    article_part = len(queries) - len(conversation)
    assert article_part <= 6, "\n".join(q["sql"][:120] for q in queries.captured_queries)
    page = Page(response.content.decode())
    assert len(page.select("figure", class_="body-photo")) == 2
    assert len(page.select("figure", class_="embed")) == 2
    assert len(page.select("figure", class_="link-card")) == 1
    assert "Agreed." in page.html and "Back on track" in page.html
    assert "Riders per day" in page.html  # the fetched title, no query of its own


def test_the_rich_page_shows_no_third_party_address_before_a_click(client):
    article = build_rich_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<iframe" not in html
    for source in re.findall(r'\ssrc(?:set)?="([^"]*)"', html):
        for candidate in source.split(","):
            address = candidate.strip().split(" ")[0]
            assert urlsplit(address).hostname in (None, "testserver"), address


def test_the_rich_page_is_valid_html(client, tmp_path):
    article = build_rich_article()
    file = tmp_path / "rich.html"
    file.write_bytes(client.get(article.get_absolute_url()).content)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if not m["message"].startswith(KNOWN_TO_THE_STANDARD)
    ]
    assert errors == [], "\n".join(errors)
