"""One way to write a moment everywhere in admin: "2 December 2026, 16:06 GMT", 24-hour with
the zone named, as `articles.clock.newsroom_time` writes it on the workflow's pages (Django's
en-GB default, "4:06 p.m.", sat beside it). Only these display formats change; the rest
(input formats, the first day of the week) stay Django's en-GB."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i T"
DATETIME_FORMAT = "j F Y, H:i T"
SHORT_DATETIME_FORMAT = "d/m/Y H:i T"
