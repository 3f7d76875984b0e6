"""Deploy check: links in mail (unsubscribe, the queue, comments) must be HTTPS."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_site_url_is_https(app_configs, **kwargs) -> list[Warning]:
    if settings.SITE_URL.startswith("https://"):
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL!r}: links in notification emails (including the "
            "signed unsubscribe link) would not use HTTPS.",
            hint="Set SITE_URL to the site's public https:// address.",
            id="notifications.W001",
        )
    ]
