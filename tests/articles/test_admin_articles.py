"""The article admin as an editor uses it: the list, the form, publishing and its refusals."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline
from tests.articles.admin_helpers import (
    ADD,
    CHANGELIST,
    action,
    article_form,
    change_url,
    errors,
)
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    DeskFactory,
    PhotoFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def changelist(client, **params):
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return response


def listed(response) -> list[str]:
    return [article.headline for article in response.context["cl"].result_list]


# --- The list -----------------------------------------------------------------------------


def test_list_shows_headline_desk_status_published_breaking_bylines_and_comments(editor_client):
    article = ArticleFactory(
        headline="Rates held",
        desk=DeskFactory(name="Business"),
        is_breaking=True,
        breaking_until=timezone.now() + timedelta(hours=2),
        approved_comment_count=12,
    )
    BylineFactory(article=article, author=AuthorFactory(name="Priya Raman"), order=0)
    BylineFactory(article=article, author=AuthorFactory(name="Tomás Reyes"), order=1)
    html = changelist(editor_client).content.decode()
    start = html.index("<thead>")
    head = html[start : html.index("</thead>", start)]
    headers = [
        re.sub(r"<[^>]+>|\s+", "", th)
        for th in re.findall(r"<th scope=\"col\".*?</th>", head, re.S)
    ]
    assert headers[1:] == [
        "Headline",
        "Desk",
        "Status",
        "Published",
        "Breaking",
        "Bylines",
        "Comments",
    ]
    row = html[html.index("Rates held") :]
    row = row[: row.index("</tr>")]
    assert "Business" in row
    assert "nr-status-published" in row
    assert "Priya Raman, Tomás Reyes" in row
    assert ">12<" in row
    assert "nr-status-breaking" in row


def test_scheduled_articles_show_as_scheduled(editor_client):
    ArticleFactory(headline="Later", published_at=timezone.now() + timedelta(hours=5))
    assert "nr-status-scheduled" in changelist(editor_client).content.decode()


def test_list_costs_the_same_queries_for_many_articles_with_many_bylines(
    editor_client, django_assert_max_num_queries
):
    desks = [DeskFactory() for _ in range(3)]
    authors = [AuthorFactory() for _ in range(4)]
    for i in range(40):
        article = ArticleFactory(desk=desks[i % 3])
        for order, author in enumerate(authors[: 1 + i % 4]):
            BylineFactory(article=article, author=author, order=order)
    with django_assert_max_num_queries(12):
        response = changelist(editor_client)
    assert len(response.context["cl"].result_list) == 40


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        ("desk__id__exact", ["World story"]),
        ("status__exact", ["Draft story"]),
        ("is_breaking__exact", ["Breaking story"]),
        ("author", ["Business story"]),
    ],
)
def test_list_filters_by_desk_status_breaking_and_author(editor_client, param, expected):
    world = DeskFactory(name="World")
    ArticleFactory(headline="World story", desk=world)
    ArticleFactory(headline="Draft story", draft=True)
    ArticleFactory(headline="Breaking story", is_breaking=True)
    business = ArticleFactory(headline="Business story")
    author = AuthorFactory(name="Priya Raman")
    BylineFactory(article=business, author=author)
    value = {
        "desk__id__exact": world.pk,
        "status__exact": "draft",
        "is_breaking__exact": "1",
        "author": author.pk,
    }[param]
    assert listed(changelist(editor_client, **{param: value})) == expected


def test_list_searches_headlines_and_author_names(editor_client):
    ArticleFactory(headline="Chipmakers race to stack memory")
    other = ArticleFactory(headline="Rates held")
    BylineFactory(article=other, author=AuthorFactory(name="Priya Raman"))
    assert listed(changelist(editor_client, q="chipmakers")) == ["Chipmakers race to stack memory"]
    assert listed(changelist(editor_client, q="Raman")) == ["Rates held"]


def test_list_has_a_date_hierarchy_on_publication(editor_client):
    ArticleFactory(published_at=timezone.now() - timedelta(days=400))
    html = changelist(editor_client).content.decode()
    assert 'class="xfull"' in html or "date-hierarchy" in html
    assert "published_at__year" in html


def test_list_links_drafts_to_their_preview_and_published_articles_to_the_site(editor_client):
    draft = ArticleFactory(draft=True)
    live = ArticleFactory()
    html = changelist(editor_client).content.decode()
    assert re.search(rf'href="{re.escape(draft.get_absolute_url())}"[^>]*>Preview<', html)
    assert re.search(rf'href="{re.escape(live.get_absolute_url())}"[^>]*>View<', html)


# --- The form -----------------------------------------------------------------------------


def test_form_prepopulates_the_slug_and_autocompletes_photo_and_topics(editor_client):
    html = editor_client.get(reverse(ADD)).content.decode()
    assert "data-prepopulated-fields" in html and "&quot;#id_slug&quot;" in html
    for field in ("hero_photo", "topics"):
        tag = re.search(rf'<select[^>]*name="{field}"[^>]*>', html).group(0)
        assert "admin-autocomplete" in tag, tag
    assert 'name="bylines-__prefix__-order"' in html
    assert 'name="bylines-__prefix__-author"' in html
    assert "the boxed aside" in html  # the body editor's help text


def test_form_shows_the_hero_photo_thumbnail_with_its_credit(editor_client):
    photo = PhotoFactory(credit_name="Abderrahmane Habibi")
    article = ArticleFactory(hero_photo=photo)
    html = editor_client.get(change_url(article)).content.decode()
    preview = html[html.index("nr-hero-preview") :]
    assert f'src="{photo.image.url}"' in preview
    assert "Photo: Abderrahmane Habibi" in preview


def test_form_warns_beside_the_photo_when_it_cannot_be_published(editor_client):
    article = ArticleFactory(draft=True, hero_photo=PhotoFactory(credit_name=""))
    html = editor_client.get(change_url(article)).content.decode()
    assert "Cannot be published: no credit" in html
    assert reverse("admin:photos_photo_change", args=[article.hero_photo_id]) in html


def test_object_tools_offer_preview_for_drafts_and_view_on_site_once_public(editor_client):
    draft = ArticleFactory(draft=True)
    live = ArticleFactory()
    draft_html = editor_client.get(change_url(draft)).content.decode()
    live_html = editor_client.get(change_url(live)).content.decode()
    assert re.search(rf'href="{re.escape(draft.get_absolute_url())}"[^>]*>Preview<', draft_html)
    assert re.search(rf'href="{re.escape(live.get_absolute_url())}"[^>]*>View on site<', live_html)


def test_staff_preview_link_opens_the_draft_at_its_public_address(editor_client, client):
    draft = ArticleFactory(draft=True, headline="Not yet public")
    assert editor_client.get(draft.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_editor_writes_and_publishes_an_article_with_ordered_bylines(editor_client, editor):
    desk = DeskFactory()
    first, second = AuthorFactory(name="First"), AuthorFactory(name="Second")
    topic = TopicFactory()
    data = article_form(
        headline="Launch day",
        slug="launch-day",
        desk=desk.pk,
        hero_photo=PhotoFactory().pk,
        topics=[topic.pk],
        status="published",
    )
    data.update(
        {
            "bylines-TOTAL_FORMS": "2",
            "bylines-0-author": second.pk,
            "bylines-0-role": "reporting",
            "bylines-0-order": "2",
            "bylines-1-author": first.pk,
            "bylines-1-role": "by",
            "bylines-1-order": "1",
        }
    )
    response = editor_client.post(reverse(ADD), data)
    assert response.status_code == 302, errors(response)
    article = Article.objects.get(slug="launch-day")
    assert article.is_public()
    assert article.created_by == editor
    assert [b.author.name for b in article.bylines.all()] == ["First", "Second"]
    assert list(article.topics.all()) == [topic]


def test_publishing_without_a_photo_credit_is_a_form_error_and_nothing_changes(editor_client):
    article = ArticleFactory(draft=True, hero_photo=PhotoFactory(credit_name=""))
    response = editor_client.post(
        change_url(article), article_form(article, status="published", headline="Changed")
    )
    assert response.status_code == 200
    assert "The hero photo needs a credit" in errors(response)
    article.refresh_from_db()
    assert (article.status, article.headline) == (Article.Status.DRAFT, article.headline)
    assert article.headline != "Changed"


def test_scheduling_with_a_photo_without_alt_text_is_a_form_error(editor_client):
    article = ArticleFactory(draft=True, hero_photo=PhotoFactory(alt_text=""))
    later = timezone.now() + timedelta(days=1)
    response = editor_client.post(
        change_url(article), article_form(article, status="published", published_at=later)
    )
    assert response.status_code == 200
    assert "alt text" in errors(response)
    article.refresh_from_db()
    assert article.published_at is None


def test_a_duplicate_slug_on_the_same_desk_and_day_is_a_form_error(editor_client):
    desk = DeskFactory()
    ArticleFactory(desk=desk, slug="rates-held", headline="Rates held", published_at=timezone.now())
    response = editor_client.post(
        reverse(ADD),
        article_form(
            headline="Rates held again",
            slug="rates-held",
            desk=desk.pk,
            status="published",
            published_at=timezone.now(),
        ),
    )
    assert response.status_code == 200
    assert "slug: “Rates held” already uses this slug on this desk" in errors(response)
    assert Article.objects.count() == 1


def test_a_draft_cannot_take_an_address_already_in_use_today_either(editor_client):
    desk = DeskFactory()
    ArticleFactory(desk=desk, slug="rates-held", published_at=timezone.now())
    response = editor_client.post(
        reverse(ADD), article_form(slug="rates-held", desk=desk.pk, status="draft")
    )
    assert response.status_code == 200
    assert "already uses this slug" in errors(response)
    assert Article.objects.count() == 1


def test_the_same_slug_on_another_desk_is_fine(editor_client):
    ArticleFactory(desk=DeskFactory(), slug="rates-held", published_at=timezone.now())
    response = editor_client.post(
        reverse(ADD), article_form(slug="rates-held", desk=DeskFactory().pk, status="draft")
    )
    assert response.status_code == 302, errors(response)
    assert Article.objects.count() == 2


# --- Actions ------------------------------------------------------------------------------


def test_bulk_publish_publishes_the_good_and_names_the_refused(editor_client):
    good = ArticleFactory(draft=True, headline="Good", hero_photo=PhotoFactory())
    uncredited = ArticleFactory(
        draft=True, headline="Uncredited", hero_photo=PhotoFactory(credit_name="")
    )
    response = editor_client.post(
        reverse(CHANGELIST), action("publish_selected", good, uncredited), follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("“Good” is live") for m in shown), shown
    assert any("“Uncredited”" in m and "needs a credit" in m for m in shown), shown
    good.refresh_from_db()
    uncredited.refresh_from_db()
    assert good.is_public()
    assert uncredited.status == Article.Status.DRAFT


def test_bulk_unpublish_takes_articles_off_the_site(editor_client):
    live = [ArticleFactory(), ArticleFactory()]
    data = {**action("unpublish_selected", *live), "confirm": "yes", "note": "Legal hold"}
    editor_client.post(reverse(CHANGELIST), data)
    assert not Article.objects.published().exists()


def test_publish_is_a_button_on_the_articles_own_page(editor_client):
    article = ArticleFactory(draft=True, hero_photo=PhotoFactory())
    html = editor_client.get(change_url(article)).content.decode()
    assert 'name="CHANGE_FORM-action"' in html and 'value="publish_selected"' in html
    response = editor_client.post(
        change_url(article), action("publish_selected", article, location="change_form")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_public()


def test_editing_a_published_article_keeps_it_published(editor_client):
    article = ArticleFactory(hero_photo=PhotoFactory())
    BylineFactory(article=article)
    published_at = article.published_at.replace(microsecond=0)  # the form shows seconds
    response = editor_client.post(change_url(article), article_form(article, headline="Fixed"))
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.headline == "Fixed"
    assert article.published_at == published_at
    assert Byline.objects.filter(article=article).count() == 1
