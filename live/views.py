"""The live blog for readers.

- The article's own address shows the blog when the article has one (`LiveArticleView`,
  the article page with the entries, newest first, `?page=N` for older ones, and the key
  events on top); any other article is shown exactly as articles.views.ArticleView does.
- `…/entries/<id>/`: an entry's permalink, redirecting to the page that holds it now,
  anchored at the entry (a `#fragment` alone never reaches the server).
- `/live/<blog>/poll.json`: the one URL every reader's page polls. The same bytes for
  everyone (no per-reader parameter), `max-age=0` to browsers, kept by the front until an
  entry changes (each change hard-purges it with the page, key `live-<blog>`).
- `/live/<blog>/entries/<id>/`: one entry's HTML, fetched by the script for each new one,
  kept by the front until that entry changes (key `live-entry-<id>`).
- `/live/<blog>/feed/`: RSS of the entries.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import EmptyPage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import strip_tags

from articles.feeds import MediaRssFeed
from articles.models import Article
from articles.seo import absolute_url
from articles.views import ArticleView, CountingPaginator
from core.pagecache import tag_response
from live import selectors
from live.models import LiveBlog, LiveEntry
from live.seo import live_blog_schema


class LiveArticleView(ArticleView):
    """The article page, as a live blog when the article is one."""

    def get_queryset(self):
        return super().get_queryset().select_related("live_blog")

    def blog(self) -> LiveBlog | None:
        return getattr(self.object, "live_blog", None)

    def get_template_names(self) -> list[str]:
        if self.blog() is not None:
            return ["live/article_live.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        blog = self.blog()
        if blog is None:
            return context
        blog.article = self.object  # loaded with its desk, bylines and photo already
        page_size = settings.LIVE_PAGE_SIZE
        paginator = CountingPaginator(selectors.shown_entries(blog), page_size)
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except EmptyPage:
            raise Http404("No such page of this live blog") from None
        entries = selectors.with_html(list(page.object_list))
        for entry in entries:
            entry.blog = blog
        schema_updates = entries[: selectors.SCHEMA_UPDATES] if page.number == 1 else []
        running = blog.is_running(context["now"])
        context.update(
            blog=blog,
            running=running,
            entries=entries,
            page_obj=page,
            key_events=selectors.key_events(blog),  # each knows its blog: no query
            live_schema=live_blog_schema(blog, schema_updates),
            poll_seconds=settings.LIVE_POLL_SECONDS,
        )
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        blog = context.get("blog")
        keys = getattr(response, "surrogate_keys", None)
        if blog is not None and keys is not None:  # a public page (a preview has none)
            extra = [blog.page_key, *selectors.entry_page_keys(context["entries"])]
            tag_response(response, [*keys, *extra])
        return response


def _public_blog(blog_id: int) -> LiveBlog:
    return get_object_or_404(LiveBlog.objects.public().select_related("article__desk"), pk=blog_id)


def entry_permalink(request: HttpRequest, entry_id: int, **address) -> HttpResponse:
    """Where an entry is now: the blog's page holding it, anchored at it. A redirect that
    is never kept (the page an entry is on moves as newer ones arrive)."""
    entry = get_object_or_404(
        LiveEntry.objects.shown().select_related("blog__article__desk"),
        pk=entry_id,
        blog__in=LiveBlog.objects.public(),
    )
    page = selectors.entry_page(entry, page_size=settings.LIVE_PAGE_SIZE)
    url = entry.blog.article.get_absolute_url()
    if page > 1:
        url += f"?page={page}"
    return redirect(f"{url}#{entry.anchor}")


def poll(request: HttpRequest, blog_id: int) -> HttpResponse:
    blog = _public_blog(blog_id)
    body = json.dumps(selectors.poll_payload(blog), separators=(",", ":"))
    response = HttpResponse(body, content_type="application/json")
    response.headers["X-Robots-Tag"] = "noindex"
    return tag_response(response, [blog.page_key, Article.page_key_for(blog.article_id)])


def entry_fragment(request: HttpRequest, blog_id: int, entry_id: int) -> HttpResponse:
    blog = _public_blog(blog_id)
    entry = get_object_or_404(selectors.shown_entries(blog), pk=entry_id)
    entry.blog = blog
    selectors.with_html([entry])
    response = render(request, "live/entry.html", {"entry": entry, "blog": blog})
    response.headers["X-Robots-Tag"] = "noindex"
    keys = [entry.page_key, Article.page_key_for(blog.article_id)]
    keys += selectors.entry_page_keys([entry])
    return tag_response(response, keys)


class LiveBlogFeed(Feed):
    """The blog's entries as RSS, newest first; purged with the blog."""

    feed_type = MediaRssFeed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        blog = request.live_blog
        return tag_response(response, [blog.page_key, Article.page_key_for(blog.article_id)])

    def get_object(self, request, blog_id: int) -> LiveBlog:
        request.live_blog = _public_blog(blog_id)
        return request.live_blog

    def title(self, blog: LiveBlog) -> str:
        return f"Live: {blog.article.headline} · {settings.SITE_NAME}"

    def link(self, blog: LiveBlog) -> str:
        return blog.article.get_absolute_url()

    def description(self, blog: LiveBlog) -> str:
        return blog.article.standfirst

    def items(self, blog: LiveBlog):
        entries = list(selectors.shown_entries(blog)[: selectors.POLL_SIZE])
        for entry in entries:
            entry.blog = blog
        return entries

    def item_title(self, entry: LiveEntry) -> str:
        return selectors.entry_summary(entry, words=12)

    def item_description(self, entry: LiveEntry) -> str:
        return strip_tags(entry.body)

    def item_link(self, entry: LiveEntry) -> str:
        return absolute_url(entry.get_absolute_url())

    def item_pubdate(self, entry: LiveEntry):
        return entry.published_at

    def item_updateddate(self, entry: LiveEntry):
        return entry.edited_at

    def item_author_name(self, entry: LiveEntry) -> str:
        return ", ".join(author.name for author in entry.authors.all())
