"""What crawlers and link previews read: absolute URLs and the NewsArticle JSON-LD."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from photos.models import Photo

# The same escapes as Django's json_script: the JSON can never close its <script> element.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def absolute_url(path_or_url: str) -> str:
    """A full URL on the site's public address (SITE_URL), never the request's Host header."""
    return urljoin(settings.SITE_URL + "/", path_or_url)


def photo_url(photo) -> str:
    """The 16:9 crop for link previews and feeds (the original while renditions are pending)."""
    return absolute_url(photo.crop_url("16x9")) if photo and photo.image else ""


@dataclass(frozen=True)
class SocialCard:
    """What a link to the article shows when shared (Open Graph, Twitter/X cards) and what
    search reads (JSON-LD): the article's overrides where set, else its own text and photo."""

    title: str
    description: str
    photo: Photo | None

    @property
    def image_url(self) -> str:
        return photo_url(self.photo)

    @property
    def image_alt(self) -> str:
        return self.photo.alt_text if self.photo else ""


def social_card(article: Article) -> SocialCard:
    """The card for an article: the social title, description and photo when the editor set
    them, else the headline, the standfirst and the hero photo. The one home of that rule:
    the page's meta tags, its JSON-LD and the admin's preview all ask here."""
    photo = article.social_photo if article.social_photo_id else None
    if photo is None or not photo.image:
        photo = article.hero_photo if article.hero_photo_id else None
    return SocialCard(
        title=(article.social_title or "").strip() or article.headline,
        description=(article.social_description or "").strip() or article.standfirst,
        photo=photo if photo is not None and photo.image else None,
    )


def news_article_schema(article: Article) -> dict[str, Any]:
    """schema.org NewsArticle for one article (bylines, photo, desk and corrections loaded)."""
    url = absolute_url(article.get_absolute_url())
    card = social_card(article)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        # The card's title is the story's other name (the headline stays the page's own).
        **({"alternativeHeadline": card.title} if card.title != article.headline else {}),
        "description": card.description,
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
    if card.photo is not None:
        # The 16:9, 4:3 and 1:1 crops, each with creditText, creator, copyright and licence.
        data["image"] = card.photo.schema_images()
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
