"""Photos and renditions become the photos app's. Their tables stay as they were
(articles_photo, articles_rendition): the models move in Django's state only, and their
content types follow them so that permissions, group rights and admin history survive."""

import core.text
import django.core.validators
import django.db.models.deletion
import photos.uploads
from django.db import migrations, models

from core.moves import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("articles", "0014_search_trigram"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Photo',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('image', photos.uploads.UploadedImageField(height_field='height', help_text='A JPEG, PNG or WebP photo. Location and camera data are removed on upload.', upload_to='photos/%Y/%m/', width_field='width')),
                ('alt_text', models.CharField(help_text='Describe the picture for people who cannot see it.', max_length=300)),
                ('caption', models.TextField(blank=True)),
                ('credit_name', models.CharField(blank=True, help_text='Shown as "Photo: NAME".', max_length=120, validators=[core.text.validate_name])),
                ('credit_url', models.URLField(blank=True, help_text="The photographer's page.")),
                ('copyright_notice', models.CharField(blank=True, max_length=200)),
                ('license_url', models.URLField(blank=True)),
                ('width', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ('height', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ('focal_x', models.FloatField(default=0.5, help_text='Horizontal focal point for crops: 0 = left edge, 1 = right edge.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)])),
                ('focal_y', models.FloatField(default=0.5, help_text='Vertical focal point for crops: 0 = top, 1 = bottom.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)])),
                ('status', models.CharField(choices=[('pending', 'Renditions pending'), ('ready', 'Ready'), ('failed', 'Failed')], default='pending', max_length=10)),
                ('error', models.TextField(blank=True, editable=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'db_table': 'articles_photo',
                'ordering': ['-created_at'],
            },
            bases=(core.text.PlainText, models.Model),
        ),
        migrations.CreateModel(
            name='Rendition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('spec', models.CharField(help_text='"w640" for a width, "16x9" for a crop.', max_length=20)),
                ('format', models.CharField(max_length=10)),
                ('file', models.FileField(max_length=255, upload_to='renditions/%Y/%m/')),
                ('width', models.PositiveIntegerField()),
                ('height', models.PositiveIntegerField()),
                ('bytes', models.PositiveIntegerField()),
                ('source', models.CharField(help_text='Fingerprint of the original and focal point it was made from.', max_length=64)),
                ('photo', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='renditions', to='photos.photo')),
            ],
            options={
                'db_table': 'articles_rendition',
                'constraints': [models.UniqueConstraint(fields=('photo', 'spec', 'format'), name='one_rendition_per_spec')],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        move_content_types(old_label="articles", new_label="photos", models=["photo", "rendition"]),
    ]
