from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo newsroom (`manage.py loaddemo`). Installed by default so production images
    can load it too; nothing imports it, so leaving it out of INSTALLED_APPS is enough."""

    name = "demo"
    verbose_name = "Demo newsroom"
