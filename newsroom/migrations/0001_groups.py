"""The three newsroom roles as groups (DESIGN.md, "Roles")."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ARTICLE_MODELS = ["desk", "author", "topic", "photo", "rendition", "article", "byline", "correction"]

ROLES = {
    "Editors": [
        *(f"{verb}_{model}" for model in ARTICLE_MODELS for verb in ("add", "change", "delete", "view")),
        "publish_article",
        "view_comment",
    ],
    "Reporters": [
        "add_article", "change_article", "view_article",
        "add_byline", "change_byline", "delete_byline", "view_byline",
        "add_photo", "change_photo", "view_photo", "view_rendition",
        "view_desk", "view_author", "view_topic", "view_correction",
    ],
    "Moderators": [
        "view_article",
        "view_comment", "change_comment", "moderate_comment",
        "view_moderationlog",
        "add_term", "change_term", "delete_term", "view_term",
    ],
}


def make_groups(apps, schema_editor):
    # Permissions are normally created after migrate; make them now so groups can use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(
            codename__in=codenames, content_type__app_label__in=["articles", "comments"]
        )
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        assert not missing, f"unknown permissions for {name}: {missing}"
        group.permissions.set(perms)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0001_initial"),
        ("comments", "0001_initial"),
    ]

    operations = [migrations.RunPython(make_groups, migrations.RunPython.noop)]
