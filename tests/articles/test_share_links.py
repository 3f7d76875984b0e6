"""Share links: a signed, expiring, revocable preview of a draft or embargoed article for
someone without a login; never indexed, never cached, watermarked Preview."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from editorial import services as editorial_services
from editorial.models import ShareLink
from tests.articles.admin_helpers import action, change_url
from tests.articles.public_html import Page
from tests.factories import ArticleFactory, DeskFactory, PhotoFactory

pytestmark = pytest.mark.django_db

SHARELINKS = "admin:editorial_sharelink_changelist"


@pytest.fixture
def draft():
    return ArticleFactory(draft=True, headline="Merger talks collapse", hero_photo=PhotoFactory())


@pytest.fixture
def link(draft, editor):
    return editorial_services.share_link_create(article=draft, user=editor, note="Legal: Sam Ortiz")


def test_someone_without_a_login_reads_the_draft_through_its_link(client, link):
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    page = Page(response.content.decode())
    assert page.one("h1").text == "Merger talks collapse"
    assert page.one("p", class_="preview-flag").text.startswith("Preview")
    assert page.one("div", class_="preview-watermark").text == "Preview"


def test_the_preview_is_noindex_uncached_and_leaks_no_referer(client, link):
    response = client.get(link.get_absolute_url())
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert "Surrogate-Key" not in response and "X-Page-Cache" not in response
    assert "X-Page-Cache" not in client.get(link.get_absolute_url())  # still not stored


def test_an_embargoed_article_can_be_shared_before_the_embargo(client, editor):
    article = ArticleFactory(
        published_at=timezone.now() - dt.timedelta(hours=1),
        embargo_until=timezone.now() + dt.timedelta(hours=3),
    )
    link = editorial_services.share_link_create(article=article, user=editor)
    assert client.get(article.get_absolute_url()).status_code == 404
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    assert "embargoed until" in response.content.decode()


def test_an_expired_link_is_refused_and_says_so(client, link):
    with time_machine.travel(link.expires_at + dt.timedelta(seconds=1)):
        response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "This preview link has expired" in response.content.decode()
    assert "Merger talks collapse" not in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_a_link_works_until_the_moment_it_expires(client, link):
    with time_machine.travel(link.expires_at - dt.timedelta(seconds=1)):
        assert client.get(link.get_absolute_url()).status_code == 200


def test_a_revoked_link_is_refused_at_once(client, link, editor):
    assert client.get(link.get_absolute_url()).status_code == 200
    editorial_services.share_link_revoke(link=link, user=editor)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "was revoked" in response.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda signed: signed[:-1] + ("A" if signed[-1] != "A" else "B"),  # the signature
        lambda signed: ("x" if signed[0] != "x" else "y") + signed[1:],  # the token
        lambda signed: signed.split(":")[0],  # no signature at all
        lambda signed: "forged:token",
    ],
)
def test_a_tampered_link_is_a_plain_404(client, link, tamper):
    path = reverse("editorial:share-preview", args=[tamper(link.signed_token())])
    response = client.get(path)
    assert response.status_code == 404
    assert "Merger talks collapse" not in response.content.decode()


def test_a_correctly_signed_token_of_a_deleted_link_is_a_404(client, link):
    path = link.get_absolute_url()
    link.delete()
    assert client.get(path).status_code == 404


def test_once_the_article_is_public_its_link_leads_to_the_article(client, link, draft, editor):
    editorial_services.article_publish(article=draft, user=editor)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()


# --- Making and revoking links in admin --------------------------------------------------


def test_an_editor_makes_a_link_from_the_articles_page(client, editor, draft):
    client.force_login(editor)
    response = client.post(
        change_url(draft), action("make_share_link", draft, location="change_form"), follow=True
    )
    link = ShareLink.objects.get(article=draft)
    assert link.created_by == editor
    assert link.expires_at - timezone.now() > dt.timedelta(days=6, hours=23)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert link.get_absolute_url() in shown
    html = client.get(change_url(draft)).content.decode()
    assert link.get_absolute_url() in html[html.index("Share links") :]


def test_a_reporter_shares_their_own_draft_but_not_someone_elses(client, reporter, editor):
    own = ArticleFactory(draft=True, created_by=reporter)
    others = ArticleFactory(draft=True, created_by=editor)
    client.force_login(reporter)
    client.post(reverse("admin:articles_article_changelist"), action("make_share_link", own))
    client.post(reverse("admin:articles_article_changelist"), action("make_share_link", others))
    assert list(ShareLink.objects.values_list("article", flat=True)) == [own.pk]


def test_the_add_form_refuses_an_article_the_user_cannot_edit_by_crafted_post(
    client, reporter, editor
):
    others = ArticleFactory(draft=True, created_by=editor)
    client.force_login(reporter)
    response = client.post(
        reverse("admin:editorial_sharelink_add"), {"article": others.pk, "note": "", "days": 7}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize(("days", "problem"), [(0, "greater than or equal to 1"), (31, "30")])
def test_the_add_form_refuses_a_life_out_of_bounds(client, editor, draft, days, problem):
    client.force_login(editor)
    response = client.post(
        reverse("admin:editorial_sharelink_add"), {"article": draft.pk, "note": "", "days": days}
    )
    assert response.status_code == 200
    assert problem in response.content.decode()
    assert not ShareLink.objects.exists()


def test_the_add_form_makes_a_link_for_the_chosen_days(client, editor, draft):
    client.force_login(editor)
    response = client.post(
        reverse("admin:editorial_sharelink_add"), {"article": draft.pk, "note": "Sam", "days": 2}
    )
    assert response.status_code == 302
    link = ShareLink.objects.get()
    assert dt.timedelta(days=1, hours=23) < link.expires_at - timezone.now() <= dt.timedelta(2)


def test_links_are_revoked_from_the_list_and_kept_for_the_record(client, editor, link):
    client.force_login(editor)
    response = client.post(reverse(SHARELINKS), action("revoke", link), follow=True)
    assert "Revoked 1 share link" in " ".join(str(m) for m in response.context["messages"])
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == editor
    assert "Revoked" in client.get(reverse(SHARELINKS)).content.decode()


def test_a_link_of_another_desk_cannot_be_revoked_by_crafted_post(client, link):
    from django.contrib.auth.models import Group, User

    desk_editor = User.objects.create_user("deskeditor", is_staff=True)
    desk_editor.groups.add(Group.objects.get(name="Editors"))
    DeskFactory().members.add(desk_editor)  # not the draft's desk
    client.force_login(desk_editor)
    client.post(reverse(SHARELINKS), action("revoke", link))
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_link_cannot_outlive_the_maximum(editor, draft, settings):
    with pytest.raises(ValidationError):
        editorial_services.share_link_create(
            article=draft, user=editor, days=settings.SHARE_LINK_MAX_DAYS + 1
        )
    assert not ShareLink.objects.exists()


def test_each_link_has_its_own_random_token(editor, draft):
    first = editorial_services.share_link_create(article=draft, user=editor)
    second = editorial_services.share_link_create(article=draft, user=editor)
    assert first.token != second.token
    assert len(first.token) >= 32
