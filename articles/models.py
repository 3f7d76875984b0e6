"""The newsroom's content: desks, authors, photos, topics, articles, bylines, corrections."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from articles.markdown import render_markdown
from articles.search import SEARCHED_FIELDS, search_document, uses_postgres
from newsroom.pagecache import purge


class Desk(models.Model):
    name = models.CharField(max_length=60, help_text='Short label, e.g. "Technology".')
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=120, help_text='Full title, e.g. "The Technology Desk".')
    about = models.TextField(blank=True, help_text="Shown on the desk page and under articles.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the navigation.")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:desk", kwargs={"desk": self.slug})


class Author(models.Model):
    """A person in a byline: separate from logins, so freelancers need no account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text="Optional: the login this person uses, if any.",
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    job_title = models.CharField(max_length=120, blank=True)
    bio = models.TextField(blank=True)
    photo = models.ImageField(upload_to="authors/%Y/%m/", blank=True)
    email = models.EmailField(blank=True, help_text="Private: never shown on the site.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"slug": self.slug})


class Topic(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:topic", kwargs={"slug": self.slug})


class Photo(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Renditions pending"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    image = models.ImageField(upload_to="photos/%Y/%m/", width_field="width", height_field="height")
    alt_text = models.CharField(
        max_length=300, help_text="Describe the picture for people who cannot see it."
    )
    caption = models.TextField(blank=True)
    credit_name = models.CharField(max_length=120, blank=True, help_text='Shown as "Photo: NAME".')
    credit_url = models.URLField(blank=True, help_text="The photographer's page.")
    copyright_notice = models.CharField(max_length=200, blank=True)
    license_url = models.URLField(blank=True)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    focal_x = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Horizontal focal point for crops: 0 = left edge, 1 = right edge.",
    )
    focal_y = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Vertical focal point for crops: 0 = top, 1 = bottom.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.alt_text[:60] or f"Photo {self.pk}"

    @property
    def has_credit(self) -> bool:
        return bool(self.credit_name.strip())


class Rendition(models.Model):
    """One derived image file: a width or crop of a Photo in one format, metadata stripped."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="renditions")
    spec = models.CharField(max_length=20, help_text='"w640" for a width, "16x9" for a crop.')
    format = models.CharField(max_length=10)
    file = models.FileField(upload_to="renditions/%Y/%m/", max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    bytes = models.PositiveIntegerField()
    source = models.CharField(
        max_length=64, help_text="Fingerprint of the original and focal point it was made from."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "spec", "format"], name="one_rendition_per_spec"
            )
        ]

    def __str__(self) -> str:
        return f"{self.photo_id} {self.spec}.{self.format}"


class ArticleQuerySet(models.QuerySet):
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

    def for_listing(self) -> ArticleQuerySet:
        """Everything a card shows, in a fixed number of queries."""
        return self.select_related("desk", "hero_photo").prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )


class Article(models.Model):
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
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    hero_photo = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="hero_of"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
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

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [("publish_article", "Can publish articles")]
        indexes = [
            models.Index(fields=["desk", "status", "-published_at"], name="article_desk_pub"),
            models.Index(fields=["status", "-published_at"], name="article_status_pub"),
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs) -> None:
        """Render the body once here, so a page view never runs Markdown or the sanitiser."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = render_markdown(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)
        if update_fields is None or SEARCHED_FIELDS & set(update_fields):
            # An expression over the row's own columns: it needs the row to exist first.
            articles = type(self).objects.using(self._state.db).filter(pk=self.pk)
            if uses_postgres(articles):
                articles.update(search_vector=search_document())
        # Readers see the change at once: cached pages showing this article go stale, after
        # commit so no reader can re-cache the old version in between.
        keys = self.cache_keys()
        transaction.on_commit(lambda: purge(keys), using=self._state.db)

    def delete(self, *args, **kwargs):
        keys, using = self.cache_keys(), self._state.db
        result = super().delete(*args, **kwargs)
        transaction.on_commit(lambda: purge(keys), using=using)
        return result

    def get_absolute_url(self) -> str:
        day = timezone.localtime(self.published_at or self.created_at or timezone.now())
        return reverse(
            "articles:article",
            kwargs={
                "desk": self.desk.slug,
                "year": f"{day.year:04d}",
                "month": f"{day.month:02d}",
                "day": f"{day.day:02d}",
                "slug": self.slug,
            },
        )

    def cache_keys(self) -> list[str]:
        """The page-cache keys (newsroom.pagecache.purge) to purge when this article changes:
        its own page, and every list of cards (home, desk, author and topic pages, feeds,
        sitemaps), which may now show it, drop it or show it differently."""
        return [f"article-{self.pk}", "listings"]

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

    @property
    def reading_minutes(self) -> int:
        words = len(strip_tags(self.body_html or self.body).split())
        return max(1, math.ceil(words / 230))


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


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"
