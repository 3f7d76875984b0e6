"""Migration 0017: Desk.members becomes DeskMembership, keeping every member, each in the
role of their current group, so nobody's rights change; and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0016_editorial_own_app")]
AFTER = [("articles", "0017_staff_desk_roles")]


@pytest.fixture
def migrator(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    yield executor
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_members_keep_their_desks_in_their_groups_role(migrator):
    apps = migrator.loader.project_state(BEFORE).apps
    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Desk = apps.get_model("articles", "Desk")
    business = Desk.objects.create(name="Business", slug="business", title="Business")
    world = Desk.objects.create(name="World", slug="world", title="World")

    def member(name, *desks, group=None, **extra):
        user = User.objects.create(username=name, is_staff=True, **extra)
        if group:
            user.groups.add(Group.objects.get(name=group))
        for desk in desks:
            desk.members.add(user)
        return user

    member("eddie", business, world, group="Editors")
    member("rita", business, group="Reporters")
    member("mo", world, group="Moderators")
    member("root", business, is_superuser=True)
    direct = member("dora", world)
    direct.user_permissions.add(Permission.objects.get(codename="publish_article"))
    member("nobody", world)

    migrator.migrate(AFTER)
    apps = migrator.loader.project_state(AFTER).apps
    DeskMembership = apps.get_model("articles", "DeskMembership")
    assert set(DeskMembership.objects.values_list("desk__slug", "user__username", "role")) == {
        ("business", "eddie", "editor"),
        ("world", "eddie", "editor"),
        ("business", "rita", "reporter"),
        ("world", "mo", "moderator"),
        ("business", "root", "editor"),
        ("world", "dora", "editor"),
        ("world", "nobody", "reporter"),
    }
    Desk = apps.get_model("articles", "Desk")
    assert set(Desk.objects.get(slug="business").members.values_list("username", flat=True)) == {
        "eddie",
        "rita",
        "root",
    }

    migrator.loader.build_graph()
    migrator.migrate(BEFORE)  # and back: the plain members again
    apps = migrator.loader.project_state(BEFORE).apps
    Desk = apps.get_model("articles", "Desk")
    assert set(Desk.objects.get(slug="world").members.values_list("username", flat=True)) == {
        "eddie",
        "mo",
        "dora",
        "nobody",
    }
