"""An action run from the article's own page never drops what the editor typed: with
unsaved edits it is refused, saying why, and the form comes back with the typed text."""

import pytest
from django.utils import timezone

from articles.models import Article
from tests.support.admin import action, article_form, change_url
from tests.support.factories import ArticleFactory, PhotoFactory

pytestmark = pytest.mark.django_db


def form_with_action(article, name, **edits) -> dict:
    data = article_form(article, **edits)
    del data["_save"]  # the action's own button, not Save
    data.update(action(name, article, location="change_form"))
    return data


def test_an_action_with_unsaved_edits_is_refused_and_the_typed_text_kept(editor_client):
    article = ArticleFactory(headline="Bridge closed", hero_photo=PhotoFactory())
    response = editor_client.post(
        change_url(article),
        form_with_action(article, "breaking_for_two_hours", headline="Bridge closed after crash"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Bridge closed after crash"' in html  # the typed text, still in the form
    assert "not run" in html and "Save your changes first" in html
    article.refresh_from_db()
    assert article.headline == "Bridge closed"
    assert not article.is_breaking


def test_an_action_without_edits_runs_from_the_full_form(editor_client):
    article = ArticleFactory(headline="Bridge closed", hero_photo=PhotoFactory())
    response = editor_client.post(
        change_url(article), form_with_action(article, "breaking_for_two_hours")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_breaking_now(timezone.now())


def test_a_byline_edit_counts_as_unsaved_too(editor_client):
    from tests.support.factories import AuthorFactory, BylineFactory

    article = ArticleFactory(draft=True, hero_photo=PhotoFactory())
    byline = BylineFactory(article=article, author=AuthorFactory())
    other = AuthorFactory()
    data = form_with_action(article, "publish_selected")
    data["bylines-0-author"] = other.pk
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.bylines.get().pk == byline.pk and byline.author_id != other.pk


def test_line_breaks_as_browsers_send_them_are_no_edit(editor_client):
    article = ArticleFactory(body="<p>One.</p>\n\n<p>Two.</p>", hero_photo=PhotoFactory())
    data = form_with_action(
        article, "breaking_for_two_hours", body="<p>One.</p>\r\n\r\n<p>Two.</p>"
    )
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.is_breaking
