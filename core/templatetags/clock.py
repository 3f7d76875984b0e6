"""`{{ value|moment }}`: every time on every page, written one way (core/clock.py).

`{% load clock %}`, then `{{ article.published_at|moment }}` ("14 March 2026, 10:42 GMT"),
or with a style: `|moment:"date"`, `"day"`, `"short"`, `"time"`.
"""

from __future__ import annotations

from django import template

from core import clock

register = template.Library()


@register.filter
def moment(value, style: str = "datetime") -> str:
    return clock.moment(value, style)
