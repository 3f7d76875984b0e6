"""What crawlers and link previews read: absolute URLs and the NewsArticle JSON-LD."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article

# The same escapes as Django's json_script: the JSON can never close its <script> element.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def absolute_url(path_or_url: str) -> str:
    """A full URL on the site's public address (SITE_URL), never the request's Host header."""
    return urljoin(settings.SITE_URL + "/", path_or_url)


def photo_url(photo) -> str:
    """The 16:9 crop for link previews and feeds (the original while renditions are pending)."""
    return absolute_url(photo.crop_url("16x9")) if photo and photo.image else ""


def news_article_schema(article: Article) -> dict[str, Any]:
    """schema.org NewsArticle for one article (bylines, photo, desk and corrections loaded)."""
    url = absolute_url(article.get_absolute_url())
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article.standfirst,
        "articleSection": article.desk.name,
        "datePublished": article.published_at,
        "dateModified": article.updated_at or article.published_at,
        "author": [
            {
                "@type": "Person",
                "name": byline.author.name,
                "url": absolute_url(byline.author.get_absolute_url()),
                **({"jobTitle": byline.author.job_title} if byline.author.job_title else {}),
            }
            for byline in article.bylines.all()
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.SITE_NAME,
            "url": absolute_url("/"),
        },
        "isAccessibleForFree": True,
        "inLanguage": settings.SITE_LANGUAGE,
    }
    photo = article.hero_photo
    if photo and photo.image:
        # The 16:9, 4:3 and 1:1 crops, each with creditText, creator, copyright and licence.
        data["image"] = photo.schema_images()
    corrections = list(article.corrections.all())
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"{correction.get_kind_display()}: {correction.reader_text()}",
                "datePublished": correction.created_at,
            }
            for correction in corrections
        ]
    return data


def json_ld(data: dict[str, Any]) -> SafeString:
    """JSON safe to place inside <script type="application/ld+json">."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 - <, >, & escaped above
