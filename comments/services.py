"""Comments' workflows: the only place that writes comments (HackSoft style: <entity>_<verb>).

Submitting runs one ordered pipeline of checks (the view has already refused cross-site posts):

    honeypot → the same body from the same email on the same article the same day (stores
    one: a double click, a resent form) → rate limits per client and per email → a banned
    commenter (stored as spam, the poster told nothing) → links → blocked and suspect terms
    → the commenter's history (first time, pre-moderated, or trusted: a commenter a
    moderator trusted is approved only from a confirmed mailbox and with nothing held).

The form carries nothing per reader (the article page is the same bytes for everyone, kept
by shared caches), so a resend is recognised by what it says, not by a token in the form:
a unique key on (article, email, body, day) lets exactly one of two racing copies in.

Each check leaves a reason code: rejections go back to the view and nothing is stored;
holds are kept on the comment for the moderators' queue. Moderation decisions go through
`comment_moderate`, which the queue, its bulk form and the admin all call; every change of
status writes a `ModerationLog` row, and so does every other act: readers' reports kept
(`comment_keep`), picks (`comment_pick`), commenters banned, trusted or restored
(`commenter_ban`, `commenter_trust`, `standing_lift`).

Commenters are known to these rules by keyed hashes of their email and client address,
made with the commenters' own key (`commenter_key`), never SECRET_KEY.

Counting is done on the writes, never on the reads. Every service that creates, decides or
deletes a comment moves, in the same transaction, the per-article tallies the queue's tabs
add up (`CommentTally`) and the article's shown count (`approved_comment_count`), by the
difference it makes: a decision costs a few index lookups whatever the size of the
conversation. Locks are always taken in one order (comments by id, then articles by id,
then tallies), so concurrent moderators wait for each other but never deadlock.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import secrets
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import urlize

from articles.models import Article
from articles.services import article_add_to_comment_count, article_set_comment_count
from comments import notify
from comments.models import (
    Comment,
    CommenterKey,
    CommenterStanding,
    CommentTally,
    HeldReason,
    ModerationLog,
    Report,
    Term,
)
from core.pagecache import purge_on_commit
from notifications.selectors import mailbox_state

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)

# Replies may go this deep: a reply (1) and a reply to a reply (2), no further.
MAX_DEPTH = 2
DECISIONS = {
    "approve": Comment.Status.APPROVED,
    "reject": Comment.Status.REJECTED,
    "spam": Comment.Status.SPAM,
    "hold": Comment.Status.PENDING,  # only readers' reports hide a comment (not a button)
}
DECISION_DONE = {
    "approve": "approved",
    "reject": "rejected",
    "spam": "marked as spam",
    "hold": "held",
    "keep": "kept (its reports cleared)",
    "pick": "picked",
    "unpick": "no longer picked",
    "ban": "marked as spam and its commenter banned",
    "trust": "approved and its commenter trusted",
}
# What a decision that changed nothing says of the comment ("Comment by Ana was already …").
DECISION_UNCHANGED = {
    "approve": "already approved",
    "reject": "already rejected",
    "spam": "already marked as spam",
    "keep": "without open reports: nothing to clear",
    "pick": "already picked",
    "unpick": "not picked: nothing to unpick",
    "ban": "already marked as spam, its commenter banned",
    "trust": "already approved, its commenter trusted",
}
# The queue's tabs add this pseudo-status's tally: comments with open reports, per article.
REPORTED = "reported"


class Rejection:
    """Reason codes for submissions that are refused outright (nothing is stored)."""

    HONEYPOT = "honeypot"
    PARENT_GONE = "parent_gone"  # the comment replied to was deleted as the reply came in
    RATE = "rate"
    RATE_UNAVAILABLE = "rate_unavailable"  # the limits cannot be counted, and we fail closed

    MESSAGES = {
        HONEYPOT: "Please leave the last field empty: it is there to catch spam robots.",
        PARENT_GONE: (
            "The comment you replied to has just been removed, so your reply was not posted."
        ),
        RATE: "You are commenting faster than we allow. Please wait a minute and try again.",
        RATE_UNAVAILABLE: (
            "We cannot take comments for a few minutes. Your comment is still here: please "
            "send it again shortly."
        ),
    }


# --- Submitting ---------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    """What a poster sent, after the form has checked each field on its own."""

    article: Article
    parent: Comment | None
    name: str
    email: str
    body: str
    honeypot: str
    ip: str
    user_agent: str
    notify_on_publish: bool = False
    notify_on_reply: bool = False


@dataclass
class SubmitResult:
    comment: Comment | None = None
    rejected: str = ""  # a Rejection code: nothing stored, the poster must act
    duplicate: bool = False  # the same comment was already stored: nothing new

    @property
    def message(self) -> str:
        return Rejection.MESSAGES.get(self.rejected, "")


@dataclass
class _Run:
    """The state the checks share while one submission goes through the pipeline."""

    sub: Submission
    held: list[str] = field(default_factory=list)
    status: str = Comment.Status.PENDING
    result: SubmitResult | None = None  # set by a check that ends the pipeline


def _check_honeypot(run: _Run) -> None:
    if run.sub.honeypot.strip():
        run.result = SubmitResult(rejected=Rejection.HONEYPOT)


def dedupe_key(*, article_id: int, email: str, body: str, day: datetime.date) -> str:
    """What makes two posts the same comment: the same words from the same address on the
    same article on the same day (the site's day)."""
    raw = "\n".join((str(article_id), email, body, day.isoformat()))
    return hashlib.sha256(raw.encode()).hexdigest()


def _submission_key(sub: Submission) -> str:
    return dedupe_key(
        article_id=sub.article.pk, email=sub.email, body=sub.body, day=timezone.localdate()
    )


def _check_resent(run: _Run) -> None:
    """Sent before (a double click, a reload of the 303's page, a resend after an error):
    the earlier comment is the answer, and nothing new is stored."""
    earlier = Comment.objects.filter(dedupe_key=_submission_key(run.sub)).first()
    if earlier is not None:
        run.result = SubmitResult(comment=earlier, duplicate=True)


def _redis_client() -> Any | None:
    """The cache's Redis client, or None when the cache is not Redis (locmem under `make run`)."""
    backend = getattr(cache, "_cache", None)  # Django's RedisCache keeps its client here
    get_client = getattr(backend, "get_client", None)
    return get_client(write=True) if get_client else None


def rate_windows_count(windows: list[tuple[str, int]]) -> list[int]:
    """Count one more submission in each (key, seconds) window and return the new totals.

    On Redis it is one round trip: a MULTI that creates each missing key with its expiry
    (SET NX EX) and then INCRs it, so no window can expire between the two. Django's
    `cache.add` + `cache.incr` could, and then raised "Key not found" under load.
    """
    client = _redis_client()
    if client is None:
        totals = []
        for key, seconds in windows:
            cache.add(key, 0, seconds + 5)
            try:
                totals.append(cache.incr(key))
            except ValueError:  # expired between the two calls: this is the window's first
                cache.set(key, 1, seconds + 5)
                totals.append(1)
        return totals
    pipe = client.pipeline(transaction=True)
    for key, seconds in windows:
        redis_key = cache.make_and_validate_key(key)
        pipe.set(redis_key, 0, ex=seconds + 5, nx=True)
        pipe.incr(redis_key)
    return pipe.execute()[1::2]


def _check_rate(run: _Run) -> None:
    now = time.time()
    limits = [
        (60, settings.COMMENTS_RATE_PER_MINUTE),
        (86400, settings.COMMENTS_RATE_PER_DAY),
    ]
    digests = {
        kind: salted_hmac("comments.rate", value, algorithm="sha256").hexdigest()[:32]
        for kind, value in (("ip", run.sub.ip), ("email", run.sub.email))
    }
    windows, caps = [], []
    for seconds, limit in limits:
        for kind, digest in digests.items():
            windows.append(
                (f"comments:rate:{kind}:{digest}:{seconds}:{int(now // seconds)}", seconds)
            )
            caps.append(limit)
    try:
        totals = rate_windows_count(windows)
    except Exception:
        # Redis down. COMMENTS_RATE_LIMIT_FAIL_OPEN (default): let the comment through to
        # pre-moderation rather than lose it. Off: refuse it until the limits can be counted.
        if not settings.COMMENTS_RATE_LIMIT_FAIL_OPEN:
            logger.warning("comment rate limit unavailable; refusing comments", exc_info=True)
            run.result = SubmitResult(rejected=Rejection.RATE_UNAVAILABLE)
            return
        logger.warning("comment rate limit unavailable; letting the comment through", exc_info=True)
        return
    if any(total > cap for total, cap in zip(totals, caps, strict=True)):
        run.result = SubmitResult(rejected=Rejection.RATE)


def count_links(text: str) -> int:
    """Links as the page would show them: whatever `urlize` turns into a link."""
    return urlize(text, nofollow=True, autoescape=True).count("<a ")


def _check_links(run: _Run) -> None:
    if count_links(run.sub.body) >= settings.COMMENTS_HOLD_LINKS:
        run.held.append(HeldReason.LINKS)


def words(text: str) -> list[str]:
    """Whole words after NFKC normalisation and case folding ("Ｆｒｅｅ" and "free" match)."""
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


def terms_found(text: str, terms: Iterable[str]) -> list[str]:
    """The terms (words or phrases) that occur in `text` as whole words, never as parts."""
    haystack = f" {' '.join(words(text))} "
    found = []
    for term in terms:
        needle = " ".join(words(term))
        if needle and f" {needle} " in haystack:
            found.append(term)
    return found


TERMS_CACHE_KEY = "comments:terms"


def terms_by_kind() -> dict[str, list[str]]:
    """The blocked and suspect terms, kept in the cache: every post reads them, moderators
    seldom change them (a change forgets the copy, see comments/apps.py)."""
    try:
        terms = cache.get(TERMS_CACHE_KEY)
        if terms is None:
            terms = _terms_from_database()
            cache.set(TERMS_CACHE_KEY, terms, timeout=300)  # a racing stale copy lasts 5 min
        return terms
    except Exception:  # Redis down: read them from the database (a post must not fail)
        logger.warning("comment terms: cache unavailable", exc_info=True)
        return _terms_from_database()


def _terms_from_database() -> dict[str, list[str]]:
    terms: dict[str, list[str]] = {Term.Kind.BLOCKED: [], Term.Kind.SUSPECT: []}
    for term, kind in Term.objects.values_list("term", "kind"):
        terms[kind].append(term)
    return terms


def terms_forget(**kwargs) -> None:
    """A term changed: drop the kept list now, and again once the change is committed (a
    post that read the old list meanwhile may have put it back)."""

    def forget() -> None:
        try:
            cache.delete(TERMS_CACHE_KEY)
        except Exception:  # Redis down: it holds no list to forget, or will expire it
            logger.warning("comment terms: cache unavailable", exc_info=True)

    forget()
    transaction.on_commit(forget)


def _check_terms(run: _Run) -> None:
    text = f"{run.sub.name}\n{run.sub.body}"
    by_kind = terms_by_kind()
    if terms_found(text, by_kind[Term.Kind.BLOCKED]):
        # Spam, quietly: the poster sees the usual "awaiting moderation" and never which word.
        run.status = Comment.Status.SPAM
        run.held.append(HeldReason.BLOCKED_TERM)
    elif terms_found(text, by_kind[Term.Kind.SUSPECT]):
        run.held.append(HeldReason.SUSPECT_TERM)


def commenter_is_trusted(email: str) -> bool:
    """Trusted: a verified email with enough approved comments (only if the setting is on)."""
    if not settings.COMMENTS_TRUSTED_AUTO_APPROVE:
        return False
    theirs = Comment.objects.filter(email=email)
    return (
        theirs.filter(email_verified=True).exists()
        and theirs.approved().count() >= settings.COMMENTS_TRUSTED_MIN_APPROVED
    )


def _check_banned(run: _Run) -> None:
    """A banned commenter's post is stored as spam, quietly: the poster sees the usual
    "awaiting moderation", as for any other rule, and never learns that a ban caught it."""
    if commenter_standing(email=run.sub.email, ip=run.sub.ip) == CommenterStanding.Kind.BANNED:
        run.status = Comment.Status.SPAM
        run.held.append(HeldReason.BANNED)


def _check_history(run: _Run) -> None:
    if run.status == Comment.Status.SPAM:
        return
    if commenter_standing(email=run.sub.email) == CommenterStanding.Kind.TRUSTED:
        # Anyone can type an email: trust is honoured only from a mailbox that has confirmed
        # (the double opt-in), and never past the link and word checks.
        confirmed = (mailbox_state(email=run.sub.email) or {}).get("confirmed_at")
        if confirmed and not run.held:
            run.status = Comment.Status.APPROVED
        else:
            run.held.append(HeldReason.TRUSTED)
        return
    if not Comment.objects.filter(email=run.sub.email).exists():
        run.held.append(HeldReason.FIRST_TIME)  # truly the first: no comment of any status
    elif not run.held and commenter_is_trusted(run.sub.email):
        run.status = Comment.Status.APPROVED
    else:
        run.held.append(HeldReason.PRE_MODERATED)


CHECKS: list[Callable[[_Run], None]] = [
    _check_honeypot,
    _check_resent,
    _check_rate,
    _check_banned,
    _check_links,
    _check_terms,
    _check_history,
]


_commenter_key: dict[str, str] = {}


def commenter_key() -> str:
    """The key of commenters' hashes: COMMENTS_IP_HASH_SALT, else the one the migrations
    generated and kept in the database. Not SECRET_KEY: rotating that must not orphan a ban
    or a trust. Remembered per process once read (it never changes)."""
    if settings.COMMENTS_IP_HASH_SALT:
        return settings.COMMENTS_IP_HASH_SALT
    alias = connection.settings_dict["NAME"]
    if alias in _commenter_key:
        return _commenter_key[alias]
    row = CommenterKey.objects.order_by("pk").first()
    if row is None:  # the table was emptied (a flushed test database): make one again
        CommenterKey.objects.create(key=secrets.token_hex(32))
        # Not remembered: this row may yet be rolled back with the caller's transaction.
        return CommenterKey.objects.order_by("pk").values_list("key", flat=True).first()
    _commenter_key[alias] = row.key
    return row.key


def commenter_hash(value: str, *, kind: str) -> str:
    """A keyed hash of a commenter's `kind` of value ("ip", "email"); "" for nothing."""
    if not value:
        return ""
    return salted_hmac(
        f"comments.{kind}", value, secret=commenter_key(), algorithm="sha256"
    ).hexdigest()


def ip_hash(ip: str) -> str:
    """A keyed hash of the client address (its /64 for IPv6): lets moderators see "same
    sender", and bans and reports count per client, never keeping the address."""
    return commenter_hash(ip, kind="ip")


def email_hash(email: str) -> str:
    return commenter_hash(email.strip().lower(), kind="email")


def comment_submit(*, submission: Submission) -> SubmitResult:
    """Run a posted comment through the checks and store it (or say why not)."""
    run = _Run(sub=submission)
    for check in CHECKS:
        check(run)
        if run.result is not None:
            if run.result.rejected:
                logger.info("comment refused: %s", run.result.rejected)
            return run.result
    sub = submission
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                article=sub.article,
                parent=sub.parent,
                name=sub.name,
                email=sub.email,
                body=sub.body,
                status=run.status,
                held_reasons=[str(code) for code in run.held],
                ip_hash=ip_hash(sub.ip),
                user_agent=sub.user_agent[:300],
                dedupe_key=_submission_key(sub),
                notify_on_publish=sub.notify_on_publish,
                notify_on_reply=sub.notify_on_reply,
            )
            why = ", ".join(comment.held_reasons) or "trusted commenter"
            ModerationLog.objects.create(
                comment=comment, from_status="", to_status=comment.status, reason=f"auto: {why}"
            )
            notify.comment_opted_in(comment=comment)
            if comment.status == Comment.Status.PENDING:
                notify.comment_held(comment=comment)
            elif comment.status == Comment.Status.APPROVED:
                _lock_articles([comment.article_id])
                _count_shown(comment, entering=True)
                _purge_on_commit([comment.article_id], soft=True)  # an addition
                notify.comment_approved(comment=comment)
            # Last, so the tally row (the one write every poster on this article shares)
            # is held only until the commit that follows.
            _tally([(comment.article_id, comment.status, 1)])
    except IntegrityError:
        # The same comment raced in twice: the unique key let exactly one through.
        earlier = Comment.objects.filter(dedupe_key=_submission_key(sub)).first()
        if earlier is not None:
            return SubmitResult(comment=earlier, duplicate=True)
        # Or the parent was deleted meanwhile (its key is checked at commit).
        if sub.parent is not None and not Comment.objects.filter(pk=sub.parent.pk).exists():
            return SubmitResult(rejected=Rejection.PARENT_GONE)
        raise
    return SubmitResult(comment=comment)


# --- Moderating -----------------------------------------------------------------------


def _lock_articles(article_ids: Iterable[int]) -> None:
    """Lock the articles' rows (FOR NO KEY UPDATE, in id order) before their counts move.

    Deciders and recounts queue behind each other per article, so each reads the others'
    committed work; readers keep posting meanwhile (a new comment's foreign key check needs
    only KEY SHARE, which this lock does not block).
    """
    ids = sorted(set(article_ids))
    if ids:
        locked = Article.objects.select_for_update(no_key=True).filter(pk__in=ids)
        list(locked.order_by("pk").values_list("pk"))


def _tally(changes: Iterable[tuple[int, str, int]], *, touch: bool = False) -> None:
    """Add (article, status, delta) changes to the tallies, in one statement, in key order.

    `touch` writes the zero changes too: it makes sure those rows exist and locks them.
    """
    summed: Counter[tuple[int, str]] = Counter()
    for article_id, status, delta in changes:
        summed[(article_id, str(status))] += delta
    rows = sorted((key, delta) for key, delta in summed.items() if delta or touch)
    if not rows:
        return
    # Raw SQL for the one thing the ORM cannot say: add to the row, or create it. The
    # table name is our model's; every value is a parameter.
    table = connection.ops.quote_name(CommentTally._meta.db_table)
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    params = [
        value for (article_id, status), delta in rows for value in (article_id, status, delta)
    ]
    upsert = (
        f"INSERT INTO {table} (article_id, status, count) VALUES {values} "  # noqa: S608
        f"ON CONFLICT (article_id, status) DO UPDATE SET count = {table}.count + excluded.count"
    )
    with connection.cursor() as cursor:
        cursor.execute(upsert, params)


def _shown_with(comment: Comment) -> int:
    """How many comments the article shows only while `comment` is approved.

    A comment is shown when it and the comments above it are approved. So when one enters
    or leaves approved, it takes along its approved replies and their approved replies, and
    nothing at all changes when a comment above it is not approved. Index lookups on the
    parent: the cost is the comment's replies, never the conversation's size.
    """
    approved = Comment.Status.APPROVED
    if comment.parent_id is not None:
        parent, grandparent = (
            Comment.objects.filter(pk=comment.parent_id)
            .values_list("status", "parent__status")
            .get()
        )
        if parent != approved or grandparent not in (None, approved):
            return 0
    replies = Comment.objects.filter(parent_id=comment.pk, status=approved)
    shown = 1 + replies.count()
    if shown > 1 and comment.parent_id is None:  # replies to its replies hang on it too
        shown += Comment.objects.filter(parent__in=replies.values("pk"), status=approved).count()
    return shown


def _count_shown(comment: Comment, *, entering: bool) -> None:
    """Move the article's shown count for `comment` entering or leaving approved.

    The article row is locked already, so each decider reads the others' committed work
    and two moderators approving at once both count.
    """
    shown = _shown_with(comment)
    article_add_to_comment_count(article_id=comment.article_id, delta=shown if entering else -shown)


def _purge_on_commit(article_ids: Iterable[int], *, soft: bool = False) -> None:
    """Once the transaction commits, purge the pages of these articles (once each): hard
    unless `soft` (see `core.pagecache.purge`)."""
    purge_on_commit([Article.page_key_for(pk) for pk in set(article_ids)], soft=soft)


def comment_counts_recount(*, article_id: int) -> dict[str, int]:
    """Count one article's comments from scratch: its tallies and its shown count.

    For `manage.py recount_comments` and for deletions; the decisions only move the counts.
    The article is locked as a decider locks it, then every one of its tally rows: a post
    or decision that has already moved one is waited for (and so counted), one that comes
    later adds its difference to what is stored here. Returns the counts it stored.
    """
    with transaction.atomic():
        _lock_articles([article_id])
        tallied = [*Comment.Status.values, REPORTED]
        _tally(((article_id, status, 0) for status in tallied), touch=True)
        comments = Comment.objects.filter(article_id=article_id)
        counts = dict.fromkeys(tallied, 0)
        by_status = comments.order_by().values("status").annotate(n=Count("pk"))
        counts.update(by_status.values_list("status", "n"))
        counts[REPORTED] = comments.filter(open_reports__gt=0).count()
        CommentTally.objects.filter(article_id=article_id).update(
            count=Case(
                *(When(status=status, then=Value(n)) for status, n in counts.items()),
                default=Value(0),
            )
        )
        article_set_comment_count(article_id=article_id, count=comments.visible().count())
        _purge_on_commit([article_id])
    counts.pop(REPORTED)
    return counts


def comment_status_counts(
    *,
    article_id: int | None = None,
    desk: str = "",
    desk_ids: Iterable[int] | None = None,
    with_reported: bool = False,
) -> dict[str, int]:
    """Comments per status, all of them or one article's or one desk's, from the tallies;
    `desk_ids` keeps to those desks (a desk's moderator's scope); `with_reported` adds how
    many have open readers' reports (REPORTED), in the same query."""
    tallies = CommentTally.objects.all()
    if desk_ids is not None:
        tallies = tallies.filter(article__desk_id__in=list(desk_ids))
    if article_id is not None:
        tallies = tallies.filter(article_id=article_id)
    if desk:
        tallies = tallies.filter(article__desk__slug=desk)
    counts = dict.fromkeys([*Comment.Status.values, REPORTED], 0)
    summed = tallies.order_by().values("status").annotate(n=Sum("count"))
    counts.update(summed.values_list("status", "n"))
    if not with_reported:
        counts.pop(REPORTED)
    return counts


def family_ids(ids: Iterable[int]) -> list[int]:
    """These comments' ids, their replies' and their replies' replies' (MAX_DEPTH 2).

    Two lookups on the parent index. One query with `parent__in | parent__parent__in`
    joins the table to itself twice and reads all of it: 0.35 s at a million comments.
    """
    ids = list(ids)
    replies = list(Comment.objects.filter(parent__in=ids).order_by().values_list("pk", flat=True))
    deeper = Comment.objects.filter(parent__in=replies).order_by().values_list("pk", flat=True)
    return [*ids, *replies, *(deeper if replies else [])]


def _shown_per_article(family: list[int]) -> Counter[int]:
    """Per article, how many of `family` (decided comments, their replies and replies'
    replies: see family_ids) are shown.

    A comment is shown when it and the comments above it are approved, so deciding some
    can change what the page shows of them, their replies and their replies' replies, and
    of nothing else: the cost is the comments' own threads, never the conversation's size.
    """
    shown = Comment.objects.filter(pk__in=family).visible().order_by().values("article_id")
    return Counter(dict(shown.annotate(n=Count("pk")).values_list("article_id", "n")))


def _apply_decisions(
    comments: list[Comment], *, to_status: str, moderator: AbstractBaseUser | None, reason: str
) -> None:
    """Give locked comments (none already in `to_status`) their new status, log and count it.

    A few statements for the lot, however many comments there are: the caller holds their
    articles' locks, each article's shown count moves once, in article id order, by what
    its page gains or loses (counted before and after, so a parent and its reply decided
    together count once each); the tallies are left to the caller, to write last. Only the
    mail about each comment is composed one comment at a time.
    """
    if not comments:
        return
    approved = Comment.Status.APPROVED
    ids = [comment.pk for comment in comments]
    was = {comment.pk: comment.status for comment in comments}
    on_pages = [pk for pk in ids if approved in (was[pk], to_status)]  # shown, or will be
    family = family_ids(on_pages) if on_pages else []  # the same rows before and after
    shown_before = _shown_per_article(family) if on_pages else Counter()
    approved_before: set[int] = set()
    if to_status == approved:
        # An approval that was undone within its window never mailed: it does not count.
        logged = ModerationLog.objects.filter(
            comment__in=ids, to_status=approved, undone_by__isnull=True
        ).exclude(from_status=approved)
        approved_before = set(logged.values_list("comment_id", flat=True))
    now = timezone.now()
    Comment.objects.filter(pk__in=ids).update(
        status=to_status, moderated_by=moderator, moderated_at=now
    )
    ModerationLog.objects.bulk_create(
        ModerationLog(
            comment=comment,
            moderator=moderator,
            from_status=was[comment.pk],
            to_status=to_status,
            reason=reason[:200],
        )
        for comment in comments
    )
    if on_pages:
        shown_after = _shown_per_article(family)
        for article_id in sorted(shown_before.keys() | shown_after.keys()):
            delta = shown_after[article_id] - shown_before[article_id]
            article_add_to_comment_count(article_id=article_id, delta=delta)
    for comment in comments:
        comment.status = to_status
        comment.moderated_by = moderator
        comment.moderated_at = now
        notify.comment_moderated(comment=comment)  # withdraw mail the decision outdates
        if to_status == approved and comment.pk not in approved_before:
            notify.comment_approved(comment=comment, undoable=moderator is not None)


def _decision_status(decision: str) -> str:
    try:
        return DECISIONS[decision]
    except KeyError:
        raise ValueError(f"unknown decision {decision!r}; use one of {sorted(DECISIONS)}") from None


def comment_moderate(
    *,
    comment: Comment,
    decision: str,
    moderator: AbstractBaseUser | None,
    reason: str = "",
) -> bool:
    """Approve, reject or mark as spam. Idempotent: True only if the status changed."""
    return bool(
        _moderate(
            ids=[comment.pk], decision=decision, moderator=moderator, reason=reason, into=comment
        )
    )


def comment_moderate_many(
    *,
    ids: Iterable[int],
    decision: str,
    moderator: AbstractBaseUser | None,
    reason: str = "",
) -> int:
    """The same decision for several comments at once, in one transaction; how many changed."""
    return _moderate(ids=ids, decision=decision, moderator=moderator, reason=reason)


def _moderate(
    *,
    ids: Iterable[int],
    decision: str,
    moderator: AbstractBaseUser | None,
    reason: str,
    into: Comment | None = None,
) -> int:
    """Decide the comments with these ids; `into` (one of them) gets its new state copied in."""
    to_status = _decision_status(decision)
    with transaction.atomic():
        # Comments in id order, then their articles, then the tallies: one order for every
        # decision, single or bulk, so two moderators wait for each other, never deadlock.
        # NO KEY UPDATE on the comments lets readers keep replying to them meanwhile. The
        # article comes along (without its text) for the approval mail's links, unlocked.
        comments = list(
            Comment.objects.select_for_update(no_key=True, of=("self",))
            .select_related("article__desk")
            .defer("article__body", "article__body_html", "article__search_vector")
            .filter(pk__in=list(ids))
            .order_by("pk")
        )
        changing = [comment for comment in comments if comment.status != to_status]
        _lock_articles(comment.article_id for comment in changing)
        # Read before the decision: each changed comment leaves its old status's tally for
        # the new one's, and a page that shows it (or did) is purged, once per article.
        moves = [(c.article_id, c.status, -1) for c in changing]
        moves += [(c.article_id, to_status, 1) for c in changing]
        # A comment leaving the page is a removal: its pages go at once (a hard purge). One
        # only joining it is an addition: readers may get the page as it was while it is
        # rendered again (a soft purge), so a busy article never waits on a render.
        approved = Comment.Status.APPROVED
        leaving = {c.article_id for c in changing if c.status == approved}
        joining = {c.article_id for c in changing if to_status == approved} - leaving
        _purge_on_commit(leaving)
        _purge_on_commit(joining, soft=True)
        _apply_decisions(changing, to_status=to_status, moderator=moderator, reason=reason)
        if to_status != Comment.Status.PENDING:
            # A decision answers the readers' reports too: they leave the Reported tab.
            moves += _clear_reports([c for c in changing if c.open_reports], moderator)
        _tally(moves)
    if into is not None:
        if not comments:
            raise Comment.DoesNotExist(f"comment {into.pk} is gone")
        decided = comments[0]
        into.status = decided.status
        into.moderated_by = decided.moderated_by
        into.moderated_at = decided.moderated_at
    return len(changing)


def comment_delete_many(*, ids: Iterable[int]) -> int:
    """Delete comments (their replies go with them) and recount the articles they were on.

    Deleting is rare (an admin's last resort), so the counts are rebuilt rather than moved.
    Returns how many comments went, replies included.
    """
    ids = list(ids)
    with transaction.atomic():
        # A decision's lock order: the comments (replies too) in id order, their articles,
        # then the tallies. NO KEY UPDATE on the comments, as a decision takes them: a reply
        # holding its tally row can still check its parent's key as it commits, and we wait
        # for that commit at the tallies, so the reply is deleted with its parent. (Locking
        # the parent FOR UPDATE first deadlocked with such a reply.)
        locked = Comment.objects.select_for_update(no_key=True).filter(pk__in=family_ids(ids))
        locked = locked.order_by("pk")
        article_ids = sorted(
            {article_id for _, article_id in locked.values_list("pk", "article_id")}
        )
        _lock_articles(article_ids)
        _tally(
            ((a, status, 0) for a in article_ids for status in [*Comment.Status.values, REPORTED]),
            touch=True,
        )
        gone = family_ids(ids)  # again: replies that committed while we waited
        notify.comments_deleted(ids=list(gone))  # their queued mail must not go out
        _, per_model = Comment.objects.filter(pk__in=ids).delete()
        for article_id in article_ids:
            comment_counts_recount(article_id=article_id)
    return per_model.get(Comment._meta.label, 0)


# --- Readers' reports -----------------------------------------------------------------


class ReportOutcome:
    COUNTED = "counted"  # a new report from this client
    REPEATED = "repeated"  # this client reported this comment before: it counts once
    RATE = "rate"  # this client reports faster than COMMENTS_REPORTS_PER_DAY
    GONE = "gone"  # no approved comment with this id


def _report_rate_exceeded(client_hash: str) -> bool:
    day = int(time.time() // 86400)
    try:
        (total,) = rate_windows_count([(f"comments:report:{client_hash[:32]}:{day}", 86400)])
    except Exception:  # Redis down: one report per client per comment still holds
        logger.warning("report limits: cache unavailable", exc_info=True)
        return False
    return total > settings.COMMENTS_REPORTS_PER_DAY


def comment_report(*, comment_id: int, reason: str, note: str = "", ip: str) -> str:
    """A reader reports an approved comment; returns a `ReportOutcome`.

    One report per client (its keyed address hash) per comment counts, however often it is
    sent, and reports a moderator has cleared keep that client from counting again. The
    comment stays shown: only with COMMENTS_REPORT_HIDE_AT set does it go back to the
    queue once that many distinct clients have reported it.
    """
    if reason not in Report.Reason.values:
        raise ValueError(f"unknown report reason {reason!r}")
    client = ip_hash(ip)
    if _report_rate_exceeded(client or "no-address"):
        return ReportOutcome.RATE
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update(no_key=True, of=("self",))
            .filter(pk=comment_id, status=Comment.Status.APPROVED)
            .first()
        )
        if comment is None:
            return ReportOutcome.GONE
        try:
            with transaction.atomic():
                Report.objects.create(
                    comment=comment, reason=reason, note=note[:500], client_hash=client
                )
        except IntegrityError:
            return ReportOutcome.REPEATED
        Comment.objects.filter(pk=comment.pk).update(open_reports=F("open_reports") + 1)
        comment.open_reports += 1
        threshold = settings.COMMENTS_REPORT_HIDE_AT
        if threshold and comment.open_reports >= threshold:
            _hide_reported(comment)  # takes the article's lock: before any tally row
        if comment.open_reports == 1:
            _tally([(comment.article_id, REPORTED, 1)])
    return ReportOutcome.COUNTED


def _hide_reported(comment: Comment) -> None:
    """Enough distinct readers reported it: back to the queue until a moderator decides."""
    held = [code for code in comment.held_reasons if code != HeldReason.REPORTED]
    held.append(HeldReason.REPORTED)
    Comment.objects.filter(pk=comment.pk).update(held_reasons=[str(code) for code in held])
    _moderate(
        ids=[comment.pk],
        decision="hold",
        moderator=None,
        reason=f"auto: reported by {comment.open_reports} readers",
    )


def _clear_reports(comments: list[Comment], moderator: AbstractBaseUser | None) -> list:
    """Mark these (locked) comments' open reports as answered; the tally moves it returns."""
    if not comments:
        return []
    ids = [c.pk for c in comments]
    Report.objects.filter(comment__in=ids, cleared_at=None).update(
        cleared_at=timezone.now(), cleared_by=moderator
    )
    Comment.objects.filter(pk__in=ids).update(open_reports=0)
    for comment in comments:
        comment.open_reports = 0
    return [(c.article_id, REPORTED, -1) for c in comments]


def comment_keep(*, comment: Comment, moderator: AbstractBaseUser | None, reason: str = "") -> bool:
    """A moderator read the reports and keeps the comment: its reports are cleared (they stay
    on record, and the same clients cannot count again), and a comment the reports had hidden
    is shown again. True if there was anything to clear."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update(no_key=True, of=("self",)).get(pk=comment.pk)
        cleared = locked.open_reports
        if not cleared:
            return False
        ModerationLog.objects.create(
            comment=locked,
            action=ModerationLog.Action.KEEP,
            moderator=moderator,
            from_status=locked.status,
            to_status=locked.status,
            reason=(reason or f"kept after {cleared} report(s)")[:200],
        )
        if locked.status == Comment.Status.PENDING and HeldReason.REPORTED in locked.held_reasons:
            # Approving answers the reports too, in the decisions' lock order.
            _moderate(ids=[locked.pk], decision="approve", moderator=moderator, reason="kept")
        else:
            _tally(_clear_reports([locked], moderator))
    comment.refresh_from_db()
    return True


# --- Picks ----------------------------------------------------------------------------


def comment_pick(
    *, comment: Comment, moderator: AbstractBaseUser | None, picked: bool = True, reason: str = ""
) -> bool:
    """Mark an approved comment as an editors' pick (or no longer); True if it changed.

    Its page is purged: softly for a new pick (an addition), at once for an unpick."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update(no_key=True, of=("self",)).get(pk=comment.pk)
        if locked.is_pick == picked:
            return False
        if picked and locked.status != Comment.Status.APPROVED:
            raise ValueError("Only a published comment can be picked.")
        now = timezone.now()
        Comment.objects.filter(pk=locked.pk).update(
            is_pick=picked, picked_at=now if picked else None
        )
        ModerationLog.objects.create(
            comment=locked,
            action=ModerationLog.Action.PICK if picked else ModerationLog.Action.UNPICK,
            moderator=moderator,
            from_status=locked.status,
            to_status=locked.status,
            reason=reason[:200],
        )
        _purge_on_commit([locked.article_id], soft=picked)
    comment.is_pick = picked
    comment.picked_at = now if picked else None
    return True


# --- Commenters: bans and trust -------------------------------------------------------


def _active_standings():
    now = timezone.now()
    return CommenterStanding.objects.filter(lifted_at=None).filter(
        Q(expires_at=None) | Q(expires_at__gt=now)
    )


STANDINGS_CACHE_KEY = "comments:standings"


def _standings_from_database() -> list[tuple[str, str, str, float | None]]:
    rows = _active_standings().values_list("email_hash", "client_hash", "kind", "expires_at")
    return [(e, c, k, x.timestamp() if x else None) for e, c, k, x in rows]


def _standings() -> list[tuple[str, str, str, float | None]]:
    """The active bans and trusts as (email hash, client hash, kind, expiry), kept in the
    cache like the terms: every post and every queue page reads them, moderators seldom
    change them (a change forgets the copy, see `standings_forget`)."""
    try:
        rows = cache.get(STANDINGS_CACHE_KEY)
        if rows is None:
            rows = _standings_from_database()
            cache.set(STANDINGS_CACHE_KEY, rows, timeout=300)
    except Exception:  # Redis down: read them from the database (a post must not fail)
        logger.warning("commenter standings: cache unavailable", exc_info=True)
        rows = _standings_from_database()
    now = time.time()
    return [row for row in rows if row[3] is None or row[3] > now]


def standings_forget() -> None:
    """A ban or trust changed: drop the kept list now and once the change is committed."""

    def forget() -> None:
        try:
            cache.delete(STANDINGS_CACHE_KEY)
        except Exception:  # Redis down: it holds no list to forget, or will expire it
            logger.warning("commenter standings: cache unavailable", exc_info=True)

    forget()
    transaction.on_commit(forget)


def commenter_standing(*, email: str, ip: str = "") -> str:
    """Whether whoever posts with this email (and client address) is "banned", "trusted"
    or neither ("").

    A ban matches either the email or the client address; trust only the email (and is
    honoured only from a confirmed mailbox, see `_check_history`). A ban wins."""
    by_email = email_hash(email) if email else ""
    client = ip_hash(ip)
    kinds = set()
    for email_digest, client_digest, kind, _ in _standings():
        if by_email and email_digest == by_email:
            kinds.add(kind)
        elif client and client_digest == client and kind == CommenterStanding.Kind.BANNED:
            kinds.add(kind)
    if CommenterStanding.Kind.BANNED in kinds:
        return CommenterStanding.Kind.BANNED
    return CommenterStanding.Kind.TRUSTED if kinds else ""


def standings_for_emails(emails: Iterable[str]) -> dict[str, str]:
    """email → "banned"/"trusted" for those of these emails with an active standing (from
    the kept list: no query, for the queue's history lines)."""
    by_hash = {email_hash(email): email for email in set(emails) if email}
    found: dict[str, str] = {}
    for digest, _, kind, _ in _standings():
        email = by_hash.get(digest)
        if email and found.get(email) != CommenterStanding.Kind.BANNED:
            found[email] = kind
    return found


def _standing_set(
    *, comment: Comment, kind: str, moderator: AbstractBaseUser | None, reason: str
) -> CommenterStanding:
    """Record `kind` for this comment's commenter, lifting any other active standing of
    theirs (a ban replaces a trust and the other way round); logged with who and why."""
    digest = email_hash(comment.email)
    client = comment.ip_hash if kind == CommenterStanding.Kind.BANNED else ""
    if not digest and not client:
        raise ValueError("This commenter's email and address were erased: nothing to match.")
    now = timezone.now()
    mine = _active_standings().select_for_update().filter(email_hash=digest) if digest else None
    current = list(mine) if mine is not None else []
    for standing in current:
        if standing.kind == kind:
            return standing  # already so: nothing new to record
    for standing in current:
        standing_lift(standing=standing, moderator=moderator, reason=f"replaced: {kind}")
    expires = None
    if kind == CommenterStanding.Kind.BANNED:
        expires = now + timedelta(days=settings.COMMENTS_BAN_DAYS)
    standings_forget()
    standing = CommenterStanding.objects.create(
        kind=kind,
        email_hash=digest,
        client_hash=client,
        name=comment.name,
        comment=comment,
        reason=reason[:200],
        created_by=moderator,
        expires_at=expires,
    )
    ModerationLog.objects.create(
        comment=comment,
        standing=standing,
        action=ModerationLog.Action.BAN
        if kind == CommenterStanding.Kind.BANNED
        else ModerationLog.Action.TRUST,
        moderator=moderator,
        from_status=comment.status,
        to_status=comment.status,
        reason=reason[:200],
    )
    return standing


def commenter_ban(
    *, comment: Comment, moderator: AbstractBaseUser | None, reason: str = ""
) -> CommenterStanding:
    """Mark the comment as spam and ban its commenter, by email and client address, for
    COMMENTS_BAN_DAYS: their later posts are stored as spam and they are not told."""
    with transaction.atomic():
        comment_moderate(
            comment=comment, decision="spam", moderator=moderator, reason=reason or "banned"
        )
        return _standing_set(
            comment=comment, kind=CommenterStanding.Kind.BANNED, moderator=moderator, reason=reason
        )


def commenter_trust(
    *, comment: Comment, moderator: AbstractBaseUser | None, reason: str = ""
) -> CommenterStanding:
    """Approve the comment and trust its commenter (by email): their next comments are
    published at once when posted from a confirmed mailbox with nothing the link and word
    checks hold; otherwise held as usual, marked "trusted" for the moderator."""
    with transaction.atomic():
        comment_moderate(
            comment=comment, decision="approve", moderator=moderator, reason=reason or "trusted"
        )
        return _standing_set(
            comment=comment, kind=CommenterStanding.Kind.TRUSTED, moderator=moderator, reason=reason
        )


def standing_lift(
    *, standing: CommenterStanding, moderator: AbstractBaseUser | None, reason: str = ""
) -> bool:
    """End a ban or a trust (the row stays as the record); True if it was in force."""
    with transaction.atomic():
        updated = CommenterStanding.objects.filter(pk=standing.pk, lifted_at=None).update(
            lifted_at=timezone.now(), lifted_by=moderator, lifted_reason=reason[:200]
        )
        if updated:
            standings_forget()
            ModerationLog.objects.create(
                comment_id=standing.comment_id,
                standing=standing,
                action=ModerationLog.Action.LIFT,
                moderator=moderator,
                reason=(reason or f"{standing.kind} lifted")[:200],
            )
    standing.refresh_from_db()
    return bool(updated)


def standing_lift_many(
    *, ids: Iterable[int], moderator: AbstractBaseUser | None, reason: str = ""
) -> int:
    return sum(
        standing_lift(standing=standing, moderator=moderator, reason=reason)
        for standing in CommenterStanding.objects.filter(pk__in=list(ids))
    )


def comment_decide(
    *, comment: Comment, decision: str, moderator: AbstractBaseUser | None, reason: str = ""
) -> bool:
    """Every decision the queue offers on one comment, by name; True if anything changed."""
    if decision in ("approve", "reject", "spam"):
        return comment_moderate(
            comment=comment, decision=decision, moderator=moderator, reason=reason
        )
    if decision == "keep":
        return comment_keep(comment=comment, moderator=moderator, reason=reason)
    if decision in ("pick", "unpick"):
        return comment_pick(
            comment=comment, moderator=moderator, picked=decision == "pick", reason=reason
        )
    if decision == "ban":
        commenter_ban(comment=comment, moderator=moderator, reason=reason)
        return True
    if decision == "trust":
        commenter_trust(comment=comment, moderator=moderator, reason=reason)
        return True
    raise ValueError(f"unknown decision {decision!r}")


# --- Undo -------------------------------------------------------------------------------
# A decision made in the queue can be undone for COMMENTS_UNDO_SECONDS by whoever made it.
# The decision stays in the log; the undo is a decision of its own, logged row by row, each
# row naming the row it reverses (`ModerationLog.undoes`). The mail a decision causes waits
# for the window (comments/notify.py, `undo_hold`), and an undone approval withdraws it.

UNDO_SALT = "comments.undo"


class UndoRefused(Exception):
    """Why an undo cannot be done; `status` is the HTTP answer that says so."""

    def __init__(self, message: str, *, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def _latest_log_id(comment_id: int) -> int:
    latest = ModerationLog.objects.filter(comment_id=comment_id).order_by("-pk").first()
    return latest.pk if latest else 0


def comment_decide_undoable(
    *, comment: Comment, decision: str, moderator: AbstractBaseUser, reason: str = ""
) -> tuple[bool, str]:
    """`comment_decide`, and a token that undoes it within the window ("" if nothing
    changed). The token names the comment, the moderator and the decision's log rows, and is
    signed with its time, so it can be neither forged nor used late."""
    with transaction.atomic():
        Comment.objects.select_for_update(no_key=True, of=("self",)).filter(pk=comment.pk).first()
        before = _latest_log_id(comment.pk)
        changed = comment_decide(
            comment=comment, decision=decision, moderator=moderator, reason=reason
        )
        after = _latest_log_id(comment.pk)
    if not changed or after == before:
        return changed, ""
    token = signing.dumps(
        {"c": comment.pk, "m": moderator.pk, "from": before, "to": after, "d": decision},
        salt=UNDO_SALT,
        compress=True,
    )
    return changed, token


def _undo_read(token: str, *, comment: Comment, moderator: AbstractBaseUser) -> dict[str, Any]:
    try:
        data = signing.loads(token, salt=UNDO_SALT, max_age=settings.COMMENTS_UNDO_SECONDS)
    except signing.SignatureExpired:
        raise UndoRefused(
            f"Too late to undo: a decision can be undone for {settings.COMMENTS_UNDO_SECONDS} "
            "seconds. Decide the comment again instead.",
            status=409,
        ) from None
    except signing.BadSignature:
        raise UndoRefused("This is not an undo of a decision made here.", status=400) from None
    if not isinstance(data, dict) or data.get("c") != comment.pk:
        raise UndoRefused("This undo is for another comment.", status=400)
    if data.get("m") != moderator.pk:
        raise UndoRefused("Only the moderator who made a decision can undo it.", status=403)
    return data


def _reopen_reports(comment: Comment, *, moderator, since) -> int:
    """Reports this decision cleared (by this moderator, since it began) count again."""
    reopened = Report.objects.filter(
        comment=comment, cleared_by=moderator, cleared_at__gte=since
    ).update(cleared_at=None, cleared_by=None)
    if reopened:
        opened_before = comment.open_reports
        Comment.objects.filter(pk=comment.pk).update(open_reports=F("open_reports") + reopened)
        comment.open_reports += reopened
        if not opened_before:
            _tally([(comment.article_id, REPORTED, 1)])
    return reopened


STATUS_DECISION = {status: decision for decision, status in DECISIONS.items()}


def _restore_replaced(row: ModerationLog, *, comment: Comment, moderator, reason: str) -> None:
    """A ban replaced this commenter's trust (or a trust their ban) as it was set: undoing
    it brings the replaced one back, logged."""
    replaced = CommenterStanding.objects.filter(
        email_hash=row.standing.email_hash,
        lifted_by=moderator,
        lifted_at__gte=row.created_at - timedelta(seconds=1),
        lifted_reason=f"replaced: {row.standing.kind}",
    ).exclude(pk=row.standing_id)
    for standing in replaced:
        CommenterStanding.objects.filter(pk=standing.pk).update(
            lifted_at=None, lifted_by=None, lifted_reason=""
        )
        standings_forget()
        ModerationLog.objects.create(
            comment=comment,
            standing=standing,
            action=ModerationLog.Action.UNDO,
            moderator=moderator,
            from_status=comment.status,
            to_status=comment.status,
            reason=f"{reason}: {standing.kind} restored",
        )


def comment_undo(*, comment: Comment, token: str, moderator: AbstractBaseUser) -> str:
    """Undo the decision `token` names (see `comment_decide_undoable`), if it is still the
    comment's latest and its window is open: its status, pick, reports and ban or trust go
    back to what they were, each step logged, and the page is purged. Raises UndoRefused.
    Returns the decision undone (its name, e.g. "approve")."""
    data = _undo_read(token, comment=comment, moderator=moderator)
    with transaction.atomic():
        locked = Comment.objects.select_for_update(no_key=True, of=("self",)).get(pk=comment.pk)
        if _latest_log_id(locked.pk) != data["to"]:
            raise UndoRefused(
                "This comment has been decided again since (or the decision was undone "
                "already): there is nothing to undo. Decide it again instead.",
                status=409,
            )
        rows = list(
            ModerationLog.objects.filter(
                comment=locked.pk, pk__gt=data["from"], pk__lte=data["to"]
            ).order_by("-pk")
        )
        if not rows or any(row.moderator_id != moderator.pk for row in rows):
            raise UndoRefused("Only the moderator who made a decision can undo it.", status=403)
        reason = f"undo: {data.get('d', 'decision')}"
        for row in rows:
            mark = _latest_log_id(locked.pk)
            if row.action == ModerationLog.Action.STATUS and row.from_status:
                _moderate(
                    ids=[locked.pk],
                    decision=STATUS_DECISION[row.from_status],
                    moderator=moderator,
                    reason=reason,
                    into=locked,
                )
            elif row.action in (ModerationLog.Action.PICK, ModerationLog.Action.UNPICK):
                locked.refresh_from_db()
                picked = row.action == ModerationLog.Action.UNPICK
                if picked and locked.status != Comment.Status.APPROVED:
                    continue  # its status is being restored to one that cannot be picked
                comment_pick(comment=locked, moderator=moderator, picked=picked, reason=reason)
            elif row.action in (ModerationLog.Action.BAN, ModerationLog.Action.TRUST):
                if row.standing_id:
                    standing_lift(standing=row.standing, moderator=moderator, reason=reason)
                    _restore_replaced(row, comment=locked, moderator=moderator, reason=reason)
            ModerationLog.objects.filter(comment=locked.pk, pk__gt=mark, undoes=None).update(
                undoes=row
            )
        locked.refresh_from_db()
        if _reopen_reports(locked, moderator=moderator, since=rows[-1].created_at):
            ModerationLog.objects.create(
                comment=locked,
                action=ModerationLog.Action.UNDO,
                moderator=moderator,
                from_status=locked.status,
                to_status=locked.status,
                reason=f"{reason}: readers' reports reopened",
                undoes=rows[0],
            )
        undone_approval = any(r.to_status == Comment.Status.APPROVED != r.from_status for r in rows)
        if undone_approval and locked.status != Comment.Status.APPROVED:
            notify.comment_approval_undone(comment=locked)
        _purge_on_commit([locked.article_id])
    comment.status = locked.status
    comment.is_pick = locked.is_pick
    comment.open_reports = locked.open_reports
    return str(data.get("d", ""))


# --- Privacy --------------------------------------------------------------------------


def commenter_erase(*, email: str) -> int:
    """Anonymise every comment from `email`: name "Removed", email and IP hash cleared.

    The bodies stay (replies would lose their context otherwise); the log records that the
    erasure happened, without the email. Returns how many comments were anonymised.
    """
    email = email.strip().lower()
    with transaction.atomic():
        comments = list(Comment.objects.select_for_update().filter(email=email))
        for comment in comments:
            comment.name = "Removed"
            comment.email = ""
            comment.ip_hash = ""
            comment.user_agent = ""
            comment.save(update_fields=["name", "email", "ip_hash", "user_agent"])
            ModerationLog.objects.create(
                comment=comment,
                from_status=comment.status,
                to_status=comment.status,
                reason="commenter's personal data erased on request",
            )
        notify.commenter_erased(email=email, comments=comments)  # the outbox too
        # Readers' notes may quote or name them; the reasons stay, the notes go.
        Report.objects.filter(comment__in=[c.pk for c in comments]).update(note="")
        # Their standing is kept under a hash of their email: erased too (a ban with it),
        # recorded without the email.
        standings = CommenterStanding.objects.filter(email_hash=email_hash(email))
        if standings.exists():
            ModerationLog.objects.create(
                action=ModerationLog.Action.ERASE,
                reason=f"{standings.count()} ban/trust record(s) erased on request",
            )
            standings.delete()
            standings_forget()
        _purge_on_commit(c.article_id for c in comments)
    return len(comments)


def commenter_export(*, email: str) -> dict[str, Any]:
    """Everything we hold about the person behind `email`, ready to be printed as JSON."""
    email = email.strip().lower()
    comments = Comment.objects.filter(email=email).select_related("article__desk").order_by("pk")
    confirmation = mailbox_state(email=email) or {}
    standings = CommenterStanding.objects.filter(email_hash=email_hash(email)).order_by("pk")
    reports = (
        Report.objects.filter(comment__email=email)
        .order_by("comment_id", "pk")
        .values_list("comment_id", "reason", "created_at", "cleared_at")
    )
    return {
        "email": email,
        # When they were asked to confirm mail about their comments, and when they did.
        "mail_confirmation": {
            name: when.isoformat() for name, when in confirmation.items() if when is not None
        },
        "comments": [
            {
                "id": c.pk,
                "article": c.article.headline,
                "article_url": f"{settings.SITE_URL}{c.article.get_absolute_url()}",
                "reply_to": c.parent_id,
                "name": c.name,
                "body": c.body,
                "status": c.status,
                "created_at": c.created_at.isoformat(),
                "ip_hash": c.ip_hash,
                "user_agent": c.user_agent,
                "notify_on_publish": c.notify_on_publish,
                "notify_on_reply": c.notify_on_reply,
                "email_verified": c.email_verified,
            }
            for c in comments
        ],
        # Bans and trust: kept under a keyed hash of the email (and, for a ban, of the
        # client address), never the address itself.
        "standing": [
            {
                "kind": st.kind,
                "since": st.created_at.isoformat(),
                "expires_at": st.expires_at.isoformat() if st.expires_at else None,
                "lifted_at": st.lifted_at.isoformat() if st.lifted_at else None,
                "reason": st.reason,
                "email_hash": st.email_hash,
                "client_hash": st.client_hash,
            }
            for st in standings
        ],
        # Readers' reports of their comments: why and when, never who reported.
        "reports_on_comments": [
            {
                "comment": comment_id,
                "reason": reason,
                "created_at": created.isoformat(),
                "cleared_at": cleared.isoformat() if cleared else None,
            }
            for comment_id, reason, created, cleared in reports
        ],
    }


def comment_clear_old_ip_hashes(*, older_than_days: int | None = None) -> int:
    """Forget the IP hash and user agent of comments older than the retention period."""
    days = settings.COMMENTS_IP_HASH_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    stale = Comment.objects.filter(created_at__lt=cutoff).exclude(ip_hash="", user_agent="")
    cleared = stale.update(ip_hash="", user_agent="")
    # Bans keep their own hashes until they expire; then the hashes go too.
    expired = CommenterStanding.objects.filter(expires_at__lt=timezone.now())
    expired.exclude(email_hash="", client_hash="").update(email_hash="", client_hash="")
    return cleared
