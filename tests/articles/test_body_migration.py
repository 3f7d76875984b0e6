"""Migration 0013: Markdown bodies become the editor's HTML, showing the same text, headings,
links and aside; the Markdown is kept aside; revisions are converted too."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles.markdown import render_markdown
from demo import content
from tests.articles.seed_article import BODY_MARKDOWN

BEFORE = [("articles", "0012_correction_withdrawal")]
AFTER = [("articles", "0013_article_body_rich_text")]


class _Reading(HTMLParser):
    """What a reader gets from a body: its blocks in order, each with its words, and the
    links with their text."""

    BLOCKS = {"p", "h2", "h3", "li", "aside", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.links: list[tuple[str, str]] = []
        self.stack: list[tuple[str, list[str]]] = []
        self.href: str | None = None
        self.link_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "p" and self.stack and self.stack[-1][0] == "li":
            self.stack.append(("", self.stack[-1][1]))  # the editor's <li><p>: the item's text
        elif tag in self.BLOCKS:
            self.stack.append((tag, []))
        if tag == "a":
            self.href, self.link_text = dict(attrs).get("href"), []

    def handle_endtag(self, tag):
        if tag == "a":
            self.links.append((self.href, " ".join("".join(self.link_text).split())))
        if tag in self.BLOCKS and self.stack:
            name, words = self.stack.pop()
            if name:
                self.blocks.append((name, " ".join("".join(words).split())))

    def handle_data(self, data):
        for _, words in self.stack[-1:]:
            words.append(data)
        self.link_text.append(data)


def reading(html: str) -> tuple[list, list]:
    parser = _Reading()
    parser.feed(html)
    return parser.blocks, parser.links


DEMO_BODIES = [spec["body"] for spec in [*content.OTHER_ARTICLES, *content.DRAFT_ARTICLES]]


@pytest.fixture
def migrator(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    yield executor
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_every_markdown_body_reads_the_same_after_the_migration(migrator):
    apps = migrator.loader.project_state(BEFORE).apps
    Desk = apps.get_model("articles", "Desk")
    Article = apps.get_model("articles", "Article")
    Revision = apps.get_model("articles", "Revision")
    desk = Desk.objects.create(name="Technology", slug="technology", title="Technology")
    bodies = [BODY_MARKDOWN, *DEMO_BODIES]
    for number, body in enumerate(bodies):
        article = Article.objects.create(
            desk=desk,
            headline=f"Story {number}",
            slug=f"story-{number}",
            body=body,
            body_html=render_markdown(body),  # what the page showed before
            created_at=timezone.now(),
        )
        Revision.objects.create(article=article, number=1, changes={"body": body})

    migrator.migrate(AFTER)
    apps = MigrationExecutor(connection).loader.project_state(AFTER).apps
    Article = apps.get_model("articles", "Article")
    Revision = apps.get_model("articles", "Revision")
    for article, markdown_body in zip(Article.objects.order_by("pk"), bodies, strict=True):
        assert article.body_markdown == markdown_body
        assert article.body == article.body_html
        assert reading(article.body) == reading(render_markdown(markdown_body))
        assert "!!!" not in article.body and "##" not in article.body
        revision = Revision.objects.get(article_id=article.pk)
        assert revision.changes["body"] == article.body


def test_the_seed_keeps_its_headings_links_and_aside(migrator):
    blocks, links = reading(render_markdown(BODY_MARKDOWN))
    headings = [text for tag, text in blocks if tag == "h2"]
    assert headings == [
        "Background and Context",
        "What Is Actually Happening",
        "Competing Perspectives",
        "The Alverno Alpha Analysis",
    ]
    assert links == [
        ("/technology/", "technology coverage"),
        ("/business/", "business analysis on US-China trade"),
    ]
    from articles.markdown import body_from_markdown

    html = body_from_markdown(BODY_MARKDOWN)
    assert reading(html) == (blocks, links)
    assert re.search(
        r'<aside class="aside"><h2 class="aside__title">The Alverno Alpha Analysis</h2>(<p>.*?'
        r"</p>){4}</aside>$",
        html,
    )
