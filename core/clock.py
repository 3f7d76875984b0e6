"""The newsroom's clock: how a moment is written, on public pages and in admin alike.

Every time is shown in TIME_ZONE, whatever the reader's or the editor's computer says, 24-hour
and with the zone's name next to it, so "10:00" is never ambiguous: "14 March 2026, 10:42 GMT".
`moment` is the one way to write it (templates use it as the `moment` filter of the `clock`
library); times in admin are entered in the same zone.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS

# What `moment` writes for each style, for 14 March 2026 at 10:42 in London.
STYLES = {
    "datetime": "14 March 2026, 10:42 GMT",
    "date": "14 March 2026",
    "day": "Saturday 14 March 2026",
    "short": "14 Mar 2026",
    "brief": "14 Mar, 10:42",  # admin lists, for a moment of the current year
    "time": "10:42 GMT",
}


def moment(value: datetime | date | None, style: str = "datetime") -> str:
    """A moment (or a day) as the newsroom writes it; "" for none. Written with f-strings,
    not Django's `date` formatter, which is built anew for every value: a page of comments
    writes a time for each."""
    if value is None or value == "":
        return ""
    if style not in STYLES:
        raise ValueError(f"unknown time style {style!r}: one of {', '.join(STYLES)}")
    local = timezone.localtime(value) if isinstance(value, datetime) else value
    day = f"{local.day} {MONTHS[local.month]} {local.year}"
    if style == "date":
        return day
    if style == "day":
        return f"{WEEKDAYS[local.weekday()]} {day}"
    if style == "short":
        return f"{local.day} {MONTHS_3[local.month].title()} {local.year}"
    if style == "brief":
        return f"{local.day} {MONTHS_3[local.month].title()}, {local:%H:%M}"
    time = f"{local:%H:%M} {local.tzname()}"
    return time if style == "time" else f"{day}, {time}"


def newsroom_time(value: datetime, *, with_date: bool = True) -> str:
    """ "14 March 2026, 10:42 GMT", or "10:42 GMT" without the date: for messages."""
    return moment(value, "datetime" if with_date else "time")


def zone_note(at: datetime | None = None) -> str:
    """ "Newsroom time: Europe/London (GMT now)": for help texts beside time fields."""
    local = timezone.localtime(at or timezone.now())
    return f"Newsroom time: {timezone.get_current_timezone_name()} ({local.tzname()} now)."
