import datetime
import functools
import time

from django.conf import settings
from django.http import HttpRequest
from django.utils import dateformat, timezone
from django.utils.html import escape


def site(request: HttpRequest) -> dict:
    # Imported here: settings load this module's path before the apps are ready.
    from articles.models import Desk
    from newsroom.pagecache import MESSAGES_PLACEHOLDER

    return {
        "MESSAGES_PLACEHOLDER": MESSAGES_PLACEHOLDER,
        "TODAY_PLACEHOLDER": TODAY_PLACEHOLDER,
        "YEAR_PLACEHOLDER": YEAR_PLACEHOLDER,
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_LANGUAGE": settings.SITE_LANGUAGE,
        # Lazy: one small query, and only when a template shows the navigation.
        "nav_desks": Desk.objects.only("name", "slug"),
    }


# The masthead's date and the footer's year are filled in on every response, cached page or
# not: a page kept from 23:59 must not show yesterday's date (newsroom/pagecache.py).
TODAY_PLACEHOLDER = "__NR_TODAY__"
YEAR_PLACEHOLDER = "__NR_YEAR__"


def fill_today(request: HttpRequest) -> str:
    return _day_formatted(_today(), "l j F Y")


def fill_year(request: HttpRequest) -> str:
    return _day_formatted(_today(), "Y")


_day: tuple[float, datetime.date] = (0.0, datetime.date.min)  # (valid until, the date)


def _today() -> datetime.date:
    """The site's local date, worked out again only once a minute (every page asks)."""
    global _day
    now = time.time()
    if not _day[0] - 60 <= now < _day[0]:
        _day = (now - now % 60 + 60, timezone.localdate())
    return _day[1]


@functools.lru_cache(maxsize=4)
def _day_formatted(day: datetime.date, format_string: str) -> str:
    return escape(dateformat.format(day, format_string))
