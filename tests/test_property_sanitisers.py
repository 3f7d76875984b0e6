"""Whatever readers or reporters type, nothing executable and nothing unbalanced reaches a page.

Hypothesis writes the inputs: tag soup built from the pieces attacks are made of, mixed with
Markdown syntax and arbitrary Unicode. Three renderers are checked: the article body
(Markdown then nh3), nh3's layer alone (so one layer is enough even if the other slips), and
a comment as its template shows it (the name escaped, the body through `comment_body`).

"Harmless" is checked on the parsed output, not by searching text: every element is on the
renderer's allow-list, no attribute is an event handler or a style, every URL has a safe
scheme as a browser would read it (tabs, newlines and entities removed first), and every
element that is opened is closed, in order.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from django.template import Context, Template
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown, sanitise_html

VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "col", "embed"}
SAFE_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster"}
FAST = settings(
    max_examples=200,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree
    suppress_health_check=[HealthCheck.too_slow],
)

# The pieces attacks are made of; hypothesis strings them together with text and Markdown.
PIECES = [
    "<script>",
    "</script>",
    "<SCRIPT SRC=//evil.example/x.js>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<a href='javascript:alert(1)'>",
    '<a href="&#106;avascript:alert(1)">',
    '<a href="java\tscript:alert(1)">',
    '<a href=" data:text/html,<script>alert(1)</script>">',
    "</a>",
    "<style>",
    "</style>",
    "<b>",
    "</b>",
    "<p>",
    "</p>",
    "<table><tr><td>",
    "</td></tr></table>",
    "<aside class=aside onclick=x>",
    "<h2 class=evil>",
    "<math><mtext><table><mglyph><style>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<",
    ">",
    "&",
    "&lt;",
    "&#x3C;script&#x3E;",
    '"',
    "'",
    "`",
    "=",
    " onmouseover=alert(1) ",
    "style=background:url(javascript:alert(1))",
    "javascript:alert(1)",
    "JaVaScRiPt:",
    "vbscript:",
    "data:text/html;base64,PHNjcmlwdD4=",
    "[link](javascript:alert(1))",
    "[link](<javascript:alert(1)>)",
    "![img](data:image/svg+xml,<svg onload=alert(1)>)",
    "[ref]\n\n[ref]: javascript:alert(1)\n",
    "<https://example.org/a?b=<c>>",
    "https://example.org/x?y=1&z=<b>",
    "www.example.org",
    "mailto:a@example.org",
    '!!! aside "Title <img src=x onerror=1>"\n    Boxed.\n',
    "\n\n",
    "\n    ",
    "## ",
    "> ",
    "- ",
    "1. ",
    "| a | b |\n| - | - |\n| <i> | </i> |\n",
    "**",
    "_",
    "\x00",
    "\u2028",
    "\ufeff",
]

soup = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=10)),
    max_size=25,
).map("".join)


class Checked(HTMLParser):
    """Parses rendered HTML and records every way it could be harmful or broken."""

    def __init__(self, *, tags: set[str], attributes: dict[str, set[str]]) -> None:
        super().__init__(convert_charrefs=True)
        self.tags = tags
        self.attributes = attributes
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._element(tag, attrs)
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self._element(tag, attrs)
        if tag not in VOID:
            self.problems.append(f"<{tag}/> is not a void element")

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problems.append(f"</{tag}> closes a void element")
        elif not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> does not close the open {self.open[-1:]}")
        else:
            self.open.pop()

    def handle_comment(self, data):
        self.problems.append(f"a comment reached the page: {data!r}")

    def handle_decl(self, decl):
        self.problems.append(f"a declaration reached the page: {decl!r}")

    def unknown_decl(self, data):
        self.problems.append(f"a declaration reached the page: {data!r}")

    def handle_pi(self, data):
        self.problems.append(f"a processing instruction reached the page: {data!r}")

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.tags:
            self.problems.append(f"<{tag}> is not allowed")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{name}= on <{tag}>")
            elif name not in self.attributes.get(tag, set()):
                self.problems.append(f"{name}= is not allowed on <{tag}>")
            if name in URL_ATTRIBUTES and not url_is_safe(value or ""):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    def finish(self) -> list[str]:
        self.close()
        if self.open:
            self.problems.append(f"never closed: {self.open}")
        return self.problems


def url_is_safe(value: str) -> bool:
    """Read the URL as a browser does: entities decoded, tabs and newlines dropped, leading
    spaces and control characters stripped; then any scheme must be one we allow."""
    url = re.sub(r"[\t\n\r]", "", html.unescape(value)).lstrip("\x00\x01\x02\x03 \x0b\x0c")
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", url)
    return match is None or match[1].lower() in SAFE_SCHEMES


def problems(output: str, *, tags: set[str], attributes: dict[str, set[str]]) -> list[str]:
    checker = Checked(tags=tags, attributes=attributes)
    checker.feed(output)
    return checker.finish()


ARTICLE_ATTRIBUTES = {
    tag: ALLOWED_ATTRIBUTES.get(tag, set()) | ({"class"} if tag in {"aside", "h2"} else set())
    for tag in ALLOWED_TAGS
}
COMMENT_TEMPLATE = Template(
    '{% load conversation %}<li class="comment"><p class="comment__meta">'
    '<span class="comment__name">{{ name }}</span></p>'
    '<p class="comment__body">{{ body|comment_body }}</p></li>'
)
COMMENT_TAGS = {"li", "p", "span", "a"}
COMMENT_ATTRIBUTES = {"li": {"class"}, "p": {"class"}, "span": {"class"}, "a": {"href", "rel"}}


@FAST
@given(soup)
def test_an_article_body_renders_harmless_and_balanced_whatever_is_typed(text):
    output = render_markdown(text)
    assert problems(output, tags=ALLOWED_TAGS, attributes=ARTICLE_ATTRIBUTES) == [], output


@FAST
@given(soup)
def test_the_sanitiser_alone_makes_any_html_harmless_and_balanced(text):
    """nh3 is the second layer: it must hold even if Markdown let raw HTML through."""
    output = sanitise_html(text)
    assert problems(output, tags=ALLOWED_TAGS, attributes=ARTICLE_ATTRIBUTES) == [], output


@FAST
@given(name=soup, body=soup)
def test_a_comment_renders_harmless_and_balanced_whatever_is_posted(name, body):
    output = COMMENT_TEMPLATE.render(Context({"name": name, "body": body}))
    assert problems(output, tags=COMMENT_TAGS, attributes=COMMENT_ATTRIBUTES) == [], output
    # Links in comments are the reader's, never endorsed by the site.
    for rel in re.findall(r'<a [^>]*rel="([^"]*)"', output):
        assert {"nofollow", "ugc"} <= set(rel.split())


def test_the_checker_catches_each_kind_of_harm():
    """The property is only as good as its checker: each of these must be reported."""
    bad = {
        "<script>alert(1)</script>": "<script> is not allowed",
        '<a href="x" onclick="y">a</a>': "onclick= on <a>",
        '<a href="java&#9;script:alert(1)">a</a>': "href='java\\tscript:alert(1)' on <a>",
        '<img src=" data:image/png;base64,AA">': "src=' data:image/png;base64,AA' on <img>",
        "<p><em>unbalanced</p></em>": "</p> does not close the open ['em']",
        "<p>never closed": "never closed: ['p']",
        '<p style="color:red">x</p>': "style= on <p>",
        "<!-- hidden -->": "a comment reached the page: ' hidden '",
    }
    for output, problem in bad.items():
        assert problem in problems(output, tags=ALLOWED_TAGS, attributes=ARTICLE_ATTRIBUTES)
    assert (
        problems(
            '<p><a href="https://example.org/?a=1&amp;b=2">ok</a><br></p>',
            tags=ALLOWED_TAGS,
            attributes=ARTICLE_ATTRIBUTES,
        )
        == []
    )
