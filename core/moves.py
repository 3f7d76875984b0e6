"""Moving a model from one app to another without losing what points at it.

A model keeps its table when it moves (Meta.db_table), but Django also knows it by
(app label, model) in django_content_type, and permissions, group rights and the admin's
history (LogEntry) hang on that row. `move_content_types` returns a migration operation that
relabels those rows, both ways, so all three follow the model to its new app."""

from django.db import migrations


def _relabel(apps, old_label: str, new_label: str, models: list[str]) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry") if _installed(apps, "admin") else None
    for model in models:
        old = ContentType.objects.filter(app_label=old_label, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label=new_label, model=model).first()
        if new is None:
            old.app_label = new_label
            old.save(update_fields=["app_label"])
            continue
        # Both exist (a post_migrate ran in between): fold the old row into the new one,
        # keeping every group's and user's rights and the history.
        for perm in Permission.objects.filter(content_type=old):
            twin = Permission.objects.filter(content_type=new, codename=perm.codename).first()
            if twin is None:
                perm.content_type = new
                perm.save(update_fields=["content_type"])
                continue
            for group in perm.group_set.all():
                group.permissions.add(twin)
            for user in perm.user_set.all():
                user.user_permissions.add(twin)
            perm.delete()
        if LogEntry is not None:
            LogEntry.objects.filter(content_type=old).update(content_type=new)
        old.delete()


def _installed(apps, label: str) -> bool:
    try:
        apps.get_app_config(label)
    except LookupError:
        return False
    return True


def move_content_types(
    *, old_label: str, new_label: str, models: list[str]
) -> migrations.RunPython:
    def forwards(apps, schema_editor):
        _relabel(apps, old_label, new_label, models)

    def backwards(apps, schema_editor):
        _relabel(apps, new_label, old_label, models)

    return migrations.RunPython(forwards, backwards)
