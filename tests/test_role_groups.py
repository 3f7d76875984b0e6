"""The roles' groups hold exactly the rights core/roles.py states, in production and in
every test, transactional ones included."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from core.roles import ROLES, roles_apply


def rights(name: str) -> set[tuple[str, str]]:
    group = Group.objects.get(name=name)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def stated(name: str) -> set[tuple[str, str]]:
    return {(app, code) for app, codes in ROLES[name].items() for code in codes}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROLES))
def test_each_group_has_exactly_its_stated_rights(name):
    assert rights(name) == stated(name)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", sorted(ROLES))
def test_a_flushed_database_gets_the_groups_back_with_their_rights(name):
    """A transactional test flushes every table; the next one still sees production's roles."""
    call_command("flush", verbosity=0, interactive=False)
    assert rights(name) == stated(name)


@pytest.mark.django_db
def test_a_right_given_by_hand_is_taken_back_and_a_stated_one_restored():
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="delete_comment"))
    editors.permissions.remove(Permission.objects.get(codename="publish_article"))
    roles_apply()
    assert rights("Editors") == stated("Editors")


@pytest.mark.django_db
def test_a_right_that_does_not_exist_is_an_error(monkeypatch):
    monkeypatch.setitem(ROLES, "Editors", {"articles": ("fly_article",)})
    with pytest.raises(LookupError, match="fly_article"):
        roles_apply()
