"""The seed article (shared/seed/000_7f8360b52e8aecc9.txt) built from factories, the way
`manage.py loaddemo` loads it: Markdown body with sub-headings, links to desk pages and the
analysis box; a credited hero photo; the Technology Desk and its about text."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from articles.markdown import body_from_markdown
from tests.support.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    DeskFactory,
    PhotoFactory,
)

HEADLINE = "DeepSeek's V4 Launch Tightens China-US Race in Open-Source AI"
STANDFIRST = (
    "The Chinese AI lab DeepSeek has released its V4 series, claiming top-tier performance "
    "in coding and reasoning. The launch intensifies a contest in which open-source models "
    "are gaining ground on closed competitors."
)
ALT_TEXT = (
    "Commuters at Cuipingshan metro station in China, capturing urban life and public "
    "transport dynamics."
)
CREDIT_NAME = "Abderrahmane Habibi"
CREDIT_URL = "https://www.pexels.com/@abdoo"
DESK_ABOUT = (
    "The Technology Desk covers AI, hardware, space, software and the tech industry. "
    "Stories combine reporting from technical and mainstream outlets for balanced coverage."
)
SUBHEADINGS = ["Background and Context", "What Is Actually Happening", "Competing Perspectives"]
ANALYSIS_TITLE = "The Alverno Alpha Analysis"
# The seed was written in Markdown; the body is now the editor's HTML, converted exactly as
# migration 0013 converts every article (tests/articles/test_body_migration.py).
BODY_MARKDOWN = (Path(__file__).parent / "seed_article.md").read_text()
BODY = body_from_markdown(BODY_MARKDOWN)


def build_seed_article(*, breaking_hours: int = 6, **overrides):
    technology = DeskFactory(
        name="Technology", slug="technology", title="The Technology Desk", about=DESK_ABOUT
    )
    DeskFactory(name="Business", slug="business", title="The Business Desk", order=1)
    photo = PhotoFactory(
        alt_text=ALT_TEXT, caption=ALT_TEXT, credit_name=CREDIT_NAME, credit_url=CREDIT_URL
    )
    now = timezone.now()
    fields = {
        "desk": technology,
        "headline": HEADLINE,
        "slug": "deepseek-v4-launch-tightens-china-us-race",
        "standfirst": STANDFIRST,
        "body": BODY,
        "hero_photo": photo,
        "published_at": now - timedelta(minutes=30),
        "is_breaking": breaking_hours > 0,
        "breaking_until": now + timedelta(hours=breaking_hours) if breaking_hours else None,
        "is_top_story": True,
    }
    article = ArticleFactory(**(fields | overrides))
    BylineFactory(
        article=article,
        author=AuthorFactory(name="Mei Lin", slug="mei-lin", job_title="Technology Editor"),
    )
    return article
