"""Comments' fixtures: an open article, and a way to post like a reader."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.support.comments import form_data, post_url
from tests.support.factories import ArticleFactory


@pytest.fixture
def article(db):
    return ArticleFactory(headline="Tidal power comes of age", slug="tidal-power")


@pytest.fixture
def post(client: Client, article) -> Callable:
    """POST the comment form for `article` (or another one), as a reader's browser would
    (from the article page: `Sec-Fetch-Site: same-origin`)."""

    def _post(target=None, *, client_: Client | None = None, **overrides):
        target = target or article
        return (client_ or client).post(
            post_url(target), form_data(**overrides), headers={"Sec-Fetch-Site": "same-origin"}
        )

    return _post
