from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    # Imported here: settings load this module's path before the apps are ready.
    from articles.models import Desk

    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_LANGUAGE": settings.SITE_LANGUAGE,
        # Lazy: one small query, and only when a template shows the navigation.
        "nav_desks": Desk.objects.only("name", "slug"),
    }
