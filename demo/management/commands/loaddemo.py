"""`manage.py loaddemo`: the demo newsroom. Safe to run again: it changes nothing twice.

Makes the demo logins (editor, reporter, moderator, a site administrator), the Technology,
Business and World desks, their authors and topics, the seed article word for word
(published at the moment the command first runs, breaking for six hours) and a dozen other
articles, each with a picture drawn by Pillow and saved through Django's storage API.
Everything is looked up by slug first, so a second run finds it all and creates nothing.
"""

import os
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from articles import services, staff
from articles.markdown import body_from_markdown
from articles.models import Article, Author, Byline, Correction, Desk, DeskRole, Topic
from demo import content
from demo.live import ARTICLE, live_demo_load
from demo.scenes import draw_scene
from editorial.services import saving, workflow
from photos.models import Photo

DEMO_USERS = [
    ("editor", "Editors"),
    ("reporter", "Reporters"),
    ("moderator", "Moderators"),
    ("admin", "Site administrators"),
]


class Command(BaseCommand):
    help = (
        "Load the demo newsroom and its editor, reporter, moderator and site administrator "
        "logins (idempotent)."
    )

    def handle(self, *args, **options) -> None:
        users = self.make_users()
        with transaction.atomic():
            desks = {spec["slug"]: self.desk(spec) for spec in content.DESKS}
            for desk in desks.values():
                # Desk roles: the demo editor edits and the demo reporter reports for every
                # demo desk; the moderator (no desk) moderates them all, and the site
                # administrator works everywhere by their role. Through the service, so the
                # membership log says when they joined.
                for username, role in [
                    ("editor", DeskRole.EDITOR),
                    ("reporter", DeskRole.REPORTER),
                ]:
                    staff.membership_set(desk=desk, person=users[username], role=role, by=None)
            authors = {spec["slug"]: self.author(spec, users) for spec in content.AUTHORS}
            topics = {
                slug: Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0]
                for slug, name in content.TOPICS.items()
            }
        now = timezone.now()
        made = 0
        everything = [content.SEED_ARTICLE, *content.OTHER_ARTICLES, *content.DRAFT_ARTICLES]
        for spec in everything:
            desk = desks[spec["desk"]]
            if Article.objects.filter(desk=desk, slug=spec["slug"]).exists():
                continue
            with transaction.atomic():
                self.article(
                    spec,
                    desk=desk,
                    authors=authors,
                    topics=topics,
                    now=now,
                    owner=users["reporter"],
                    editor=users["editor"],
                )
            made += 1
        made += self.live_blog(desks=desks, authors=authors, topics=topics, now=now, users=users)
        self.stdout.write(
            f"Demo newsroom: {len(desks)} desks, {len(authors)} authors, {len(topics)} topics, "
            f"{len(everything)} articles ({made} new)."
        )

    def live_blog(self, *, desks, authors, topics, now, users) -> int:
        """The running live blog on the Technology desk (demo/live.py)."""
        desk = desks[ARTICLE["desk"]]
        if Article.objects.filter(desk=desk, slug=ARTICLE["slug"]).exists():
            return 0
        with transaction.atomic():
            article = self.article(
                ARTICLE,
                desk=desk,
                authors=authors,
                topics=topics,
                now=now,
                owner=users["reporter"],
                editor=users["editor"],
            )
            live_demo_load(
                article=article,
                editor=users["editor"],
                reporter=users["reporter"],
                make_photo=self.photo,
            )
        return 1

    def make_users(self) -> dict[str, User]:
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        users = {}
        for username, group in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": True, "email": f"{username}@example.org"}
            )
            reset = created or bool(os.environ.get("DEMO_PASSWORD"))
            if reset:
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get(name=group))
            note = f"password {password}" if reset else "password unchanged"
            self.stdout.write(f"Demo login: {username} ({group}) {note}")
            users[username] = user
        return users

    def desk(self, spec: dict[str, Any]) -> Desk:
        desk = Desk.objects.filter(slug=spec["slug"]).first()
        if desk is None:
            desk = services.content_save(instance=Desk(**spec))
        return desk

    def author(self, spec: dict[str, Any], users: dict[str, User]) -> Author:
        spec = dict(spec)
        username = spec.pop("demo_user", None)
        author = Author.objects.filter(slug=spec["slug"]).first()
        if author is None:
            author = services.content_save(instance=Author(**spec))
        user = users.get(username) if username else None
        # Link the demo reporter to their byline once; never take over an existing link.
        if (
            user is not None
            and author.user_id is None
            and not Author.objects.filter(user=user).exists()
        ):
            author.user = user
            services.content_save(instance=author)
        return author

    def photo(self, spec: dict[str, Any] | tuple[str, int, str], *, slug: str) -> Photo:
        if isinstance(spec, tuple):
            scene, seed, alt = spec
            spec = {
                "scene": scene,
                "seed": seed,
                "alt_text": alt,
                "caption": alt,
                "credit_name": content.GRAPHICS_CREDIT,
                "credit_url": "",
                "copyright_notice": "Illustration made for the demo newsroom.",
            }
        fields = {k: v for k, v in spec.items() if k not in ("scene", "seed")}
        photo = Photo(**fields)
        # Assigned as an upload would be: Django's storage API writes the file on save.
        photo.image = ContentFile(draw_scene(spec["scene"], seed=spec["seed"]), name=f"{slug}.jpg")
        return services.content_save(instance=photo)

    def body(self, spec: dict[str, Any]) -> str:
        """The demo is written in Markdown, as the seed was, converted as migration 0013
        converts; a line `[[figure:N]]` is the spec's Nth figure (a photo or an embed)."""
        html = body_from_markdown(spec["body"])
        for number, figure in enumerate(spec.get("figures", [])):
            if "photo" in figure:
                photo = self.photo(figure["photo"], slug=f"{spec['slug']}-{number}")
                reference = f'<figure data-photo-id="{photo.pk}"></figure>'
            else:
                reference = f'<figure data-embed-url="{escape(figure["embed"])}"></figure>'
            html = html.replace(f"<p>[[figure:{number}]]</p>", reference)
        return html

    def article(
        self,
        spec: dict[str, Any],
        *,
        desk: Desk,
        authors: dict[str, Author],
        topics: dict[str, Topic],
        now,
        owner: User,
        editor: User,
    ) -> Article:
        status = spec.get("status", Article.Status.PUBLISHED)
        article = Article(
            desk=desk,
            slug=spec["slug"],
            headline=spec["headline"],
            standfirst=spec["standfirst"],
            body=self.body(spec),
            hero_photo=self.photo(spec["photo"], slug=spec["slug"]),
            status=Article.Status.DRAFT,
            is_top_story="top_story" in spec,
            top_story_order=spec.get("top_story", 0),
            created_by=owner if status != Article.Status.PUBLISHED else editor,
        )
        social = spec.get("social")
        if social:
            article.social_title = social.get("title", "")
            article.social_description = social.get("description", "")
            if "photo" in social:
                article.social_photo = self.photo(social["photo"], slug=f"{spec['slug']}-card")
        breaking = spec.get("breaking_hours")
        if breaking:
            article.is_breaking = True
            article.breaking_until = now + timedelta(hours=breaking)
        article = saving.article_save(article=article, user=editor)
        for order, (author, role) in enumerate(spec["bylines"]):
            Byline.objects.create(article=article, author=authors[author], role=role, order=order)
        article.topics.set([topics[slug] for slug in spec["topics"]])
        if spec.get("correction"):
            Correction.objects.create(
                article=article, text=spec["correction"], created_at=now - timedelta(hours=1)
            )
        if status == Article.Status.PUBLISHED:
            workflow.article_publish(
                article=article,
                user=editor,
                at=now - timedelta(hours=spec["hours_ago"]),
                notify=False,  # backdated demo stories: no "your article is live" mail
            )
        elif status == Article.Status.IN_REVIEW:
            workflow.article_submit(article=article, user=owner)
        return article
