"""Live coverage: an article run as a live blog, and its entries.

A live blog is an article (its headline, standfirst, intro body, bylines, desk and address)
with a start and, later, an end time; its entries are short timestamped posts shown newest
first on the article's page. The blog's `version` moves with every change readers can see
(an entry posted, approved, edited, pinned or withdrawn; the blog started or ended), so the
poll URL can tell a reader's page in one number whether it is behind.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.body import sanitise_body
from articles.models import Article, Author, Desk
from core.pagecache import PageKeys
from core.text import PlainText


class LiveBlogQuerySet(models.QuerySet):
    def running(self, at: datetime | None = None) -> LiveBlogQuerySet:
        """Started and not ended: the blogs shown with a LIVE badge and polled by readers."""
        now = at or timezone.now()
        return self.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now), started_at__lte=now)

    def public(self, at: datetime | None = None) -> LiveBlogQuerySet:
        """Blogs of articles the public may read (the article's own rule, written once)."""
        return self.filter(article__in=Article.objects.published(at).values("pk"))


class LiveBlog(PageKeys, models.Model):
    key_prefix = "live"  # the blog's page, its older pages, its poll URL and feed

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="live_blog")
    started_at = models.DateTimeField(
        default=timezone.now, help_text="When the coverage begins (shown and in JSON-LD)."
    )
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty while it runs; set by “End the live blog”."
    )
    version = models.PositiveBigIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LiveBlogQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Live: {self.article}"

    def get_absolute_url(self) -> str:
        return self.article.get_absolute_url()

    def is_running(self, at: datetime | None = None) -> bool:
        now = at or timezone.now()
        return self.started_at <= now and (self.ended_at is None or self.ended_at > now)

    def poll_url(self) -> str:
        return reverse("live:poll", kwargs={"blog_id": self.pk})


class DeskLivePolicy(models.Model):
    """How a desk runs its live blogs: whether its reporters' entries go out as they post
    them, or wait for one of its editors to approve them (the default)."""

    desk = models.OneToOneField(Desk, on_delete=models.CASCADE, related_name="live_policy")
    reporters_post_directly = models.BooleanField(
        default=False,
        help_text="Reporters on this desk publish live entries themselves; otherwise an "
        "editor approves each one.",
    )

    class Meta:
        verbose_name = "desk live policy"
        verbose_name_plural = "desk live policies"

    def __str__(self) -> str:
        return f"Live policy of {self.desk}"


class LiveEntryQuerySet(models.QuerySet):
    def shown(self) -> LiveEntryQuerySet:
        """What readers see: published entries, newest first."""
        return self.filter(status=LiveEntry.Status.PUBLISHED).order_by("-published_at", "-id")


class LiveEntry(PageKeys, PlainText, models.Model):
    key_prefix = "live-entry"  # the entry's own URL

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting an editor"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="entries")
    headline = models.CharField(max_length=200, blank=True)
    body = models.TextField(help_text="Rich text, cleaned by the article body's allow-list.")
    authors = models.ManyToManyField(Author, blank=True, related_name="live_entries")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    is_key_event = models.BooleanField("key event", default=False)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    edited_at = models.DateTimeField(
        null=True, blank=True, help_text='Shown as "Updated HH:MM" once edited after publication.'
    )
    # Every edit adds one: an editor's form sends back the revision it was opened on (a
    # save over a newer one is refused), and readers' pages compare it to refresh an edit.
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LiveEntryQuerySet.as_manager()

    plain_text_fields = ("headline",)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name_plural = "live entries"
        indexes = [
            models.Index(fields=["blog", "status", "-published_at"], name="live_entry_shown"),
        ]

    def __str__(self) -> str:
        return self.headline or f"Entry {self.pk}"

    def save(self, *args, **kwargs) -> None:
        # The one door into the body, as for articles: a page view never runs the sanitiser.
        self.body = sanitise_body(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The entry's permalink: it redirects to the blog's page that holds it."""
        return self.blog.article.get_absolute_url() + f"entries/{self.pk}/"

    def fragment_url(self) -> str:
        return reverse("live:entry", kwargs={"blog_id": self.blog_id, "entry_id": self.pk})

    @property
    def anchor(self) -> str:
        return f"entry-{self.pk}"


class LiveEntryLog(models.Model):
    """The audit log of the entries: who posted, approved, edited, pinned or withdrew which
    entry, when, and why. Written by live.services, never edited."""

    class Action(models.TextChoices):
        POST = "post", "Posted"
        SUBMIT = "submit", "Sent for approval"
        APPROVE = "approve", "Approved"
        EDIT = "edit", "Edited"
        PIN = "pin", "Pinned as a key event"
        UNPIN = "unpin", "Unpinned"
        WITHDRAW = "withdraw", "Withdrawn"
        START = "start", "Live blog started"
        END = "end", "Live blog ended"

    blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="log")
    entry = models.ForeignKey(
        LiveEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="log"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.entry_id or self.blog_id}"
