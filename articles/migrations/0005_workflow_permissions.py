"""The roles' rights on the workflow's records (issue 8): editors and reporters read the
audit log and revisions and make share links; editors also revoke anyone's."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Editors": [
        "view_transition",
        "view_revision",
        "add_sharelink",
        "change_sharelink",
        "view_sharelink",
    ],
    "Reporters": ["view_transition", "view_revision", "add_sharelink", "view_sharelink"],
    "Moderators": ["view_transition", "view_revision"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; make them now so groups can use them.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    grant_to_groups(apps)


def grant_to_groups(apps) -> None:
    """Give the roles their workflow rights (tests call it again after a flush)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(
            codename__in=codenames, content_type__app_label="articles"
        )
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        assert not missing, f"unknown permissions for {name}: {missing}"
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(
                    codename__in=codenames, content_type__app_label="articles"
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_workflow"),
        ("newsroom", "0001_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
