"""Search as staff and readers expect it: author names find their articles, and on Postgres
a typo still finds the word (pg_trgm), ranked with the full-text score. Phrases and
exclusions stay exact; bad parameters stay 400/404. (The suite runs on Postgres, as
`make test` requires; SQLite's plain filtering is checked in its own test.)"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.support.factories import ArticleFactory, AuthorFactory, BylineFactory
from tests.support.public_html import card_titles, get

pytestmark = pytest.mark.django_db


def test_an_author_name_finds_their_articles(client):
    okafor = AuthorFactory(name="Daniel Okafor")
    BylineFactory(article=ArticleFactory(headline="Chipmakers race"), author=okafor)
    ArticleFactory(headline="Weather warning")
    assert card_titles(get(client, "/search/?q=Okafor")) == ["Chipmakers race"]
    assert card_titles(get(client, "/search/?q=daniel+okafor")) == ["Chipmakers race"]


def test_an_article_with_two_matching_bylines_is_listed_once(client):
    article = ArticleFactory(headline="Joint report")
    BylineFactory(article=article, author=AuthorFactory(name="Ann Smith"))
    BylineFactory(article=article, author=AuthorFactory(name="Bob Smith"))
    assert card_titles(get(client, "/search/?q=smith")) == ["Joint report"]


def test_a_typo_still_finds_the_word(client):
    ArticleFactory(headline="Solid-state batteries reach the market")
    ArticleFactory(headline="Weather warning")
    assert card_titles(get(client, "/search/?q=bateries")) == [
        "Solid-state batteries reach the market"
    ]


def test_an_exact_match_ranks_above_a_near_one(client):
    ArticleFactory(headline="Battery recycling grows")
    ArticleFactory(headline="Bakeries close early", body="Bakeries and bateries.")
    titles = card_titles(get(client, "/search/?q=bakeries"))
    assert titles[0] == "Bakeries close early"


def test_exclusions_stay_exact_with_typo_tolerance(client):
    ArticleFactory(headline="Open source models gain ground")
    ArticleFactory(headline="Source of the river found", body="Models of the delta.")
    assert card_titles(get(client, "/search/?q=models -river")) == [
        "Open source models gain ground"
    ]


def test_the_trigram_extension_and_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexdef ILIKE '%gin_trgm_ops%' ORDER BY 1"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {"article_headline_trgm", "author_name_trgm"} <= names


@pytest.mark.parametrize(
    ("query", "status"), [("?q=%00", 400), ("?q=batteries&page=abc", 404), ("?q=x&page=99", 404)]
)
def test_bad_parameters_are_400_or_404_never_500(client, query, status):
    ArticleFactory(headline="Batteries")
    assert client.get(f"/search/{query}").status_code == status
