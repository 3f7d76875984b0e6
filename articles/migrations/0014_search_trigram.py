"""Search that forgives a typo and knows bylines (articles/search.py): pg_trgm, and GIN
trigram indexes on the headline, the standfirst and the author's name.

Postgres only, like 0002: under SQLite (`make run`) search is plain filtering, and the
extension operation does nothing there; the indexes are not in Meta for the same reason.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("article_headline_trgm", "articles_article", "headline"),
    ("article_standfirst_trgm", "articles_article", "standfirst"),
    ("author_name_trgm", "articles_author", "name"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_article_body_rich_text")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
