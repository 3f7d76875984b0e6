from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        # After every migrate and flush: the roles' groups with exactly their rights.
        post_migrate.connect(_apply_roles, sender=self)


def _apply_roles(using: str = "default", **kwargs) -> None:
    from core.roles import roles_apply

    if using == "default":
        roles_apply()
