"""One way to write a time, public pages and admin alike: `moment` (core/clock.py) and its
template filter, `{% load clock %}{{ value|moment }}`."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from comments.models import Comment
from core.clock import STYLES, moment, newsroom_time
from tests.support.factories import ArticleFactory, CommentFactory, CorrectionFactory

UTC = ZoneInfo("UTC")
WINTER = dt.datetime(2026, 3, 14, 10, 42, tzinfo=UTC)  # London is on GMT
SUMMER = dt.datetime(2026, 7, 14, 8, 30, tzinfo=UTC)  # London is on BST: 09:30


def render(source: str, **context) -> str:
    return Template("{% load clock %}" + source).render(Context(context))


@pytest.mark.parametrize("style", sorted(STYLES))
def test_each_style_writes_what_it_promises(style):
    assert moment(WINTER, style) == STYLES[style]
    assert render("{{ when|moment:style }}", when=WINTER, style=style) == STYLES[style]


def test_times_are_in_the_newsrooms_zone_with_its_name():
    assert moment(SUMMER) == "14 July 2026, 09:30 BST"
    assert moment(SUMMER, "time") == newsroom_time(SUMMER, with_date=False) == "09:30 BST"
    assert render("{{ when|moment }}", when=SUMMER) == newsroom_time(SUMMER)


def test_a_day_without_a_time_and_no_value_at_all():
    assert moment(dt.date(2026, 12, 3), "day") == "Thursday 3 December 2026"
    assert moment(None) == "" and render("{{ missing|moment }}") == ""


def test_an_unknown_style_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown time style 'iso'"):
        moment(WINTER, "iso")


@pytest.mark.django_db
def test_the_article_page_writes_its_dates_and_comment_times_one_way(client):
    article = ArticleFactory(published_at=WINTER)
    correction = CorrectionFactory(article=article)
    comment = CommentFactory(article=article, status=Comment.Status.APPROVED)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f">{moment(article.published_at)}</time>" in html
    assert moment(correction.created_at, "date") in html
    assert f">{moment(comment.created_at)}</time>" in html  # the zone named, as above


@pytest.mark.django_db
def test_cards_write_the_short_date(client):
    article = ArticleFactory(published_at=WINTER)
    html = client.get(article.desk.get_absolute_url()).content.decode()
    assert ">14 Mar 2026</time>" in html


def test_no_template_writes_a_time_with_djangos_own_filters():
    """Every time goes through `moment`: a `date` or `time` filter would write it another way."""
    from django.conf import settings

    roots = [Path(settings.BASE_DIR, "templates")]
    found = [
        f"{path}: {match.group(0)}"
        for root in roots
        for path in root.rglob("*.*")
        if path.suffix in {".html", ".txt", ".xml"}
        for match in re.finditer(r"\|(date|time)(:\S+)?\s*}}", path.read_text())
    ]
    assert found == []
