"""The purge backlog's content type (and so its permissions) follows it from the project
package's old app label to core's."""

from django.db import migrations

from core.moves import move_content_types


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_purge_backlog"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [
        move_content_types(old_label="newsroom", new_label="core", models=["purgebacklog"]),
    ]
