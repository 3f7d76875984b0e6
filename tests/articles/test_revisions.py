"""Revisions: each save keeps the changed text, photo and bylines; the admin lists them,
compares two as a readable diff, and restores one as a new revision."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles import services
from articles.models import Article
from editorial import revisions
from editorial import services as editorial_services
from editorial.models import Revision
from tests.articles.admin_helpers import article_form, change_url, errors
from tests.factories import ArticleFactory, AuthorFactory, BylineFactory, PhotoFactory

pytestmark = pytest.mark.django_db

BODY = "<p>First paragraph.</p><p>Second paragraph about trams.</p><p>Third paragraph.</p>"


@pytest.fixture
def article(editor_client):
    """A draft saved through the admin twice: once as written, once with a new headline."""
    article = ArticleFactory(draft=True, headline="Trams return", body=BODY)
    BylineFactory(article=article, author=AuthorFactory(name="Ana Lima"))
    save(editor_client, article)
    save(editor_client, article, headline="Trams return to the city centre")
    return article


def save(client, article, **changes):
    article.refresh_from_db()
    response = client.post(change_url(article), article_form(article, **changes))
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    return response


def test_the_first_save_keeps_everything_and_later_ones_only_what_changed(article, editor):
    first, second = article.revisions.order_by("number")
    assert set(first.changes) == {"headline", "standfirst", "body", "bylines"}  # no photo yet
    assert first.changes["bylines"] == [
        {"author": article.bylines.get().author_id, "name": "Ana Lima", "role": "by"}
    ]
    assert second.changes == {"headline": "Trams return to the city centre"}
    assert (second.number, second.user, second.kind) == (2, editor, Revision.Kind.EDIT)


def test_a_save_that_changes_no_kept_field_keeps_no_revision(editor_client, article):
    save(editor_client, article, top_story_order=3)
    assert article.revisions.count() == 2


def test_changing_bylines_or_the_photo_is_kept(editor_client, article):
    photo = PhotoFactory(alt_text="A tram at dusk")
    save(editor_client, article, hero_photo=photo.pk)
    latest = article.revisions.first()
    assert latest.changes == {"hero_photo": {"id": photo.pk, "alt": "A tram at dusk"}}


def test_any_version_is_rebuilt_from_the_changes(article):
    assert revisions.state_at(article, 1)["headline"] == "Trams return"
    assert revisions.state_at(article, 2)["headline"] == "Trams return to the city centre"
    assert revisions.state_at(article, 2)["body"] == BODY  # carried from revision 1
    assert revisions.state_at(article, 3) is None


def test_the_admin_lists_revisions_newest_first_with_who_and_what(editor_client, article):
    url = reverse("admin:articles_article_revisions", args=[article.pk])
    assert url in editor_client.get(change_url(article)).content.decode()
    html = editor_client.get(url).content.decode()
    rows = html[html.index("<tbody>") : html.index("</tbody>")]
    assert rows.index('<th scope="row">2</th>') < rows.index('<th scope="row">1</th>')
    assert "Headline, Standfirst, Body, Bylines" in rows
    assert "Restore this revision" in rows


def test_the_diff_between_two_revisions_shows_the_changed_lines_escaped(editor_client, article):
    save(
        editor_client,
        article,
        body=BODY.replace("about trams", "about <strong>light rail</strong> &amp; trams"),
    )
    url = reverse("admin:articles_article_compare", args=[article.pk])
    html = editor_client.get(url, {"from": 1, "to": 3}).content.decode()
    assert '<h2 id="diff-headline">Headline</h2>' in html
    assert '<h2 id="diff-body">Body</h2>' in html
    assert "diff-standfirst" not in html  # unchanged fields are not shown
    assert '<span class="diff_add">' in html or '<span class="diff_chg">' in html
    assert "&lt;strong&gt;light&nbsp;rail&lt;/strong&gt;&nbsp;&amp;amp;" in html  # difflib's
    assert "<strong>light" not in html
    assert "Revision 1" in html and "Revision 3" in html


def test_comparing_revisions_that_do_not_exist_says_so(editor_client, article):
    url = reverse("admin:articles_article_compare", args=[article.pk])
    response = editor_client.get(url, {"from": 1, "to": 9}, follow=True)
    assert "Choose two revisions of this article." in [str(m) for m in response.context["messages"]]


def test_restoring_a_revision_brings_it_back_as_a_new_revision(editor_client, article, editor):
    byline_author = AuthorFactory(name="Second Writer")
    save(editor_client, article, body="<p>Rewritten entirely.</p>")
    article.bylines.update(author=byline_author)
    editorial_services.article_record_revision(article=article, user=editor)
    article.refresh_from_db()
    response = editor_client.post(
        reverse("admin:articles_article_restore", args=[article.pk, 1]),
        {"version": article.version},
        follow=True,
    )
    assert "Restored revision 1 as revision 5." in [str(m) for m in response.context["messages"]]
    article.refresh_from_db()
    assert (article.headline, article.body) == ("Trams return", BODY)
    assert [b.author.name for b in article.bylines.all()] == ["Ana Lima"]
    restored = article.revisions.first()
    assert (restored.number, restored.kind, restored.note) == (
        5,
        Revision.Kind.RESTORE,
        "Restored revision 1.",
    )
    assert list(article.revisions.values_list("number", flat=True)) == [5, 4, 3, 2, 1]


def test_opening_restore_asks_for_confirmation_and_changes_nothing(editor_client, article):
    url = reverse("admin:articles_article_restore", args=[article.pk, 1])
    response = editor_client.get(url)
    assert response.status_code == 200
    assert 'value="Restore revision 1"' in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Trams return to the city centre"


def test_a_revision_whose_photo_was_deleted_cannot_be_restored_and_nothing_changes(
    editor_client, article
):
    photo = PhotoFactory()
    save(editor_client, article, hero_photo=photo.pk)
    save(editor_client, article, hero_photo="")
    services.content_delete(instance=photo)
    with pytest.raises(ValidationError, match="hero photo has been deleted"):
        editorial_services.article_restore_revision(
            article=article,
            number=3,
            user=article.revisions.first().user,
            version=article.version,
        )
    article.refresh_from_db()
    assert article.hero_photo_id is None
    assert article.revisions.count() == 4


def test_moderators_read_revisions_but_cannot_restore(client, moderator, article):
    # A published article: drafts are not among what moderators read.
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=article.created_at
    )
    client.force_login(moderator)
    html = client.get(reverse("admin:articles_article_revisions", args=[article.pk])).content
    assert b"Restore this revision" not in html
    response = client.post(reverse("admin:articles_article_restore", args=[article.pk, 1]))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Trams return to the city centre"


def test_reporter_cannot_restore_someone_elses_article_by_crafted_post(client, reporter, article):
    client.force_login(reporter)
    response = client.post(reverse("admin:articles_article_restore", args=[article.pk, 1]))
    assert response.status_code == 404  # not among the articles they may open
    article.refresh_from_db()
    assert article.headline == "Trams return to the city centre"


def test_a_long_history_stays_small(editor_client, editor):
    article = ArticleFactory(draft=True, body="word " * 2000)
    editorial_services.article_record_revision(article=article, user=editor)
    for n in range(20):
        article.headline = f"Headline take {n}"
        article.save()
        editorial_services.article_record_revision(article=article, user=editor)
    stored = sum(len(str(r.changes)) for r in article.revisions.all())
    assert stored < 2 * len(article.body)  # the body is kept once, not 21 times


def test_the_revision_list_costs_few_queries(editor_client, article, django_assert_max_num_queries):
    for n in range(15):
        save(editor_client, article, headline=f"Take {n}")
    with django_assert_max_num_queries(12):
        response = editor_client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert response.content.decode().count("Restore this revision") == 16
