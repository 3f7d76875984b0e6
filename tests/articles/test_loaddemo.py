"""`manage.py loaddemo`: the seed article word for word, a living demo newsroom, the demo
logins, and a second run that changes nothing.

The seed page's text is kept beside this test (`seed_page.txt`, a verbatim copy of
shared/seed/000_7f8360b52e8aecc9.txt), independent of the copy the command loads from.
"""

import html
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageStat

from articles.models import Article, Author, Byline, Correction, Desk, Topic
from photos.models import Photo

pytestmark = pytest.mark.django_db

SEED = (Path(__file__).parent / "seed_page.txt").read_text()
SEED_LINES = [line.strip() for line in SEED.splitlines() if line.strip()]
HEADLINE = SEED_LINES[2]
STANDFIRST = SEED_LINES[3]
ALT_TEXT = SEED_LINES[4]
SUBHEADINGS = ["Background and Context", "What Is Actually Happening", "Competing Perspectives"]
ANALYSIS = "The Alverno Alpha Analysis"
# Body paragraphs: from the first paragraph after the credit line to the desk's about box.
ABOUT = SEED_LINES.index("About The Technology Desk")
BODY_LINES = SEED_LINES[SEED_LINES.index(ALT_TEXT) + 2 : ABOUT]
DESK_ABOUT = SEED_LINES[ABOUT + 1]
MODELS = [User, Desk, Author, Topic, Photo, Article, Byline, Correction]


DEMO_PASSWORD = "demo-pass-123"


def loaddemo(monkeypatch) -> str:
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    out = io.StringIO()
    call_command("loaddemo", stdout=out)
    return out.getvalue()


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(autouse=True)
def _media_root(settings, demo_media):
    """Replaces conftest's per-test MEDIA_ROOT: the demo's files live as long as its rows."""
    settings.MEDIA_ROOT = demo_media


@pytest.fixture(scope="module")
def demo_run(django_db_setup, django_db_blocker, demo_media):
    """Run loaddemo once for the module (it draws a dozen 1920×1080 pictures), inside a
    transaction rolled back at the end; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media):
        with transaction.atomic():
            before = timezone.now()
            with pytest.MonkeyPatch.context() as monkeypatch:
                output = loaddemo(monkeypatch)
            yield {"before": before, "after": timezone.now(), "output": output}
            transaction.set_rollback(True)


@pytest.fixture
def demo(demo_run, db):
    seed = Article.objects.select_related("desk", "hero_photo").get(headline=HEADLINE)
    return {**demo_run, "seed": seed}


def test_seed_article_has_the_seeds_headline_standfirst_and_desk(demo):
    seed = demo["seed"]
    assert seed.headline == "DeepSeek's V4 Launch Tightens China-US Race in Open-Source AI"
    assert seed.standfirst == STANDFIRST
    assert seed.desk.name == "Technology"
    assert seed.desk.title == "The Technology Desk"
    assert seed.desk.about == DESK_ABOUT


def test_seed_body_has_every_paragraph_and_sub_heading_word_for_word_in_order(demo):
    body = demo["seed"].body_html
    blocks = [
        text_of(block) for block in re.findall(r"<(?:p|h2)[^>]*>(.*?)</(?:p|h2)>", body, flags=re.S)
    ]
    assert blocks == BODY_LINES
    headings = [text_of(h) for h in re.findall(r"<h2>(.*?)</h2>", body, flags=re.S)]
    assert headings == SUBHEADINGS


def test_seed_links_point_at_the_technology_and_business_desk_pages(demo, client):
    body = demo["seed"].body_html
    links = dict(
        (text_of(label), href)
        for href, label in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', body, flags=re.S)
    )
    technology, business = Desk.objects.get(slug="technology"), Desk.objects.get(slug="business")
    assert links == {
        "technology coverage": technology.get_absolute_url(),
        "business analysis on US-China trade": business.get_absolute_url(),
    }
    for href in links.values():
        assert client.get(href).status_code == 200


def test_seed_analysis_is_a_boxed_aside_holding_its_four_paragraphs(demo):
    body = demo["seed"].body_html
    aside = re.search(r"<aside[^>]*>(.*?)</aside>", body, flags=re.S).group(1)
    paragraphs = [text_of(p) for p in re.findall(r"<p[^>]*>(.*?)</p>", aside, flags=re.S)]
    after_title = BODY_LINES[BODY_LINES.index(ANALYSIS) + 1 :]
    assert ANALYSIS in text_of(re.search(r"<h2[^>]*>(.*?)</h2>", aside, flags=re.S).group(1))
    assert paragraphs == after_title
    assert len(paragraphs) == 4
    assert '<aside class="aside"><h2 class="aside__title">The Alverno Alpha Analysis</h2>' in (
        demo["seed"].body
    )


def test_seed_is_published_when_loaddemo_first_runs_and_breaking_for_hours(demo):
    seed = demo["seed"]
    assert seed.is_public()
    assert demo["before"] <= seed.published_at <= demo["after"]
    assert seed.is_breaking_now()
    assert seed.breaking_until >= seed.published_at + timedelta(hours=3)
    assert Article.objects.breaking().first() == seed
    assert not Article.objects.breaking(at=seed.published_at + timedelta(days=1)).exists()


def test_seed_hero_photo_is_generated_credited_and_described(demo):
    photo = demo["seed"].hero_photo
    assert photo.alt_text == ALT_TEXT
    assert photo.caption == ALT_TEXT
    assert photo.credit_name == "Abderrahmane Habibi"
    assert photo.credit_url == "https://www.pexels.com/@abdoo"
    assert photo.image.storage.exists(photo.image.name)
    with photo.image.open("rb") as file, Image.open(file) as image:
        assert image.width >= 1920 and image.height >= 1080
        assert (photo.width, photo.height) == image.size
        # Better than a flat fill: colours vary a lot, in every channel and across the frame.
        image = image.convert("RGB")
        assert all(spread > 30 for spread in ImageStat.Stat(image).stddev)
        top, bottom = (
            image.crop((0, 0, image.width, 200)),
            image.crop((0, image.height - 200, image.width, image.height)),
        )
        assert ImageStat.Stat(top).mean != pytest.approx(ImageStat.Stat(bottom).mean, abs=10)
        assert len(image.resize((192, 108)).getcolors(maxcolors=20000) or range(20001)) > 2000


def test_demo_newsroom_has_desks_authors_topics_and_articles_that_look_alive(demo, client):
    published = Article.objects.published()
    assert {d.slug for d in Desk.objects.all()} >= {"technology", "business", "world"}
    for desk in Desk.objects.all():
        assert published.filter(desk=desk).count() >= 3, desk
    assert 7 <= published.count() - 1 <= 11  # the seed and 6-10 others
    for article in published:
        assert article.hero_photo.has_credit and article.hero_photo.alt_text
        assert article.bylines.exists() and article.topics.exists()
    assert Byline.objects.exclude(role=Byline.Role.BY).exists()  # roles besides "By"
    for author in Author.objects.all():
        assert author.bio and author.job_title
    assert Photo.objects.filter(hero_of__isnull=False).distinct().count() == Article.objects.count()
    for url in ["/", "/technology/", "/business/", "/world/", "/authors/mei-lin/"]:
        assert client.get(url).status_code == 200, url
    topic = Topic.objects.get(slug="artificial-intelligence")
    assert client.get(topic.get_absolute_url()).status_code == 200
    assert published.filter(topics=topic).count() >= 2


def test_demo_reporter_has_their_own_work_in_progress(demo):
    reporter = User.objects.get(username="reporter")
    author = Author.objects.get(user=reporter)
    own = Article.objects.filter(created_by=reporter)
    assert {a.status for a in own} == {Article.Status.DRAFT, Article.Status.IN_REVIEW}
    assert all(a.bylines.filter(author=author).exists() for a in own)


def test_demo_logins_are_made_in_their_groups_and_printed(demo):
    for username, group in [
        ("editor", "Editors"),
        ("reporter", "Reporters"),
        ("moderator", "Moderators"),
        ("admin", "Site administrators"),
    ]:
        user = User.objects.get(username=username)
        assert user.is_staff
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.check_password("demo-pass-123")
        assert f"Demo login: {username} ({group}) password demo-pass-123" in demo["output"]
    assert not User.objects.get(username="admin").is_superuser


def test_demo_desk_roles(demo):
    from articles.desk_roles import desk_role

    editor, reporter, moderator, admin = (
        User.objects.get(username=name) for name in ("editor", "reporter", "moderator", "admin")
    )
    for desk in Desk.objects.all():
        assert desk_role(editor, desk.pk) == "editor"
        assert desk_role(reporter, desk.pk) == "reporter"
        assert desk_role(admin, desk.pk) == "editor"  # site-wide
        assert desk_role(moderator, desk.pk) is None  # moderates every desk, by no desk role


def test_a_second_run_changes_nothing(demo, monkeypatch, settings):
    counts = {model: model.objects.count() for model in MODELS}
    files = sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    published_at = demo["seed"].published_at
    modified = dict(Article.objects.values_list("pk", "modified_at"))

    output = loaddemo(monkeypatch)

    assert {model: model.objects.count() for model in MODELS} == counts
    assert sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()) == files
    assert Article.objects.get(pk=demo["seed"].pk).published_at == published_at
    assert dict(Article.objects.values_list("pk", "modified_at")) == modified
    assert "(0 new)" in output


def test_a_second_run_without_demo_password_keeps_the_passwords(demo, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("loaddemo", stdout=out)
    assert "password unchanged" in out.getvalue()
    assert User.objects.get(username="editor").check_password("demo-pass-123")


def test_demo_reporter_sees_their_bylined_articles_and_edits_only_the_unpublished(demo, client):
    reporter = User.objects.get(username="reporter")
    client.force_login(reporter)
    response = client.get(reverse("admin:articles_article_changelist"))
    listed = list(response.context["cl"].result_list)
    assert {a.pk for a in listed} == set(
        Article.objects.filter(bylines__author__user=reporter).values_list("pk", flat=True)
    )
    assert {a.status for a in listed} == {"draft", "in_review", "published"}
    for article in listed:
        url = reverse("admin:articles_article_change", args=[article.pk])
        editable = 'name="_save"' in client.get(url).content.decode()
        assert editable == (article.status != "published"), article


def test_a_demo_story_carries_a_photo_and_a_click_to_load_video_in_its_text(demo, client):
    article = Article.objects.get(slug="chipmakers-race-to-stack-memory-beside-ai-processors")
    assert "[[figure" not in article.body
    html = client.get(article.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="body-photo">.*?</figure>', html, flags=re.S).group(0)
    assert "<picture>" in figure or "<img" in figure
    assert "Memory stacked right beside the processor, in one package." in figure
    assert '<span class="credit">Photo: Alverno Alpha Graphics</span>' in figure
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/aircAruvnKk"' in html
    assert 'href="https://www.youtube.com/watch?v=aircAruvnKk"' in html
    assert "<iframe" not in html and "youtube-nocookie.com/embed" not in html.replace(
        'data-embed-src="https://www.youtube-nocookie.com/embed/aircAruvnKk"', ""
    )


def test_demo_stories_show_charts_and_posts_and_a_card_of_their_own(demo, client):
    flood = Article.objects.get(slug="coastal-cities-sign-pact-to-share-flood-defence-data")
    html = client.get(flood.get_absolute_url()).content.decode()
    assert 'data-embed-src="https://datawrapper.dwcdn.net/dEm01/1/"' in html
    assert 'data-embed-src="https://www.instagram.com/p/DemoFloodWall1/embed/"' in html
    assert (
        '<meta property="og:title" content="Forty port cities open their flood-defence data">'
        in html
    )
    assert flood.social_photo is not None and flood.social_photo.alt_text in html
    bank = Article.objects.get(slug="central-bank-holds-rates-signals-patience-on-cuts")
    html = client.get(bank.get_absolute_url()).content.decode()
    assert 'data-embed-src="https://flo.uri.sh/visualisation/1000001/embed"' in html
    assert 'data-embed-src="https://www.tiktok.com/embed/v2/7300000000000000001"' in html
    assert "<iframe" not in html
