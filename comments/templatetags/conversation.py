"""`{% show_conversation article %}`: the article page's conversation block.

Query budget: none when the article has no approved comments (the count lives on the
article), otherwise two however many there are: one page of top-level comments, then all
replies under them together with the article's editors' picks. Only approved comments are
read, and never their email.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import nh3
from crispy_forms.utils import render_crispy_form
from django import template
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from articles.templatetags.article_tags import iso
from comments.forms import CommentForm
from comments.models import Comment, Report
from comments.services import MAX_DEPTH
from core.params import parse_page

register = template.Library()

# What a public page may know about a comment: never its email, IP hash or user agent.
PUBLIC_FIELDS = ("id", "article_id", "parent_id", "name", "body", "created_at", "is_pick")
PAGE_PARAM = "cpage"
# After a post, the reader lands on `?posted=<outcome>`: a confirmation that is the same for
# everyone who sees it, so the page stays shareable by caches (the front keeps only these
# values of the parameter, see deploy/varnish/default.vcl).
POSTED_PARAM = "posted"
POSTED_MESSAGES = {
    "awaiting": "Thanks — your comment is awaiting moderation.",
    "published": "Thanks — your comment is published.",
}


# After a report: `?reported=thanks`, the same for every reporter (and kept by the front).
REPORTED_PARAM = "reported"
REPORTED_MESSAGE = "Thanks — a moderator will look at it."
# The conversation's order: `?sort=` one of these (the front keeps only these values).
SORT_PARAM = "sort"
SORTS = {
    "oldest": ("Oldest first", ("created_at", "id")),
    "newest": ("Newest first", ("-created_at", "-id")),
    "picks": ("Editors' picks first", ("-is_pick", "created_at", "id")),
}
DEFAULT_SORT = "oldest"
PICKS_SHOWN = 10


def posted_url(article: Article, *, published: bool) -> str:
    outcome = "published" if published else "awaiting"
    return f"{article.get_absolute_url()}?{POSTED_PARAM}={outcome}#leave-a-comment"


def reported_url(article: Article) -> str:
    return f"{article.get_absolute_url()}?{REPORTED_PARAM}=thanks#conversation"


def _sort(request: HttpRequest | None) -> str:
    value = request.GET.get(SORT_PARAM, "") if request else ""
    return value if value in SORTS else DEFAULT_SORT


@dataclass
class Node:
    comment: Comment
    depth: int
    replies: list[Node] = field(default_factory=list)
    datetime_attr: str = field(init=False)  # for <time datetime>, to the second
    shown_time: str = field(init=False)  # "28 November 2026, 15:21"

    def __post_init__(self) -> None:
        # Worked out here, not with the template's |date filter: that builds a formatter per
        # call, a tenth of a millisecond a comment, five on a page of fifty.
        local = timezone.localtime(self.comment.created_at)
        self.datetime_attr = iso(local)
        self.shown_time = f"{local.day} {MONTHS[local.month]} {local:%Y, %H:%M}"


def _page_number(request: HttpRequest | None) -> int:
    try:
        return parse_page(request.GET.get(PAGE_PARAM, "1")) if request else 1
    except ValueError:
        return 1  # the article page itself is there: show its first page of comments


def conversation_page(
    article: Article, page: int, sort: str = DEFAULT_SORT
) -> tuple[list[Node], bool, list[Node]]:
    """One page of top-level approved comments with their approved replies, in `sort`
    order (replies always oldest first); has_next; and the article's editors' picks."""
    per_page = settings.COMMENTS_PER_PAGE
    start = (page - 1) * per_page
    top = list(
        Comment.objects.approved()
        .filter(article=article, parent__isnull=True)
        .only(*PUBLIC_FIELDS)
        .order_by(*SORTS[sort][1])[start : start + per_page + 1]
    )
    has_next = len(top) > per_page
    top = top[:per_page]
    if not top:
        return [], has_next, []
    ids = [c.pk for c in top]
    rest = (
        Comment.objects.approved()
        # Replies whose parent is one of these threads or a reply in them, and the article's
        # picks (a partial index: a few rows). The replies are one IN (subquery) so Postgres
        # walks the primary-key and parent_id indexes: a join or an OR on the parent scanned
        # every approved comment of the article (a second on a story with 80,000 comments).
        .filter(
            Q(
                parent_id__in=Comment.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids)).values(
                    "pk"
                )
            )
            | Q(is_pick=True),
            article=article,
        )
        .only(*PUBLIC_FIELDS)
        .order_by("created_at", "id")
    )
    nodes = {c.pk: Node(c, 0) for c in top}
    picks = []
    # Oldest first means a parent always comes before its replies; a reply whose parent is
    # not approved finds no node and stays hidden, as `Comment.objects.visible()` counts it.
    for comment in rest:
        if comment.is_pick and len(picks) < PICKS_SHOWN:
            picks.append(Node(comment, 0))
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        if parent is not None and parent.depth < MAX_DEPTH and comment.pk not in nodes:
            node = Node(comment, parent.depth + 1)
            parent.replies.append(node)
            nodes[comment.pk] = node
    return [nodes[pk] for pk in ids], has_next, picks


def _page_url(request: HttpRequest | None, page: int) -> str:
    if request is None:
        return f"?{PAGE_PARAM}={page}#conversation"
    query = request.GET.copy()
    query.pop("reply_to", None)
    query.pop(POSTED_PARAM, None)
    query.pop(REPORTED_PARAM, None)
    query[PAGE_PARAM] = str(page)
    if page == 1:
        query.pop(PAGE_PARAM)
    return f"?{query.urlencode()}#conversation"


@register.inclusion_tag("comments/conversation.html", takes_context=True)
def show_conversation(context: template.Context, article: Article) -> dict:
    request = context.get("request")
    page = _page_number(request)
    sort = _sort(request)
    threads, has_next, picks = [], False, []
    if article.approved_comment_count:
        threads, has_next, picks = conversation_page(article, page, sort)
    shown = {}
    stack = list(threads)
    while stack:
        node = stack.pop()
        shown[node.comment.pk] = node
        stack.extend(node.replies)
    form = getattr(request, "comment_form", None)
    if form is None:
        reply_to = request.GET.get("reply_to", "") if request else ""
        target = shown.get(int(reply_to)) if reply_to.isdigit() else None
        initial = {"parent": target.comment.pk} if target and target.depth < MAX_DEPTH else {}
        form = CommentForm(article=article, initial=initial)
    parent_value = form["parent"].value()
    blank = not form.is_bound and not parent_value
    replying_to = shown.get(int(parent_value)) if str(parent_value or "").isdigit() else None
    base_query = request.GET.copy() if request else None
    if base_query is not None:
        base_query.pop("reply_to", None)
        base_query.pop(POSTED_PARAM, None)
        base_query.pop(REPORTED_PARAM, None)
    return {
        "article": article,
        "count": article.approved_comment_count,
        "threads": threads,
        "page": page,
        "previous_url": _page_url(request, page - 1) if page > 1 else "",
        "next_url": _page_url(request, page + 1) if has_next else "",
        "reply_query": base_query.urlencode() if base_query else "",
        "open": article.comments_open(),
        "max_depth": MAX_DEPTH,
        "form": form,
        "form_html": blank_form_html() if blank else "",
        "replying_to": replying_to.comment if replying_to else None,
        "posted_message": POSTED_MESSAGES.get(request.GET.get(POSTED_PARAM, "")) if request else "",
        "reported_message": (
            REPORTED_MESSAGE if request and request.GET.get(REPORTED_PARAM) == "thanks" else ""
        ),
        "picks": picks,
        "sort": sort,
        "sorts": [
            {
                "value": value,
                "label": label,
                "url": _sort_url(request, value),
                "current": value == sort,
            }
            for value, (label, _) in SORTS.items()
        ],
        "report_reasons": Report.Reason.choices,
    }


def _sort_url(request: HttpRequest | None, sort: str) -> str:
    """The conversation's first page in this order (the default order has no parameter)."""
    query = request.GET.copy() if request else QueryDict(mutable=True)
    for name in ("reply_to", POSTED_PARAM, REPORTED_PARAM, PAGE_PARAM, SORT_PARAM):
        query.pop(name, None)
    if sort != DEFAULT_SORT:
        query[SORT_PARAM] = sort
    encoded = query.urlencode()
    return f"?{encoded}#conversation" if encoded else "?#conversation"


@functools.cache
def blank_form_html() -> SafeString:
    """The empty comment form, rendered once per process: crispy-forms is slow to render
    it, and it is the same for every article and reader."""
    form = CommentForm(article=None)
    return render_crispy_form(form, helper=form.helper)


@register.filter
@functools.lru_cache(maxsize=4096)
def comment_body(text: str) -> SafeString:
    """Escaped text with its links made clickable, marked as user content for crawlers.

    Remembered per process: urlize and nh3 are the costliest part of showing a comment, a
    popular article shows the same fifty to every reader, and the result depends on the
    text alone.
    """
    linked = urlize(text, nofollow=False, autoescape=True)
    cleaned = nh3.clean(
        linked,
        tags={"a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just allowed only <a href> through
