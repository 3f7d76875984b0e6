"""Editors may moderate comments too: core/roles.py says so, applied here."""

from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import roles_apply

    roles_apply(apps=apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("core", "0001_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
