"""The three newsroom roles as groups: their rights live in core/roles.py, applied here
and again after every migrate.

Until the apps were re-cut this migration was the project package's (app label "newsroom");
`replaces` lets a database that applied it under that label count it as applied here."""

from django.db import migrations


def make_groups(apps, schema_editor):
    from core.roles import roles_apply

    roles_apply(apps=apps, strict=False)  # models of later migrations get theirs later


class Migration(migrations.Migration):
    replaces = [("newsroom", "0001_groups")]

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0001_initial"),
        ("comments", "0001_initial"),
    ]

    operations = [migrations.RunPython(make_groups, migrations.RunPython.noop)]
