"""Template helpers for the public pages: bylines, the article head's JSON-LD."""

from __future__ import annotations

from itertools import groupby

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from articles.body_render import has_embeds, render_body
from articles.editor import importmap_tag
from articles.seo import absolute_url, json_ld, news_article_schema

register = template.Library()


@register.filter
def byline_groups(bylines) -> list[tuple[str, list]]:
    """Consecutive bylines with the same role read as one phrase: "By A and B"."""
    return [
        (role_label, [byline.author for byline in group])
        for role_label, group in groupby(bylines, key=lambda b: b.get_role_display())
    ]


@register.simple_tag
def article_jsonld(article) -> SafeString:
    return json_ld(news_article_schema(article))


@register.simple_tag
def article_body(article) -> SafeString:
    """The body with its photos and embeds expanded (articles/body_render.py)."""
    return render_body(article.body_html, titles=article.embed_titles())


@register.filter(name="has_embeds")
def has_embeds_filter(body: str) -> bool:
    return has_embeds(body)


@register.simple_tag(takes_context=True)
def article_editor_importmap(context) -> SafeString:
    """The body editor's import map, with this request's CSP nonce (admin pages only: a
    public page carries nothing per reader)."""
    return importmap_tag(str(context.get("csp_nonce", "")))


@register.filter
def absolute(path: str) -> str:
    return absolute_url(path)


@register.filter
def iso(value) -> str:
    """A datetime as HTML's `datetime` attribute wants it: to the second, with its offset."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""
