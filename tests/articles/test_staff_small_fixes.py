"""Small things staff and readers saw on day one: a correction's label said twice."""

from __future__ import annotations

import json
import re

import pytest

from articles.models import Correction
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("typed", ["Correction: ", "correction:", "CORRECTION — ", ""])
def test_a_correction_typed_with_its_label_is_labelled_once(client, typed):
    article = ArticleFactory()
    Correction.objects.create(article=article, text=f"{typed}The mayor is Ann, not Anne.")
    page = client.get(article.get_absolute_url()).content.decode()
    shown = text_of(page)
    assert "The mayor is Ann, not Anne." in shown
    assert not re.search(r"Correction\W+Correction", shown, re.IGNORECASE)
    listed = text_of(client.get("/corrections/").content.decode())
    assert not re.search(r"Correction\W+Correction", listed, re.IGNORECASE)
    ld = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)
    data = json.loads(ld.group(1))
    assert data["correction"][0]["text"] == "Correction: The mayor is Ann, not Anne."


def test_an_update_typed_with_its_label_is_labelled_once(client):
    article = ArticleFactory()
    Correction.objects.create(
        article=article, kind=Correction.Kind.UPDATE, text="Update: Police named the driver."
    )
    shown = text_of(client.get(article.get_absolute_url()).content.decode())
    assert not re.search(r"Update\W+Update", shown)
    assert "Police named the driver." in shown
