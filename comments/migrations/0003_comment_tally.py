"""Per-article tallies of comments by status, so the moderation queue never counts the
whole table on a busy site; filled here from the comments already stored."""

import django.db.models.deletion
from django.db import migrations, models


def fill_tallies(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    CommentTally = apps.get_model("comments", "CommentTally")
    counts = (
        Comment.objects.order_by().values("article_id", "status").annotate(n=models.Count("pk"))
    )
    CommentTally.objects.bulk_create(
        (
            CommentTally(article_id=c["article_id"], status=c["status"], count=c["n"])
            for c in counts
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("comments", "0002_editors_moderate_comments"),
    ]

    operations = [
        migrations.CreateModel(
            name="CommentTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                            ("spam", "Spam"),
                        ],
                        max_length=10,
                    ),
                ),
                ("count", models.IntegerField(default=0)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "status"), name="comment_tally_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(fill_tallies, migrations.RunPython.noop),
    ]
