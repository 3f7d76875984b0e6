"""Public reads: thin class-based views over `Article.objects.published()`.

Every public page is tagged with the surrogate keys of what it shows (`core.pagecache`),
so an edit purges exactly the pages it changes:

- `article-<pk>`: the article page (`Article.cache_keys()`),
- `list-all`: the site-wide lists of cards (home, the site feed, sitemaps, corrections),
- `list-desk-<pk>`, `list-author-<pk>`, `list-topic-<pk>`: that desk's, author's or topic's
  page and feed (`articles.models.listing_keys` says which lists an article is on),
- `desk-<pk>`, `author-<pk>`, `topic-<pk>`, `photo-<pk>`: pages showing that object's own
  fields (the desk's about text under an article, a byline's name, a photo's credit),
- `home`: the front page's own choices (breaking banner, top stories),
- `desks`: every page, for the navigation.
"""

from __future__ import annotations

import functools
from collections import OrderedDict

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView

from articles import selectors
from articles.body_render import body_photo_ids
from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    Desk,
    SiteKeys,
    Topic,
    address_date,
    mark_withdrawn,
)
from articles.search import search_articles
from articles.seo import social_card
from core.pagecache import tag_response
from core.params import parse_page
from photos.models import Photo

LATEST_PER_DESK = 3  # one row of cards beside the desk's name
TOP_STORIES = 5
PAGE_SIZE = 12


class CountingPaginator(Paginator):
    """Counts with the page's own query (COUNT(*) OVER ()), one round trip fewer per page.

    Window functions run before LIMIT/OFFSET, so every row of the page carries the total.
    """

    def page(self, number):
        number = self.validate_number_format(number)
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(total_count=Window(Count("pk")))[
                bottom : bottom + self.per_page
            ]
        )
        if rows:
            self.__dict__["count"] = rows[0].total_count
        elif number == 1 and self.allow_empty_first_page:
            self.__dict__["count"] = 0
        else:
            raise EmptyPage("That page contains no results")
        return self._get_page(rows, number, self)

    def validate_number_format(self, number) -> int:
        try:
            return parse_page(number)
        except ValueError:
            # Past the last page it is EmptyPage too: the view answers 404 either way, and
            # the number never reaches the database as an OFFSET out of a bigint's range.
            raise EmptyPage("No such page") from None


def cards(queryset):
    """Published articles as cards: desk, hero photo and bylines in a fixed number of queries."""
    return queryset.published().for_listing().defer("body", "search_vector")


def tagged(view, keys: list[str]):
    """Tag a function view's responses (e.g. Django's sitemap view) for the page cache."""

    @functools.wraps(view)
    def tagged_view(request, *args, **kwargs):
        return tag_response(view(request, *args, **kwargs), keys)

    return tagged_view


class TaggedMixin:
    """Tag the response with surrogate keys so the page cache can store and purge it."""

    def cache_keys(self) -> list[str]:
        return [SiteKeys.ALL_LISTS, SiteKeys.DESKS]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        return tag_response(response, self.cache_keys())


class HomeView(TaggedMixin, TemplateView):
    template_name = "articles/home.html"

    def cache_keys(self) -> list[str]:
        return [SiteKeys.HOME, SiteKeys.ALL_LISTS, SiteKeys.DESKS]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        # The whole front page in one query: per desk, its top stories in the editors' order
        # and its newest other stories, numbered by a window function and cut to size.
        top_order = Case(When(is_top_story=True, then=F("top_story_order")), default=Value(0))
        rows = list(
            cards(Article.objects.all())
            .annotate(
                desk_rank=Window(
                    RowNumber(),
                    partition_by=[F("desk_id"), F("is_top_story")],
                    order_by=[top_order.asc(), F("published_at").desc(), F("id").desc()],
                )
            )
            .filter(desk_rank__lte=max(TOP_STORIES, LATEST_PER_DESK))
            .order_by("desk__order", "desk__name", "-published_at", "-id")
        )
        top = sorted(
            (a for a in rows if a.is_top_story),
            key=lambda a: (a.top_story_order, -a.published_at.timestamp(), -a.pk),
        )[:TOP_STORIES]
        if not top:  # no curated front page yet: lead with the newest stories
            top = sorted(rows, key=lambda a: (a.published_at, a.pk), reverse=True)[:3]
        shown = {a.pk for a in top}
        by_desk: OrderedDict[Desk, list[Article]] = OrderedDict()
        for article in rows:  # newest first within each desk, so no story shows twice
            desk_articles = by_desk.setdefault(article.desk, [])
            if article.pk not in shown and len(desk_articles) < LATEST_PER_DESK:
                desk_articles.append(article)
        by_desk = OrderedDict((desk, items) for desk, items in by_desk.items() if items)
        context.update(
            breaking=Article.objects.breaking(now)
            .select_related("desk")
            .only("headline", "slug", "published_at", "created_at", "desk__slug", "desk__name")
            .order_by("-published_at")
            .first(),
            lead=top[0] if top else None,
            top_stories=top[1:],
            desks=by_desk.items(),
        )
        return context


class ArticleListView(TaggedMixin, ListView):
    """A paginated list of cards under a header: desk, author and topic pages."""

    paginate_by = PAGE_SIZE
    paginator_class = CountingPaginator
    context_object_name = "articles"

    def get(self, request, *args, **kwargs):
        self.subject = self.get_subject()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, **kwargs)


class DeskView(ArticleListView):
    template_name = "articles/desk_detail.html"

    def get_subject(self) -> Desk:
        return get_object_or_404(Desk, slug=self.kwargs["desk"])

    def get_queryset(self):
        return cards(self.subject.articles.all())

    def get_context_data(self, **kwargs):
        return super().get_context_data(current_desk=self.subject.slug, **kwargs)

    def cache_keys(self) -> list[str]:
        return [self.subject.page_key, self.subject.list_key, SiteKeys.DESKS]


class AuthorView(ArticleListView):
    template_name = "articles/author_detail.html"

    def get_subject(self) -> Author:
        return get_object_or_404(Author.objects.defer("email"), slug=self.kwargs["slug"])

    def get_queryset(self):
        return cards(Article.objects.filter(bylines__author=self.subject))

    def cache_keys(self) -> list[str]:
        return [self.subject.page_key, self.subject.list_key, SiteKeys.DESKS]


class TopicView(ArticleListView):
    template_name = "articles/topic_detail.html"

    def get_subject(self) -> Topic:
        return get_object_or_404(Topic, slug=self.kwargs["slug"])

    def get_queryset(self):
        return cards(self.subject.articles.all())

    def cache_keys(self) -> list[str]:
        return [self.subject.page_key, self.subject.list_key, SiteKeys.DESKS]


class SearchView(ListView):
    """Not page-cached: every query string would be a new page in the cache."""

    template_name = "articles/search.html"
    paginate_by = PAGE_SIZE
    paginator_class = CountingPaginator
    context_object_name = "articles"

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:200]
        return search_articles(cards(Article.objects.all()), self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


def article_page_keys(article: Article) -> list[str]:
    keys = [article.page_key, Desk.page_key_for(article.desk_id), SiteKeys.DESKS]
    keys += [Author.page_key_for(byline.author_id) for byline in article.bylines.all()]
    keys += [topic.page_key for topic in article.topics.all()]
    if article.hero_photo_id:
        keys.append(Photo.page_key_for(article.hero_photo_id))
    if article.social_photo_id:
        keys.append(Photo.page_key_for(article.social_photo_id))  # the page's og:image
    # The photos in its text: a new crop or credit shows at once there too.
    keys += [Photo.page_key_for(pk) for pk in body_photo_ids(article.body_html)]
    return keys


def with_page_data(articles):
    """Everything the article page shows, in a fixed number of queries."""
    return (
        articles.select_related("desk")
        .defer("search_vector")
        .with_related()
        .with_page_photos()
        .prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            Prefetch("topics", queryset=Topic.objects.only("name", "slug")),
            Prefetch("corrections", queryset=Correction.objects.all()),
        )
    )


class ArticleView(DetailView):
    """The article page at its canonical URL; staff also see unpublished ones, marked Preview."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        articles = Article.objects.published()
        user = self.request.user
        if user.is_authenticated:
            # Staff preview what the admin shows them, by the same rule (author, desk, role).
            articles = Article.objects.filter(
                Q(pk__in=articles.values("pk"))
                | Q(pk__in=selectors.articles_visible_to(user=user).values("pk"))
            )
        return with_page_data(articles)

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            if not self._withdrawn_here():
                raise
            # Readers (and crawlers) are told the story was taken down, not that it never
            # was; the reason stays in the staff's log. Not a shared page: no surrogate keys,
            # and the front keeps a 410 for seconds only, so a republish shows at once.
            return render(request, "articles/article_withdrawn.html", status=410)
        canonical = self.object.get_absolute_url()
        # An old link from before its publication time moved. (The comment view renders this
        # page at .../comments/ to show a form's errors: that is not an old link.)
        if request.path not in (canonical, f"{canonical}comments/"):
            return HttpResponsePermanentRedirect(canonical)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_object(self, queryset=None):
        return self._find_object().use_page_rows()

    def _find_object(self) -> Article:
        day = address_date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        if day is None:
            raise Http404("No such date")
        desk, slug = self.kwargs["desk"], self.kwargs["slug"]
        article = self.get_queryset().at_address(desk=desk, day=day, slug=slug)
        if article is not None:
            return article
        # No article is at this address now: one that had it before (its desk, slug or date
        # changed since) is sent to, newest move first; get() redirects.
        moved = self.get_queryset().filter(
            old_addresses__desk_slug=desk, old_addresses__slug=slug, old_addresses__day=day
        )
        article = moved.order_by("-old_addresses__created_at", "-old_addresses__id").first()
        if article is not None:
            return article
        candidates = list(self.get_queryset().filter(desk__slug=desk, slug=slug)[:2])
        if len(candidates) == 1:  # the same story at another date: get() redirects to it
            return candidates[0]
        raise Http404("No article at this address")

    def _withdrawn_here(self) -> bool:
        """Whether an article that was public at this address has been unpublished."""
        day = address_date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        if day is None:
            return False
        unpublished = Article.objects.filter(
            status=Article.Status.UNPUBLISHED, published_at__isnull=False
        )
        found = unpublished.at_address(desk=self.kwargs["desk"], day=day, slug=self.kwargs["slug"])
        return found is not None

    def get_context_data(self, **kwargs):
        now = timezone.now()
        article = self.object
        return super().get_context_data(
            now=now,
            corrections=mark_withdrawn(article.corrections.all()),
            preview=not article.is_public(now),
            breaking=article.is_breaking_now(now),
            current_desk=article.desk.slug,
            related=article.related_stories(),
            card=social_card(article),
            **kwargs,
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        article = self.object
        if context["preview"]:
            # A preview: never indexed, never stored by any cache (no surrogate keys, so the
            # page cache passes it by), and a share link's address never leaks as a Referer.
            response.headers["X-Robots-Tag"] = "noindex, nofollow"
            response.headers["Cache-Control"] = "private, no-store"
            response.headers["Referrer-Policy"] = "no-referrer"
            return response
        # The related stories' own changes (a new headline, unpublished) purge this page too.
        related = [story.page_key for story in context.get("related", [])]
        return tag_response(response, [*article_page_keys(article), *related])


class CorrectionsView(TaggedMixin, ListView):
    """Every correction and update on public articles, newest first."""

    template_name = "articles/corrections.html"
    paginate_by = 30
    paginator_class = CountingPaginator
    context_object_name = "corrections"

    def get_queryset(self):
        return (
            Correction.objects.filter(article__in=Article.objects.published().values("pk"))
            .select_related("article__desk", "withdraws")
            .annotate(is_withdrawn=Exists(Correction.objects.filter(withdraws=OuterRef("pk"))))
            .only(
                "kind",
                "text",
                "created_at",
                "withdraws__kind",
                "withdraws__created_at",
                "article__headline",
                "article__slug",
                "article__published_at",
                "article__created_at",
                "article__desk__slug",
                "article__desk__name",
            )
            .order_by("-created_at", "-id")
        )
