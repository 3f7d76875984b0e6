"""Purges a front did not take, kept for the beat to replay.

Applied under the app label "newsroom" before the apps were re-cut: `replaces` counts that
as applied here, and the table keeps its old name (PurgeBacklog.Meta.db_table)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    replaces = [("newsroom", "0002_purge_backlog")]

    dependencies = [
        ("core", "0001_groups"),
    ]

    operations = [
        migrations.CreateModel(
            name="PurgeBacklog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("front", models.CharField(max_length=200)),
                ("keys", models.TextField(help_text="Surrogate keys, space-separated.")),
                ("soft", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
            ],
            options={"db_table": "newsroom_purgebacklog"},
        ),
    ]
