from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom content"

    def ready(self) -> None:
        # The invitation mail's link is made when the outbox sends it (articles/staff.py).
        from articles import staff  # noqa: F401
