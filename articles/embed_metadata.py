"""Titles for the links embedded in a body, fetched in the Celery worker after a save and
never while a page renders: the placeholder then says "Flood defences, explained" rather
than "A chart on Datawrapper". Optional (`EMBED_FETCH_METADATA`); any failure leaves the
plain placeholder.

Only from public addresses: the host is resolved here and every address it gives must be a
global one (never private, loopback, link-local, multicast, reserved or unspecified), the
connection goes to the address that was checked (a second lookup could answer otherwise),
each redirect is checked the same way, and the answer is read up to a size cap with a
short timeout. HTTPS only.

Providers that offer oEmbed without a key are asked through it (`OEMBED_ENDPOINTS`); any
other link, Instagram's too (its oEmbed needs an app token), through the page's
`og:title` or `<title>`.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings

from articles.embeds import parse

OEMBED_ENDPOINTS = {
    "youtube": "https://www.youtube.com/oembed",
    "vimeo": "https://vimeo.com/api/oembed.json",
    "tiktok": "https://www.tiktok.com/oembed",
    "datawrapper": "https://api.datawrapper.de/v3/oembed",
    "flourish": "https://app.flourish.studio/api/v1/oembed",
    "x": "https://publish.twitter.com/oembed",
    "bluesky": "https://embed.bsky.app/oembed",
}
X_HOSTS = {"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"}
MAX_BYTES = 256 * 1024  # a title is near the top of any page; oEmbed answers are small
MAX_REDIRECTS = 3
TITLE_MAX_CHARS = 300
USER_AGENT = "NewsroomEmbedTitles/1.0 (+link previews)"


class Refused(Exception):
    """The address may not be fetched (not https, not public, too big, a bad answer)."""


def public_addresses(host: str, port: int = 443) -> list[str]:
    """Every address `host` resolves to, if all are public; Refused otherwise."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Refused(f"{host} does not resolve") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise Refused(f"{host} does not resolve")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if (
            not ip.is_global
            or ip.is_private
            or ip.is_loopback
            or ip.is_link_local
            or ip.is_multicast
            or ip.is_reserved
            or ip.is_unspecified
        ):
            raise Refused(f"{host} resolves to {ip}, which is not a public address")
    return addresses


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a host by name (certificate and SNI), through an address checked above."""

    def __init__(self, host: str, address: str, **kwargs) -> None:
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def http_get(url: str, *, timeout: float) -> Answer:
    """GET an https URL from a public address, following a few redirects (each checked),
    reading at most MAX_BYTES. The one place that talks to the network."""
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
            raise Refused(f"not an https address: {url}")
        port = parts.port or 443
        address = public_addresses(parts.hostname, port)[0]
        connection = _PinnedHTTPSConnection(
            parts.hostname,
            address,
            port=port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request(
                "GET",
                path,
                headers={"User-Agent": USER_AGENT, "Accept": "application/json, text/html"},
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location") or ""
                url = urljoin(url, location)
                continue
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > MAX_BYTES:
                raise Refused(f"the answer is {length} bytes, more than {MAX_BYTES}")
            body = response.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise Refused(f"the answer is more than {MAX_BYTES} bytes")
            return Answer(response.status, response.getheader("Content-Type") or "", body)
        except (OSError, http.client.HTTPException) as exc:
            raise Refused(f"{parts.hostname}: {exc}") from exc
        finally:
            connection.close()
    raise Refused(f"more than {MAX_REDIRECTS} redirects")


class _TitleParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.og_title = ""
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "meta" and (values.get("property") or values.get("name")) == "og:title":
            self.og_title = self.og_title or (values.get("content") or "")
        self._in_title = tag == "title" and not self.title

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def clean_title(text: str) -> str:
    """One line of plain text, control characters out, at most TITLE_MAX_CHARS."""
    text = " ".join("".join(ch for ch in text if ch.isprintable() or ch.isspace()).split())
    return text[:TITLE_MAX_CHARS]


def provider_of(url: str) -> str | None:
    parsed = parse(url)
    if parsed is not None:
        return parsed[0]
    host = (urlsplit(url).hostname or "").lower()
    if host in X_HOSTS:
        return "x"
    if host == "bsky.app":
        return "bluesky"
    return None


def fetch_title(url: str) -> str:
    """The title of what `url` shows ("" when none can be had). Refused for an address that
    may not be fetched."""
    timeout = settings.EMBED_FETCH_TIMEOUT
    endpoint = OEMBED_ENDPOINTS.get(provider_of(url) or "")
    if endpoint:
        answer = http_get(
            f"{endpoint}?{urlencode({'url': url, 'format': 'json'})}", timeout=timeout
        )
        if answer.status != 200:
            return ""
        try:
            data = json.loads(answer.body.decode("utf-8", "replace"))
        except ValueError:
            return ""
        if not isinstance(data, dict):
            return ""
        title = data.get("title") or data.get("author_name") or ""
        return clean_title(title) if isinstance(title, str) else ""
    answer = http_get(url, timeout=timeout)
    if answer.status != 200 or "html" not in answer.content_type.lower():
        return ""
    parser = _TitleParser()
    parser.feed(answer.body.decode("utf-8", "replace"))
    return clean_title(parser.og_title or parser.title)
