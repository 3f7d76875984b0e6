"""Article bodies: what the Markdown syntax gives, and the attacks the sanitiser strips."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, SYNTAX_HELP, render_markdown

# Every one of these must come out harmless. Add to the list when you find a new one.
ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle r=5></svg>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">raw link</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<object data=https://evil.example/x.swf></object><embed src=x.swf>",
    "<style>body{display:none}</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<form action="https://evil.example"><input name=q><button>Go</button></form>',
    "<!-- <script>alert(1)</script> -->",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pixel](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![pic](https://example.org/x.png "t\\" onerror=\\"alert(1)")',
    '[x](https://example.org/" onmouseover="alert(1))',
    "[ref][1]\n\n[1]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '!!! aside "<img src=x onerror=alert(1)>"\n    Boxed text.',
    '!!! aside "x\\" onclick=\\"alert(1)"\n    Boxed text.',
    '!!! onclick "Title"\n    Boxed text.',
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="https://example.org" target="_blank">new window</a>',
    "`<script>alert(1)</script>` and\n\n    <script>alert(1)</script>",
]

SAFE_SCHEMES = {"http", "https", "mailto", ""}
URL_ATTRIBUTES = {"href", "src"}


class _Structure(HTMLParser):
    """Collects every element and attribute of rendered HTML, however it is written."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_comment(self, data):
        self.elements.append(("!--", [("comment", data)]))


def assert_harmless(html: str) -> None:
    parser = _Structure()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.elements:
        assert tag in ALLOWED_TAGS, f"<{tag}> reached the page: {html!r}"
        for name, value in attrs:
            allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | (
                {"class"} if tag in {"aside", "h2"} else set()
            )
            assert name in allowed, f"{name}= on <{tag}> reached the page: {html!r}"
            if name in URL_ATTRIBUTES:
                scheme = urlsplit((value or "").strip()).scheme.lower()
                assert scheme in SAFE_SCHEMES, f"{scheme}: URL reached the page: {html!r}"


@pytest.mark.parametrize("attack", ATTACKS)
def test_sanitiser_strips_attack(attack):
    assert_harmless(render_markdown(f"Before.\n\n{attack}\n\nAfter."))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(ATTACKS),
            st.sampled_from(["\n\n", "\n    ", "## ", "> ", "- ", "1. ", "[", "](", ")", '"', "<"]),
            st.text(max_size=12),
        ),
        max_size=12,
    )
)
def test_any_mix_of_attacks_and_markdown_renders_harmless(fragments):
    assert_harmless(render_markdown("".join(fragments)))


@pytest.mark.parametrize(
    "attack",
    ["<img src=x onerror=alert(1)>", "[click](javascript:alert(1))", "<iframe src=x></iframe>"],
)
def test_the_check_catches_what_plain_markdown_lets_through(attack):
    # Without our two layers python-markdown passes these on: the check above must see them.
    with pytest.raises(AssertionError):
        assert_harmless(markdown.markdown(attack))


def test_typed_html_is_shown_as_text_not_markup():
    html = render_markdown("Use <b>bold</b> here.")
    assert "<b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_sub_headings_become_h2_and_a_single_hash_never_makes_a_second_h1():
    html = render_markdown("## Background and Context\n\n# Shouted\n\n### Smaller")
    assert "<h2>Background and Context</h2>" in html
    assert "<h2>Shouted</h2>" in html
    assert "<h3>Smaller</h3>" in html
    assert "<h1" not in html


def test_links_to_desk_pages_and_other_sites_are_kept():
    html = render_markdown(
        "Our [technology coverage](/technology/), [a source](https://example.org/report) "
        "and [the desk](mailto:tech@example.org)."
    )
    assert '<a href="/technology/">technology coverage</a>' in html
    assert '<a href="https://example.org/report">a source</a>' in html
    assert '<a href="mailto:tech@example.org">the desk</a>' in html


def test_lists_quotes_and_emphasis_render():
    html = render_markdown("- one\n- two\n\n1. first\n2. second\n\n> Quoted.\n\n*it* **bold**")
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>" in html
    assert "<blockquote>\n<p>Quoted.</p>\n</blockquote>" in html
    assert "<em>it</em> <strong>bold</strong>" in html


def test_images_keep_their_alt_text_and_load_lazily():
    html = render_markdown("![A chart of benchmark scores](https://example.org/chart.png)")
    assert 'alt="A chart of benchmark scores"' in html
    assert 'src="https://example.org/chart.png"' in html
    assert 'loading="lazy"' in html


def test_the_aside_syntax_makes_a_titled_box():
    html = render_markdown(
        'Before.\n\n!!! aside "The Alverno Alpha Analysis"\n    First.\n\n    Second.\n\nAfter.'
    )
    assert (
        '<aside class="aside">\n<h2 class="aside__title">The Alverno Alpha Analysis</h2>\n'
        "<p>First.</p>\n<p>Second.</p>\n</aside>\n<p>After.</p>"
    ) in html


def test_the_syntax_help_documents_the_aside_and_headings():
    assert '!!! aside "Box title"' in SYNTAX_HELP
    assert "## Sub-heading" in SYNTAX_HELP
