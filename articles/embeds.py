"""Links pasted into a body, shown without asking anyone else's server for anything.

`embed_for(url)` reads the address alone (nothing is fetched, at save or at render):
- a video of an enabled provider (YouTube, Vimeo) gives a click-to-load placeholder: the
  page shows the provider, a title and a link to the original, and only a click runs
  static/js/embeds.js, which puts in the provider's player (its address in
  `data-embed-src`, never in a `src`, until then);
- anything else (X/Twitter, Bluesky, any https page) is a link card: provider and address.

The providers whose players may be framed are `EMBED_PROVIDERS` (settings); the CSP's
`frame-src` lists exactly their player hosts (`EMBED_PLAYER_HOSTS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^\d{1,12}$")

# The player's address on its host (settings.EMBED_PLAYER_HOSTS, which the CSP frames).
PLAYER_PATHS = {"youtube": "/embed/{id}", "vimeo": "/video/{id}?dnt=1"}
NAMES = {
    "youtube": "YouTube",
    "vimeo": "Vimeo",
    "x": "X (Twitter)",
    "bluesky": "Bluesky",
}
CARD_HOSTS = {
    "x.com": "x",
    "www.x.com": "x",
    "twitter.com": "x",
    "www.twitter.com": "x",
    "mobile.twitter.com": "x",
    "bsky.app": "bluesky",
}


@dataclass(frozen=True)
class Embed:
    url: str  # the original, as pasted
    provider: str  # "youtube", "vimeo", "x", "bluesky", or "link"
    provider_name: str  # "YouTube", or the host for any other page
    title: str
    player: str = ""  # the iframe's address, for a click-to-load video; "" for a link card

    @property
    def is_video(self) -> bool:
        return bool(self.player)


def _video_id(provider: str, parts) -> str | None:
    host = (parts.hostname or "").lower()
    path = [segment for segment in parts.path.split("/") if segment]
    if provider == "youtube":
        if host == "youtu.be" and path:
            candidate = path[0]
        elif path[:1] == ["watch"]:
            candidate = (parse_qs(parts.query).get("v") or [""])[0]
        elif len(path) >= 2 and path[0] in ("embed", "shorts", "live"):
            candidate = path[1]
        else:
            return None
        return candidate if YOUTUBE_ID.match(candidate) else None
    if provider == "vimeo":
        candidate = path[-1] if path else ""
        if host == "player.vimeo.com" and path[:1] != ["video"]:
            return None
        return candidate if VIMEO_ID.match(candidate) else None
    return None


def _video_provider(host: str) -> str | None:
    if host in ("youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"):
        return "youtube"
    if host in ("vimeo.com", "www.vimeo.com", "player.vimeo.com"):
        return "vimeo"
    return None


def embed_for(url: str) -> Embed | None:
    """What a pasted address shows as, or None for one that is not an https address."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme != "https" or not host or parts.username or parts.password:
        return None
    provider = _video_provider(host)
    if provider in settings.EMBED_PROVIDERS:
        video = _video_id(provider, parts)
        if video is not None:
            name = NAMES[provider]
            return Embed(
                url=url,
                provider=provider,
                provider_name=name,
                title=f"A video on {name}",
                player=settings.EMBED_PLAYER_HOSTS[provider]
                + PLAYER_PATHS[provider].format(id=video),
            )
    card = CARD_HOSTS.get(host) or provider
    if card:
        name = NAMES[card]
        return Embed(url=url, provider=card, provider_name=name, title=f"A post on {name}")
    shown = host.removeprefix("www.")
    return Embed(url=url, provider="link", provider_name=shown, title=f"A page on {shown}")
