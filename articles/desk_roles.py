"""What role a person has on a desk: the one place that answers it.

A person's role is given per desk (`DeskMembership`: editor on Business, reporter on World).
The rules that use it (who publishes, edits, moderates where) are in articles/services.py
("Who may do what"); the staff rules (who grants which role) in articles/staff.py. Here:

- `desk_role(user, desk_id)`: the role on that desk, or None. Site-wide people (superusers,
  Site administrators, anyone with `articles.work_on_every_desk`) hold on every desk the
  role their rights amount to (publish: editor; write: reporter; moderate: moderator).
  Everyone else holds exactly their memberships' roles; no membership, no role there.
- `desk_ids_with_role(user, roles)`: the desks where a person holds one of `roles`, or
  `EVERY_DESK` for the site-wide.
- `desk_ids_moderated_by(user)`: the desks whose comments a person moderates (a Moderators
  group member with no moderating desk role: every desk).
- `DeskRoleBackend`: an authentication backend giving a person the admin rights of the
  roles they hold on any desk (an editor on Business has the Editors' rights), so that
  granting a desk role needs no group, and removing the last one takes the rights away.
  Model rights say what kind of thing a person may do at all; the desk role says where.

A role's rights are the rights of its group in core/roles.py (DESK_ROLE_GROUPS): stated
once, for the groups and the desk roles alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.backends import BaseBackend

from articles.models import EVERY_DESK_PERMISSION, DeskMembership, DeskRole
from core.roles import DESK_ROLE_GROUPS, MODERATORS, ROLES

PUBLISH_PERMISSION = "articles.publish_article"
WRITE_PERMISSION = "articles.change_article"
MODERATE_PERMISSION = "comments.moderate_comment"
EVERY_DESK = None  # what `desk_ids_with_role` answers for the site-wide


def works_on_every_desk(user) -> bool:
    """Superusers, Site administrators and a managing editor given the right are not bound
    to desks."""
    return bool(user.is_active and (user.is_superuser or user.has_perm(EVERY_DESK_PERMISSION)))


def desk_roles(user) -> dict[int, str]:
    """The user's memberships, {desk id: role}, read once per user object (as Django keeps a
    user's permissions: an article's change page asks some twenty times)."""
    roles = getattr(user, "_desk_roles", None)
    if roles is None:
        roles = {}
        if user.is_authenticated and user.is_active:
            roles = dict(DeskMembership.objects.filter(user=user.pk).values_list("desk_id", "role"))
        user._desk_roles = roles
    return roles


def forget_desk_roles(user) -> None:
    """After a change to the user's roles: read them (and the rights they give) again."""
    for cached in ("_desk_roles", "_desk_role_perm_cache", "_perm_cache"):
        if hasattr(user, cached):
            delattr(user, cached)


def site_wide_role(user) -> str | None:
    """The role a site-wide person holds on every desk, from their rights."""
    if user.has_perm(PUBLISH_PERMISSION):
        return DeskRole.EDITOR
    if user.has_perm(WRITE_PERMISSION):
        return DeskRole.REPORTER
    if user.has_perm(MODERATE_PERMISSION):
        return DeskRole.MODERATOR
    return None


def desk_role(user, desk_id: int | None) -> str | None:
    """The user's role on this desk, or None (no desk, not their desk, inactive)."""
    if not user.is_active or user.pk is None:
        return None
    if works_on_every_desk(user):
        return site_wide_role(user)
    if desk_id is None:
        return None
    return desk_roles(user).get(desk_id)


def desk_ids_with_role(user, roles: Iterable[str]) -> frozenset[int] | None:
    """The desks on which the user holds one of `roles`; `EVERY_DESK` (None) for the
    site-wide whose role is among them."""
    roles = set(roles)
    if works_on_every_desk(user):
        return EVERY_DESK if site_wide_role(user) in roles else frozenset()
    return frozenset(desk for desk, role in desk_roles(user).items() if role in roles)


def desk_ids_moderated_by(user) -> frozenset[int] | None:
    """Where the user moderates comments: `EVERY_DESK` for the site-wide and for a member of
    the Moderators group who moderates no particular desk; otherwise the desks where they
    are editor or moderator (an editor's moderation follows their desks, like their
    articles)."""
    if not user.is_active or not user.has_perm(MODERATE_PERMISSION):
        return frozenset()
    if works_on_every_desk(user):
        return EVERY_DESK
    roles = (DeskRole.EDITOR, DeskRole.MODERATOR)
    desks = frozenset(desk for desk, role in desk_roles(user).items() if role in roles)
    if not desks and user.groups.filter(name=MODERATORS).exists():
        return EVERY_DESK
    return desks


class DeskRoleBackend(BaseBackend):
    """The admin rights of the roles a person holds on any desk (never object rights: those
    are the services'). Signs nobody in: `authenticate` is BaseBackend's, which says no."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        perms = getattr(user_obj, "_desk_role_perm_cache", None)
        if perms is None:
            # Straight from core/roles.py, which the groups are made from exactly: no
            # query beyond the memberships.
            perms = {
                f"{app_label}.{codename}"
                for role in set(desk_roles(user_obj).values())
                for app_label, codenames in ROLES[DESK_ROLE_GROUPS[role]].items()
                for codename in codenames
            }
            user_obj._desk_role_perm_cache = perms
        return perms

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return self.get_all_permissions(user_obj, obj)

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return any(
            perm[: perm.index(".")] == app_label for perm in self.get_all_permissions(user_obj)
        )
