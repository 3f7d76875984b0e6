"""Roles per desk: Desk.members becomes DeskMembership (a person, a desk, a role), keeping
every existing member. Each becomes, on each of their desks, the role of their current group
(Editors or Site administrators or a superuser: editor; Reporters: reporter; Moderators:
moderator; no role group: what their own rights amount to, reporter at least), so
nobody's rights change. Invitations, and the membership log's roles, start here.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def role_of(user) -> str:
    groups = set(user.groups.values_list("name", flat=True))
    own = set(user.user_permissions.values_list("codename", flat=True))
    if user.is_superuser or groups & {"Editors", "Site administrators"} or "publish_article" in own:
        return "editor"
    if "Reporters" in groups or "change_article" in own:
        return "reporter"
    if "Moderators" in groups:
        return "moderator"
    return "reporter"


def members_to_memberships(apps, schema_editor):
    Desk = apps.get_model("articles", "Desk")
    DeskMembership = apps.get_model("articles", "DeskMembership")
    Through = Desk._meta.get_field("members").remote_field.through
    roles: dict[int, str] = {}
    rows = []
    for link in Through.objects.select_related("user").order_by("pk"):
        if link.user_id not in roles:
            roles[link.user_id] = role_of(link.user)
        rows.append(
            DeskMembership(desk_id=link.desk_id, user_id=link.user_id, role=roles[link.user_id])
        )
    DeskMembership.objects.bulk_create(rows)


def memberships_to_members(apps, schema_editor):
    Desk = apps.get_model("articles", "Desk")
    DeskMembership = apps.get_model("articles", "DeskMembership")
    Through = Desk._meta.get_field("members").remote_field.through
    Through.objects.bulk_create(
        Through(desk_id=desk_id, user_id=user_id)
        for desk_id, user_id in DeskMembership.objects.values_list("desk_id", "user_id")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0016_editorial_own_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='deskmembershipchange',
            name='previous_role',
            field=models.CharField(blank=True, choices=[('editor', 'Editor'), ('reporter', 'Reporter'), ('moderator', 'Moderator')], max_length=10),
        ),
        migrations.AddField(
            model_name='deskmembershipchange',
            name='role',
            field=models.CharField(blank=True, choices=[('editor', 'Editor'), ('reporter', 'Reporter'), ('moderator', 'Moderator')], help_text='The role after the change.', max_length=10),
        ),
        migrations.AlterField(
            model_name='deskmembershipchange',
            name='action',
            field=models.CharField(choices=[('added', 'Added'), ('removed', 'Removed'), ('role', 'Role changed'), ('joined', 'Accepted an invitation'), ('deactivated', 'Deactivated')], max_length=12),
        ),
        migrations.AlterField(
            model_name='deskmembershipchange',
            name='desk',
            field=models.ForeignKey(blank=True, help_text='Empty for a change to the person (deactivated), not to one desk.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='membership_changes', to='articles.desk'),
        ),
        migrations.CreateModel(
            name='DeskMembership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('editor', 'Editor'), ('reporter', 'Reporter'), ('moderator', 'Moderator')], max_length=10)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('desk', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='articles.desk')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='desk_memberships', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'desk staff member',
                'verbose_name_plural': 'desk staff',
                'ordering': ['desk__order', 'desk__name', 'user__username'],
            },
        ),
        migrations.CreateModel(
            name='Invitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254)),
                ('role', models.CharField(choices=[('editor', 'Editor'), ('reporter', 'Reporter'), ('moderator', 'Moderator')], max_length=10)),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('accepted_at', models.DateTimeField(blank=True, null=True)),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True)),
                ('withdrawn_by', models.ForeignKey(blank=True, help_text='Who withdrew it; empty when a newer invitation replaced it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('accepted_by', models.ForeignKey(blank=True, help_text='The account that accepted it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('desk', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='articles.desk')),
                ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddConstraint(
            model_name='deskmembership',
            constraint=models.UniqueConstraint(fields=('desk', 'user'), name='one_role_per_desk'),
        ),
        migrations.AddConstraint(
            model_name='deskmembership',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['editor', 'reporter', 'moderator'])), name='desk_role_known'),
        ),
        migrations.AddConstraint(
            model_name='invitation',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['editor', 'reporter', 'moderator'])), name='invited_role_known'),
        ),
        migrations.RunPython(members_to_memberships, memberships_to_members),
        migrations.RemoveField(model_name='desk', name='members'),
        migrations.AddField(
            model_name='desk',
            name='members',
            field=models.ManyToManyField(blank=True, help_text='Who works on this desk, each in a role (DeskMembership).', related_name='desks', through='articles.DeskMembership', to=settings.AUTH_USER_MODEL),
        ),
    ]
