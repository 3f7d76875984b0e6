"""Article bodies as they were written before the rich text editor: Markdown in, sanitised
HTML out. Kept for one release to convert the Markdown bodies (migration 0013, the demo
content); articles.body holds the rules of the body now.

Two layers, so one mistake is never enough for an attack:
1. python-markdown with its raw-HTML processors removed: typed HTML is shown as text.
2. nh3 (ammonia) with an allow-list of tags, attributes, classes and URL schemes, so no
   event attribute, `javascript:`/`data:` URL, style or script can reach the page.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - builds markdown's own tree; parses no input

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

# Shown as the admin help text of Article.body ("a syntax documented in the admin").
SYNTAX_HELP = (
    "Markdown. Paragraphs are separated by a blank line. "
    "## Sub-heading (a single # is treated as ##; ### for a smaller one). "
    "*italic*, **bold**, [link text](/technology/) or [link](https://example.org). "
    "Lists start with - or 1. ; quotes with >. Images: ![alt text](https://…/image.jpg). "
    'Boxed aside: a line `!!! aside "Box title"` followed by paragraphs indented by four '
    "spaces. Typed HTML is shown as text, never as HTML."
)

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "img",
    "aside",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "loading", "decoding"},
    "ol": {"start"},
    "th": {"scope"},
}
ALLOWED_CLASSES = {"aside": {"aside"}, "h2": {"aside__title"}}
URL_SCHEMES = {"http", "https", "mailto"}


class _NewsroomTreeprocessor(Treeprocessor):
    """Shape markdown's tree into the article page's HTML.

    - Admonitions (`!!! aside "Title"`) become `<aside class="aside">` with an h2 title,
      the box the stylesheet draws around "The Alverno Alpha Analysis".
    - `#` headings become h2: the headline is the page's only h1.
    - Images load lazily: they sit below the hero.
    """

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            classes = element.get("class", "").split()
            if element.tag == "div" and "admonition" in classes:
                element.tag = "aside"
                element.set("class", "aside")
                for child in element:
                    if child.tag == "p" and "admonition-title" in child.get("class", ""):
                        child.tag = "h2"
                        child.set("class", "aside__title")
            elif element.tag == "h1":
                element.tag = "h2"
            elif element.tag == "img":
                element.set("loading", "lazy")
                element.set("decoding", "async")


class _NewsroomExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - markdown's API name
        # Typed HTML becomes escaped text: the first layer of "raw HTML never reaches the page".
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # After admonition's block parsing and the inline pass (priority 20).
        md.treeprocessors.register(_NewsroomTreeprocessor(md), "newsroom", 5)


def sanitise_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes, classes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown source → safe HTML for `Article.body_html`."""
    converter = markdown.Markdown(
        extensions=["admonition", "sane_lists", "tables", _NewsroomExtension()],
        output_format="html",
    )
    return sanitise_html(converter.convert(text or ""))


def body_from_markdown(text: str) -> str:
    """A Markdown body as the rich text editor's HTML, showing the same text, headings,
    links and aside: how migration 0013 and the demo content convert Markdown."""
    from articles.body import sanitise_body

    return sanitise_body(render_markdown(text))
