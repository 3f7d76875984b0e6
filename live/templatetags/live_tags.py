"""Template helpers for live blogs: the cards' LIVE badge and the blog's JSON-LD."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from articles.seo import json_ld
from live.selectors import running_article_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def live_badge(context, article) -> SafeString | str:
    """ "LIVE" on a card while the article's live blog runs. The running blogs are read once
    per request (kept on it), however many cards the page shows."""
    request = context.get("request")
    ids = getattr(request, "_running_live_articles", None)
    if ids is None:
        ids = running_article_ids()
        if request is not None:
            request._running_live_articles = ids
    if article.pk in ids:
        return mark_safe('<span class="flag flag--live">Live</span> ')
    return ""


@register.simple_tag
def live_jsonld(data) -> SafeString:
    return json_ld(data)
