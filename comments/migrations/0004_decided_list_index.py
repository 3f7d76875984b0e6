"""An index for the queue's decided tabs, newest first: without it, listing them sorts
every decided comment on each page view."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_comment_tally"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=~models.Q(status="pending"),
                fields=["-created_at", "-id"],
                name="comment_decided_list",
            ),
        ),
    ]
