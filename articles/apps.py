from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom content"

    def ready(self) -> None:
        from articles.services import articles_showing_photo
        from photos.services import photo_shown_on

        # Articles show photos on their list cards: a photo's new renditions purge them.
        photo_shown_on(articles_showing_photo)
