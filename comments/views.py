"""Posting a comment, and the site's own page for a failed CSRF check.

The comment form lives on shared-cached article pages, so posting needs no cookie and no
token: `same_site_posts_only` refuses posts made by other sites (core/crosssite.py), and
this view never reads the session or the user. The reader's confirmation is a page address
(`?posted=awaiting`), the same for everyone who gets it, so it can be cached too.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import resolve
from django.views.decorators.http import require_POST

from articles.models import Article, address_date
from comments import services
from comments.forms import CommentForm, ReportForm
from comments.models import Comment
from comments.templatetags.conversation import posted_url, reported_url
from core.client import client_key
from core.crosssite import same_site_posts_only


def _public_article(desk: str, year: str, month: str, day: str, slug: str) -> Article:
    """The public article at this address, as the article page finds it; else 404."""
    date = address_date(year, month, day)
    article = None
    if date is not None:
        article = (
            Article.objects.published()
            .select_related("desk")
            # A comment needs the article's address and rules, not its text: the body, its
            # HTML and the search vector were most of this query's cost in a comment flood.
            .defer("body", "body_html", "search_vector")
            .at_address(desk=desk, day=date, slug=slug)
        )
    if article is None:
        raise Http404("No article at this address")
    return article


def _article_page(request: HttpRequest, article: Article, form: CommentForm, status: int):
    """The article page itself (the articles app's view), with this bound form and status.

    The conversation tag picks the form up from the request."""
    # Land the reader on what needs fixing: the page is long and the form is at its foot.
    first_bad = next((name for name in ("name", "email", "body") if name in form.errors), "body")
    form.fields[first_bad].widget.attrs["autofocus"] = True
    request.comment_form = form
    match = resolve(article.get_absolute_url())
    request.method = "GET"  # render the page as it is read, then restore the truth
    try:
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render"):
            response.render()
    finally:
        request.method = "POST"
    response.status_code = status
    return response


@same_site_posts_only
@require_POST
def comment_post(request: HttpRequest, **address: str) -> HttpResponse:
    # Judged by its declared length, before the body is read: a bigger one cannot be a
    # comment, and reading it would parse (and spool to disk) whatever it carries.
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > settings.COMMENTS_MAX_REQUEST_BYTES:
        return HttpResponse(
            "Too large to be a comment: comments can be at most 5,000 characters.",
            status=413,
            content_type="text/plain; charset=utf-8",
        )
    article = _public_article(**address)
    if not article.comments_open():
        return render(request, "comments/comments_closed.html", {"article": article}, status=403)
    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        return _article_page(request, article, form, status=400)
    data = form.cleaned_data
    result = services.comment_submit(
        submission=services.Submission(
            article=article,
            parent=data["parent"],
            name=data["name"],
            email=data["email"],
            body=data["body"],
            honeypot=data["website"],
            ip=client_key(request),
            user_agent=request.headers.get("User-Agent", ""),
            notify_on_publish=data["notify_on_publish"],
            notify_on_reply=data["notify_on_reply"],
        )
    )
    if result.rejected:
        form.add_error(None, result.message)
        status = {services.Rejection.RATE: 429, services.Rejection.RATE_UNAVAILABLE: 503}.get(
            result.rejected, 400
        )
        response = _article_page(request, article, form, status=status)
        if status == 503:
            response["Retry-After"] = "120"
        return response
    # Stored, stored before (a double submit), or quietly caught as spam: the poster is told
    # the same thing, so neither robots nor people learn which rule caught them.
    published = result.comment.status == result.comment.Status.APPROVED and not result.duplicate
    response = HttpResponseRedirect(posted_url(article, published=published))
    response.status_code = 303  # See Other: the browser GETs the article page
    return response


@same_site_posts_only
@require_POST
def comment_report(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A reader reports a published comment: 303 back to a cacheable "thanks" page.

    Like the comment form, it needs no token or cookie (the form is on shared pages) and
    never reads the session; a repeated report from the same client is thanked the same
    way, and counts once."""
    comment = (
        Comment.objects.approved()
        .filter(pk=comment_id, article__in=Article.objects.published())
        .select_related("article__desk")
        .defer("article__body", "article__body_html", "article__search_vector")
        .first()
    )
    if comment is None:
        raise Http404("No published comment with this id")
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(
            request, "comments/report_error.html", {"form": form, "comment": comment}, status=400
        )
    outcome = services.comment_report(
        comment_id=comment.pk,
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"],
        ip=client_key(request),
    )
    if outcome == services.ReportOutcome.GONE:
        raise Http404("No published comment with this id")
    if outcome == services.ReportOutcome.RATE:
        form.add_error(None, "You have sent many reports today. Please try again tomorrow.")
        return render(
            request, "comments/report_error.html", {"form": form, "comment": comment}, status=429
        )
    response = HttpResponseRedirect(reported_url(comment.article))
    response.status_code = 303
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A friendly 403 in the site's own clothes when a form's CSRF check fails."""
    cookie_missing = "cookie" in reason.lower()
    return render(request, "403_csrf.html", {"cookie_missing": cookie_missing}, status=403)
