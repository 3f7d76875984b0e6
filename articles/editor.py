"""The article body's widget: django-prose-editor's editor (ProseMirror/Tiptap) set up by
static/js/article_editor.js, whose schema matches the allow-list of articles.body.

The import map that lets the module find the editor is not in the widget's media: an
inline script needs the request's CSP nonce, which media cannot know, so the change form
prints it (`{% article_editor_importmap %}`, articles/templatetags/article_tags.py)."""

from __future__ import annotations

import json

from django import forms
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from articles.body import sanitise_body
from articles.models import READING_WORDS_PER_MINUTE

EDITOR_MODULES = {
    "django-prose-editor/editor": "django_prose_editor/editor.js",
    # The photo picker (static/js/photo_picker.js): the editor's "insert photo" opens it.
    "newsroom/photo-picker": "js/photo_picker.js",
    "newsroom/photo-focal": "js/photo_focal.js",
}


class ArticleBodyField(forms.CharField):
    """The body as the form sees it: changed only if it is stored differently, so line
    breaks as a browser sends them, or the editor's own serialisation, are no edit."""

    widget = None  # set below, once the widget class exists

    def has_changed(self, initial, data) -> bool:
        if self.disabled:
            return False
        return sanitise_body(initial or "") != sanitise_body(self.to_python(data) or "")


class ArticleBodyWidget(forms.Textarea):
    def __init__(self, attrs=None) -> None:
        defaults = {
            "data-article-editor": "",
            "data-words-per-minute": str(READING_WORDS_PER_MINUTE),
            "rows": 20,
        }
        super().__init__(defaults | (attrs or {}))

    @property
    def media(self) -> forms.Media:
        return forms.Media(
            css={
                "all": [
                    "django_prose_editor/material-icons.css",
                    "django_prose_editor/editor.css",
                    "django_prose_editor/overrides.css",
                    "css/tiptap.css",
                    "css/article_editor.css",
                ]
            },
            js=[forms.Script("js/article_editor.js", type="module")],
        )

    def use_required_attribute(self, initial) -> bool:
        # The textarea is hidden behind the editor: a browser could not point at it.
        return False


ArticleBodyField.widget = ArticleBodyWidget


def importmap_tag(nonce: str) -> SafeString:
    imports = {name: static(path) for name, path in EDITOR_MODULES.items()}
    return format_html(
        '<script type="importmap" nonce="{}">{}</script>',
        nonce,
        # Raw text inside <script>: JSON with "<" escaped cannot close the element.
        mark_safe(json.dumps({"imports": imports}).replace("<", "\\u003c")),  # noqa: S308
    )
