"""The newsroom's roles: each group's rights, stated once (DESIGN.md, "Roles").

Editors: everything on articles, desks, authors, photos; publish; moderate comments.
Reporters: write and edit their own drafts, submit for review; never publish.
Moderators: read articles, moderate comments, keep the word lists; nothing else.
What a role may do to one object (whose it is, which desk, whether readers see it) is the
services' business (articles/services.py, editorial/services.py); this module only says
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

ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    "Editors": {
        "articles": (
            *(f"{verb}_{model}" for model in CONTENT for verb in EVERY),
            "publish_article",
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
    },
    "Reporters": {
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
    },
    "Moderators": {
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
