"""The newsroom's content: desks, authors, photos, topics, articles, bylines, corrections."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags

from articles.body import sanitise_body
from articles.search import SEARCHED_FIELDS, search_document, uses_postgres
from core.pagecache import PageKeys
from core.text import PlainText, validate_name
from photos.models import Photo, Rendition, rendition_rows
from photos.uploads import UploadedImageField

# First path segments the site itself uses: a desk with one of these slugs would be hidden.
RESERVED_DESK_SLUGS = frozenset(
    {"admin", "authors", "corrections", "feed", "live", "media", "moderation", "notifications"}
    | {"preview", "search", "static", "topics"}
)


def validate_desk_slug(value: str) -> None:
    if value in RESERVED_DESK_SLUGS:
        raise ValidationError(
            f"“{value}” is an address the site already uses: choose another slug.",
            code="reserved_slug",
        )


class Desk(PageKeys, PlainText, models.Model):
    key_prefix = "desk"

    name = models.CharField(max_length=60, help_text='Short label, e.g. "Technology".')
    slug = models.SlugField(max_length=60, unique=True, validators=[validate_desk_slug])
    title = models.CharField(max_length=120, help_text='Full title, e.g. "The Technology Desk".')
    about = models.TextField(blank=True, help_text="Shown on the desk page and under articles.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the navigation.")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="DeskMembership",
        blank=True,
        related_name="desks",
        help_text="Who works on this desk, each in a role (DeskMembership).",
    )

    plain_text_fields = ("name", "title", "about")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:desk", kwargs={"desk": self.slug})

    def cache_keys(self) -> list[str]:
        """Its own page, and every page's navigation, which names each desk."""
        return [self.page_key, SiteKeys.DESKS]


class DeskRole(models.TextChoices):
    """A person's role on one desk, from the most rights to the fewest (`DESK_ROLE_RANK`):
    an editor publishes the desk and runs its staff, a reporter writes for it, a moderator
    moderates its comments. What each may do is `articles.desk_roles`'s business."""

    EDITOR = "editor", "Editor"
    REPORTER = "reporter", "Reporter"
    MODERATOR = "moderator", "Moderator"


# Who may grant what: an editor grants at most their own role (a moderator is not "less" than
# a reporter in kind, but either is less than an editor, and only editors grant roles).
DESK_ROLE_RANK = {DeskRole.EDITOR: 3, DeskRole.REPORTER: 2, DeskRole.MODERATOR: 1}


class DeskMembership(models.Model):
    """One person working on one desk, in one role (editor on Business, reporter on World).
    Written only by `articles.staff` (services), which logs every change."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_memberships"
    )
    role = models.CharField(max_length=10, choices=DeskRole)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["desk__order", "desk__name", "user__username"]
        verbose_name = "desk staff member"
        verbose_name_plural = "desk staff"
        constraints = [
            models.UniqueConstraint(fields=["desk", "user"], name="one_role_per_desk"),
            models.CheckConstraint(condition=Q(role__in=DeskRole.values), name="desk_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display().lower()} on {self.desk}"


class DeskMembershipChange(models.Model):
    """Who joined or left a desk, in which role, who was invited or deactivated, when, and who
    made the change: desk roles decide who writes and publishes where. Written by the staff
    services (`articles.staff`), never edited."""

    class Action(models.TextChoices):
        ADDED = "added", "Added"
        REMOVED = "removed", "Removed"
        ROLE = "role", "Role changed"
        JOINED = "joined", "Accepted an invitation"
        DEACTIVATED = "deactivated", "Deactivated"

    desk = models.ForeignKey(
        Desk,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="membership_changes",
        help_text="Empty for a change to the person (deactivated), not to one desk.",
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=12, choices=Action)
    role = models.CharField(
        max_length=10, choices=DeskRole, blank=True, help_text="The role after the change."
    )
    previous_role = models.CharField(max_length=10, choices=DeskRole, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when done outside the admin (a command, a migration).",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.member_id} on desk {self.desk_id}"


class InvitationQuerySet(models.QuerySet):
    def open(self, now: datetime | None = None) -> InvitationQuerySet:
        """Not yet accepted or withdrawn, and not expired."""
        return self.filter(
            accepted_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=now or timezone.now(),
        )


class Invitation(models.Model):
    """An invitation to work on a desk in a role, mailed to an address. Its link carries a
    signed token made when the mail is sent (nothing secret is stored here or in the
    outbox); it works once, until `expires_at`. Written only by `articles.staff`."""

    email = models.EmailField()
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=10, choices=DeskRole)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The account that accepted it.",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who withdrew it; empty when a newer invitation replaced it.",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=DeskRole.values), name="invited_role_known")
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display().lower()} on {self.desk}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.withdrawn_at:
            return "withdrawn"
        return "expired" if self.expires_at <= timezone.now() else "open"


class Author(PageKeys, PlainText, models.Model):
    key_prefix = "author"

    """A person in a byline: separate from logins, so freelancers need no account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text="Optional: the login this person uses, if any.",
    )
    name = models.CharField(max_length=120, validators=[validate_name])
    slug = models.SlugField(max_length=120, unique=True)
    job_title = models.CharField(max_length=120, blank=True)
    bio = models.TextField(blank=True)
    photo = UploadedImageField(
        upload_to="authors/%Y/%m/",
        blank=True,
        help_text="A JPEG, PNG or WebP photo. Location and camera data are removed on upload.",
    )
    email = models.EmailField(blank=True, help_text="Private: never shown on the site.")

    plain_text_fields = ("name", "job_title", "bio")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"slug": self.slug})

    def cache_keys(self) -> list[str]:
        """Its own page, and the lists whose cards carry its name in a byline."""
        return [self.page_key, *listing_keys(Article.objects.filter(bylines__author=self))]


class Topic(PageKeys, PlainText, models.Model):
    key_prefix = "topic"

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)

    plain_text_fields = ("name",)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:topic", kwargs={"slug": self.slug})

    def cache_keys(self) -> list[str]:
        """Its own page and list: the articles' pages show its name under `topic-N`."""
        return [self.page_key, self.list_key]


EVERY_DESK_PERMISSION = "articles.work_on_every_desk"


def day_in_address(published_at: datetime | None, created_at: datetime | None) -> date:
    """The day in an article's address (DESIGN.md, "URLs"): its publication day in the
    newsroom's time zone, else the day it was created."""
    return timezone.localdate(published_at or created_at or timezone.now())


def address_date(year: int | str, month: int | str, day: int | str) -> date | None:
    """The date an address names, or None when it names no date (2026/02/30)."""
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


# The reading speed behind "N min read", on the page and in the body editor's count.
READING_WORDS_PER_MINUTE = 230

# How many related stories the article page shows under the story.
RELATED_LIMIT = 4


def related_candidates(*, exclude_pk, desk_id, topic_ids) -> models.QuerySet:
    """Related coverage: published articles sharing one of `topic_ids` first, then others
    of the desk, newest first within each; never the article itself."""
    through = Article.topics.through.objects
    return (
        Article.objects.published()
        .exclude(pk=exclude_pk)
        .annotate(
            shares_topic=Exists(through.filter(article_id=OuterRef("pk"), topic_id__in=topic_ids))
        )
        .filter(Q(shares_topic=True) | Q(desk_id=desk_id))
        .order_by("-shares_topic", "-published_at", "-id")
    )


def card_image(thumb: dict | None, image: str | None, width, height) -> dict | None:
    """A related story's small picture: its smallest rendition, else its original (pending
    renditions), else nothing. Names to URLs through the storage, as the fields would."""
    if thumb and thumb.get("file"):
        url = Rendition._meta.get_field("file").storage.url(thumb["file"])
        return {"url": url, "width": thumb["width"], "height": thumb["height"]}
    if image:
        url = Photo._meta.get_field("image").storage.url(image)
        return {"url": url, "width": width, "height": height}
    return None


class ArticleQuerySet(models.QuerySet):
    def at_address(self, *, desk: str, day: date, slug: str) -> Article | None:
        """The article of this queryset at this address now: desk, day and slug."""
        for article in self.filter(desk__slug=desk, slug=slug):
            if article.address_day() == day:
                return article
        return None

    def published(self, at=None) -> ArticleQuerySet:
        """What the public may see: published status and a publication time that has come."""
        now = at or timezone.now()
        return self.filter(
            Q(embargo_until__isnull=True) | Q(embargo_until__lte=now),
            status=Article.Status.PUBLISHED,
            published_at__lte=now,
        )

    def breaking(self, at=None) -> ArticleQuerySet:
        now = at or timezone.now()
        return self.published(now).filter(is_breaking=True, breaking_until__gt=now)

    def on_desks_of(self, user) -> ArticleQuerySet:
        """Articles of the desks `user` writes for (editor or reporter there); every desk
        for the site-wide (articles/desk_roles.py)."""
        from articles.desk_roles import EVERY_DESK, desk_ids_with_role

        desk_ids = desk_ids_with_role(user, [DeskRole.EDITOR, DeskRole.REPORTER])
        return self if desk_ids is EVERY_DESK else self.filter(desk__in=desk_ids)

    def with_related(self, *, limit: int = RELATED_LIMIT) -> ArticleQuerySet:
        """Each article with its related coverage (`Article.related_stories()`), inside the
        same query on Postgres (an array of rows); elsewhere (SQLite under `make run`) each
        article asks for it when shown."""
        if not uses_postgres(self):
            return self
        # Three levels out: from this subquery, through the candidate's topic rows and the
        # candidates, to the article the coverage is for.
        its_topics = Article.topics.through.objects.filter(
            article_id=OuterRef(OuterRef(OuterRef("pk")))
        ).values("topic_id")
        candidates = related_candidates(
            exclude_pk=OuterRef("pk"), desk_id=OuterRef("desk_id"), topic_ids=its_topics
        ).values(
            row=JSONObject(
                pk="pk",
                headline="headline",
                slug="slug",
                published_at="published_at",
                desk_name="desk__name",
                desk_slug="desk__slug",
                # Its card photo: the smallest JPEG width, else the original while pending.
                thumb=Subquery(
                    Rendition.objects.filter(
                        photo_id=OuterRef("hero_photo_id"), format="jpeg", spec__startswith="w"
                    )
                    .order_by("width")
                    .values(row=JSONObject(file="file", width="width", height="height"))[:1]
                ),
                image="hero_photo__image",
                image_width="hero_photo__width",
                image_height="hero_photo__height",
            )
        )[:limit]
        return self.annotate(related_rows=ArraySubquery(candidates))

    def with_page_photos(self) -> ArticleQuerySet:
        """The hero and social card photos with their renditions, and the titles fetched for
        the body's embeds, inside the article's own query on Postgres (arrays of rows, taken
        by `Article.use_page_rows`); elsewhere each is asked for when shown."""
        articles = self.select_related("hero_photo", "social_photo")
        if not uses_postgres(self):
            return articles
        titles = EmbedMetadata.objects.filter(article_id=OuterRef("pk")).values(
            row=JSONObject(url="url", title="title")
        )
        return articles.annotate(
            hero_rendition_rows=rendition_rows(OuterRef("hero_photo_id")),
            social_rendition_rows=rendition_rows(OuterRef("social_photo_id")),
            embed_title_rows=ArraySubquery(titles),
        )

    def for_listing(self) -> ArticleQuerySet:
        """Everything a card shows, in a fixed number of queries."""
        return self.select_related("desk", "hero_photo").prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            "hero_photo__renditions",  # the cards' <picture> srcsets
        )


# Written only by comments' services (articles.services.article_set_comment_count and the
# like), never by Article.save().
COUNTED_BY_COMMENTS = frozenset({"approved_comment_count"})


class Article(PageKeys, PlainText, models.Model):
    key_prefix = "article"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="articles")
    headline = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    standfirst = models.TextField(
        blank=True, help_text="One or two sentences under the headline; also the description."
    )
    body = models.TextField(blank=True, help_text="Rich text, cleaned by one allow-list on save.")
    body_html = models.TextField(blank=True, editable=False)
    # The Markdown the body was written in before the rich text editor, kept for one release
    # in case the conversion (migration 0013) has to be checked or undone; then dropped.
    body_markdown = models.TextField(blank=True, editable=False)
    hero_photo = models.ForeignKey(
        "photos.Photo", null=True, blank=True, on_delete=models.SET_NULL, related_name="hero_of"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    # The card a link to the article shows when shared or in search (articles.seo.social_card):
    # each empty one falls back to the headline, the standfirst and the hero photo.
    social_title = models.CharField(
        max_length=200, blank=True, help_text="Shown instead of the headline when shared."
    )
    social_description = models.CharField(
        max_length=300, blank=True, help_text="Shown instead of the standfirst when shared."
    )
    social_photo = models.ForeignKey(
        "photos.Photo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="social_card_of",
        help_text="Shown instead of the hero photo when shared.",
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="A future time schedules the article."
    )
    embargo_until = models.DateTimeField(
        null=True, blank=True, help_text="Invisible everywhere before this time."
    )
    updated_at = models.DateTimeField(
        null=True, blank=True, help_text='The visible "Updated" time: significant updates only.'
    )
    is_breaking = models.BooleanField("breaking", default=False)
    breaking_until = models.DateTimeField(null=True, blank=True)
    is_top_story = models.BooleanField("top story", default=False)
    top_story_order = models.PositiveSmallIntegerField(default=0)
    comments_enabled = models.BooleanField(default=True)
    comments_close_after_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Close comments this many days after publication."
    )
    approved_comment_count = models.PositiveIntegerField(default=0, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Optimistic concurrency: every save adds one; an edit form sends back the
    # version it was opened on, and a save over a newer one is refused.
    version = models.PositiveIntegerField(default=0, editable=False)
    went_live_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="The publication time whose going-live work (purges, mail) is done.",
    )

    objects = ArticleQuerySet.as_manager()

    plain_text_fields = ("headline", "standfirst", "social_title", "social_description")

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [
            ("publish_article", "Can publish articles"),
            ("work_on_every_desk", "Can write and publish for every desk"),
        ]
        indexes = [
            models.Index(fields=["desk", "status", "-published_at"], name="article_desk_pub"),
            models.Index(fields=["status", "-published_at"], name="article_status_pub"),
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs) -> None:
        """Clean the body once here, so a page view never runs the sanitiser.

        A save of an existing article writes every field but `approved_comment_count`: the
        comments' services move that in the database while this instance, loaded earlier,
        may hold an old value, and writing it back would undo an approval made meanwhile."""
        if (
            kwargs.get("update_fields") is None
            and not self._state.adding
            and not kwargs.get("force_insert")
        ):
            kwargs["update_fields"] = self._fields_a_save_writes()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body = self.body_html = sanitise_body(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "body", "body_html"}
        self.version = (self.version or 0) + 1
        if update_fields is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)
        if update_fields is None or SEARCHED_FIELDS & set(update_fields):
            # An expression over the row's own columns: it needs the row to exist first.
            articles = type(self).objects.using(self._state.db).filter(pk=self.pk)
            if uses_postgres(articles):
                articles.update(search_vector=search_document())

    def get_absolute_url(self) -> str:
        return article_path(desk_slug=self.desk.slug, day=self.address_day(), slug=self.slug)

    def address_day(self) -> date:
        return day_in_address(self.published_at, self.created_at)

    def cache_keys(self) -> list[str]:
        """The page-cache keys (core.pagecache.purge) to purge when this article changes:
        its own page and the lists of cards that show it, as the database has it now (a
        draft is on no list: saving one purges no home page, feed or sitemap)."""
        return [
            self.page_key,
            *listing_keys(type(self).objects.published().filter(pk=self.pk)),
        ]

    def goes_live_at(self) -> datetime | None:
        """When the public first sees it: its publication time, or the embargo's end if later."""
        if self.published_at is None:
            return None
        if self.embargo_until is not None and self.embargo_until > self.published_at:
            return self.embargo_until
        return self.published_at

    def is_scheduled(self, at=None) -> bool:
        """Published, but its time (or its embargo's end) has not come yet."""
        now = at or timezone.now()
        return self.status == self.Status.PUBLISHED and not self.is_public(now)

    def is_public(self, at=None) -> bool:
        now = at or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.embargo_until is None or self.embargo_until <= now)
        )

    def is_breaking_now(self, at=None) -> bool:
        now = at or timezone.now()
        return self.is_breaking and self.breaking_until is not None and self.breaking_until > now

    def comments_open(self, at=None) -> bool:
        if not self.comments_enabled or not self.is_public(at):
            return False
        if self.comments_close_after_days is None:
            return True
        now = at or timezone.now()
        return now < self.published_at + timedelta(days=self.comments_close_after_days)

    def related_stories(self) -> list[Article]:
        """The related coverage loaded by `Article.objects.with_related()`, as unsaved
        articles that know their address and desk (no query)."""
        if not hasattr(self, "related_rows"):  # not loaded with the page (SQLite)
            topic_ids = Article.topics.through.objects.filter(article_id=self.pk)
            stories = list(
                related_candidates(
                    exclude_pk=self.pk,
                    desk_id=self.desk_id,
                    topic_ids=topic_ids.values("topic_id"),
                ).select_related("desk", "hero_photo")[:RELATED_LIMIT]
            )
            for story in stories:
                photo = story.hero_photo
                widths = (
                    [r for r in photo.ready_renditions() if r.spec.startswith("w")] if photo else []
                )
                jpegs = sorted((r for r in widths if r.format == "jpeg"), key=lambda r: r.width)
                story.card_image = card_image(
                    {"file": jpegs[0].file.name, "width": jpegs[0].width, "height": jpegs[0].height}
                    if jpegs
                    else None,
                    photo.image.name if photo else "",
                    photo.width if photo else None,
                    photo.height if photo else None,
                )
            return stories
        stories = []
        for row in self.related_rows or []:
            story = Article(
                pk=row["pk"],
                headline=row["headline"],
                slug=row["slug"],
                published_at=parse_datetime(row["published_at"]),
                desk=Desk(name=row["desk_name"], slug=row["desk_slug"]),
            )
            story.card_image = card_image(
                row.get("thumb"), row.get("image"), row.get("image_width"), row.get("image_height")
            )
            stories.append(story)
        return stories

    def use_page_rows(self) -> Article:
        """Give the photos the renditions `with_page_photos` read with the row (no query)."""
        for photo, name in ((self.hero_photo, "hero"), (self.social_photo, "social")):
            rows = getattr(self, f"{name}_rendition_rows", None)
            if photo is not None and rows is not None:
                photo.use_rendition_rows(rows)
        return self

    def embed_titles(self) -> dict[str, str]:
        """The titles fetched for the body's embedded links, by address."""
        rows = getattr(self, "embed_title_rows", None)
        if rows is None:  # not read with the page (SQLite under `make run`)
            rows = self.embed_metadata.values("url", "title") if self.pk else []
        return {row["url"]: row["title"] for row in rows}

    @property
    def reading_minutes(self) -> int:
        words = len(strip_tags(self.body_html or self.body).split())
        return max(1, math.ceil(words / READING_WORDS_PER_MINUTE))

    def _fields_a_save_writes(self) -> list[str]:
        """What a plain save() writes: the loaded fields (as Django does for a deferred
        load) except those counted by the comments."""
        deferred = self.get_deferred_fields()
        return [
            field.name
            for field in self._meta.concrete_fields
            if not field.primary_key
            and field.attname not in deferred
            and field.name not in COUNTED_BY_COMMENTS
        ]


def article_path(*, desk_slug: str, day: date, slug: str) -> str:
    """An article's address from its parts (its current one, or one it had before)."""
    return reverse(
        "articles:article",
        kwargs={
            "desk": desk_slug,
            "year": f"{day.year:04d}",
            "month": f"{day.month:02d}",
            "day": f"{day.day:02d}",
            "slug": slug,
        },
    )


class EmbedMetadata(models.Model):
    """What a link embedded in an article's body is called (its oEmbed or page title),
    fetched by a Celery task after a save (articles.embed_metadata), never while a page
    renders. Read with the article's own row; a link without one shows its plain
    placeholder."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="embed_metadata")
    url = models.CharField(max_length=2000)
    title = models.CharField(max_length=300)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "url"], name="one_embed_metadata_per_url")
        ]

    def __str__(self) -> str:
        return self.title


class ArticleAddress(models.Model):
    """An address a public article had before its desk, slug or date changed. Readers'
    links, feeds read earlier, shares and the "Live" email all carry it, so it keeps
    answering: with a 301 to the article's address now. Written by the services, never
    edited; an article that is live at the same address is served there instead."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_addresses")
    desk_slug = models.CharField(max_length=60)
    day = models.DateField()
    slug = models.SlugField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "desk_slug", "day", "slug"], name="one_old_address"
            )
        ]
        indexes = [models.Index(fields=["desk_slug", "slug", "day"], name="article_old_address")]
        verbose_name_plural = "article addresses"

    def __str__(self) -> str:
        return self.get_absolute_url()

    def get_absolute_url(self) -> str:
        return article_path(desk_slug=self.desk_slug, day=self.day, slug=self.slug)


class SiteKeys:
    """The page-cache keys of pages that belong to the whole site rather than one object
    (each object's own keys are its model's: `PageKeys`)."""

    HOME = "home"  # the home page alone: its breaking banner
    ALL_LISTS = "list-all"  # every list of the whole site's articles
    DESKS = "desks"  # the desks' navigation, on every page


def listing_keys(articles: models.QuerySet[Article]) -> list[str]:
    """The page-cache keys of every list of cards that can show these articles: the
    site-wide ones (`SiteKeys.ALL_LISTS`: home, the site feed, sitemaps, corrections) and their
    desks', authors' and topics' pages and feeds (`list-desk-<pk>`, ...). Other desks',
    authors' and topics' pages are left alone."""
    ids = articles.values("pk")
    desks = set(Desk.objects.filter(articles__in=ids).values_list("pk", flat=True))
    if not desks:  # every article has a desk: no articles, no lists
        return []
    authors = Byline.objects.filter(article__in=ids).values_list("author_id", flat=True)
    topics = Topic.objects.filter(articles__in=ids).values_list("pk", flat=True)
    keys = {SiteKeys.ALL_LISTS}
    keys |= {Desk.list_key_for(pk) for pk in desks}
    keys |= {Author.list_key_for(pk) for pk in authors}
    keys |= {Topic.list_key_for(pk) for pk in topics}
    return sorted(keys)


class Byline(models.Model):
    class Role(models.TextChoices):
        BY = "by", "By"
        REPORTING = "reporting", "Reporting by"
        ANALYSIS = "analysis", "Analysis by"
        ADDITIONAL = "additional", "Additional reporting by"
        PHOTOS = "photos", "Photographs by"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    role = models.CharField(max_length=12, choices=Role, default=Role.BY)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="one_byline_per_author")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.author}"


class Correction(PlainText, models.Model):
    """A correction or update as readers saw it: part of the public record, so append-only.
    Once stored it is never edited nor deleted, by anyone; a mistaken one is withdrawn by
    a new entry (kind "withdrawal", `withdraws` naming it), shown under it on the page."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"
        WITHDRAWAL = "withdrawal", "Withdrawal"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    withdraws = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,  # only ever deleted with its article
        related_name="withdrawal",
        help_text="For a withdrawal: the correction or update it withdraws.",
    )

    plain_text_fields = ("text",)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reader_text()[:60]}"

    def save(self, *args, **kwargs) -> None:
        # On the model, not only in the admin: no path (a shell, a future form) may rewrite
        # or back-date what readers were told.
        if not self._state.adding:
            raise ValidationError(
                "A published correction cannot be changed: withdraw it with a new entry."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(
            "A published correction cannot be deleted: withdraw it with a new entry."
        )

    def reader_text(self) -> str:
        """The note as shown after its label ("Correction: …"): editors often type the label
        themselves, and readers should not see it twice. The stored text is left as typed
        (the record is append-only)."""
        label = re.escape(self.get_kind_display())
        shown = re.sub(rf"^\s*{label}\s*[:\-–—]\s*", "", self.text, flags=re.IGNORECASE)
        return shown or self.text


def mark_withdrawn(corrections: Iterable[Correction]) -> list[Correction]:
    """The entries of one article, each with `withdrawn_by` (its withdrawal, or None) and
    `withdrawn` (the entry a withdrawal withdraws), found among them: no query."""
    entries = list(corrections)
    by_pk = {entry.pk: entry for entry in entries}
    for entry in entries:
        entry.withdrawn_by = None
    for entry in entries:
        entry.withdrawn = by_pk.get(entry.withdraws_id)
        if entry.withdrawn is not None:
            entry.withdrawn.withdrawn_by = entry
    return entries


# --- Editorial workflow --------------------------------------------------------
