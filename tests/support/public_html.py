"""A tiny HTML reader for the public-page tests: elements with their attributes and text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    position: int
    parts: list[str] = field(default_factory=list)
    end: int = 0  # position of the first element after this one's closing tag

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.parts)).strip()

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


class Page(HTMLParser):
    """Parse a page once; then `select("a", class_="credit")`, `text`, `position_of(...)`."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self._text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, len(self.elements))
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, len(self.elements)))

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                for element in self._open[index:]:
                    element.end = len(self.elements)
                del self._open[index:]
                break

    def handle_data(self, data):
        if any(e.tag in {"script", "style", "title"} for e in self._open):
            return
        for element in self._open:
            element.parts.append(data)
        if any(e.tag == "main" for e in self._open):
            self._text.append(data)

    @property
    def text(self) -> str:
        """The visible text of <main>, whitespace collapsed."""
        return re.sub(r"\s+", " ", "".join(self._text)).strip()

    def select(self, tag: str, class_: str | None = None, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag
            and (class_ is None or class_ in e.classes)
            and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def within(self, outer: Element, tag: str, class_: str | None = None, **attrs) -> list[Element]:
        """The <tag> elements inside `outer`."""
        return [
            e for e in self.select(tag, class_, **attrs) if outer.position < e.position < outer.end
        ]

    def one(self, tag: str, class_: str | None = None, **attrs: str) -> Element:
        found = self.select(tag, class_, **attrs)
        assert len(found) == 1, f"expected one <{tag} {class_ or ''} {attrs}>, got {len(found)}"
        return found[0]

    def meta(self, key: str) -> str:
        """The content of <meta property=key> or <meta name=key>."""
        found = self.select("meta", property=key) or self.select("meta", name=key)
        assert found, f"no <meta> {key}"
        return found[0].attrs["content"]

    def position_of(self, text: str) -> int:
        index = self.text.find(text)
        assert index >= 0, f"{text!r} is not on the page"
        return index


def get(client, path: str) -> Page:
    """The page at `path`, which must answer 200."""
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return Page(response.content.decode())


def card_titles(page: Page) -> list[str]:
    return [e.text for e in page.elements if e.tag in {"h2", "h3"} and "card__title" in e.classes]
