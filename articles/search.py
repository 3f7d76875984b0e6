"""Site search: Postgres full-text search with ranking, plain filtering elsewhere (SQLite).

`Article.search_vector` is kept up to date by `Article.save()` and indexed with GIN
(migration 0002, Postgres only), so a search reads the index instead of every body.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, Q, QuerySet

# Postgres text-search configurations for the site's language (stemming and stop words).
POSTGRES_CONFIGS = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ru": "russian",
    "sv": "swedish",
}
# What an article is found by, most telling first: a match in the headline ranks highest.
SEARCHED_FIELDS = {"headline", "standfirst", "body"}


def search_config() -> str:
    language = settings.SITE_LANGUAGE.split("-")[0].lower()
    return POSTGRES_CONFIGS.get(language, "simple")


def search_document() -> SearchVector:
    config = search_config()
    return (
        SearchVector("headline", weight="A", config=config)
        + SearchVector("standfirst", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )


def uses_postgres(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def search_articles(queryset: QuerySet, query: str) -> QuerySet:
    """Articles of `queryset` matching `query`, best match first.

    Web-search syntax on Postgres: words are ANDed, "quoted phrases", -excluded, or.
    """
    query = query.strip()
    if not query:
        return queryset.none()
    if uses_postgres(queryset):
        search_query = SearchQuery(query, search_type="websearch", config=search_config())
        return (
            queryset.filter(search_vector=search_query)
            .annotate(rank=SearchRank(F("search_vector"), search_query))
            .order_by("-rank", "-published_at", "-id")
        )
    words = query.split()
    condition = Q()
    for word in words:
        condition &= (
            Q(headline__icontains=word) | Q(standfirst__icontains=word) | Q(body__icontains=word)
        )
    return queryset.filter(condition).order_by("-published_at", "-id")
