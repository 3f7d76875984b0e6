"""Site search: Postgres full-text search with ranking, plain filtering elsewhere (SQLite).

`Article.search_vector` is kept up to date by `Article.save()` and indexed with GIN
(migration 0002, Postgres only), so a search reads the index instead of every body.

Plain words (no "phrase", -exclusion or `or`) also find near spellings of themselves in
headlines and standfirsts ("bateries" finds "batteries") with pg_trgm's word similarity,
and the names of the articles' authors; both through GIN trigram indexes (migration 0013).
The full-text score ranks; a near match only adds a little, so exact matches come first.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Greatest

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
# Where a near spelling is looked for (each has a GIN trigram index; bodies are too long to
# be worth one) and how much a near match adds to the full-text rank.
NEAR_FIELDS = ("headline", "standfirst")
NEAR_WEIGHT = 0.05


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


def plain_words(query: str) -> bool:
    """A query of words only: no "phrase", -exclusion or `or`, which stay exact."""
    words = query.lower().split()
    return '"' not in query and "or" not in words and not any(w.startswith("-") for w in words)


def search_articles(queryset: QuerySet, query: str) -> QuerySet:
    """Articles of `queryset` matching `query`, best match first.

    Web-search syntax on Postgres: words are ANDed, "quoted phrases", -excluded, or. Plain
    words also find their authors' articles and near spellings (see the module's doc).
    """
    from articles.models import Byline  # the models import this module

    query = query.strip()
    if not query:
        return queryset.none()
    if uses_postgres(queryset):
        search_query = SearchQuery(query, search_type="websearch", config=search_config())
        rank = SearchRank(F("search_vector"), search_query)
        if not plain_words(query):
            return (
                queryset.filter(search_vector=search_query)
                .annotate(rank=rank)
                .order_by("-rank", "-published_at", "-id")
            )
        # One branch per index, united: an OR across them would read every row instead.
        articles = queryset.model.objects
        matched = articles.filter(search_vector=search_query).values("pk")
        for field in NEAR_FIELDS:
            near_field = articles.filter(**{f"{field}__trigram_word_similar": query})
            matched = matched.union(near_field.values("pk"))
        by_author = Byline.objects.filter(author__name__trigram_word_similar=query)
        matched = matched.union(by_author.values("article_id"))
        near = Greatest(*(TrigramWordSimilarity(query, field) for field in NEAR_FIELDS))
        return (
            queryset.filter(pk__in=matched)
            .annotate(rank=rank + near * NEAR_WEIGHT)
            .order_by("-rank", "-published_at", "-id")
        )
    condition = Q()
    for word in query.split():
        by_author = Byline.objects.filter(article=OuterRef("pk"), author__name__icontains=word)
        condition &= (
            Q(headline__icontains=word)
            | Q(standfirst__icontains=word)
            | Q(body__icontains=word)
            | Q(Exists(by_author))
        )
    return queryset.filter(condition).order_by("-published_at", "-id")
