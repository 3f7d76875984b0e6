"""Article bodies: the HTML the rich text editor writes, cleaned by one allow-list on save.

`sanitise_body(html)` is the only door into `Article.body` (called by `Article.save`):

1. Clipboard clean-up (`_from_clipboard`): what Google Docs and Word put on the clipboard
   carries its formatting in styles. The Docs wrapper `<b id="docs-internal-guid-…">` is
   not bold and is unwrapped; `<span style="font-weight:700">` becomes `strong`,
   `font-style:italic` becomes `em`, `b`/`i` become `strong`/`em`; `h1` becomes `h2` (the
   headline is the page's only h1), `h4`-`h6` become `h3`.
2. nh3 (ammonia) with the allow-list below: no script, style, class (but the aside's),
   event attribute or `javascript:`/`data:` URL survives. This is the security layer.
3. The editor's own form (`_canonical`): whitespace between blocks dropped, runs of
   whitespace in text collapsed as the browser would, loose text in list items, quotes
   and asides wrapped in paragraphs. The editor (ProseMirror) writes exactly this form, so
   opening an article and saving it unchanged changes no byte.

The same rules are the editor's schema (static/js/article_editor.js): what it can make is
what this keeps.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "h2",
        "h3",
        "a",
        "strong",
        "em",
        "ul",
        "ol",
        "li",
        "blockquote",
        "aside",
        "figure",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    # In-body photos and embeds are references, expanded when the page renders
    # (articles.body_render): the stored body never holds a third-party address in a src.
    "figure": {"data-photo-id", "data-embed-url"},
}
ALLOWED_CLASSES = {"aside": {"aside"}, "h2": {"aside__title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "col", "area", "base", "wbr"})
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "title", "head"})
# Blocks that hold other blocks; loose text in them is wrapped in a paragraph.
CONTAINERS = frozenset({"li", "blockquote", "aside"})
TEXTBLOCKS = frozenset({"p", "h2", "h3"})
BLOCKS = CONTAINERS | TEXTBLOCKS | {"ul", "ol", "figure"}
WHITESPACE = re.compile(r"[ \t\n\r\f]+")


class _Element:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: list[tuple[str, str]]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Element | str] = []

    def attr(self, name: str) -> str:
        return next((value for key, value in self.attrs if key == name), "")


class _TreeBuilder(HTMLParser):
    """A forgiving tree of elements and text (comments, doctypes and scripts dropped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("#root", [])
        self.stack = [self.root]
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED_WITH_CONTENT:
            self.skipping += 1
            return
        if self.skipping:
            return
        element = _Element(tag, [(k, v or "") for k, v in attrs])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and not self.skipping and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in DROPPED_WITH_CONTENT:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping:
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if not self.skipping:
            self.stack[-1].children.append(data)


def _parse(html: str) -> _Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# As the browser serialises a DOM (and so the editor's getHTML()).
TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\xa0": "&nbsp;"})
ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", '"': "&quot;", "\xa0": "&nbsp;"})


def _escape_text(text: str) -> str:
    return text.translate(TEXT_ESCAPES)


def _escape_attr(value: str) -> str:
    return value.translate(ATTRIBUTE_ESCAPES)


def _serialise(nodes: list[_Element | str]) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(_escape_text(node))
            continue
        attrs = "".join(f' {key}="{_escape_attr(value)}"' for key, value in node.attrs)
        out.append(f"<{node.tag}{attrs}>")
        if node.tag not in VOID:
            out.append(_serialise(node.children))
            out.append(f"</{node.tag}>")
    return "".join(out)


# --- 1. the clipboard ------------------------------------------------------------------


def _style(element: _Element) -> dict[str, str]:
    declarations = {}
    for part in element.attr("style").split(";"):
        name, _, value = part.partition(":")
        if name.strip():
            declarations[name.strip().lower()] = value.strip().lower()
    return declarations


def _is_bold(weight: str) -> bool:
    return weight in {"bold", "bolder"} or (weight.isdigit() and int(weight) >= 600)


RENAMED = {"b": "strong", "i": "em", "h1": "h2", "h4": "h3", "h5": "h3", "h6": "h3"}


def _from_clipboard(nodes: list[_Element | str]) -> list[_Element | str]:
    result: list[_Element | str] = []
    for node in nodes:
        if isinstance(node, str):
            result.append(node)
            continue
        node.children = _from_clipboard(node.children)
        style = _style(node)
        if node.tag == "b" and (
            node.attr("id").startswith("docs-internal-guid")
            or style.get("font-weight") in {"normal", "400"}
        ):
            result.extend(node.children)  # Google Docs' wrapper: not bold at all
            continue
        if node.tag == "span":
            wrapped: list[_Element | str] = node.children
            if style.get("font-style") == "italic":
                em = _Element("em", [])
                em.children = wrapped
                wrapped = [em]
            if _is_bold(style.get("font-weight", "")):
                strong = _Element("strong", [])
                strong.children = wrapped
                wrapped = [strong]
            result.extend(wrapped)
            continue
        node.tag = RENAMED.get(node.tag, node.tag)
        result.append(node)
    return result


# --- 3. the editor's form --------------------------------------------------------------


def _canonical_blocks(nodes: list[_Element | str]) -> list[_Element]:
    """Children of the document or of a container: blocks only, loose inline runs wrapped
    in a paragraph (as ProseMirror does when it reads them)."""
    blocks: list[_Element] = []
    run: list[_Element | str] = []

    def flush() -> None:
        # A line break between blocks (Google Docs puts them there) is spacing, not text.
        if any(n.strip(" \t\n\r\f") if isinstance(n, str) else n.tag != "br" for n in run):
            paragraph = _Element("p", [])
            paragraph.children = run[:]
            blocks.append(_canonical_textblock(paragraph))
        run.clear()

    for node in nodes:
        if isinstance(node, _Element) and node.tag == "figure":
            flush()
            if (figure := _reference(node)) is not None:
                blocks.append(figure)
        elif isinstance(node, _Element) and node.tag in BLOCKS:
            flush()
            blocks.append(_canonical_block(node))
        else:
            run.append(node)
    flush()
    return blocks


def _canonical_block(element: _Element) -> _Element:
    if element.tag in TEXTBLOCKS:
        return _canonical_textblock(element)
    if element.tag in ("ul", "ol"):
        items = []
        for child in element.children:
            if isinstance(child, _Element) and child.tag == "li":
                items.append(child)
            elif isinstance(child, _Element) or child.strip(" \t\n\r\f"):
                item = _Element("li", [])
                item.children = [child]
                items.append(item)
        element.children = [_canonical_block(item) for item in items]
        element.attrs = [(k, v) for k, v in element.attrs if not (k == "start" and v == "1")]
        return element
    element.children = _canonical_blocks(element.children)
    if element.tag == "li" and (not element.children or element.children[0].tag != "p"):
        element.children.insert(0, _Element("p", []))
    if not element.children:
        element.children = [_Element("p", [])]
    return element


def _reference(figure: _Element) -> _Element | None:
    """A figure is a reference and nothing else: a photo's number or an https address to
    embed (a data attribute is no URL to nh3, so its scheme is checked here). Its content is
    made when the page renders; anything else is dropped."""
    photo, url = figure.attr("data-photo-id"), figure.attr("data-embed-url").strip()
    if photo.isascii() and photo.isdigit():
        return _Element("figure", [("data-photo-id", str(int(photo)))])
    if url.lower().startswith("https://") and not WHITESPACE.search(url):
        return _Element("figure", [("data-embed-url", url)])
    return None


def _canonical_textblock(element: _Element) -> _Element:
    """Whitespace as ProseMirror reads it: runs collapse to one space, none at the edges
    of the block or after another space; blocks inside are flattened to their text."""
    pending_space = False
    at_start = True

    def walk(nodes: list[_Element | str]) -> list[_Element | str]:
        nonlocal pending_space, at_start
        out: list[_Element | str] = []
        for node in nodes:
            if isinstance(node, str):
                text = WHITESPACE.sub(" ", node)
                if text.startswith(" ") and (at_start or pending_space):
                    text = text[1:]
                if not text:
                    continue
                out.append(text)
                at_start = False
                pending_space = text.endswith(" ")
            elif node.tag == "br":
                # ProseMirror drops a space before a hard break.
                _trim_end(out)
                out.append(node)
                at_start, pending_space = True, False
            elif node.tag in BLOCKS:
                out.extend(walk(node.children))
            else:
                node.children = walk(node.children)
                if node.children:
                    out.append(node)
        return out

    children = walk(element.children)
    _trim_end(children)
    element.children = children
    return element


def _trim_end(nodes: list[_Element | str]) -> None:
    while nodes:
        last = nodes[-1]
        if isinstance(last, str):
            stripped = last.rstrip(" ")
            if stripped:
                nodes[-1] = stripped
                return
            nodes.pop()
        elif last.tag in VOID:
            return
        else:
            _trim_end(last.children)
            if last.children:
                return
            nodes.pop()


def _sort_attributes(element: _Element) -> None:
    """The editor writes attributes in its schema's order: href before title."""
    order = {"href": 0, "title": 1, "class": 2}
    element.attrs.sort(key=lambda item: order.get(item[0], 3))
    for child in element.children:
        if isinstance(child, _Element):
            _sort_attributes(child)


def sanitise_body(html: str) -> str:
    """Anything (the editor's output, a paste, a crafted POST) → the body as stored."""
    pasted = _serialise(_from_clipboard(_parse(html or "").children))
    safe = nh3.clean(
        pasted,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    root = _parse(safe)
    blocks = _canonical_blocks(root.children)
    for block in blocks:
        _sort_attributes(block)
    if len(blocks) == 1 and blocks[0].tag == "p" and not blocks[0].children:
        return ""  # the editor's empty document
    return _serialise(blocks)
