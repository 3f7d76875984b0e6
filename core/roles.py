"""The newsroom's roles: each group's rights, stated once (DESIGN.md, "Roles").

Editors: everything on articles, desks, authors, photos; publish; moderate comments.
Reporters: write and edit their own drafts, submit for review; never publish.
Moderators: read articles, moderate comments, keep the word lists; nothing else.
Site administrators: the editors' rights on every desk, the staff of every desk (invite,
change roles, deactivate), the word lists and the audit log; never Django's own user and
group admin, so nobody becomes a superuser through this role.

Where a role holds: a person's role is given per desk (articles.DeskMembership, read in
articles/desk_roles.py): an editor on one desk has the Editors' rights below in the admin,
and uses them only on that desk. The groups themselves are site-wide: Site administrators
(and the `articles.work_on_every_desk` right) work on every desk; a group given to someone
with no desk role adds its rights but no desk (a Moderator with no desk moderates every
desk's comments; an Editor or Reporter with no desk writes nowhere).
What a role may do to one object (whose it is, which desk, whether readers see it) is the
services' business (articles/services.py, editorial/services/); this module only says
which rights each role has.

`roles_apply` runs in the data migration and again after every `migrate` and every flush
(post_migrate, see core/apps.py), so a role has a right as soon as its model exists, a
right removed here is removed everywhere, and tests see the rights production has. A
newsroom that wants other rights makes another group rather than editing these.
"""

from __future__ import annotations

from django.apps import apps as installed_apps
from django.contrib.auth.management import create_permissions

CONTENT = ("desk", "author", "topic", "article", "byline", "correction")
PHOTOS = ("photo", "rendition")
EVERY = ("add", "change", "delete", "view")
EDITORS, REPORTERS, MODERATORS = "Editors", "Reporters", "Moderators"
SITE_ADMINISTRATORS = "Site administrators"
# Each desk role has the rights of its group (articles.models.DeskRole values).
DESK_ROLE_GROUPS = {"editor": EDITORS, "reporter": REPORTERS, "moderator": MODERATORS}
# What editors do with their desks' people: invite, change roles, remove, deactivate.
STAFF_RIGHTS = (
    "add_deskmembership",
    "change_deskmembership",
    "delete_deskmembership",
    "view_deskmembership",
    "add_invitation",
    "change_invitation",
    "view_invitation",
)

ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    EDITORS: {
        "articles": (
            *(f"{verb}_{model}" for model in CONTENT for verb in EVERY),
            "publish_article",
            *STAFF_RIGHTS,
        ),
        "photos": tuple(f"{verb}_{model}" for model in PHOTOS for verb in EVERY),
        "editorial": (
            "view_transition",
            "view_revision",
            "add_sharelink",
            "change_sharelink",
            "view_sharelink",
        ),
        "comments": (
            "view_comment",
            "change_comment",
            "moderate_comment",
            "view_moderationlog",
            "view_term",
        ),
        # Live blogs: start and end them, post, approve, edit, pin and withdraw entries
        # (on their desks: live.services), and say whether a desk's reporters post directly.
        "live": (
            *(f"{verb}_{model}" for model in ("liveblog", "liveentry") for verb in EVERY),
            "view_liveentrylog",
            "change_desklivepolicy",
            "view_desklivepolicy",
        ),
    },
    REPORTERS: {
        "articles": (
            "add_article",
            "change_article",
            "view_article",
            "add_byline",
            "change_byline",
            "delete_byline",
            "view_byline",
            "view_desk",
            "view_author",
            "view_topic",
            "view_correction",
        ),
        "photos": ("add_photo", "change_photo", "view_photo", "view_rendition"),
        "editorial": ("view_transition", "view_revision", "add_sharelink", "view_sharelink"),
        # Post entries to their desks' live blogs (live or for approval, as the desk says).
        "live": (
            "view_liveblog",
            "add_liveentry",
            "change_liveentry",
            "view_liveentry",
            "view_liveentrylog",
            "view_desklivepolicy",
        ),
    },
    MODERATORS: {
        "articles": ("view_article",),
        "editorial": ("view_transition", "view_revision"),
        "comments": (
            "view_comment",
            "change_comment",
            "moderate_comment",
            "view_moderationlog",
            "add_term",
            "change_term",
            "delete_term",
            "view_term",
        ),
    },
}
ROLES[SITE_ADMINISTRATORS] = {
    **ROLES[EDITORS],
    "articles": (
        *ROLES[EDITORS]["articles"],
        "work_on_every_desk",
        "view_deskmembershipchange",  # with the three below: the audit log
    ),
    "comments": (*ROLES[EDITORS]["comments"], "add_term", "change_term", "delete_term"),
}


def roles_apply(*, apps=installed_apps, strict: bool = True) -> None:
    """Give each role's group exactly its rights. `strict`: a right whose model does not
    exist is an error (a data migration passes False: later models come later)."""
    for app_config in apps.get_app_configs():  # rights are made after migrate; make them now
        if getattr(app_config, "models_module", None) is None:
            app_config.models_module = True
            create_permissions(app_config, verbosity=0, apps=apps)
            app_config.models_module = None
        else:
            create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, by_app in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        rights = []
        for app_label, codenames in by_app.items():
            found = list(
                Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
            missing = set(codenames) - {p.codename for p in found}
            if strict and missing:
                raise LookupError(f"{name}: no such rights in {app_label}: {sorted(missing)}")
            rights += found
        group.permissions.set(rights)
