import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

from newsroom.pagefront import PageCacheFront  # noqa: E402 - needs the settings module

# Cached pages this process has served are answered before Django's handler runs.
application = PageCacheFront(get_wsgi_application())
