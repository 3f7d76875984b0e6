from django.db import migrations, models


class Migration(migrations.Migration):
    """The per-render form token goes (pages are shared by every reader); a resent comment is
    recognised by a key on (article, email, body, day) instead. Old rows keep no key: the
    check looks a day back, and their day is over."""

    dependencies = [("comments", "0005_decided_list_by_status")]

    operations = [
        migrations.RemoveField(model_name="comment", name="form_token"),
        migrations.AddField(
            model_name="comment",
            name="dedupe_key",
            field=models.CharField(
                blank=True, editable=False, max_length=64, null=True, unique=True
            ),
        ),
    ]
