"""Links pasted into a body, shown without asking anyone else's server for anything.

`embed_for(url)` reads the address alone (nothing is fetched, at save or at render):
- a video, post or chart of an enabled provider gives a click-to-load placeholder: the page
  shows the provider, a title and a link to the original, and only a click runs
  static/js/embeds.js, which puts in the provider's iframe (its address in
  `data-embed-src`, never in a `src`, until then). YouTube and Vimeo (videos), Instagram
  and TikTok (posts, through their iframe embed endpoints: no script of theirs on our
  page), Datawrapper and Flourish (charts);
- anything else (X/Twitter, Bluesky, a disabled provider's link, any https page) is a link
  card: provider and address.

The providers whose iframes may be framed are `EMBED_PROVIDERS` (settings); the CSP's
`frame-src` lists exactly their hosts (`EMBED_PLAYER_HOSTS`). A title fetched later by a
Celery task (articles/embed_metadata.py) replaces the generic one when there is one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^\d{1,12}$")
INSTAGRAM_CODE = re.compile(r"^[A-Za-z0-9_-]{5,40}$")
TIKTOK_ID = re.compile(r"^\d{8,25}$")
DATAWRAPPER_ID = re.compile(r"^[A-Za-z0-9]{5}$")
FLOURISH_ID = re.compile(r"^\d{1,12}$")
SMALL_NUMBER = re.compile(r"^\d{1,4}$")


@dataclass(frozen=True)
class Provider:
    name: str  # as readers see it
    kind: str  # "video", "post" or "chart": what the placeholder calls it
    hosts: frozenset[str]  # the addresses people paste
    # The path (and query) of the iframe on the provider's player host, from a pasted
    # address's host and path segments and query; None for an address that is not one.
    player: Callable[[str, list[str], dict], str | None]


def _youtube(host: str, path: list[str], query: dict) -> str | None:
    if host == "youtu.be" and path:
        candidate = path[0]
    elif path[:1] == ["watch"]:
        candidate = (query.get("v") or [""])[0]
    elif len(path) >= 2 and path[0] in ("embed", "shorts", "live"):
        candidate = path[1]
    else:
        return None
    return f"/embed/{candidate}" if YOUTUBE_ID.match(candidate) else None


def _vimeo(host: str, path: list[str], query: dict) -> str | None:
    if host == "player.vimeo.com" and path[:1] != ["video"]:
        return None
    candidate = path[-1] if path else ""
    return f"/video/{candidate}?dnt=1" if VIMEO_ID.match(candidate) else None


def _instagram(host: str, path: list[str], query: dict) -> str | None:
    # instagram.com/p/CODE/, /reel/CODE/, /tv/CODE/ (also under a user's name).
    if len(path) >= 3 and path[1] in ("p", "reel", "tv"):
        path = path[1:]
    if len(path) >= 2 and path[0] in ("p", "reel", "tv") and INSTAGRAM_CODE.match(path[1]):
        return f"/p/{path[1]}/embed/"
    return None


def _tiktok(host: str, path: list[str], query: dict) -> str | None:
    # tiktok.com/@user/video/ID; short links (vm.tiktok.com) need a fetch: they stay cards.
    if len(path) == 3 and path[0].startswith("@") and path[1] == "video":
        return f"/embed/v2/{path[2]}" if TIKTOK_ID.match(path[2]) else None
    return None


def _datawrapper(host: str, path: list[str], query: dict) -> str | None:
    # datawrapper.dwcdn.net/ID/ or /ID/VERSION/; www.datawrapper.de/_/ID/
    if host == "www.datawrapper.de" or host == "datawrapper.de":
        if len(path) == 2 and path[0] == "_" and DATAWRAPPER_ID.match(path[1]):
            return f"/{path[1]}/"
        return None
    if len(path) == 1 and DATAWRAPPER_ID.match(path[0]):
        return f"/{path[0]}/"
    if len(path) == 2 and DATAWRAPPER_ID.match(path[0]) and SMALL_NUMBER.match(path[1]):
        return f"/{path[0]}/{path[1]}/"
    return None


def _flourish(host: str, path: list[str], query: dict) -> str | None:
    # public.flourish.studio/visualisation/ID/ or /story/ID/; flo.uri.sh/…/ID/embed
    if len(path) >= 2 and path[0] in ("visualisation", "story") and FLOURISH_ID.match(path[1]):
        if len(path) == 2 or path[2:] == ["embed"]:
            return f"/{path[0]}/{path[1]}/embed"
    return None


PROVIDERS: dict[str, Provider] = {
    "youtube": Provider(
        "YouTube",
        "video",
        frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"}),
        _youtube,
    ),
    "vimeo": Provider(
        "Vimeo", "video", frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"}), _vimeo
    ),
    "instagram": Provider(
        "Instagram", "post", frozenset({"instagram.com", "www.instagram.com"}), _instagram
    ),
    "tiktok": Provider("TikTok", "post", frozenset({"tiktok.com", "www.tiktok.com"}), _tiktok),
    "datawrapper": Provider(
        "Datawrapper",
        "chart",
        frozenset({"datawrapper.dwcdn.net", "www.datawrapper.de", "datawrapper.de"}),
        _datawrapper,
    ),
    "flourish": Provider(
        "Flourish", "chart", frozenset({"public.flourish.studio", "flo.uri.sh"}), _flourish
    ),
}
# Shown as link cards always: their embeds need the provider's script on our page.
X_HOSTS = {"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"}
CARD_PROVIDERS = {
    "x": ("X (Twitter)", frozenset(X_HOSTS)),
    "bluesky": ("Bluesky", frozenset({"bsky.app"})),
}
NAMES = {key: p.name for key, p in PROVIDERS.items()} | {
    key: name for key, (name, _) in CARD_PROVIDERS.items()
}
KIND_WORDS = {"video": "A video", "post": "A post", "chart": "A chart"}


@dataclass(frozen=True)
class Embed:
    url: str  # the original, as pasted
    provider: str  # a key of PROVIDERS or CARD_PROVIDERS, or "link"
    provider_name: str  # "YouTube", or the host for any other page
    title: str
    kind: str = "link"  # "video", "post", "chart", or "link" for a card
    player: str = ""  # the iframe's address, for a click-to-load embed; "" for a link card

    @property
    def framed(self) -> bool:
        """A click-to-load placeholder (else a link card)."""
        return bool(self.player)


def parse(url: str) -> tuple[str, str] | None:
    """(provider, path of its iframe) for an address a provider can frame, whether enabled
    or not; None for any other address."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme != "https" or not host or parts.username or parts.password:
        return None
    path = [segment for segment in parts.path.split("/") if segment]
    for key, provider in PROVIDERS.items():
        if host in provider.hosts:
            player = provider.player(host, path, parse_qs(parts.query))
            return (key, player) if player else None
    return None


def embed_for(url: str, *, title: str = "") -> Embed | None:
    """What a pasted address shows as, or None for one that is not an https address.
    `title`: one fetched for it (articles/embed_metadata.py), else a generic one."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme != "https" or not host or parts.username or parts.password:
        return None
    title = title.strip()
    found = parse(url)
    if found is not None and found[0] in settings.EMBED_PROVIDERS:
        key, path = found
        provider = PROVIDERS[key]
        return Embed(
            url=url,
            provider=key,
            provider_name=provider.name,
            title=title or f"{KIND_WORDS[provider.kind]} on {provider.name}",
            kind=provider.kind,
            player=settings.EMBED_PLAYER_HOSTS[key] + path,
        )
    for key, provider in PROVIDERS.items():
        if host in provider.hosts:
            return Embed(
                url=url,
                provider=key,
                provider_name=provider.name,
                title=title or f"{KIND_WORDS[provider.kind]} on {provider.name}",
            )
    for key, (name, hosts) in CARD_PROVIDERS.items():
        if host in hosts:
            return Embed(
                url=url, provider=key, provider_name=name, title=title or f"A post on {name}"
            )
    shown = host.removeprefix("www.")
    return Embed(url=url, provider="link", provider_name=shown, title=title or f"A page on {shown}")
