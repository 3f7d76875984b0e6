from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom content"

    def ready(self) -> None:
        from articles.selectors import articles_showing_photo
        from photos.models import photo_shown_on

        # Articles show photos on their list cards: a photo's new renditions purge them.
        photo_shown_on(articles_showing_photo)

        # The invitation mail's link is made when the outbox sends it (articles/staff.py).
        from articles import staff  # noqa: F401
