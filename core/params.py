"""Reading numbers and text from the query string: a bad value is the visitor's mistake.

Whatever a visitor types after `?` must end as a 400 or a 404, never reach Postgres as
something it refuses: a NUL byte (no text column may hold one) or a number past a bigint
(an OFFSET or an id out of range). Views read page numbers and ids through these helpers;
`NulQueryMiddleware` turns away a NUL anywhere in the query string, which also covers the
parameters Django's own admin filters read.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest

# Deeper than anyone pages by hand (12 cards a page: 120,000 stories), and a small OFFSET.
MAX_PAGE = 10_000
MAX_ID = 2**63 - 1  # Postgres bigint, the primary keys' type


class BadParameter(BadRequest):
    """A query-string value that cannot mean anything: Django answers 400."""


def parse_page(value: object) -> int:
    """A page number, 1 to MAX_PAGE, from a query-string value; ValueError for anything else."""
    number = _whole_number(value)
    if not 1 <= number <= MAX_PAGE:
        raise ValueError(f"page {number} is out of range")
    return number


def parse_id(value: object) -> int:
    """A primary key, 1 to MAX_ID, from a query-string value; ValueError for anything else."""
    number = _whole_number(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"id {number} is out of range")
    return number


def page_number(request: HttpRequest, name: str = "page") -> int:
    """The page the visitor asked for (1 when none); a page that cannot exist is a 404."""
    value = request.GET.get(name)
    if value in (None, ""):
        return 1
    try:
        return parse_page(value)
    except ValueError:
        raise Http404("No such page") from None


def query_id(request: HttpRequest, name: str) -> int | None:
    """The id in `name` (None when absent); anything but an id is a 400."""
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    try:
        return parse_id(value)
    except ValueError:
        raise BadParameter(f"{name} must be an id") from None


def _whole_number(value: object) -> int:
    # Digits only, and few of them: int() would also take " 1", "١", "1_000" and a
    # 4,300-digit string (slowly).
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        raise ValueError(f"not a whole number: {text[:20]!r}")
    return int(text)


class NulQueryMiddleware:
    """Turn away a query string holding a NUL byte with a 400, before any view reads it.

    No parameter of ours can hold one, and Postgres refuses a string holding one with an
    error, so the admin's list filters (read by Django, not by us) would fail with a 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if ("%00" in query or "\x00" in query) and any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "A query-string parameter holds a NUL byte.", content_type="text/plain"
            )
        return self.get_response(request)
