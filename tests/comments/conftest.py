"""Comments' fixtures: an open article, comments in any state, and a way to post like a reader."""

from __future__ import annotations

from collections.abc import Callable

import factory
import pytest
from django.test import Client

from comments.models import Comment
from comments.services import comment_counts_recount
from tests.factories import ArticleFactory


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.net")
    body = factory.Sequence(lambda n: f"A thoughtful comment, number {n}.")
    status = Comment.Status.PENDING
    held_reasons = factory.LazyFunction(lambda: ["first_time"])

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Written straight to the table, as a fixture must be able to (any status, any
        # parent); the counts the services keep are then rebuilt, as after a bulk load.
        comment = super()._create(model_class, *args, **kwargs)
        comment_counts_recount(article_id=comment.article_id)
        return comment


@pytest.fixture
def article(db):
    return ArticleFactory(headline="Tidal power comes of age", slug="tidal-power")


def post_url(article) -> str:
    return f"{article.get_absolute_url()}comments/"


def form_data(**overrides) -> dict:
    data = {
        "name": "Ada Reader",
        "email": "ada@example.net",
        "body": "A careful point about tidal barrages and estuary birds.",
        "parent": "",
        "website": "",
    }
    data.update(overrides)
    return data


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
