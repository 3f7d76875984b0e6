"""Full-text search on Postgres: a GIN index on Article.search_vector, filled for old rows.

Postgres only: under SQLite (`make run`) search is plain filtering, so this does nothing
there. The index is not in Article.Meta because SQLite could not create it.
"""

from django.db import migrations

CONFIGS = {
    "da": "danish", "de": "german", "en": "english", "es": "spanish", "fi": "finnish",
    "fr": "french", "it": "italian", "nl": "dutch", "no": "norwegian", "pt": "portuguese",
    "ru": "russian", "sv": "swedish",
}


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.conf import settings

    config = CONFIGS.get(settings.SITE_LANGUAGE.split("-")[0].lower(), "simple")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS article_search_gin ON articles_article USING gin (search_vector)"
    )
    schema_editor.execute(
        "UPDATE articles_article SET search_vector ="
        " setweight(to_tsvector(%s::regconfig, coalesce(headline, '')), 'A')"
        " || setweight(to_tsvector(%s::regconfig, coalesce(standfirst, '')), 'B')"
        " || setweight(to_tsvector(%s::regconfig, coalesce(body, '')), 'C')"
        " WHERE search_vector IS NULL",
        [config, config, config],
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_gin")


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
