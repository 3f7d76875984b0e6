"""Embeds by pasting a link: each provider's addresses parsed into the iframe readers may
load after a click (and bad ones refused), providers enabled by EMBED_PROVIDERS with the
CSP's frame-src listing exactly theirs, no third-party address in any src before the click,
and the titles fetched by the worker (no network here: the HTTP layer is the provider's)."""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from articles import embed_metadata, services
from articles.embed_metadata import Answer, Refused
from articles.embeds import embed_for, parse
from articles.models import EmbedMetadata
from editorial.services import saving
from tests.support.factories import ArticleFactory
from tests.support.public_html import Page

ROOT = Path(__file__).resolve().parents[2]

# --- Parsing, provider by provider -----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "provider", "player"),
    [
        ("https://www.instagram.com/p/C8x_Yz-1AbC/", "instagram", "/p/C8x_Yz-1AbC/embed/"),
        ("https://instagram.com/reel/C8x_Yz-1AbC", "instagram", "/p/C8x_Yz-1AbC/embed/"),
        ("https://www.instagram.com/newsroom/p/C8x_Yz-1AbC/", "instagram", "/p/C8x_Yz-1AbC/embed/"),
        (
            "https://www.tiktok.com/@newsroom/video/7345678901234567890?lang=en",
            "tiktok",
            "/embed/v2/7345678901234567890",
        ),
        ("https://datawrapper.dwcdn.net/aBc12/3/", "datawrapper", "/aBc12/3/"),
        ("https://datawrapper.dwcdn.net/aBc12/", "datawrapper", "/aBc12/"),
        ("https://www.datawrapper.de/_/aBc12/", "datawrapper", "/aBc12/"),
        (
            "https://public.flourish.studio/visualisation/1234567/",
            "flourish",
            "/visualisation/1234567/embed",
        ),
        ("https://public.flourish.studio/story/98765/", "flourish", "/story/98765/embed"),
        (
            "https://flo.uri.sh/visualisation/1234567/embed",
            "flourish",
            "/visualisation/1234567/embed",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "vimeo", "/video/76979871?dnt=1"),
    ],
)
def test_each_provider_gives_its_iframe_on_its_own_host(url, provider, player, settings):
    assert parse(url) == (provider, player)
    embed = embed_for(url)
    assert embed.framed and embed.provider == provider
    assert embed.player == settings.EMBED_PLAYER_HOSTS[provider] + player
    assert urlsplit(embed.player).scheme == "https"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.instagram.com/newsroom/",  # a profile, not a post
        "https://www.instagram.com/p/",
        "https://www.instagram.com/p/bad<code>/",
        "https://www.instagram.com/stories/newsroom/123/",
        "https://www.tiktok.com/@newsroom",
        "https://www.tiktok.com/@newsroom/video/notanumber",
        "https://www.tiktok.com/video/7345678901234567890",  # no user
        "https://datawrapper.dwcdn.net/toolong123/1/",
        "https://datawrapper.dwcdn.net/aBc12/1/extra/",
        "https://datawrapper.dwcdn.net/",
        "https://www.datawrapper.de/charts/",
        "https://public.flourish.studio/visualisation/abc/",
        "https://public.flourish.studio/",
        "https://flo.uri.sh/visualisation/123/other",
    ],
)
def test_a_providers_other_addresses_are_link_cards_never_frames(url):
    assert parse(url) is None
    embed = embed_for(url)
    assert embed is not None and not embed.framed and embed.player == ""


@pytest.mark.parametrize(
    "url",
    [
        "http://www.instagram.com/p/C8x_Yz-1AbC/",
        "http://datawrapper.dwcdn.net/aBc12/1/",
        "https://user:pw@www.tiktok.com/@a/video/7345678901234567890",
        "javascript:alert(1)//https://flo.uri.sh/visualisation/1/embed",
        "https://[::1",
    ],
)
def test_what_is_no_plain_https_address_is_no_embed(url):
    assert parse(url) is None
    assert embed_for(url) is None


def test_lookalike_hosts_are_not_the_provider():
    for url in (
        "https://instagram.com.example.org/p/C8x_Yz-1AbC/",
        "https://evil-datawrapper.dwcdn.net.example.org/aBc12/",
        "https://www.tiktok.com.evil.example/@a/video/7345678901234567890",
    ):
        embed = embed_for(url)
        assert not embed.framed and embed.provider == "link"


def test_a_provider_switched_off_is_a_link_card(settings):
    settings.EMBED_PROVIDERS = ["youtube"]
    for url in (
        "https://www.instagram.com/p/C8x_Yz-1AbC/",
        "https://datawrapper.dwcdn.net/aBc12/3/",
        "https://public.flourish.studio/visualisation/1234567/",
        "https://www.tiktok.com/@newsroom/video/7345678901234567890",
    ):
        embed = embed_for(url)
        assert not embed.framed and embed.provider in (
            "instagram",
            "datawrapper",
            "flourish",
            "tiktok",
        )


def test_a_fetched_title_replaces_the_generic_one():
    url = "https://datawrapper.dwcdn.net/aBc12/3/"
    assert embed_for(url).title == "A chart on Datawrapper"
    assert embed_for(url, title="Flood defences, explained").title == "Flood defences, explained"


# --- The settings: frame-src lists only the enabled providers ---------------------------


def production_frame_src(providers: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG", "EMBED"))}
    env |= {"DEBUG": "false", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "news.example.org"}
    env |= {"EMBED_PROVIDERS": providers, "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.SECURE_CSP['frame-src']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_frame_src_lists_the_enabled_providers_hosts_only():
    assert production_frame_src("datawrapper,instagram") == [
        "https://datawrapper.dwcdn.net",
        "https://www.instagram.com",
    ]
    assert production_frame_src("none") == ["'none'"]


def test_an_unknown_provider_stops_start_up_with_its_name():
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMBED")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env
        | {"EMBED_PROVIDERS": "youtube,myspace", "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "EMBED_PROVIDERS" in result.stderr and "myspace" in result.stderr


# --- On the page ------------------------------------------------------------------------

NEW_PROVIDERS_BODY = (
    '<figure data-embed-url="https://www.instagram.com/p/C8x_Yz-1AbC/"></figure>'
    '<figure data-embed-url="https://www.tiktok.com/@newsroom/video/7345678901234567890">'
    "</figure>"
    '<figure data-embed-url="https://datawrapper.dwcdn.net/aBc12/3/"></figure>'
    '<figure data-embed-url="https://public.flourish.studio/visualisation/1234567/"></figure>'
)


@pytest.mark.django_db
def test_posts_and_charts_are_placeholders_with_no_third_party_src(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    article = ArticleFactory(body=NEW_PROVIDERS_BODY)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    for source in re.findall(r'\ssrc(?:set)?="([^"]*)"', html):
        assert urlsplit(source).hostname in (None, "testserver"), source
    assert "<iframe" not in html
    page = Page(html)
    placeholders = page.select("figure", class_="embed")
    assert [figure.attrs["data-embed-src"] for figure in placeholders] == [
        "https://www.instagram.com/p/C8x_Yz-1AbC/embed/",
        "https://www.tiktok.com/embed/v2/7345678901234567890",
        "https://datawrapper.dwcdn.net/aBc12/3/",
        "https://flo.uri.sh/visualisation/1234567/embed",
    ]
    assert "Show the post here" in html and "Show the chart here" in html
    assert "View on Instagram" in html and "View on Datawrapper" in html


# --- Titles fetched by the worker -------------------------------------------------------


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1", "169.254.169.254", "10.0.0.1"])
def test_private_loopback_and_link_local_addresses_are_refused(host):
    """Real resolution: the names resolve here, and what they give is refused."""
    with pytest.raises(Refused, match="not a public address"):
        embed_metadata.public_addresses(host)


@pytest.mark.parametrize(
    "url",
    [
        "https://localhost/oembed",
        "https://127.0.0.1/",
        "https://[::1]/",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.1.2.3/",
        "https://192.168.0.1/",
        "https://224.0.0.1/",
        "https://0.0.0.0/",
        "http://example.org/",
    ],
)
def test_a_fetch_is_refused_before_any_connection(url, monkeypatch):
    def no_connection(*args, **kwargs):
        raise AssertionError("connected")

    monkeypatch.setattr(embed_metadata.socket, "create_connection", no_connection)
    with pytest.raises(Refused):
        embed_metadata.http_get(url, timeout=1)


def test_a_redirect_to_a_private_address_is_refused(monkeypatch):
    """The first host is public (its lookup stubbed), the redirect goes to loopback."""
    real = embed_metadata.public_addresses

    def lookup(host, port=443):
        return ["93.184.215.14"] if host == "public.example" else real(host, port)

    class Redirecting:
        status = 302

        def getheader(self, name, default=None):
            return "https://127.0.0.1/secret" if name == "Location" else default

    class Connection:
        def __init__(self, host, address, **kwargs):
            assert address == "93.184.215.14"

        def request(self, *args, **kwargs):
            pass

        def getresponse(self):
            return Redirecting()

        def close(self):
            pass

    monkeypatch.setattr(embed_metadata, "public_addresses", lookup)
    monkeypatch.setattr(embed_metadata, "_PinnedHTTPSConnection", Connection)
    with pytest.raises(Refused, match="127.0.0.1"):
        embed_metadata.http_get("https://public.example/page", timeout=1)


def test_a_big_answer_is_cut_off(monkeypatch):
    class Big:
        status = 200

        def getheader(self, name, default=None):
            return {"Content-Type": "text/html"}.get(name, default)

        def read(self, size):
            return b"x" * size

    class Connection:
        def __init__(self, host, address, **kwargs):
            pass

        def request(self, *args, **kwargs):
            pass

        def getresponse(self):
            return Big()

        def close(self):
            pass

    monkeypatch.setattr(
        embed_metadata, "public_addresses", lambda host, port=443: ["93.184.215.14"]
    )
    monkeypatch.setattr(embed_metadata, "_PinnedHTTPSConnection", Connection)
    with pytest.raises(Refused, match="more than"):
        embed_metadata.http_get("https://public.example/page", timeout=1)


@pytest.fixture
def provider(monkeypatch):
    """The providers, outside our walls: what each address would answer."""
    asked: list[str] = []
    answers: dict[str, Answer] = {}

    def http_get(url, *, timeout):
        asked.append(url)
        for prefix, answer in answers.items():
            if url.startswith(prefix):
                return answer
        raise Refused("no answer")

    monkeypatch.setattr(embed_metadata, "http_get", http_get)
    return answers, asked


@pytest.mark.django_db
def test_titles_come_from_oembed_and_from_a_pages_title_and_show_on_the_page(
    provider, client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_ENABLED = False
    answers, asked = provider
    answers["https://api.datawrapper.de/v3/oembed"] = Answer(
        200, "application/json", json.dumps({"title": "Flood defences,\n explained"}).encode()
    )
    answers["https://example.org/report"] = Answer(
        200,
        "text/html; charset=utf-8",
        b"<html><head><title>Site</title><meta property='og:title' content='The report'>",
    )
    chart = "https://datawrapper.dwcdn.net/aBc12/3/"
    article = ArticleFactory(
        body=f'<figure data-embed-url="{chart}"></figure>'
        '<figure data-embed-url="https://example.org/report"></figure>'
    )
    titles = services.embed_titles_refresh(article_id=article.pk)
    assert titles == {
        chart: "Flood defences, explained",
        "https://example.org/report": "The report",
    }
    assert asked[0].startswith("https://api.datawrapper.de/v3/oembed?url=https%3A%2F%2Fdatawrapper")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Flood defences, explained" in html and "The report" in html
    # Fresh titles are not fetched again.
    asked.clear()
    services.embed_titles_refresh(article_id=article.pk)
    assert asked == []


@pytest.mark.django_db
def test_a_failed_fetch_leaves_the_plain_placeholder(provider, client, settings):
    settings.PAGE_CACHE_ENABLED = False
    article = ArticleFactory(body='<figure data-embed-url="https://vimeo.com/76979871"></figure>')
    assert services.embed_titles_refresh(article_id=article.pk) == {}
    assert not EmbedMetadata.objects.exists()
    assert "A video on Vimeo" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_link_taken_out_of_the_body_loses_its_title(provider):
    answers, _asked = provider
    answers["https://vimeo.com/api/oembed.json"] = Answer(
        200, "application/json", b'{"title": "T"}'
    )
    article = ArticleFactory(body='<figure data-embed-url="https://vimeo.com/76979871"></figure>')
    services.embed_titles_refresh(article_id=article.pk)
    assert EmbedMetadata.objects.count() == 1
    article.body = "<p>No embed now.</p>"
    article.save()
    services.embed_titles_refresh(article_id=article.pk)
    assert not EmbedMetadata.objects.exists()


def test_saving_queues_the_fetch_in_the_worker_only_when_switched_on(
    provider, editor, settings, celery_worker
):
    answers, asked = provider
    answers["https://vimeo.com/api/oembed.json"] = Answer(
        200, "application/json", b'{"title": "A title from Vimeo"}'
    )
    article = ArticleFactory(
        draft=True, body='<figure data-embed-url="https://vimeo.com/1"></figure>'
    )
    settings.EMBED_FETCH_METADATA = False
    saving.article_save(article=article, user=editor, version=article.version)
    settings.EMBED_FETCH_METADATA = True
    article.refresh_from_db()
    saving.article_save(article=article, user=editor, version=article.version)
    deadline = time.monotonic() + 20
    while not EmbedMetadata.objects.filter(article=article).exists():
        assert time.monotonic() < deadline, "the worker kept no title"
        time.sleep(0.1)
    assert EmbedMetadata.objects.get(article=article).title == "A title from Vimeo"
    assert len(asked) == 1  # once: the save with the fetch switched off queued nothing


@pytest.mark.django_db
def test_a_page_render_never_fetches(monkeypatch, client, settings):
    settings.PAGE_CACHE_ENABLED = False

    def no_fetch(*args, **kwargs):
        raise AssertionError("fetched at render time")

    monkeypatch.setattr(embed_metadata, "http_get", no_fetch)
    monkeypatch.setattr(embed_metadata.socket, "getaddrinfo", no_fetch)
    article = ArticleFactory(body=NEW_PROVIDERS_BODY)
    assert client.get(article.get_absolute_url()).status_code == 200
