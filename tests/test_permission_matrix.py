"""Every URL pattern × every persona → the expected answer.

The table below is the access contract. It is checked in both directions: each pattern in
the URLconf (walked with `get_resolver()`) must have an entry, and each entry must match a
pattern, so a new URL or a new admin action cannot ship without someone deciding who may
use it. Each admin model is covered through its changelist, add, change, delete and history
pages, and each admin action is POSTed to its changelist as a crafted request would be.

Outcomes, one per persona in PERSONAS order:
  200/303/403/404/405  the status code
  login                a redirect to the sign-in page
  302                  any other redirect
  ran                  an admin action that ran (a redirect with the action's own message)
  refused              an admin action the persona may not use ("No action selected.")
  none                 an admin action the persona may use, on rows that are not theirs
                       (another desk's): the admin finds none of them, nothing changes
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from articles import staff
from articles.models import Article, Correction
from comments import services as comment_services
from comments.models import Comment, ModerationLog, Report, Term
from editorial.services import revisions, share_links
from live import services as live_services
from live.models import DeskLivePolicy, LiveEntryLog
from notifications.models import (
    MODERATOR_DIGEST,
    Mailbox,
    Notification,
    NotificationPreference,
    Suppression,
)
from notifications.services import confirm_token, unsubscribe_token
from tests.support.comments import form_data
from tests.support.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    CommentFactory,
    DeskFactory,
    PhotoFactory,
    TopicFactory,
)
from tests.support.personas import desk_member

PERSONAS = (
    "anonymous",
    "reader",
    "reporter",
    "editor",
    "moderator",
    "outsider",
    "superuser",
    # A moderator on another desk (Culture) than the objects' (Science): moderation follows
    # desk membership, so the comments here are not theirs.
    "desk_moderator",
)

# Shorthands for rows that recur.
EVERYONE_200 = "200 200 200 200 200 200 200 200"
STAFF_ONLY = "login login 200 200 200 200 200 200"
SUPERUSER_ONLY = "login login 403 403 403 403 200 403"
NOBODY = "login login 403 403 403 403 403 403"
STAFF_RUNNERS = "login login 403 200 403 403 200 403"
STAFF_HISTORY = "login login 302 200 302 302 200 302"


@dataclass(frozen=True)
class Case:
    expected: str
    path: Callable[[SimpleNamespace], str]
    method: str = "get"
    data: Callable[[SimpleNamespace], dict] | None = None
    label: str = ""

    def outcome_for(self, persona: str) -> str:
        outcomes = self.expected.split()
        assert len(outcomes) == len(PERSONAS), f"{self.label}: {self.expected!r}"
        return outcomes[PERSONAS.index(persona)]


def case(expected: str, path: str | Callable, method: str = "get", data=None, label="") -> Case:
    return Case(expected, path if callable(path) else (lambda o, p=path: p), method, data, label)


def article_path(article_key: str, suffix: str = "") -> Callable:
    return lambda o: getattr(o, article_key).get_absolute_url() + suffix


def tampered(url: str) -> str:
    """The same address with the token's last character changed."""
    last = url[-2]
    return url[:-2] + ("A" if last != "A" else "B") + "/"


def live_admin(o: SimpleNamespace, suffix: str) -> str:
    return f"/admin/live/liveblog/{o.live_blog.pk}/{suffix}"


def article_admin(article_key: str, suffix: str) -> Callable:
    return lambda o: f"/admin/articles/article/{getattr(o, article_key).pk}/{suffix}"


# --- Public site, moderation, notifications, health -------------------------------------

ENTRIES: dict[str, list[Case]] = {
    "healthz": [case(EVERYONE_200, "/healthz")],
    "livez": [case(EVERYONE_200, "/livez")],
    "": [case(EVERYONE_200, "/")],
    "feed/": [case(EVERYONE_200, "/feed/")],
    "search/": [case(EVERYONE_200, "/search/?q=tides")],
    "sitemap.xml": [case(EVERYONE_200, "/sitemap.xml")],
    "news-sitemap.xml": [case(EVERYONE_200, "/news-sitemap.xml")],
    "robots.txt": [case(EVERYONE_200, "/robots.txt")],
    "corrections/": [case(EVERYONE_200, "/corrections/")],
    # A share link's token is the whole authority: anyone holding it reads the draft.
    "preview/<str:token>/": [
        case(EVERYONE_200, lambda o: o.share_link.get_absolute_url(), label="a live link"),
        case(
            "404 404 404 404 404 404 404 404",
            lambda o: tampered(o.share_link.get_absolute_url()),
            label="a changed token",
        ),
    ],
    "authors/<slug:slug>/": [case(EVERYONE_200, lambda o: f"/authors/{o.author.slug}/")],
    "authors/<slug:slug>/feed/": [case(EVERYONE_200, lambda o: f"/authors/{o.author.slug}/feed/")],
    "topics/<slug:slug>/": [case(EVERYONE_200, lambda o: f"/topics/{o.topic.slug}/")],
    "<slug:desk>/": [case(EVERYONE_200, lambda o: f"/{o.desk.slug}/")],
    "<slug:desk>/feed/": [case(EVERYONE_200, lambda o: f"/{o.desk.slug}/feed/")],
    "<slug:desk>/<yyyy:year>/<nn:month>/<nn:day>/<slug:slug>/": [
        case(EVERYONE_200, article_path("story"), label="a published article"),
        # Drafts: a preview for those the admin shows it to (its reporter, the desk's
        # editors), a plain 404 for everybody else (moderators read what the public reads).
        case("404 404 200 200 404 404 200 404", article_path("draft"), label="a draft"),
    ],
    "<slug:desk>/<yyyy:year>/<nn:month>/<nn:day>/<slug:slug>/comments/": [
        case(
            "303 303 303 303 303 303 303 303",
            article_path("story", "comments/"),
            "post",
            lambda o: form_data(),
            label="a valid comment",
        ),
        case("405 405 405 405 405 405 405 405", article_path("story", "comments/"), label="GET"),
        case(
            "404 404 404 404 404 404 404 404",
            article_path("draft", "comments/"),
            "post",
            lambda o: form_data(),
            label="on a draft",
        ),
    ],
    # Reports come from the shared article page: no login, no token, the same for everyone.
    "comments/<int:comment_id>/report/": [
        case(
            "303 303 303 303 303 303 303 303",
            lambda o: f"/comments/{o.shown.pk}/report/",
            "post",
            lambda o: {"reason": "off_topic"},
            label="a report",
        ),
        case(
            "404 404 404 404 404 404 404 404",
            lambda o: f"/comments/{o.comment.pk}/report/",
            "post",
            lambda o: {"reason": "spam"},
            label="of a held comment",
        ),
        case(
            "405 405 405 405 405 405 405 405",
            lambda o: f"/comments/{o.shown.pk}/report/",
            label="GET",
        ),
    ],
    "moderation/": [
        case("login 403 403 200 200 403 200 200", "/moderation/"),
        case("login 403 403 200 200 403 200 200", "/moderation/?status=reported", label="reported"),
        case(
            "login 403 403 200 200 403 200 200",
            lambda o: f"/moderation/?commenter={o.comment.pk}",
            label="one commenter's comments",
        ),
    ],
    "moderation/bulk/": [
        case(
            "login 403 403 303 303 403 303 303",
            "/moderation/bulk/",
            "post",
            lambda o: {"ids": [o.comment.pk], "decision": "reject"},
        ),
        case("405 405 405 405 405 405 405 405", "/moderation/bulk/", label="GET"),
    ],
    # Another desk's comment is not there for a desk's moderator: 404, nothing decided.
    "moderation/<int:comment_id>/": [
        case(
            "login 403 403 303 303 403 303 404",
            lambda o: f"/moderation/{o.comment.pk}/",
            "post",
            lambda o: {"decision": "approve"},
        ),
        # Then, on the now approved comment, every other decision in turn.
        *(
            case(
                "login 403 403 303 303 403 303 404",
                lambda o: f"/moderation/{o.comment.pk}/",
                "post",
                lambda o, d=decision: {"decision": d},
                label=decision,
            )
            for decision in ("pick", "unpick", "keep", "trust", "ban")
        ),
        case(
            "405 405 405 405 405 405 405 405", lambda o: f"/moderation/{o.comment.pk}/", label="GET"
        ),
    ],
    # Undo: only the moderator who made the decision, with the token its answer carried.
    "moderation/<int:comment_id>/undo/": [
        case(
            "login 403 403 400 400 403 400 404",
            lambda o: f"/moderation/{o.undoable.pk}/undo/",
            "post",
            lambda o: {"token": ""},
            label="no token",
        ),
        case(
            "login 403 403 403 303 403 403 404",
            lambda o: f"/moderation/{o.undoable.pk}/undo/",
            "post",
            lambda o: {"token": o.undo_token},
            label="the moderator's decision",
        ),
        case(
            "405 405 405 405 405 405 405 405",
            lambda o: f"/moderation/{o.undoable.pk}/undo/",
            label="GET",
        ),
    ],
    "notifications/unsubscribe/<str:token>/": [
        case(EVERYONE_200, lambda o: f"/notifications/unsubscribe/{o.token}/"),
        case(
            "400 400 400 400 400 400 400 400",
            "/notifications/unsubscribe/forged/",
            label="a forged token",
        ),
    ],
    # The double opt-in's page: the signed token authorises, so everyone sees the same.
    "notifications/confirm/<str:token>/": [
        case(EVERYONE_200, lambda o: f"/notifications/confirm/{o.confirm_token}/"),
        case(
            "400 400 400 400 400 400 400 400",
            "/notifications/confirm/forged/",
            label="a forged token",
        ),
    ],
    "notifications/preferences/": [
        case("login 200 200 200 200 200 200 200", "/notifications/preferences/")
    ],
}

# --- The admin site's own pages ----------------------------------------------------------

ENTRIES |= {
    "admin/": [case(STAFF_ONLY, "/admin/")],
    # Signed-in staff go straight to the index; a signed-in reader is asked to sign in as staff.
    "admin/login/": [case("200 200 302 302 302 302 302 302", "/admin/login/")],
    "admin/logout/": [
        case("302 302 200 200 200 200 200 200", "/admin/logout/", "post", lambda o: {}),
        case("302 302 405 405 405 405 405 405", "/admin/logout/", label="GET"),
    ],
    "admin/password_change/": [case(STAFF_ONLY, "/admin/password_change/")],
    "admin/password_change/done/": [case(STAFF_ONLY, "/admin/password_change/done/")],
    # A forgotten password: anyone may ask (the same answer whether the address is known),
    # and a link that is not a valid token only says so.
    "admin/password_reset/": [
        case(EVERYONE_200, "/admin/password_reset/"),
        case(
            "302 302 302 302 302 302 302 302",
            "/admin/password_reset/",
            "post",
            lambda o: {"email": "nobody@example.org"},
            label="POST",
        ),
    ],
    "admin/password_reset/done/": [case(EVERYONE_200, "/admin/password_reset/done/")],
    "admin/reset/<uidb64>/<token>/": [case(EVERYONE_200, "/admin/reset/MQ/not-a-token/")],
    "admin/reset/done/": [case(EVERYONE_200, "/admin/reset/done/")],
    # An invitation's page: its signed token is the whole authority, whoever opens it; a
    # changed token only says so (the POST that uses it is tested in tests/articles).
    "admin/invitation/<str:token>/": [
        case(EVERYONE_200, lambda o: o.invitation_path, label="an open invitation"),
        case(
            "400 400 400 400 400 400 400 400",
            lambda o: tampered(o.invitation_path),
            label="a changed token",
        ),
    ],
    # The site's audit log: every desk's steps and who changed whose rights.
    "admin/audit/": [
        case(SUPERUSER_ONLY, "/admin/audit/"),
        case("login login 403 403 403 403 400 403", "/admin/audit/?day=never", label="bad day"),
    ],
    "admin/autocomplete/": [
        case(
            "login login 200 200 403 403 200 403",
            "/admin/autocomplete/?app_label=articles&model_name=article&field_name=hero_photo",
            label="photos for an article's hero",
        ),
        case("login login 403 403 403 403 403 403", "/admin/autocomplete/", label="no field"),
    ],
    "admin/jsi18n/": [case(STAFF_ONLY, "/admin/jsi18n/")],
    "admin/r/<path:content_type_id>/<path:object_id>/": [
        case(
            "login login 302 302 302 302 302 302",
            lambda o: f"/admin/r/{ContentType.objects.get_for_model(Article).pk}/{o.story.pk}/",
        )
    ],
    r"admin/^(?P<app_label>auth|articles|photos|editorial|comments|notifications|live)/$": [
        case("login login 200 200 200 404 200 200", "/admin/articles/"),
        case("login login 404 200 200 404 200 200", "/admin/comments/"),
        case("login login 404 404 404 404 200 404", "/admin/auth/"),
        case("login login 404 404 404 404 200 404", "/admin/notifications/"),
        case("login login 200 200 404 404 200 404", "/admin/live/"),
    ],
    "admin/(?P<url>.*)$": [case("login login 404 404 404 404 404 404", "/admin/no-such-page/")],
    "admin/auth/user/<id>/password/": [
        case(SUPERUSER_ONLY, lambda o: f"/admin/auth/user/{o.user.pk}/password/")
    ],
    # The editorial workflow's own admin pages (issue 8). An article the persona may not
    # see is a 404 there, not a 403, so its existence does not leak (a draft, to moderators).
    "admin/articles/article/scheduled/": [
        case("login login 200 200 200 403 200 200", "/admin/articles/article/scheduled/")
    ],
    "admin/articles/article/<int:article_id>/revisions/": [
        case(
            "login login 200 200 404 404 200 404",
            article_admin("draft", "revisions/"),
            label="own draft",
        ),
        case(
            "login login 404 200 200 404 200 200",
            article_admin("story", "revisions/"),
            label="someone else's story",
        ),
    ],
    "admin/articles/article/<int:article_id>/revisions/compare/": [
        case(
            "login login 200 200 404 404 200 404",
            article_admin("draft", "revisions/compare/?from=1&to=2"),
            label="own draft",
        ),
    ],
    "admin/articles/article/<int:article_id>/revisions/<int:number>/restore/": [
        case(
            "login login 302 302 404 404 302 404",
            article_admin("draft", "revisions/1/restore/"),
            "post",
            lambda o: {"version": Article.objects.get(pk=o.draft.pk).version},
            label="own draft",
        ),
        case(
            "login login 200 200 404 404 200 404",
            article_admin("draft", "revisions/1/restore/"),
            label="GET: the confirmation",
        ),
    ],
    # Withdrawing a published correction (a new entry): the desk's editors only.
    "admin/articles/article/<int:article_id>/corrections/<int:correction_id>/withdraw/": [
        case(
            "login login 404 200 403 404 200 403",
            lambda o: (
                f"/admin/articles/article/{o.story.pk}/corrections/{o.correction.pk}/withdraw/"
            ),
            label="the form",
        ),
        case(
            "login login 404 302 403 404 302 403",
            lambda o: (
                f"/admin/articles/article/{o.story.pk}/corrections/{o.correction.pk}/withdraw/"
            ),
            "post",
            lambda o: {"note": "The figure was right after all."},
            label="withdraw",
        ),
    ],
    # Sending back to the writer: editors (publishers on the desk) only.
    "admin/articles/article/<int:article_id>/return/": [
        case(
            "login login 403 200 404 404 200 404",
            article_admin("review", "return/"),
            label="an article in review",
        ),
    ],
    "admin/articles/article/<int:article_id>/lock/": [
        case(
            "login login 200 200 404 404 200 404",
            article_admin("draft", "lock/"),
            "post",
            lambda o: {"action": "refresh"},
            label="refresh own draft's lock",
        ),
        case("login login 405 405 405 405 405 405", article_admin("draft", "lock/"), label="GET"),
    ],
    # The article form's photo notice, asked again for the unsaved form: whoever writes
    # articles and sees the library.
    "admin/articles/article/photo-notice/": [
        case(
            "login login 200 200 403 403 200 403",
            "/admin/articles/article/photo-notice/",
            "post",
            lambda o: {"hero_photo": str(o.photo.pk), "body": ""},
        ),
        case(
            "login login 400 400 403 403 400 403",
            "/admin/articles/article/photo-notice/",
            "post",
            lambda o: {"hero_photo": "x"},
            label="not an id",
        ),
        case(
            "login login 405 405 405 405 405 405",
            "/admin/articles/article/photo-notice/",
            label="GET",
        ),
    ],
    # The photo picker: the library is everyone's who writes; changing a photo follows the
    # articles that show it (a published story's hero: its desk's editors only).
    "admin/photos/photo/picker/": [
        case("login login 200 200 403 403 200 403", "/admin/photos/photo/picker/?q=platform"),
        case(
            "login login 400 400 403 403 400 403",
            "/admin/photos/photo/picker/?page=0",
            label="page 0",
        ),
    ],
    "admin/photos/photo/picker/upload/": [
        case(
            "login login 400 400 403 403 400 403",
            "/admin/photos/photo/picker/upload/",
            "post",
            lambda o: {"alt_text": "No file"},
            label="no file",
        ),
        case(
            "login login 405 405 405 405 405 405", "/admin/photos/photo/picker/upload/", label="GET"
        ),
    ],
    "admin/photos/photo/<int:photo_id>/focal/": [
        case(
            "login login 200 200 404 404 200 404",
            lambda o: f"/admin/photos/photo/{o.photo.pk}/focal/",
            "post",
            lambda o: {"focal_x": "0.25", "focal_y": "0.75"},
            label="a photo nothing uses",
        ),
        case(
            "login login 403 200 404 404 200 404",
            lambda o: f"/admin/photos/photo/{o.story.hero_photo_id}/focal/",
            "post",
            lambda o: {"focal_x": "0.25", "focal_y": "0.75"},
            label="a published story's hero",
        ),
        case(
            "login login 404 404 404 404 404 404",
            "/admin/photos/photo/999999/focal/",
            "post",
            lambda o: {"focal_x": "0.25", "focal_y": "0.75"},
            label="no such photo",
        ),
    ],
    "admin/photos/photo/<int:photo_id>/credits/": [
        case(
            "login login 200 200 404 404 200 404",
            lambda o: f"/admin/photos/photo/{o.photo.pk}/credits/",
            "post",
            lambda o: {"alt_text": "A quay at dawn", "credit_name": "Ann Lee"},
            label="a photo nothing uses",
        ),
        case(
            "login login 403 200 404 404 200 404",
            lambda o: f"/admin/photos/photo/{o.story.hero_photo_id}/credits/",
            "post",
            lambda o: {"alt_text": "A quay at dawn", "credit_name": "Ann Lee"},
            label="a published story's hero",
        ),
        case(
            "login login 405 405 405 405 405 405",
            lambda o: f"/admin/photos/photo/{o.photo.pk}/credits/",
            label="GET",
        ),
    ],
    # Live blogs: the public side is everyone's; an entry's permalink redirects to its page.
    "<slug:desk>/<yyyy:year>/<nn:month>/<nn:day>/<slug:slug>/entries/<int:entry_id>/": [
        case(
            "302 302 302 302 302 302 302 302",
            lambda o: o.live_entry.get_absolute_url(),
            label="a published entry",
        )
    ],
    "live/<int:blog_id>/poll.json": [case(EVERYONE_200, lambda o: o.live_blog.poll_url())],
    "live/<int:blog_id>/entries/<int:entry_id>/": [
        case(EVERYONE_200, lambda o: o.live_entry.fragment_url())
    ],
    "live/<int:blog_id>/feed/": [case(EVERYONE_200, lambda o: f"/live/{o.live_blog.pk}/feed/")],
    # The composer: the desk's people (reporters and editors here work on every desk);
    # anyone else is not told the blog exists.
    "admin/live/liveblog/<int:blog_id>/change/": [
        case("login login 200 200 404 404 200 404", lambda o: live_admin(o, "change/"))
    ],
    "admin/live/liveblog/<int:blog_id>/entries/": [
        case("login login 200 200 404 404 200 404", lambda o: live_admin(o, "entries/"))
    ],
    "admin/live/liveblog/<int:blog_id>/post/": [
        case(
            "login login 303 303 404 404 303 404",
            lambda o: live_admin(o, "post/"),
            "post",
            lambda o: {"body": "<p>From the scene.</p>"},
            label="a new entry (a reporter's waits for approval)",
        )
    ],
    "admin/live/liveblog/<int:blog_id>/entries/<int:entry_id>/edit/": [
        case(
            "login login 403 200 404 404 200 404",
            lambda o: live_admin(o, f"entries/{o.live_entry.pk}/edit/"),
            label="an editor's published entry",
        )
    ],
    "admin/live/liveblog/<int:blog_id>/entries/<int:entry_id>/<str:action>/": [
        case(
            "login login 303 303 404 404 303 404",
            lambda o: live_admin(o, f"entries/{o.live_entry.pk}/pin/"),
            "post",
            lambda o: {},
            label="pin (a reporter's is refused with a message)",
        )
    ],
    "admin/live/liveblog/<int:blog_id>/end/": [
        case(
            "login login 302 302 302 302 302 302",
            lambda o: live_admin(o, "end/"),
            label="GET: back to the composer",
        )
    ],
    # Autosave: those who may edit the article, and only while holding its edit lock (here
    # nobody holds it: 409); a new article's, whoever may add articles.
    "admin/articles/article/<int:article_id>/autosave/": [
        case(
            "login login 409 409 404 404 409 404",
            article_admin("review", "autosave/"),
            "post",
            lambda o: {"headline": "Typed", "body": "<p>Typed</p>"},
            label="own article in review, without the lock",
        ),
        case(
            "login login 404 409 403 404 409 403",
            article_admin("story", "autosave/"),
            "post",
            lambda o: {"headline": "Typed"},
            label="someone else's story",
        ),
        case(
            "login login 405 405 405 405 405 405", article_admin("draft", "autosave/"), label="GET"
        ),
    ],
    "admin/articles/article/autosave/": [
        case(
            "login login 200 200 403 403 200 403",
            "/admin/articles/article/autosave/",
            "post",
            lambda o: {"headline": "A new story", "body": "<p>Typed</p>"},
            label="a new article",
        ),
    ],
    # The social card preview's photo lookup: whoever sees articles in the admin.
    "admin/articles/article/card-photo/": [
        case(
            "login login 200 200 200 403 200 200",
            lambda o: f"/admin/articles/article/card-photo/?id={o.photo.pk}",
        ),
    ],
}

# --- Each admin model: changelist, add, change, delete, history --------------------------
# label → (object key, {view: expected}); "change"/"history" may list (object key, expected).

ADMIN_MODELS: dict[str, tuple[str, dict[str, object]]] = {
    "auth.group": (
        "group",
        dict.fromkeys(["changelist", "add", "change", "delete", "history"], SUPERUSER_ONLY),
    ),
    "auth.user": (
        "user",
        dict.fromkeys(["changelist", "add", "change", "delete", "history"], SUPERUSER_ONLY),
    ),
    # Reporters may look at desks, topics and authors; editors manage them; moderators and
    # staff without a role see nothing.
    **{
        label: (
            key,
            {
                "changelist": "login login 200 200 403 403 200 403",
                "add": "login login 403 200 403 403 200 403",
                "change": "login login 200 200 403 403 200 403",
                "delete": "login login 403 200 403 403 200 403",
                "history": "login login 200 200 403 403 200 403",
            },
        )
        for label, key in [
            ("articles.desk", "desk"),
            ("articles.topic", "topic"),
            ("articles.author", "author"),
        ]
    },
    "photos.photo": (
        "photo",
        {
            "changelist": "login login 200 200 403 403 200 403",
            "add": "login login 200 200 403 403 200 403",
            "change": "login login 200 200 403 403 200 403",
            "delete": "login login 403 200 403 403 200 403",
            "history": "login login 200 200 403 403 200 403",
        },
    ),
    # Reporters edit their own drafts; someone else's story is not even listed for them (the
    # admin answers "does not exist" with a redirect). Moderators may only look, at what is
    # published. Staff without the role are not even told what exists.
    "articles.article": (
        "draft",
        {
            "changelist": "login login 200 200 200 403 200 200",
            "add": "login login 200 200 403 403 200 403",
            "change": [
                ("draft", "login login 200 200 302 403 200 302"),
                ("story", "login login 302 200 200 403 200 200"),
            ],
            "delete": "login login 403 200 403 403 200 403",
            "history": [
                ("draft", "login login 200 200 302 302 200 302"),
                ("story", "login login 302 200 200 302 200 200"),
            ],
        },
    ),
    # Share links are never edited or deleted, only revoked; reporters see their own
    # articles' links, editors their desks'.
    "editorial.sharelink": (
        "share_link",
        {
            "changelist": "login login 200 200 403 403 200 403",
            "add": "login login 200 200 403 403 200 403",
            "change": "login login 200 200 403 403 200 403",
            "delete": NOBODY,
            # Links outside the persona's articles are "not found" before any rights check.
            "history": "login login 200 200 302 302 200 302",
        },
    ),
    # Comments come only from readers (no add, ever); editors and moderators decide them
    # (through the queue's services); only a superuser may delete one. Another desk's
    # moderator finds neither the comment nor its log (the admin says it does not exist).
    "comments.comment": (
        "comment",
        {
            "changelist": "login login 403 200 200 403 200 200",
            "add": NOBODY,
            "change": "login login 403 200 200 403 200 302",
            "delete": SUPERUSER_ONLY,
            "history": "login login 403 200 200 403 200 302",
        },
    ),
    # The moderation log is append-only, for everybody.
    "comments.moderationlog": (
        "log",
        {
            "changelist": "login login 403 200 200 403 200 200",
            "add": NOBODY,
            "change": "login login 403 200 200 403 200 302",
            "delete": NOBODY,
            "history": "login login 403 200 200 403 200 302",
        },
    ),
    # Moderators keep the word lists; editors may read them, and so may a desk's moderators
    # (the lists hold comments on every desk: kept by the site-wide moderators).
    "comments.term": (
        "term",
        {
            "changelist": "login login 403 200 200 403 200 200",
            "add": "login login 403 403 200 403 200 403",
            "change": "login login 403 200 200 403 200 200",
            "delete": "login login 403 403 200 403 200 403",
            "history": "login login 403 200 200 403 200 200",
        },
    ),
    # Reports and bans/trusts: read by those who moderate (their desks'), changed only
    # through the services (keep, lift), never added or deleted by hand.
    **{
        label: (
            key,
            {
                "changelist": "login login 403 200 200 403 200 200",
                "add": NOBODY,
                "change": "login login 403 200 200 403 200 302",
                "delete": NOBODY,
                "history": "login login 403 200 200 403 200 302",
            },
        )
        for label, key in [
            ("comments.report", "report"),
            ("comments.commenterstanding", "standing"),
        ]
    },
    # Desk staff: run by the desk's editors (the editor persona edits every desk) and site
    # administrators; reporters, moderators and staff without a role see nothing.
    "articles.deskmembership": (
        "membership",
        {
            **dict.fromkeys(["changelist", "add", "change", "delete"], STAFF_RUNNERS),
            "history": STAFF_HISTORY,
        },
    ),
    # Invitations are sent (add) and withdrawn (the action), never edited or deleted.
    "articles.invitation": (
        "invitation",
        {
            "changelist": STAFF_RUNNERS,
            "add": STAFF_RUNNERS,
            "change": STAFF_RUNNERS,
            "delete": NOBODY,
            "history": STAFF_HISTORY,
        },
    ),
    # The outbox: rows are written only with their cause and never deleted by hand.
    "notifications.notification": (
        "notification",
        {
            "changelist": SUPERUSER_ONLY,
            "add": NOBODY,
            "change": SUPERUSER_ONLY,
            "delete": NOBODY,
            "history": SUPERUSER_ONLY,
        },
    ),
    "notifications.notificationpreference": (
        "preference",
        dict.fromkeys(["changelist", "add", "change", "delete", "history"], SUPERUSER_ONLY),
    ),
    "notifications.suppression": (
        "suppression",
        dict.fromkeys(["changelist", "add", "change", "delete", "history"], SUPERUSER_ONLY),
    ),
    # Confirmations are the mailbox's own doing: seen, or withdrawn, never made by hand.
    "notifications.mailbox": (
        "mailbox",
        {
            "changelist": SUPERUSER_ONLY,
            "add": NOBODY,
            "change": SUPERUSER_ONLY,
            "delete": SUPERUSER_ONLY,
            "history": SUPERUSER_ONLY,
        },
    ),
    # Live blogs are ended, never deleted; the composer is their change page. Desk live
    # policies are the desks' editors'; the live log is read-only.
    "live.liveblog": (
        "live_blog",
        {
            "changelist": "login login 200 200 403 403 200 403",
            "add": "login login 403 200 403 403 200 403",
            "change": "login login 200 200 404 404 200 404",
            "delete": NOBODY,
            "history": "login login 200 200 302 302 200 302",
        },
    ),
    "live.desklivepolicy": (
        "live_policy",
        {
            "changelist": "login login 200 200 403 403 200 403",
            "add": "login login 403 200 403 403 200 403",
            "change": "login login 200 200 403 403 200 403",
            "delete": SUPERUSER_ONLY,
            "history": "login login 200 200 403 403 200 403",
        },
    ),
    "live.liveentrylog": (
        "live_log",
        {
            "changelist": "login login 200 200 403 403 200 403",
            "add": NOBODY,
            "change": "login login 200 200 403 403 200 403",
            "delete": NOBODY,
            "history": "login login 200 200 302 302 200 302",
        },
    ),
}

# --- Each admin action, POSTed to its changelist ----------------------------------------
# (label, action) → (object key, expected). delete_selected "runs" as far as its confirmation
# page, shown only to those who may delete.

DELETERS = {
    "auth.group": "login login 403 403 403 403 ran 403",
    "auth.user": "login login 403 403 403 403 ran 403",
    "articles.desk": "login login refused ran 403 403 ran 403",
    "articles.topic": "login login refused ran 403 403 ran 403",
    "articles.author": "login login refused ran 403 403 ran 403",
    "photos.photo": "login login refused ran 403 403 ran 403",
    "articles.article": "login login refused ran refused 403 ran refused",
    "editorial.sharelink": "login login refused refused 403 403 refused 403",
    "comments.comment": "login login 403 refused refused 403 ran refused",
    "comments.moderationlog": "login login 403 refused refused 403 refused refused",
    "comments.term": "login login 403 refused ran 403 ran refused",
    "comments.report": "login login 403 refused refused 403 refused refused",
    "comments.commenterstanding": "login login 403 refused refused 403 refused refused",
    "notifications.notification": "login login 403 403 403 403 refused 403",
    "notifications.notificationpreference": "login login 403 403 403 403 ran 403",
    "notifications.suppression": "login login 403 403 403 403 ran 403",
    "notifications.mailbox": "login login 403 403 403 403 ran 403",
    "articles.deskmembership": "login login 403 ran 403 403 ran 403",
    "articles.invitation": "login login 403 refused 403 403 refused 403",
    "live.liveblog": "login login refused refused 403 403 refused 403",
    "live.desklivepolicy": "login login refused refused 403 403 ran 403",
    "live.liveentrylog": "login login refused refused 403 403 refused 403",
}
ACTIONS: dict[tuple[str, str], tuple[str, str]] = {
    **{
        (label, "delete_selected"): (ADMIN_MODELS[label][0], row) for label, row in DELETERS.items()
    },
    ("photos.photo", "remake_renditions"): ("photo", "login login ran ran 403 403 ran 403"),
    # A reporter's crafted POST cannot publish, even their own draft.
    ("articles.article", "publish_selected"): (
        "draft",
        "login login refused ran refused 403 ran refused",
    ),
    ("articles.article", "unpublish_selected"): (
        "story",
        "login login refused ran refused 403 ran refused",
    ),
    ("articles.article", "submit_for_review"): (
        "draft",
        "login login ran ran refused 403 ran refused",
    ),
    ("articles.article", "breaking_for_two_hours"): (
        "story",
        "login login refused ran refused 403 ran refused",
    ),
    ("articles.article", "make_share_link"): (
        "draft",
        "login login ran ran refused 403 ran refused",
    ),
    ("editorial.sharelink", "revoke"): ("share_link", "login login ran ran 403 403 ran 403"),
    # A desk's moderator may use these actions, but another desk's rows are not found.
    ("comments.comment", "approve_comments"): ("comment", "login login 403 ran ran 403 ran none"),
    ("comments.comment", "reject_comments"): ("comment", "login login 403 ran ran 403 ran none"),
    ("comments.comment", "spam_comments"): ("comment", "login login 403 ran ran 403 ran none"),
    ("articles.deskmembership", "deactivate"): ("leaving", "login login 403 ran 403 403 ran 403"),
    ("articles.invitation", "withdraw"): ("invitation", "login login 403 ran 403 403 ran 403"),
    **{
        ("comments.comment", f"{decision}_comments"): (
            "shown",
            "login login 403 ran ran 403 ran none",
        )
        for decision in ("keep", "pick", "unpick", "ban", "trust")
    },
    ("comments.report", "keep_comments"): ("report", "login login 403 ran ran 403 ran none"),
    ("comments.commenterstanding", "lift"): ("standing", "login login 403 ran ran 403 ran none"),
    ("notifications.notification", "retry"): (
        "notification",
        "login login 403 403 403 403 ran 403",
    ),
}


# --- Per-desk roles -------------------------------------------------------------------
# Two more personas, asked every entry above: a desk editor (editor on World, reporter on
# Science, where every article, photo and person above belongs; in no group: their rights
# come from their desk roles) and a site administrator (the Site administrators group, not a
# superuser). Each gets the editor persona's answer (an editor of every desk) except where
# listed here as "desk_editor site_admin", keyed "route|case number": the desk editor may
# not touch Science's articles, links, desk or staff beyond what its reporters may; the
# site administrator also reads the audit log and keeps the word lists.
DESK_PERSONAS = ("desk_editor", "site_admin")
WITHDRAW = "admin/articles/article/<int:article_id>/corrections/<int:correction_id>/withdraw/"
DESK_PERSONA_ANSWERS = {
    # The desk editor reports on the objects' desk: its comments are not theirs to moderate,
    # its published photos and live entries not theirs to change.
    "moderation/<int:comment_id>/|0": "404 303",
    "moderation/<int:comment_id>/|1": "404 303",
    "moderation/<int:comment_id>/|2": "404 303",
    "moderation/<int:comment_id>/|3": "404 303",
    "moderation/<int:comment_id>/|4": "404 303",
    "moderation/<int:comment_id>/|5": "404 303",
    "moderation/<int:comment_id>/undo/|0": "404 400",
    "moderation/<int:comment_id>/undo/|1": "404 403",
    "admin/photos/photo/<int:photo_id>/focal/|1": "403 200",
    "admin/photos/photo/<int:photo_id>/credits/|1": "403 200",
    "admin/live/liveblog/<int:blog_id>/entries/<int:entry_id>/edit/|0": "403 200",
    "admin/articles/article/<int:article_id>/autosave/|0": "404 409",
    "admin/articles/article/<int:article_id>/autosave/|1": "404 409",
    "admin/comments/comment/|2": "none ran",
    "admin/comments/comment/|3": "none ran",
    "admin/comments/comment/|4": "none ran",
    "admin/comments/comment/|5": "none ran",
    "admin/comments/comment/|6": "none ran",
    "admin/comments/comment/|7": "none ran",
    "admin/comments/comment/|8": "none ran",
    "admin/comments/comment/|9": "none ran",
    "admin/comments/comment/<path:object_id>/change/|0": "302 200",
    "admin/comments/comment/<path:object_id>/history/|0": "302 200",
    "admin/comments/moderationlog/<path:object_id>/change/|0": "302 200",
    "admin/comments/moderationlog/<path:object_id>/history/|0": "302 200",
    "admin/comments/report/|2": "none ran",
    "admin/comments/report/<path:object_id>/change/|0": "302 200",
    "admin/comments/report/<path:object_id>/history/|0": "302 200",
    "admin/comments/commenterstanding/|2": "none ran",
    "admin/comments/commenterstanding/<path:object_id>/change/|0": "302 200",
    "admin/comments/commenterstanding/<path:object_id>/history/|0": "302 200",
    "<slug:desk>/<yyyy:year>/<nn:month>/<nn:day>/<slug:slug>/|1": "404 200",
    "admin/audit/|0": "403 200",
    "admin/audit/|1": "403 400",
    "admin/articles/article/<int:article_id>/revisions/|0": "404 200",
    "admin/articles/article/<int:article_id>/revisions/|1": "404 200",
    "admin/articles/article/<int:article_id>/revisions/compare/|0": "404 200",
    "admin/articles/article/<int:article_id>/revisions/<int:number>/restore/|0": "404 302",
    "admin/articles/article/<int:article_id>/revisions/<int:number>/restore/|1": "404 200",
    WITHDRAW + "|0": "404 200",
    WITHDRAW + "|1": "404 302",
    "admin/articles/article/<int:article_id>/return/|0": "404 200",
    "admin/articles/article/<int:article_id>/lock/|0": "404 200",
    "admin/articles/desk/<path:object_id>/delete/|0": "403 200",
    "admin/articles/author/<path:object_id>/delete/|0": "403 200",
    "admin/articles/article/<path:object_id>/change/|0": "302 200",
    "admin/articles/article/<path:object_id>/change/|1": "302 200",
    "admin/articles/article/<path:object_id>/delete/|0": "302 200",
    "admin/articles/article/<path:object_id>/history/|0": "302 200",
    "admin/articles/article/<path:object_id>/history/|1": "302 200",
    "admin/editorial/sharelink/<path:object_id>/change/|0": "302 200",
    "admin/editorial/sharelink/<path:object_id>/history/|0": "302 200",
    "admin/comments/term/|1": "refused ran",
    "admin/comments/term/add/|0": "403 200",
    "admin/comments/term/<path:object_id>/delete/|0": "403 200",
    "admin/articles/deskmembership/<path:object_id>/change/|0": "302 200",
    "admin/articles/deskmembership/<path:object_id>/delete/|0": "302 200",
    "admin/articles/deskmembership/<path:object_id>/history/|0": "302 200",
    "admin/articles/invitation/<path:object_id>/change/|0": "302 200",
    "admin/articles/invitation/<path:object_id>/history/|0": "302 200",
}


def _rows(value: str | list[tuple[str, str]], key: str) -> list[tuple[str, str]]:
    return value if isinstance(value, list) else [(key, value)]


def _admin_model_entries() -> dict[str, list[Case]]:
    entries: dict[str, list[Case]] = {}
    for label, (key, views) in ADMIN_MODELS.items():
        app, model = label.split(".")
        base = f"admin/{app}/{model}/"

        def obj_path(suffix: str, obj_key: str, base=base) -> Callable:
            return lambda o: f"/{base}{getattr(o, obj_key).pk}/{suffix}"

        entries[base] = [case(views["changelist"], f"/{base}")]
        entries[base + "add/"] = [case(views["add"], f"/{base}add/")]
        for view in ("change", "delete", "history"):
            entries[f"{base}<path:object_id>/{view}/"] = [
                case(expected, obj_path(f"{view}/", obj_key), label=obj_key)
                for obj_key, expected in _rows(views[view], key)
            ]
        # The bare object address redirects to its change page, whoever asks.
        entries[f"{base}<path:object_id>/"] = [
            case("login login 302 302 302 302 302 302", obj_path("", key))
        ]
        for (action_label, action), (obj_key, expected) in ACTIONS.items():
            if action_label == label:
                entries[base].append(
                    case(
                        expected,
                        f"/{base}",
                        "post",
                        lambda o, a=action, k=obj_key: {
                            "action": a,
                            "_selected_action": [getattr(o, k).pk],
                            "index": "0",
                        },
                        label=f"action {action}",
                    )
                )
    return entries


ENTRIES |= _admin_model_entries()


def url_patterns(patterns=None, prefix: str = "") -> Iterator[str]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def admin_actions() -> set[tuple[str, str]]:
    found = set()
    for model, model_admin in admin.site._registry.items():
        # _get_base_actions: every action the ModelAdmin defines, before permission filtering.
        for action in model_admin._get_base_actions():
            found.add((model._meta.label_lower, action.name))
    return found


# --- Fixtures ------------------------------------------------------------------------------


@pytest.fixture
def objects(reader, reporter, editor, moderator, outsider, superuser, settings) -> SimpleNamespace:
    settings.COMMENTS_UNDO_SECONDS = 600  # the moderator's undo is still open when reached
    desk = DeskFactory(slug="science", name="Science")
    reporters_author = AuthorFactory(user=reporter, slug="kim-reporter")
    draft = ArticleFactory(desk=desk, draft=True, created_by=reporter, slug="a-draft")
    BylineFactory(article=draft, author=reporters_author)
    # Not the reporter's; its hero photo is changed by the desk's editors only.
    story = ArticleFactory(desk=desk, slug="tides", headline="Tides", hero_photo=PhotoFactory())
    BylineFactory(article=story)
    story.topics.add(topic := TopicFactory(slug="energy"))
    comment = CommentFactory(article=story)
    shown = CommentFactory(article=story, status=Comment.Status.APPROVED)
    comment_services.comment_report(comment_id=shown.pk, reason="spam", ip="192.0.2.200")
    banned = CommentFactory(article=story, email="banned@example.net", ip_hash="b" * 64)
    undoable = CommentFactory(article=story)
    _, undo_token = comment_services.comment_decide_undoable(
        comment=undoable, decision="reject", moderator=moderator
    )
    review = ArticleFactory(
        desk=desk, draft=True, status=Article.Status.IN_REVIEW, created_by=reporter, slug="review"
    )
    for headline in ("First words", "Second words"):  # revisions 1 and 2 of the draft
        draft.headline = headline
        draft.save()
        revisions.article_record_revision(article=draft, user=reporter)
    member = User.objects.create_user("member", email="member@example.org", is_staff=True)
    leaver = User.objects.create_user("leaver", email="leaver@example.org", is_staff=True)
    membership = staff.membership_set(desk=desk, person=member, role="reporter", by=None)
    invitation = staff.invitation_create(
        email="new@example.org", desk=desk, role="reporter", by=superuser
    )
    live_blog = live_services.live_blog_start(article=story, user=editor)
    live_entry = live_services.live_entry_post(
        blog=live_blog, user=editor, body="<p>Tide gauges rising.</p>"
    )
    return SimpleNamespace(
        live_blog=live_blog,
        live_entry=live_entry,
        live_policy=DeskLivePolicy.objects.create(desk=desk),
        live_log=LiveEntryLog.objects.filter(entry=live_entry).get(),
        membership=membership,
        leaving=staff.membership_set(desk=desk, person=leaver, role="reporter", by=None),
        invitation=invitation,
        invitation_path=f"/admin/invitation/{staff.invitation_token(invitation)}/",
        review=review,
        correction=Correction.objects.create(article=story, text="A date was wrong."),
        share_link=share_links.share_link_create(article=draft, user=reporter),
        desk=desk,
        topic=topic,
        author=reporters_author,
        photo=PhotoFactory(),
        draft=draft,
        story=story,
        comment=comment,
        shown=shown,
        undoable=undoable,
        undo_token=undo_token,
        report=Report.objects.get(),
        standing=comment_services.commenter_ban(comment=banned, moderator=moderator),
        log=ModerationLog.objects.create(comment=comment, to_status=Comment.Status.PENDING),
        term=Term.objects.create(term="casino"),
        notification=Notification.objects.create(
            kind="comment_published",
            recipient="ada@example.net",
            event="test:1",
            state=Notification.State.FAILED,
        ),
        preference=NotificationPreference.objects.create(user=moderator),
        suppression=Suppression.objects.create(email="x@example.net", kind=MODERATOR_DIGEST),
        group=Group.objects.get(name="Editors"),
        user=reader,
        token=unsubscribe_token(recipient="ada@example.net", kind="comment_published"),
        mailbox=Mailbox.objects.create(email="ada@example.net", nonce="n1"),
        confirm_token=confirm_token(recipient="ada@example.net", nonce="n1"),
        users={
            "reader": reader,
            "reporter": reporter,
            "editor": editor,
            "moderator": moderator,
            "outsider": outsider,
            "superuser": superuser,
            "desk_moderator": desk_member(
                "dora", "Moderators", DeskFactory(slug="culture", name="Culture")
            ),
        },
    )


def signed_in(objects: SimpleNamespace, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(objects.users[persona])
    return client


def outcome(response, *, action: bool) -> str:
    redirect = response.status_code in (301, 302)
    if redirect and response.headers["Location"].startswith("/admin/login/"):
        return "login"
    if action and response.status_code in (200, 302):
        # An action that may not be used is either not offered ("No action selected.") or,
        # when the persona has no action at all, the POST just shows the list again.
        confirmations = ("delete_selected_confirmation", "article/unpublish.html")
        if any(c in (t.name or "") for t in response.templates for c in confirmations):
            return "ran"  # the first step of delete_selected or unpublish: the confirmation
        notes = [str(m) for m in response.wsgi_request._messages]
        if any(
            note.startswith(("Items must be selected", "None of the selected")) for note in notes
        ):
            return "none"
        return "ran" if redirect and "No action selected." not in notes else "refused"
    return str(response.status_code)


# --- Tests -----------------------------------------------------------------------------


def test_every_url_pattern_has_an_entry_and_every_entry_a_pattern():
    patterns = set(url_patterns())
    assert patterns - set(ENTRIES) == set(), "URL patterns without an entry in the matrix"
    assert set(ENTRIES) - patterns == set(), "matrix entries for URL patterns that do not exist"


def test_every_admin_action_has_an_entry_and_every_entry_an_action():
    assert admin_actions() == set(ACTIONS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_expected_answer_from_every_url(persona, objects, settings):
    settings.PAGE_CACHE_ENABLED = False  # each answer comes from the view, not a cached page
    mismatches = []
    client = signed_in(objects, persona)
    for route, cases in ENTRIES.items():
        for entry in cases:
            # Signing out gets a client of its own, so the next requests stay signed in.
            own = signed_in(objects, persona) if route == "admin/logout/" else client
            own.cookies.pop("messages", None)  # so only this request's messages are read
            path = entry.path(objects)
            send = getattr(own, entry.method)
            data = entry.data(objects) if entry.data else None
            response = send(path, data) if data is not None else send(path)
            got = outcome(response, action="_selected_action" in (data or {}))
            want = entry.outcome_for(persona)
            if got != want:
                mismatches.append(
                    f"{entry.method.upper()} {path} ({entry.label}): {got}, not {want}"
                )
    assert mismatches == [], f"{persona}:\n" + "\n".join(mismatches)


def test_a_reporters_crafted_publish_leaves_the_draft_unpublished(objects):
    client = signed_in(objects, "reporter")
    client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [objects.draft.pk], "index": "0"},
    )
    objects.draft.refresh_from_db()
    assert objects.draft.status == Article.Status.DRAFT
    assert objects.draft.published_at is None


@pytest.fixture
def desk_personas(objects) -> dict[str, User]:
    world = DeskFactory(slug="world", name="World")
    desk_editor = User.objects.create_user("deskeditor", email="de@example.org", is_staff=True)
    staff.membership_set(desk=world, person=desk_editor, role="editor", by=None)
    staff.membership_set(desk=objects.desk, person=desk_editor, role="reporter", by=None)
    site_admin = User.objects.create_user("siteadmin", email="sa@example.org", is_staff=True)
    site_admin.groups.add(Group.objects.get(name="Site administrators"))
    return {"desk_editor": desk_editor, "site_admin": site_admin}


def test_the_per_desk_table_names_only_entries_that_exist():
    keys = {f"{route}|{i}" for route, cases in ENTRIES.items() for i in range(len(cases))}
    assert set(DESK_PERSONA_ANSWERS) - keys == set()


@pytest.mark.parametrize("persona", DESK_PERSONAS)
def test_desk_roles_get_the_expected_answer_from_every_url(
    persona, objects, desk_personas, settings
):
    settings.PAGE_CACHE_ENABLED = False
    position = DESK_PERSONAS.index(persona)
    mismatches = []
    client = Client()
    client.force_login(desk_personas[persona])
    for route, cases in ENTRIES.items():
        for i, entry in enumerate(cases):
            own = client
            if route == "admin/logout/":
                own = Client()
                own.force_login(desk_personas[persona])
            own.cookies.pop("messages", None)
            path = entry.path(objects)
            send = getattr(own, entry.method)
            data = entry.data(objects) if entry.data else None
            response = send(path, data) if data is not None else send(path)
            got = outcome(response, action="_selected_action" in (data or {}))
            listed = DESK_PERSONA_ANSWERS.get(f"{route}|{i}")
            want = listed.split()[position] if listed else entry.outcome_for("editor")
            if got != want:
                mismatches.append(
                    f"{entry.method.upper()} {path} ({entry.label}): {got}, not {want}"
                )
    assert mismatches == [], f"{persona}:\n" + "\n".join(mismatches)


def test_a_desk_editors_crafted_publish_on_a_desk_they_report_for_publishes_nothing(
    objects, desk_personas
):
    """Editor on World, reporter on Science: the action is offered (they publish somewhere)
    but Science's draft stays a draft, and the admin says why."""
    objects.draft.bylines.all().delete()
    client = Client()
    client.force_login(desk_personas["desk_editor"])
    response = client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [objects.review.pk], "index": "0"},
        follow=True,
    )
    objects.review.refresh_from_db()
    assert objects.review.status == Article.Status.IN_REVIEW
    assert objects.review.published_at is None
    assert response.status_code == 200
