"""Transitions, revisions, share links and edit locks become the editorial app's. Their
tables stay as they were (articles_transition, ...): the models move in Django's state only,
and their content types follow them so that permissions, group rights and admin history
survive."""

import django.core.serializers.json
import django.db.models.deletion
import django.utils.timezone
import editorial.models
from django.conf import settings
from django.db import migrations, models

from core.moves import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("articles", "0015_photos_own_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    state_operations = [
        migrations.CreateModel(
            name='EditLock',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='edit_lock', serialize=False, to='articles.article')),
                ('since', models.DateTimeField(default=django.utils.timezone.now)),
                ('seen_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'articles_editlock',
            },
        ),
        migrations.CreateModel(
            name='ShareLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(default=editorial.models.new_share_token, editable=False, max_length=64, unique=True)),
                ('note', models.CharField(blank=True, help_text='Who it is for, e.g. "Legal: Sam Ortiz".', max_length=200)),
                ('expires_at', models.DateTimeField(help_text='The link stops working at this time.')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='share_links', to='articles.article')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'articles_sharelink',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Transition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('submit', 'Submitted for review'), ('return', 'Sent back to the writer'), ('publish', 'Published'), ('schedule', 'Scheduled'), ('went_live', 'Went live'), ('unpublish', 'Unpublished'), ('status', 'Status changed'), ('breaking', 'Marked breaking')], max_length=12)),
                ('from_status', models.CharField(blank=True, choices=[('draft', 'Draft'), ('in_review', 'In review'), ('published', 'Published'), ('unpublished', 'Unpublished')], max_length=12)),
                ('to_status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('published', 'Published'), ('unpublished', 'Unpublished')], max_length=12)),
                ('at', models.DateTimeField(blank=True, help_text='The publication time it was published or scheduled for.', null=True)),
                ('note', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='articles.article')),
                ('user', models.ForeignKey(blank=True, help_text='Empty when the newsroom did it by itself (a scheduled time came).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'articles_transition',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Revision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('kind', models.CharField(choices=[('edit', 'Edit'), ('silent', 'Silent fix'), ('update', 'Update'), ('correction', 'Correction'), ('restore', 'Restored')], default='edit', max_length=12)),
                ('note', models.TextField(blank=True)),
                ('changes', models.JSONField(default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='articles.article')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'articles_revision',
                'ordering': ['-number'],
                'constraints': [models.UniqueConstraint(fields=('article', 'number'), name='one_revision_number')],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        move_content_types(
            old_label="articles",
            new_label="editorial",
            models=["transition", "revision", "sharelink", "editlock"],
        ),
    ]
