"""RSS feeds (Django syndication): the whole site, one desk, one author.

Items carry Media RSS (`media:content` with `media:credit`), so feed readers that show the
hero photo show whose photo it is.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Rss201rev2Feed

from articles.models import Article, Author, Desk
from articles.seo import absolute_url, photo_url
from articles.views import cards
from core.pagecache import tag_response
from core.text import without_control_characters

FEED_SIZE = 30


def xml_safe(value):
    """The value with control characters dropped from its text, nested lists and dicts too:
    the admin refuses them now, but a row stored before (or by a path that skips the forms)
    must not make XML 1.0 unwritable and the feed a 500."""
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, (list, tuple)):
        return type(value)(xml_safe(item) for item in value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    return value


class MediaRssFeed(Rss201rev2Feed):
    def __init__(self, **kwargs) -> None:
        super().__init__(**xml_safe(kwargs))

    def add_item(self, **kwargs) -> None:
        super().add_item(**xml_safe(kwargs))

    def rss_attributes(self) -> dict[str, str]:
        return super().rss_attributes() | {"xmlns:media": "http://search.yahoo.com/mrss/"}

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        media = item.get("media")
        if not media:
            return
        attrs = {"url": media["url"], "medium": "image"}
        if media["width"]:
            attrs |= {"width": str(media["width"]), "height": str(media["height"])}
        handler.startElement("media:content", attrs)
        handler.addQuickElement("media:description", media["description"])
        if media["credit"]:
            handler.addQuickElement("media:credit", media["credit"], {"role": "photographer"})
        handler.endElement("media:content")


class ArticleFeed(Feed):
    feed_type = MediaRssFeed

    def __call__(self, request, *args, **kwargs):
        # Cacheable like the pages, purged with the list of cards it carries.
        response = super().__call__(request, *args, **kwargs)
        return tag_response(response, request.feed_cache_keys)

    def get_feed(self, obj, request):
        # Only here does a feed know its desk or author; a feed object serves every request.
        request.feed_cache_keys = self.cache_keys(obj)
        return super().get_feed(obj, request)

    def cache_keys(self, obj) -> list[str]:
        return ["list-all"]

    def articles(self, obj):
        raise NotImplementedError

    def items(self, obj=None):
        return self.articles(obj).prefetch_related("topics")[:FEED_SIZE]

    def item_title(self, item: Article) -> str:
        return item.headline

    def item_description(self, item: Article) -> str:
        return item.standfirst

    def item_link(self, item: Article) -> str:
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item: Article) -> str:
        return self.item_link(item)

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_at or item.published_at

    def item_author_name(self, item: Article) -> str:
        return ", ".join(byline.author.name for byline in item.bylines.all())

    def item_author_link(self, item: Article) -> str | None:
        bylines = item.bylines.all()
        return absolute_url(bylines[0].author.get_absolute_url()) if bylines else None

    def item_categories(self, item: Article) -> list[str]:
        return [item.desk.name, *(topic.name for topic in item.topics.all())]

    def item_extra_kwargs(self, item: Article) -> dict:
        photo = item.hero_photo
        if not (photo and photo.image):
            return {}
        return {
            "media": {
                "url": photo_url(photo),
                "width": crop.width if (crop := photo.crop("16x9")) else photo.width,
                "height": crop.height if crop else photo.height,
                "description": photo.caption or photo.alt_text,
                "credit": photo.credit_name,
            }
        }


class LatestFeed(ArticleFeed):
    def title(self) -> str:
        return settings.SITE_NAME

    def description(self) -> str:
        return f"The latest from {settings.SITE_NAME}."

    def link(self) -> str:
        return absolute_url("/")

    def feed_url(self) -> str:
        return absolute_url("/feed/")

    def articles(self, obj):
        return cards(Article.objects.all())


class DeskFeed(ArticleFeed):
    def get_object(self, request, desk: str) -> Desk:
        return get_object_or_404(Desk, slug=desk)

    def title(self, obj: Desk) -> str:
        return f"{obj.title} · {settings.SITE_NAME}"

    def description(self, obj: Desk) -> str:
        return obj.about or f"The latest from {obj.title}."

    def link(self, obj: Desk) -> str:
        return absolute_url(obj.get_absolute_url())

    def feed_url(self, obj: Desk) -> str:
        return absolute_url(f"{obj.get_absolute_url()}feed/")

    def articles(self, obj: Desk):
        return cards(obj.articles.all())

    def cache_keys(self, obj: Desk) -> list[str]:
        return [obj.page_key, obj.list_key]


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug: str) -> Author:
        return get_object_or_404(Author.objects.defer("email"), slug=slug)

    def title(self, obj: Author) -> str:
        return f"{obj.name} · {settings.SITE_NAME}"

    def description(self, obj: Author) -> str:
        return f"The latest by {obj.name}."

    def link(self, obj: Author) -> str:
        return absolute_url(obj.get_absolute_url())

    def feed_url(self, obj: Author) -> str:
        return absolute_url(f"{obj.get_absolute_url()}feed/")

    def articles(self, obj: Author):
        return cards(Article.objects.filter(bylines__author=obj))

    def cache_keys(self, obj: Author) -> list[str]:
        return [obj.page_key, obj.list_key]
