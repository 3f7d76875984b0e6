"""The article page: every element of the seed, in the seed's order, its head and its cost."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from articles.models import Byline, Correction
from articles.services import article_set_comment_count
from articles.views import ArticleView
from comments.models import Comment
from photos.services import photo_process
from tests.articles import seed_article as seed
from tests.articles.public_html import Page
from tests.factories import AuthorFactory, BylineFactory, CorrectionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    # These tests change an article between two requests: render each one afresh (the page
    # cache and its purges are tested in test_public_cache.py).
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def article():
    return seed.build_seed_article()


def render(client, article) -> Page:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return Page(response.content.decode())


@pytest.fixture
def page(client, article) -> Page:
    return render(client, article)


# Each element of the seed page, one test each, in the seed's order.


def test_breaking_flag_shows_while_the_article_is_marked_breaking(page):
    flag = page.one("span", class_="flag--breaking")
    assert flag.text == "Breaking"


def test_breaking_flag_switches_itself_off_when_it_expires(client, article):
    with time_machine.travel(article.breaking_until + timedelta(minutes=1)):
        page = render(client, article)
    assert not page.select("span", class_="flag--breaking")


def test_desk_label_names_and_links_to_the_desk(page):
    label = page.one("a", class_="desk-label")
    assert label.text == "Technology"
    assert label.attrs["href"] == "/technology/"


def test_headline_is_the_one_and_only_h1(page):
    assert [h.text for h in page.select("h1")] == [seed.HEADLINE]


def test_standfirst_follows_the_headline(page):
    assert page.one("p", class_="article__standfirst").text == seed.STANDFIRST


def test_byline_names_the_author_and_links_to_their_page(page):
    byline = page.one("p", class_="byline")
    assert byline.text == "By Mei Lin"
    assert page.select("a", rel="author")[0].attrs["href"] == "/authors/mei-lin/"


def test_several_bylines_keep_their_order_and_roles(client, article):
    BylineFactory(article=article, author=AuthorFactory(name="Sam Okafor"), order=1)
    BylineFactory(
        article=article,
        author=AuthorFactory(name="Ana Ruiz"),
        role=Byline.Role.ANALYSIS,
        order=2,
    )
    assert render(client, article).one("p", class_="byline").text == (
        "By Mei Lin and Sam Okafor · Analysis by Ana Ruiz"
    )


def test_published_date_is_shown_as_a_machine_readable_time(page, article):
    dateline = page.one("p", class_="dateline")
    assert "Published" in dateline.text
    published = timezone.localtime(article.published_at)
    assert published.strftime("%-d %B %Y, %H:%M") in dateline.text
    assert page.select("time", datetime=published.isoformat(timespec="seconds"))


def test_updated_date_shows_only_when_an_editor_marks_an_update(client, article, page):
    assert "Updated" not in page.one("p", class_="dateline").text
    article.updated_at = article.published_at + timedelta(hours=2)
    article.save()
    dateline = render(client, article).one("p", class_="dateline")
    updated = timezone.localtime(article.updated_at)
    assert f"Updated {updated:%-d %B %Y, %H:%M}" in dateline.text


def test_hero_photo_carries_its_alt_text(page):
    hero = page.one("figure", class_="hero")
    images = [img for img in page.select("img") if img.position > hero.position]
    assert images[0].attrs["alt"] == seed.ALT_TEXT


def test_hero_caption_is_under_the_photo(page):
    assert page.one("span", class_="hero__caption").text == seed.ALT_TEXT


def test_photo_credit_reads_photo_name_and_links_to_the_photographer(page):
    credit = page.one("span", class_="credit")
    assert credit.text == f"Photo: {seed.CREDIT_NAME}"
    link = [a for a in page.select("a") if a.position > credit.position][0]
    assert link.attrs["href"] == seed.CREDIT_URL
    assert link.text == seed.CREDIT_NAME


def test_body_has_the_seeds_sub_headings(page):
    body_headings = [h.text for h in page.select("h2") if h.text in seed.SUBHEADINGS]
    assert body_headings == seed.SUBHEADINGS


def test_body_links_to_other_coverage_on_the_desk_pages(page):
    links = {a.text: a.attrs["href"] for a in page.select("a")}
    assert links["technology coverage"] == "/technology/"
    assert links["business analysis on US-China trade"] == "/business/"


def test_analysis_is_a_boxed_aside_with_its_title(page):
    box = page.one("aside", class_="aside")
    assert box.text.startswith(seed.ANALYSIS_TITLE)
    assert "The conventional framing of the AI race" in box.text
    assert "counter-narrative to the cloud-and-scale approach" in box.text
    assert page.one("h2", class_="aside__title").text == seed.ANALYSIS_TITLE


def test_no_corrections_section_when_there_are_none(page):
    assert "Corrections and updates" not in page.text


def test_corrections_and_updates_show_in_time_order(client, article):
    now = timezone.now()
    CorrectionFactory(article=article, text="Second fix.", created_at=now)
    CorrectionFactory(
        article=article,
        kind=Correction.Kind.UPDATE,
        text="First note.",
        created_at=now - timedelta(hours=1),
    )
    page = render(client, article)
    section = page.one("section", class_="corrections")
    assert section.text.startswith("Corrections and updates")
    assert page.position_of("Update,") < page.position_of("First note.")
    assert page.position_of("First note.") < page.position_of("Correction,")
    assert page.position_of("Correction,") < page.position_of("Second fix.")


def test_about_the_desk_shows_the_desks_about_text(page):
    about = page.one("section", class_="desk-about")
    assert about.text == f"About The Technology Desk {seed.DESK_ABOUT}"


def test_conversation_follows_the_about_box(page):
    assert page.position_of("About The Technology Desk") < page.position_of("Conversation")
    assert page.one("a", href="#leave-a-comment").text == "Join the discussion ↓"


def test_every_element_of_the_seed_is_there_in_the_seeds_order(client, article):
    CorrectionFactory(article=article, text="A date was wrong.")
    page = render(client, article)
    in_seed_order = [
        "Breaking",
        "Technology",
        seed.HEADLINE,
        seed.STANDFIRST,
        "By Mei Lin",
        "Published",
        seed.ALT_TEXT,
        f"Photo: {seed.CREDIT_NAME}",
        "The Chinese artificial intelligence company DeepSeek",
        "Background and Context",
        "technology coverage",
        "What Is Actually Happening",
        "Competing Perspectives",
        "business analysis on US-China trade",
        seed.ANALYSIS_TITLE,
        "cloud-and-scale approach pursued by most of its peers.",
        "Corrections and updates",
        "About The Technology Desk",
        seed.DESK_ABOUT,
        "Conversation",
        "Join the discussion ↓",
        "Leave a comment",
        "Comments are moderated. Email stays private; name appears publicly.",
    ]
    positions = [page.position_of(text) for text in in_seed_order]
    assert positions == sorted(positions)


def test_headings_never_skip_a_level(page):
    levels = [int(e.tag[1]) for e in page.elements if e.tag in {"h1", "h2", "h3", "h4"}]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_page_has_landmarks_and_a_skip_link(page):
    assert page.one("main").attrs["id"] == "main"
    assert page.one("a", class_="skip-link").attrs["href"] == "#main"
    assert page.select("header", class_="site-header")
    assert page.select("footer", class_="site-footer")
    assert page.select("nav", aria_label="Sections")


def test_every_image_has_alt_text(client, article):
    page = render(client, article)
    assert page.select("img")
    assert all("alt" in img.attrs for img in page.select("img"))


def test_topics_link_to_their_pages(client, article):
    article.topics.add(TopicFactory(name="Artificial intelligence", slug="ai"))
    page = render(client, article)
    assert page.one("a", href="/topics/ai/").text == "Artificial intelligence"


# The head: what search engines and link previews read.


def test_head_has_title_description_and_canonical_link(page, article, settings):
    assert page.one("title").attrs == {}
    assert seed.HEADLINE in page.html.split("<title>")[1].split("</title>")[0].replace(
        "&#x27;", "'"
    )
    assert page.meta("description") == seed.STANDFIRST
    canonical = page.one("link", rel="canonical").attrs["href"]
    assert canonical == settings.SITE_URL + article.get_absolute_url()


def test_canonical_link_uses_the_site_url_not_the_request_host(client, article, settings):
    settings.SITE_URL = "https://news.example"
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    response = client.get(article.get_absolute_url(), headers={"host": "other.example"})
    canonical = Page(response.content.decode()).one("link", rel="canonical").attrs["href"]
    assert canonical == "https://news.example" + article.get_absolute_url()


def test_open_graph_tags_describe_the_article(page, article, settings):
    assert page.meta("og:type") == "article"
    assert page.meta("og:title") == seed.HEADLINE
    assert page.meta("og:description") == seed.STANDFIRST
    assert page.meta("og:url") == settings.SITE_URL + article.get_absolute_url()
    assert page.meta("og:image").startswith(settings.SITE_URL + "/media/photos/")
    assert page.meta("og:image:alt") == seed.ALT_TEXT
    assert page.meta("og:site_name") == settings.SITE_NAME
    assert page.meta("article:section") == "Technology"


def test_twitter_card_shows_a_large_image(page):
    assert page.meta("twitter:card") == "summary_large_image"
    assert page.meta("twitter:title") == seed.HEADLINE
    assert page.meta("twitter:image:alt") == seed.ALT_TEXT


def jsonld(page: Page) -> dict:
    script = page.one("script", type="application/ld+json")
    start = page.html.index(">", page.html.index('type="application/ld+json"')) + 1
    data = json.loads(page.html[start : page.html.index("</script>", start)])
    # A data block, not a script: CSP does not apply, and a nonce would make the page differ
    # per reader.
    assert "nonce" not in script.attrs
    return data


def test_json_ld_is_a_news_article_with_every_required_field(client, article, settings):
    BylineFactory(
        article=article, author=AuthorFactory(name="Sam Okafor", slug="sam-okafor"), order=1
    )
    article.updated_at = article.published_at + timedelta(hours=1)
    article.save()
    CorrectionFactory(article=article, text="The model's name was misspelt.")
    data = jsonld(render(client, article))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == seed.HEADLINE
    assert data["image"][0]["url"].startswith(settings.SITE_URL + "/media/photos/")
    assert data["image"][0]["creditText"] == seed.CREDIT_NAME
    assert data["datePublished"].startswith(article.published_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert data["dateModified"].startswith(article.updated_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert [(a["name"], a["url"]) for a in data["author"]] == [
        ("Mei Lin", f"{settings.SITE_URL}/authors/mei-lin/"),
        ("Sam Okafor", f"{settings.SITE_URL}/authors/sam-okafor/"),
    ]
    assert data["publisher"]["name"] == settings.SITE_NAME
    assert data["correction"][0]["text"] == "Correction: The model's name was misspelt."


def test_json_ld_cannot_be_broken_out_of_by_a_headline(client, article):
    article.headline = "</script><script>alert(1)</script>"
    article.save()
    page = render(client, article)
    assert "<script>alert(1)" not in page.html
    assert jsonld(page)["headline"] == "</script><script>alert(1)</script>"


# What it costs.


@pytest.mark.parametrize(("bylines", "extras"), [(1, 0), (5, 10)])
def test_article_page_query_count_does_not_grow_with_bylines_topics_corrections(
    client, article, django_assert_max_num_queries, bylines, extras
):
    photo_process(photo_id=article.hero_photo_id)  # ready renditions: the <picture> costs one
    for n in range(1, bylines):
        BylineFactory(article=article, order=n)
    for _ in range(extras):
        article.topics.add(TopicFactory())
        CorrectionFactory(article=article)
    with django_assert_max_num_queries(6):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = Page(response.content.decode())
    assert len(page.select("a", rel="author")) == bylines
    assert page.select("picture")


def test_article_page_with_a_busy_conversation_stays_within_the_issue_budget(
    client, article, django_assert_max_num_queries
):
    """Issue 3: at most 8 queries, whatever the bylines, topics, corrections; the
    conversation (the comments app) included."""
    photo_process(photo_id=article.hero_photo_id)
    for n in range(1, 5):
        BylineFactory(article=article, order=n)
        article.topics.add(TopicFactory())
        CorrectionFactory(article=article)
    for n in range(5):
        parent = Comment.objects.create(
            article=article,
            name=f"R{n}",
            email=f"r{n}@example.net",
            body="Good.",
            status=Comment.Status.APPROVED,
        )
        Comment.objects.create(
            article=article,
            parent=parent,
            name=f"S{n}",
            email=f"s{n}@example.net",
            body="Agreed.",
            status=Comment.Status.APPROVED,
        )
    article_set_comment_count(article_id=article.pk, count=10)
    with django_assert_max_num_queries(8):
        response = client.get(article.get_absolute_url())
    assert "Agreed." in response.content.decode()


def test_articles_own_part_of_the_page_is_four_queries(rf, article, django_assert_num_queries):
    """Article, bylines, topics, corrections: the rest of the budget is the navigation and
    the conversation (the comments app)."""
    for n in range(1, 5):
        BylineFactory(article=article, order=n)
        article.topics.add(TopicFactory())
        CorrectionFactory(article=article)
    request = rf.get(article.get_absolute_url())
    request.user = AnonymousUser()
    view = ArticleView(request=request, kwargs={})
    with django_assert_num_queries(4):
        loaded = view.get_queryset().get(pk=article.pk)
        assert len(loaded.bylines.all()) == 5
        assert [b.author.name for b in loaded.bylines.all()][0] == "Mei Lin"
        assert len(loaded.topics.all()) == 4
        assert len(loaded.corrections.all()) == 4
        assert loaded.desk.about == seed.DESK_ABOUT
        assert loaded.hero_photo.alt_text == seed.ALT_TEXT
