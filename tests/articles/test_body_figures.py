"""Figures inside a body: photos from the library (renditions, caption, credit; refused at
publication without alt text or a credit) and pasted links (click-to-load videos, link
cards), with no third-party address in any src before the reader's click."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles import services
from articles.embeds import embed_for
from photos.services import photo_process
from tests.support.factories import ArticleFactory, PhotoFactory
from tests.support.public_html import Page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_ENABLED = False


def page_of(client, article) -> tuple[Page, str, object]:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    return Page(html), html, response


# --- Parsing pasted links, per provider ----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "player"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "/embed/dQw4w9WgXcQ"),
        ("https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s", "/embed/dQw4w9WgXcQ"),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", "/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ?si=abc", "/embed/dQw4w9WgXcQ"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "/embed/dQw4w9WgXcQ"),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "/video/76979871?dnt=1"),
        ("https://player.vimeo.com/video/76979871", "/video/76979871?dnt=1"),
    ],
)
def test_videos_of_enabled_providers_become_players(url, player):
    embed = embed_for(url)
    assert embed.framed and embed.player.endswith(player)
    assert urlsplit(embed.player).hostname in ("www.youtube-nocookie.com", "player.vimeo.com")


@pytest.mark.parametrize(
    ("url", "provider"),
    [
        ("https://x.com/newsroom/status/1790000000000000000", "x"),
        ("https://twitter.com/newsroom/status/1790000000000000000", "x"),
        ("https://bsky.app/profile/newsroom.bsky.social/post/3kabc", "bluesky"),
        ("https://example.org/a/long/read", "link"),
        ("https://www.youtube.com/watch?v=bad", "youtube"),  # not a video id: a card
        ("https://www.youtube.com/@channel", "youtube"),
        ("https://vimeo.com/channels/staffpicks", "vimeo"),
    ],
)
def test_other_links_become_link_cards(url, provider):
    embed = embed_for(url)
    assert not embed.framed
    assert embed.provider == provider


@pytest.mark.parametrize(
    "url",
    [
        "http://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)",
        "https://user:pw@example.org/",
        "ftp://example.org/",
        "https://",
        "https://[::1",
    ],
)
def test_what_is_no_https_address_is_no_embed(url):
    assert embed_for(url) is None


def test_a_provider_not_enabled_is_only_a_card(settings):
    settings.EMBED_PROVIDERS = ["vimeo"]
    assert not embed_for("https://youtu.be/dQw4w9WgXcQ").framed
    assert embed_for("https://vimeo.com/76979871").framed


# --- On the page ------------------------------------------------------------------------

EMBEDS_BODY = (
    "<p>Watch:</p>"
    '<figure data-embed-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=1"></figure>'
    '<figure data-embed-url="https://vimeo.com/76979871"></figure>'
    '<figure data-embed-url="https://x.com/newsroom/status/1790000000000000000"></figure>'
    '<figure data-embed-url="https://bsky.app/profile/a.bsky.social/post/3kabc"></figure>'
    '<figure data-embed-url="https://example.org/report"></figure>'
)


def test_embeds_are_placeholders_with_no_third_party_src(client, settings):
    article = ArticleFactory(body=EMBEDS_BODY)
    page, html, response = page_of(client, article)
    sources = re.findall(r'\ssrc(?:set)?="([^"]*)"', html)
    assert sources  # the embeds script at least
    for source in sources:
        assert urlsplit(source).hostname in (None, "testserver"), source
    assert "<iframe" not in html
    videos = page.select("figure", class_="embed")
    assert [v.attrs["data-embed-src"] for v in videos] == [
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "https://player.vimeo.com/video/76979871?dnt=1",
    ]
    originals = [a.attrs["href"] for a in page.select("a", class_="embed__original")]
    assert originals == [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1",
        "https://vimeo.com/76979871",
    ]
    assert "Watch on YouTube" in html and "Watch on Vimeo" in html
    cards = page.select("figure", class_="link-card")
    assert len(cards) == 3
    assert "X (Twitter)" in html and "Bluesky" in html and "example.org" in html
    assert re.search(r'<script type="module" src="[^"]*js/embeds[^"]*\.js"></script>', html)
    policy = response["Content-Security-Policy"]
    frames = re.search(r"frame-src ([^;]*)", policy).group(1).split()
    assert frames == list(settings.EMBED_PLAYER_HOSTS.values())  # every provider, by default
    assert "script-src 'self'" in policy


def test_a_page_without_embeds_loads_no_embed_script(client):
    _page, html, _response = page_of(client, ArticleFactory())
    assert "embeds" not in html


# --- Photos inside the story --------------------------------------------------------------


def test_an_in_body_photo_shows_renditions_caption_and_credit(client):
    photo = PhotoFactory(
        caption="Trams at the depot.",
        credit_name="Ana Lima",
        credit_url="https://example.org/ana",
        alt_text="Three trams",
    )
    photo_process(photo_id=photo.pk)
    article = ArticleFactory(body=f'<p>Before.</p><figure data-photo-id="{photo.pk}"></figure>')
    page, html, _response = page_of(client, article)
    figure = page.one("figure", class_="body-photo")
    assert page.within(figure, "picture") and 'alt="Three trams"' in html
    assert "Trams at the depot." in figure.text
    (credit,) = page.within(figure, "span", class_="credit")
    assert credit.text == "Photo: Ana Lima"
    (link,) = page.within(credit, "a")
    assert link.attrs["href"] == "https://example.org/ana"


def test_the_page_is_tagged_with_its_in_body_photos(client):
    photo = PhotoFactory()
    article = ArticleFactory(body=f'<figure data-photo-id="{photo.pk}"></figure>')
    _page, _html, response = page_of(client, article)
    assert f"photo-{photo.pk}" in response.surrogate_keys


def test_in_body_photos_cost_the_same_whatever_their_number(client, django_assert_max_num_queries):
    photos = [PhotoFactory() for _ in range(4)]
    for photo in photos:
        photo_process(photo_id=photo.pk)
    body = "".join(f'<p>x</p><figure data-photo-id="{p.pk}"></figure>' for p in photos)
    article = ArticleFactory(body=body + '<figure data-photo-id="999999"></figure>')
    with django_assert_max_num_queries(8):
        page, _html, _response = page_of(client, article)
    assert len(page.select("figure", class_="body-photo")) == 4  # the deleted one left out


def test_publishing_is_refused_while_an_in_body_photo_lacks_alt_text_or_credit(editor):
    bare = PhotoFactory(alt_text="", credit_name="")
    article = ArticleFactory(draft=True, body=f'<figure data-photo-id="{bare.pk}"></figure>')
    with pytest.raises(ValidationError) as refused:
        services.article_check_publishable(article=article, user=editor)
    (message,) = refused.value.message_dict["body"]
    assert f"no. {bare.pk}" in message and "alt text and a credit" in message
    bare.alt_text, bare.credit_name = "A tram", "Ana Lima"
    bare.save()
    services.article_check_publishable(article=article, user=editor)


def test_a_deleted_in_body_photo_also_stops_publication(editor):
    article = ArticleFactory(draft=True, body='<figure data-photo-id="424242"></figure>')
    with pytest.raises(ValidationError) as refused:
        services.article_check_publishable(article=article, user=editor)
    assert "no. 424242 (deleted)" in refused.value.message_dict["body"][0]


def test_the_admin_says_why_it_will_not_publish_a_body_photo_without_credit(client, editor):
    from tests.support.admin import article_form, change_url

    bare = PhotoFactory(alt_text="A tram", credit_name="")
    article = ArticleFactory(
        draft=True,
        body=f'<p>Text.</p><figure data-photo-id="{bare.pk}"></figure>',
        hero_photo=PhotoFactory(),
    )
    client.force_login(editor)
    data = article_form(article, status="published", published_at=timezone.now())
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "need alt text and a credit before this article can be published" in (
        response.content.decode()
    )
    article.refresh_from_db()
    assert article.status == "draft"
