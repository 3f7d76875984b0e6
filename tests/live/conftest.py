"""Live blogs: a running blog on a desk, and the desk's people (members in their roles)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from live import services
from live.models import DeskLivePolicy, LiveBlog, LiveEntry
from tests.support.factories import ArticleFactory, AuthorFactory, DeskFactory
from tests.support.personas import desk_member


@pytest.fixture
def desk(db):
    return DeskFactory(name="Technology", slug="technology")


@pytest.fixture
def other_desk(db):
    return DeskFactory(name="Politics", slug="politics")


@pytest.fixture
def desk_editor(desk):
    user = desk_member("dana_editor", "Editors", desk)
    AuthorFactory(name="Dana Editor", slug="dana-editor", user=user)
    return user


@pytest.fixture
def desk_reporter(desk):
    user = desk_member("rui_reporter", "Reporters", desk)
    AuthorFactory(name="Rui Reporter", slug="rui-reporter", user=user)
    return user


@pytest.fixture
def other_editor(other_desk):
    return desk_member("olga_editor", "Editors", other_desk)


@pytest.fixture
def other_reporter(other_desk):
    return desk_member("omar_reporter", "Reporters", other_desk)


@pytest.fixture
def direct_desk(desk):
    """The desk lets its reporters post without an editor's approval."""
    DeskLivePolicy.objects.create(desk=desk, reporters_post_directly=True)
    return desk


@pytest.fixture
def blog(desk, desk_editor) -> LiveBlog:
    article = ArticleFactory(desk=desk, headline="Chip plant fire: live", slug="chip-plant-fire")
    return services.live_blog_start(
        article=article, user=desk_editor, started_at=timezone.now() - timedelta(hours=1)
    )


def post(blog: LiveBlog, user, text: str = "Firefighters are at the scene.", **kw) -> LiveEntry:
    return services.live_entry_post(blog=blog, user=user, body=f"<p>{text}</p>", **kw)
