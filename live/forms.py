"""The composer's forms: they only clean what was typed; live.services decides."""

from __future__ import annotations

from django import forms

from articles.editor import ArticleBodyField, ArticleBodyWidget
from articles.models import Author


class EntryForm(forms.Form):
    headline = forms.CharField(
        max_length=200, required=False, help_text="Optional: a few words in bold above it."
    )
    body = ArticleBodyField(
        widget=ArticleBodyWidget(attrs={"rows": 8, "data-live-body": ""}),
        help_text="Links, photos (by number) and embeds as in articles. "
        "Ctrl+Enter (⌘+Enter on a Mac) posts it.",
    )
    authors = forms.ModelMultipleChoiceField(
        queryset=Author.objects.only("name"),
        required=False,
        help_text="Empty: you, as your author profile.",
    )
    key_event = forms.BooleanField(required=False, label="Key event (listed at the top)")
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)


class WithdrawForm(forms.Form):
    reason = forms.CharField(max_length=500, help_text="Kept in the log; readers see nothing.")
