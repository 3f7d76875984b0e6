"""Photos and renditions move to the photos app (photos 0001): gone from this app's state,
their tables kept, the hero photo pointing at the same table under its new name."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_search_trigram"),
        ("photos", "0001_photos_own_app"),
    ]

    state_operations = [
        migrations.AlterField(
            model_name="article",
            name="hero_photo",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="hero_of",
                to="photos.photo",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="rendition",
            name="one_rendition_per_spec",
        ),
        migrations.RemoveField(
            model_name="rendition",
            name="photo",
        ),
        migrations.DeleteModel(
            name="Photo",
        ),
        migrations.DeleteModel(
            name="Rendition",
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
