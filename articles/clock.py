"""The newsroom's time zone, named wherever a time is shown or typed.

Every time in admin is entered and shown in TIME_ZONE, whatever the editor's computer says,
and always with the zone's name next to it, so "10:00" is never ambiguous.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def newsroom_time(value: datetime, *, with_date: bool = True) -> str:
    """ "14 March 2026, 10:42 GMT": a moment in the newsroom's zone, the zone named."""
    local = timezone.localtime(value)
    shown = f"{local:%-d %B %Y, %H:%M}" if with_date else f"{local:%H:%M}"
    return f"{shown} {local.tzname()}"


def zone_note(at: datetime | None = None) -> str:
    """ "Newsroom time: Europe/London (GMT now)": for help texts beside time fields."""
    local = timezone.localtime(at or timezone.now())
    return f"Newsroom time: {timezone.get_current_timezone_name()} ({local.tzname()} now)."
