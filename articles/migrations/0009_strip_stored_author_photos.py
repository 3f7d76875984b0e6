"""Portraits stored before they took the upload path: strip and rename them now.

Each author's stored portrait is read back and saved again through the field, which strips
its metadata (GPS, camera) and stores it under a generated name with its real extension;
the old file, public at its old address, is deleted. A stored file the pipeline cannot read
as a photo is removed from the author (and from storage): it is not an image we would
accept, and it was being served under a name it chose.
"""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import migrations


def strip_stored_author_photos(apps, schema_editor):
    Author = apps.get_model("articles", "Author")
    for author in Author.objects.exclude(photo="").only("pk", "photo"):
        old = author.photo.name
        storage = author.photo.storage
        try:
            with storage.open(old, "rb") as file:
                data = file.read()
        except OSError:
            continue  # missing from storage: nothing is being served
        author.photo = ContentFile(data, name="portrait")
        try:
            author.photo.ingest()  # before the save: a refusal must not break the transaction
        except ValidationError:
            author.photo = ""
        author.save(update_fields=["photo"])
        storage.delete(old)


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_uploaded_images_one_path")]

    operations = [
        migrations.RunPython(strip_stored_author_photos, migrations.RunPython.noop, elidable=True)
    ]
