"""Transitions, revisions, share links and edit locks move to the editorial app (editorial
0001): gone from this app's state, their tables kept."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0015_photos_own_app'),
        ('editorial', '0001_editorial_own_app'),
    ]

    state_operations = [
        migrations.RemoveField(
            model_name='editlock',
            name='article',
        ),
        migrations.RemoveField(
            model_name='editlock',
            name='user',
        ),
        migrations.RemoveConstraint(
            model_name='revision',
            name='one_revision_number',
        ),
        migrations.RemoveField(
            model_name='sharelink',
            name='article',
        ),
        migrations.RemoveField(
            model_name='sharelink',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='sharelink',
            name='revoked_by',
        ),
        migrations.RemoveField(
            model_name='transition',
            name='article',
        ),
        migrations.RemoveField(
            model_name='transition',
            name='user',
        ),
        migrations.DeleteModel(
            name='EditLock',
        ),
        migrations.RemoveField(
            model_name='revision',
            name='article',
        ),
        migrations.RemoveField(
            model_name='revision',
            name='user',
        ),
        migrations.DeleteModel(
            name='ShareLink',
        ),
        migrations.DeleteModel(
            name='Transition',
        ),
        migrations.DeleteModel(
            name='Revision',
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
