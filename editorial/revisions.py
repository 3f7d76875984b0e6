"""Revisions of an article's text: what is kept, how a version is rebuilt, how two
versions are compared. Pure functions over `Revision.changes`; `services` does the writing.

A revision keeps only the fields that changed from the one before, so an article's
history costs about one copy of it plus its edits. Any version is rebuilt by replaying
the changes in order, oldest first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Byline
from editorial.models import Revision

# What a revision keeps, in the order the diff shows it.
TRACKED = ("headline", "standfirst", "body", "bylines", "hero_photo")
LABELS = {
    "headline": "Headline",
    "standfirst": "Standfirst",
    "body": "Body",
    "bylines": "Bylines",
    "hero_photo": "Hero photo",
}
ROLE_LABELS = dict(Byline.Role.choices)

State = dict[str, Any]


def snapshot(article: Article) -> State:
    """The tracked fields of the article as saved now, as JSON-ready values."""
    bylines = (
        Byline.objects.filter(article=article).select_related("author").order_by("order", "id")
    )
    photo = article.hero_photo if article.hero_photo_id else None
    return {
        "headline": article.headline,
        "standfirst": article.standfirst,
        "body": article.body,
        "bylines": [
            {"author": b.author_id, "name": b.author.name, "role": b.role} for b in bylines
        ],
        "hero_photo": {"id": photo.pk, "alt": photo.alt_text} if photo else None,
    }


def empty_state() -> State:
    return {"headline": "", "standfirst": "", "body": "", "bylines": [], "hero_photo": None}


def changed(before: State, after: State) -> State:
    """The fields of `after` that differ from `before`: what a new revision stores."""
    return {field: after[field] for field in TRACKED if before.get(field) != after[field]}


def replay(revisions: Iterable[Revision]) -> dict[int, State]:
    """Every version, by revision number, rebuilt from revisions given oldest first."""
    state, versions = empty_state(), {}
    for revision in revisions:
        state = state | {k: v for k, v in revision.changes.items() if k in TRACKED}
        versions[revision.number] = state
    return versions


def latest_state(article: Article) -> State:
    """The last kept version (an empty one before the first revision)."""
    versions = replay(article.revisions.order_by("number").only("number", "changes"))
    return versions[max(versions)] if versions else empty_state()


def state_at(article: Article, number: int) -> State | None:
    rows = article.revisions.filter(number__lte=number).order_by("number").only("number", "changes")
    versions = replay(rows)
    return versions.get(number)


def lines(field: str, value: Any) -> list[str]:
    """A field's value as lines of text for the diff."""
    if field == "bylines":
        return [f"{ROLE_LABELS.get(b['role'], b['role'])} {b['name']}" for b in value] or ["—"]
    if field == "hero_photo":
        return [f"Photo {value['id']}: {value['alt']}"] if value else ["No hero photo"]
    if field == "body":
        # The editor's HTML has no line breaks: one line per block, so a diff shows the
        # paragraph that changed rather than the whole body as one line.
        value = BLOCK_END.sub(lambda match: match.group(0) + "\n", value or "")
    return (value or "").splitlines() or [""]


BLOCK_END = re.compile(r"</(?:p|h2|h3|li|blockquote|aside|figure|ul|ol)>")


def diff_tables(old: State, new: State, *, old_label: str, new_label: str) -> list[dict]:
    """For each field that differs, a side-by-side HTML table (difflib's, which escapes the
    text) showing the changed lines with two lines of context."""
    differ = difflib.HtmlDiff(tabsize=4)  # no hard wrapping: the page's CSS wraps words
    tables = []
    for field in TRACKED:
        if old.get(field) == new.get(field):
            continue
        table = differ.make_table(
            lines(field, old.get(field)),
            lines(field, new.get(field)),
            fromdesc=escape(old_label),  # difflib puts the headers in as they are
            todesc=escape(new_label),
            context=True,
            numlines=2,
        )
        tables.append({"field": field, "label": LABELS[field], "table": mark_safe(table)})  # noqa: S308 - difflib escapes &, < and > in the text
    return tables


def summary(changes: State) -> SafeString:
    """ "Headline, Body": which fields a revision changed."""
    names = [LABELS[field] for field in TRACKED if field in changes]
    return format_html("{}", ", ".join(names) or "No text changes")
