"""The roles' rights on the workflow's records: core/roles.py says which, applied here
once those models exist."""

from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import roles_apply

    roles_apply(apps=apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_workflow"),
        ("core", "0001_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
