"""The moderators' queue: held comments oldest first, a POST per decision, and bulk decisions.

Views stay thin: the decisions are `comments.services.comment_moderate(_many)`, the same
functions the admin's actions call. Pages are built for speed of clearing: one query for
the page (with each commenter's history as subqueries), one for the counts per status, read
from the tallies the services keep rather than counted (a million comments).
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince
from django.views.decorators.http import require_GET, require_POST

from articles.models import Desk
from comments import selectors, services
from comments.forms import BulkDecisionForm, DecisionForm, QueueFilterForm, UndoForm
from comments.models import Comment, HeldReason, Report

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def moderator_required(view: Callable) -> Callable:
    """Anonymous visitors go to the login page; signed-in people without the right get 403."""
    return login_required(
        permission_required("comments.moderate_comment", raise_exception=True)(view)
    )


def _cursor(comment: Comment) -> str:
    micros = (comment.created_at - EPOCH) // datetime.timedelta(microseconds=1)
    return f"{micros}-{comment.pk}"


def _after(queryset: QuerySet, cursor: str, *, ascending: bool) -> QuerySet:
    """Keyset pagination on (created_at, id): as fast on page 1,000 as on page 1."""
    micros, pk = (int(part) for part in cursor.split("-"))
    at = EPOCH + datetime.timedelta(microseconds=micros)
    if ascending:
        return queryset.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk))
    return queryset.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))


def _history(status: str) -> Coalesce:
    """How many of this commenter's other comments have `status` (a correlated subquery)."""
    others = (
        Comment.objects.filter(email=OuterRef("email"), status=status)
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("email")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(others, output_field=IntegerField()), Value(0))


def _filtered(filters: dict[str, Any], user) -> QuerySet:
    comments = selectors.moderation_scope(user)
    if filters.get("desk"):
        comments = comments.filter(article__desk__slug=filters["desk"])
    if filters.get("article"):
        comments = comments.filter(article_id=filters["article"])
    if filters.get("reason"):
        # The codes are distinct words, so their quoted form matches only whole codes; this
        # works on SQLite (`make run`) as well as Postgres.
        comments = comments.filter(held_reasons__icontains=f'"{filters["reason"]}"')
    return comments


def status_counts(filters: dict[str, Any] | None = None, *, user) -> dict[str, int | None]:
    """Comments per status for the tabs, from the tallies the services keep (a few rows).

    All comments, one article's or one desk's are exact. A reason is not tallied, and
    counting it would mean reading every comment of a status, so with a reason filter the
    tabs say nothing rather than something wrong (None).
    """
    filters = filters or {}
    if filters.get("reason") or filters.get("commenter"):
        return dict.fromkeys([*Comment.Status.values, services.REPORTED])
    return services.comment_status_counts(
        article_id=filters.get("article"),
        desk=filters.get("desk") or "",
        desk_ids=selectors.moderation_desk_ids(user),
        with_reported=True,
    )


def _desk_choices() -> list[tuple[int, str, str]]:
    return list(Desk.objects.values_list("pk", "slug", "name"))


def _desks(user) -> list[tuple[str, str]]:
    """The desks the user moderates, as (slug, name) for the desk filter."""
    # Desks change a few times a year; keeping them out of the page's queries keeps the
    # queue within its budget however many filters it offers.
    try:
        desks = cache.get_or_set("comments:moderation:desk-ids", _desk_choices, 300)
    except Exception:  # Redis down: the queue must still work, one query dearer
        logger.warning("cache unavailable; reading desks from the database", exc_info=True)
        desks = _desk_choices()
    mine = selectors.moderation_desk_ids(user)
    return [(slug, name) for pk, slug, name in desks if mine is None or pk in mine]


def _tabs(query, counts: dict[str, int], *, current: str) -> list[dict[str, Any]]:
    """One tab per status with its count, keeping the other filters."""
    tabs = []
    for value, label in [*Comment.Status.choices, (services.REPORTED, "Reported")]:
        tab_query = query.copy() if query else {}
        tab_query["status"] = value
        tabs.append(
            {
                "value": value,
                "label": "Held" if value == Comment.Status.PENDING else label,
                "count": counts[value],
                "url": "?" + urlencode({k: v for k, v in tab_query.items() if v}),
                "current": value == current,
            }
        )
    return tabs


@require_GET
@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    filters = QueueFilterForm(request.GET)
    context: dict[str, Any] = {
        "filters": filters,
        "desks": _desks(request.user),
        "reasons": [("", "Any reason"), *HeldReason.choices],
        "statuses": Comment.Status.choices,
    }
    if not filters.is_valid():
        context.update(
            items=[], tabs=_tabs({}, status_counts(user=request.user), current=""), status=""
        )
        return render(request, "comments/moderation_queue.html", context, status=400)
    chosen = filters.cleaned_data
    status = chosen["status"]
    comments = _filtered(chosen, request.user)
    commenter = None
    if chosen["commenter"]:
        # One commenter's comments: every status unless a tab is chosen, newest first. Known
        # only through a comment this moderator may see, and shown only on their desks.
        commenter = (
            selectors.moderation_scope(request.user)
            .filter(pk=chosen["commenter"])
            .only("name", "email")
            .first()
        )
        if commenter is None or not commenter.email:
            comments = comments.none()
        else:
            comments = comments.filter(email=commenter.email)
        if not request.GET.get("status"):
            status = ""
    # Held and reported: oldest first (the order they came in); decided: newest first.
    ascending = status in (Comment.Status.PENDING, services.REPORTED)
    if status == services.REPORTED:
        comments = comments.filter(open_reports__gt=0)
    elif status:
        comments = comments.filter(status=status)
    page = (
        comments.select_related("article__desk", "parent")
        .defer("article__body", "article__body_html", "article__search_vector")
        .annotate(
            approved_before=_history(Comment.Status.APPROVED),
            rejected_before=_history(Comment.Status.REJECTED),
            spam_before=_history(Comment.Status.SPAM),
        )
    )
    page = selectors.with_article_access(request.user, page)
    if status == services.REPORTED:
        page = page.annotate(**_report_columns())
    if chosen["after"]:
        page = _after(page, chosen["after"], ascending=ascending)
    order = ["created_at", "pk"] if ascending else ["-created_at", "-pk"]
    items = list(page.order_by(*order)[: PAGE_SIZE + 1])
    has_next = len(items) > PAGE_SIZE
    items = _for_display(items[:PAGE_SIZE])
    _add_standing(items)
    if status == services.REPORTED:
        _add_reports(items)
    query = request.GET.copy()
    query.pop("after", None)
    next_query = query.copy()
    if has_next:
        next_query["after"] = _cursor(items[-1])
    counts = status_counts(chosen, user=request.user)
    context.update(
        items=items,
        tabs=_tabs(query, counts, current=status),
        page_size=PAGE_SIZE,
        status=status,
        status_label=_status_label(status),
        commenter=commenter,
        first_page_url=f"?{query.urlencode()}",
        next_page_url=f"?{next_query.urlencode()}" if has_next else "",
        is_first_page=not chosen["after"],
        article_filter=chosen["article"],
        here=request.get_full_path(),
        undo=_pending_undo(request),
    )
    return render(request, "comments/moderation_queue.html", context)


def _status_label(status: str) -> str:
    if status == services.REPORTED:
        return "Reported"
    return Comment.Status(status).label if status else "All"


def _add_standing(items: list[Comment]) -> None:
    """Each item's commenter's ban or trust, for the history line (from the kept list)."""
    standings = services.standings_for_emails(c.email for c in items)
    for comment in items:
        comment.standing = standings.get(comment.email, "")


NOTE_SEPARATOR = "\x1f"  # a control character: a note holding one is only shown split


def _open_reports(**filters: Any) -> QuerySet:
    return Report.objects.filter(comment=OuterRef("pk"), cleared_at=None, **filters).order_by()


def _report_columns() -> dict[str, Any]:
    """For the Reported tab: each comment's open reports per reason, and their notes, as
    subqueries of the page's one query (like the history counts)."""
    columns: dict[str, Any] = {
        f"reports_{reason}": Coalesce(
            Subquery(
                _open_reports(reason=reason)
                .values("comment")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )
        for reason in Report.Reason.values
    }
    columns["report_notes_joined"] = Subquery(
        _open_reports()
        .exclude(note="")
        .values("comment")
        .annotate(notes=StringAgg("note", Value(NOTE_SEPARATOR)))
        .values("notes")[:1],
        output_field=TextField(),
    )
    return columns


def _add_reports(items: list[Comment]) -> None:
    """The reasons and notes the page's query brought, ready to show."""
    for comment in items:
        counted = [
            (label, getattr(comment, f"reports_{reason}"))
            for reason, label in Report.Reason.choices
        ]
        comment.report_reasons = sorted(
            [(label, n) for label, n in counted if n], key=lambda item: -item[1]
        )
        joined = comment.report_notes_joined or ""
        comment.report_notes = [note for note in joined.split(NOTE_SEPARATOR) if note]


def _counts_for_page(next_url: str, user) -> dict[str, int | None]:
    """The counts for the queue page a decision came from (its `next`), as its tabs show them."""
    query = QueryDict(urlsplit(next_url).query)
    filters = QueueFilterForm(query)
    return status_counts(filters.cleaned_data if filters.is_valid() else None, user=user)


def _for_display(items: list[Comment]) -> list[Comment]:
    """Give each item its links and times, worked out here rather than in the template.

    The page shows fifty of each, and a `reverse`, a date filter or a locale lookup apiece
    in the template was most of the page's time. One article's address is computed once;
    the decision URLs follow `moderation_urls` (the queue's address, then the id).
    """
    queue_url = reverse("moderation:queue")
    article_urls: dict[int, tuple[str, str]] = {}
    now = timezone.now()
    for comment in items:
        if comment.article_id not in article_urls:
            article_urls[comment.article_id] = selectors.article_address(comment)
        comment.article_url, comment.article_unlinked = article_urls[comment.article_id]
        comment.decide_url = f"{queue_url}{comment.pk}/"
        comment.commenter_url = f"{queue_url}?commenter={comment.pk}"
        history = comment.approved_before + comment.rejected_before + comment.spam_before
        comment.reason_labels = comment.held_reason_labels(has_history=history > 0)
        comment.created_iso = timezone.localtime(comment.created_at).isoformat(timespec="seconds")
        comment.created_ago = timesince(comment.created_at, now)
    return items


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _safe_next(request: HttpRequest, target: str) -> str:
    """Where to go after a decision: `next` if it stays on this site, else the queue."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("moderation:queue")


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _bad_decision(request: HttpRequest, form: forms.Form) -> HttpResponse:
    errors = [error for field_errors in form.errors.values() for error in field_errors]
    if _wants_json(request):
        return JsonResponse({"errors": errors}, status=400)
    return render(request, "comments/moderation_error.html", {"errors": errors}, status=400)


@require_POST
@moderator_required
def decide(request: HttpRequest, comment_id: int) -> HttpResponse:
    # Another desk's comment is not there for this moderator (as another desk's draft is not
    # there for its writers): 404, not 403, so its existence is not confirmed either.
    comment = get_object_or_404(selectors.moderation_scope(request.user), pk=comment_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _bad_decision(request, form)
    decision = form.cleaned_data["decision"]
    try:
        changed, undo_token = services.comment_decide_undoable(
            comment=comment,
            decision=decision,
            moderator=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValueError as error:
        form.add_error("decision", str(error))
        return _bad_decision(request, form)
    done = f"Comment by {comment.name} {services.DECISION_DONE[decision]}."
    undo = _undo_offer(comment, undo_token, done) if undo_token else None
    if _wants_json(request):
        return JsonResponse(
            {
                "id": comment.pk,
                "status": comment.status,
                "is_pick": comment.is_pick,
                "changed": changed,
                "unchanged": "" if changed else services.DECISION_UNCHANGED[decision],
                "undo": undo,
                "counts": _counts_for_page(form.cleaned_data["next"], request.user),
            }
        )
    if changed:
        messages.success(request, done)
    if undo:
        # Without JavaScript: the next page offers the Undo while the window lasts.
        request.session[UNDO_SESSION_KEY] = undo
    else:
        state = services.DECISION_UNCHANGED[decision]
        messages.info(request, f"Comment by {comment.name} was {state}.")
    return _see_other(_safe_next(request, form.cleaned_data["next"]))


UNDO_SESSION_KEY = "moderation_undo"


def _undo_offer(comment: Comment, token: str, done: str) -> dict[str, Any]:
    seconds = settings.COMMENTS_UNDO_SECONDS
    return {
        "url": reverse("moderation:undo", args=[comment.pk]),
        "token": token,
        "seconds": seconds,
        "until": time.time() + seconds,
        "message": done,
    }


def _pending_undo(request: HttpRequest) -> dict[str, Any] | None:
    """The undo the last decision offered, once, while its window is open (the flash
    message above it says what was done)."""
    offer = request.session.pop(UNDO_SESSION_KEY, None)
    if not offer or offer.get("until", 0) <= time.time():
        return None
    return offer


@require_POST
@moderator_required
def undo(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Undo the decision just made on this comment (the token its answer carried)."""
    comment = get_object_or_404(selectors.moderation_scope(request.user), pk=comment_id)
    form = UndoForm(request.POST)
    if not form.is_valid():
        return _bad_decision(request, form)
    try:
        undone = services.comment_undo(
            comment=comment, token=form.cleaned_data["token"], moderator=request.user
        )
    except services.UndoRefused as refused:
        if _wants_json(request):
            return JsonResponse({"errors": [str(refused)]}, status=refused.status)
        return render(
            request,
            "comments/moderation_error.html",
            {"errors": [str(refused)], "title": "That decision could not be undone"},
            status=refused.status,
        )
    said = f"Undone: the comment by {comment.name} is {_state_words(comment)} again."
    if _wants_json(request):
        return JsonResponse(
            {
                "id": comment.pk,
                "status": comment.status,
                "is_pick": comment.is_pick,
                "undone": undone,
                "message": said,
                "counts": _counts_for_page(form.cleaned_data["next"], request.user),
            }
        )
    messages.success(request, said)
    return _see_other(_safe_next(request, form.cleaned_data["next"]))


def _state_words(comment: Comment) -> str:
    status = "held" if comment.status == Comment.Status.PENDING else comment.get_status_display()
    return f"{status.lower()}{' and picked' if comment.is_pick else ''}"


@require_POST
@moderator_required
def decide_bulk(request: HttpRequest) -> HttpResponse:
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        return _bad_decision(request, form)
    decision = form.cleaned_data["decision"]
    # Another desk's comments are treated as gone: counted among those not changed.
    ids = form.cleaned_data["ids"]
    ids_in_scope = list(
        selectors.moderation_scope(request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    changed = services.comment_moderate_many(
        ids=ids_in_scope,
        decision=decision,
        moderator=request.user,
        reason=form.cleaned_data["reason"],
    )
    if _wants_json(request):
        return JsonResponse(
            {
                "ids": ids,
                "changed": changed,
                "counts": _counts_for_page(form.cleaned_data["next"], request.user),
            }
        )
    unchanged = len(ids) - changed
    note = f" ({unchanged} already so, or gone)" if unchanged else ""
    plural = "s" if changed != 1 else ""
    done = services.DECISION_DONE[decision]
    messages.success(request, f"{changed} comment{plural} {done}{note}.")
    return _see_other(_safe_next(request, form.cleaned_data["next"]))
