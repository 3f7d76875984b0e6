"""Editors may moderate comments too (issue 5: the queue is for moderators and editors)."""

from django.db import migrations

EDITOR_PERMISSIONS = ["change_comment", "moderate_comment", "view_moderationlog", "view_term"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is None:
        return
    perms = Permission.objects.filter(
        codename__in=EDITOR_PERMISSIONS, content_type__app_label="comments"
    )
    editors.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is None:
        return
    perms = Permission.objects.filter(
        codename__in=EDITOR_PERMISSIONS, content_type__app_label="comments"
    )
    editors.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("newsroom", "0001_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
