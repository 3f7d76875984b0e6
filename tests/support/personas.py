"""The people tests act as. Fixtures in tests/conftest.py give every test the same personas
(reader, reporter, editor, moderator, outsider, superuser); `desk_member` makes staff on
given desks, for tests of desk rights."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.test import Client


def make_user(username: str, *, group: str | None = None, staff: bool = False, **extra) -> User:
    """A user whose password is "pw-" + username, in the role's group if given."""
    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password="pw-" + username,
        is_staff=staff,
        **extra,
    )
    if group:
        user.groups.add(role_group(group))
    return user


def role_group(name: str) -> Group:
    """The role's group, as production has it: made by the data migration and again after
    every flush of a transactional test (core/roles.py)."""
    return Group.objects.get(name=name)


def every_desk(user: User) -> User:
    """Gives the user the right to write and publish for every desk, so tests of a role stay
    about the role; desk rights are tested with desk members (tests/articles/test_desk_rights.py).
    """
    user.user_permissions.add(Permission.objects.get(codename="work_on_every_desk"))
    return user


# The desk role a test's staff member holds on their desks: their group's.
GROUP_ROLES = {"Editors": "editor", "Reporters": "reporter", "Moderators": "moderator"}


def desk_member(username: str, group: str, *desks, email: str | None = None) -> User:
    """A staff member in a role's group, on these desks."""
    user = User.objects.create_user(
        username=username,
        email=f"{username}@newsroom.example" if email is None else email,
        is_staff=True,
        first_name=username.split("_")[0].capitalize(),
        last_name="Example",
    )
    user.groups.add(role_group(group))
    for desk in desks:
        desk.members.add(user, through_defaults={"role": GROUP_ROLES.get(group, "reporter")})
    return user


def logged_in(user: User) -> Client:
    """A test client of its own, signed in as the user (for tests that act as several)."""
    client = Client()
    client.force_login(user)
    return client
