"""The trust boundaries of the admin and the preview, each through the real admin forms and
the public site: a photo's rights follow the articles that use it, text fields refuse
control characters (and the feeds survive those already stored), desk membership is
changed only by those with rights over the desk and logged, and the preview of an
unpublished article follows the admin's object rights."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own responses in tests

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Desk, DeskMembershipChange, Topic
from editorial.services import workflow
from photos.models import Photo
from tests.support.admin import article_form, change_url, model_form
from tests.support.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    DeskFactory,
    PhotoFactory,
    TopicFactory,
)
from tests.support.personas import desk_member as staff
from tests.support.personas import every_desk, logged_in

pytestmark = pytest.mark.django_db


def admin_url(obj, view: str = "change") -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def live(transport):
    """A published Transport story (not Rita's) with its hero photo."""
    return ArticleFactory(desk=transport, slug="trams", hero_photo=PhotoFactory(caption="Trams"))


# --- A photo's rights follow the articles that use it ---------------------------------------


def test_a_reporter_cannot_change_a_published_articles_hero_photo(client, rita, live):
    photo = live.hero_photo
    response = logged_in(rita).post(
        admin_url(photo),
        model_form(photo, caption="Defaced", credit_url="https://evil.example/"),
    )
    assert response.status_code == 403
    photo.refresh_from_db()
    assert (photo.caption, photo.credit_url) == ("Trams", "https://www.pexels.com/@abdoo")
    assert "Defaced" not in client.get(live.get_absolute_url()).content.decode()


def test_a_reporter_sees_a_published_photo_read_only(rita, live):
    response = logged_in(rita).get(admin_url(live.hero_photo))
    assert response.status_code == 200
    assert 'name="caption"' not in response.content.decode()


@pytest.mark.parametrize("whose", ["rita", "someone else"])
def test_a_reporter_changes_only_photos_of_their_own_unpublished_articles(rita, transport, whose):
    photo = PhotoFactory(caption="Before")
    ArticleFactory(
        draft=True,
        desk=transport,
        hero_photo=photo,
        created_by=rita if whose == "rita" else None,
    )
    response = logged_in(rita).post(admin_url(photo), model_form(photo, caption="After"))
    photo.refresh_from_db()
    if whose == "rita":
        assert response.status_code == 302
        assert photo.caption == "After"
    else:
        assert response.status_code == 403
        assert photo.caption == "Before"


def test_a_reporter_changes_a_photo_nothing_uses(rita):
    photo = PhotoFactory(caption="Before")
    response = logged_in(rita).post(admin_url(photo), model_form(photo, caption="After"))
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "After"


def test_the_desks_editor_changes_a_published_articles_photo(eddie, live):
    photo = live.hero_photo
    response = logged_in(eddie).post(admin_url(photo), model_form(photo, caption="Fixed"))
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "Fixed"


def test_another_desks_editor_may_neither_change_nor_delete_its_photo(cleo, live):
    photo = live.hero_photo
    client = logged_in(cleo)
    assert client.post(admin_url(photo), model_form(photo, caption="X")).status_code == 403
    assert client.post(admin_url(photo, "delete"), {"post": "yes"}).status_code == 403
    photo.refresh_from_db()
    assert photo.caption == "Trams"


@pytest.mark.parametrize("kind", ["photo", "desk"])
def test_another_desks_editor_cannot_bulk_delete_its_objects(cleo, live, kind):
    # The photo of a Transport story; a desk with no articles (nothing but rights stops it).
    obj = live.hero_photo if kind == "photo" else DeskFactory(slug="empty")
    response = logged_in(cleo).post(
        reverse(f"admin:{obj._meta.app_label}_{kind}_changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_a_reporter_cannot_remake_a_published_photos_renditions(rita, live):
    Photo.objects.filter(pk=live.hero_photo_id).update(status=Photo.Status.FAILED, error="x")
    response = logged_in(rita).post(
        reverse("admin:photos_photo_changelist"),
        {"action": "remake_renditions", "_selected_action": [live.hero_photo_id], "index": "0"},
        follow=True,
    )
    assert "on articles you cannot edit" in response.content.decode()
    assert Photo.objects.get(pk=live.hero_photo_id).status == Photo.Status.FAILED


def test_a_photos_change_page_asks_its_rights_once(eddie, live):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(eddie)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(admin_url(live.hero_photo)).status_code == 200
    asked = [q for q in queries if '"articles_article"."hero_photo_id" =' in q["sql"]]
    assert len(asked) == 1  # seven (form, buttons, delete link) when each asked the database


# --- Control characters: refused in every field the feeds and JSON-LD carry ----------------

CONTROL = "Line\x0bbreak"


@pytest.fixture
def every_kind(live):
    BylineFactory(article=live, author=(author := AuthorFactory(slug="ann")))
    live.topics.add(topic := TopicFactory(slug="rail"))
    return {"desk": live.desk, "author": author, "topic": topic, "photo": live.hero_photo}


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("photo", "caption"),
        ("photo", "alt_text"),
        ("photo", "credit_name"),
        ("photo", "copyright_notice"),
        ("desk", "name"),
        ("desk", "title"),
        ("desk", "about"),
        ("author", "name"),
        ("author", "job_title"),
        ("author", "bio"),
        ("topic", "name"),
    ],
)
def test_a_control_character_is_refused_with_a_form_error(superuser, every_kind, kind, field):
    obj = every_kind[kind]
    before = getattr(obj, field)
    response = logged_in(superuser).post(admin_url(obj), model_form(obj, **{field: CONTROL}))
    assert response.status_code == 200
    assert "control character" in " ".join(response.context["adminform"].form.errors[field])
    obj.refresh_from_db()
    assert getattr(obj, field) == before


@pytest.mark.parametrize("field", ["headline", "standfirst"])
def test_an_articles_text_refuses_control_characters(superuser, live, field):
    response = logged_in(superuser).post(change_url(live), article_form(live, **{field: CONTROL}))
    assert response.status_code == 200
    assert "control character" in " ".join(response.context["adminform"].form.errors[field])


def test_tabs_and_new_lines_are_still_text(superuser, every_kind):
    photo = every_kind["photo"]
    caption = "First line.\r\nSecond\tline."
    response = logged_in(superuser).post(admin_url(photo), model_form(photo, caption=caption))
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.caption == caption


def test_a_caption_read_from_the_files_metadata_loses_its_control_characters(superuser):
    """The caption and credit an upload carries (IPTC) are pre-filled after the form is
    checked: they are cleaned rather than refused, and a NUL never reaches Postgres."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support import images

    data = images.with_iptc(
        images.jpeg(), {(2, 120): "Ministers\x0b arrive.\x00", (2, 110): "Ana\x1b Lima"}
    )
    form = model_form(PhotoFactory.build(), caption="", credit_name="")
    form["image"] = SimpleUploadedFile("upload.jpg", data, content_type="image/jpeg")
    response = logged_in(superuser).post(reverse("admin:photos_photo_add"), form)
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.caption, photo.credit_name) == ("Ministers arrive.", "Ana Lima")


def test_the_feeds_survive_control_characters_already_stored(client, every_kind, live):
    Photo.objects.update(caption=CONTROL, credit_name="Ann\x01", alt_text="A\x1f")
    Article.objects.update(headline="Head\x0bline", standfirst="Stand\x0cfirst")
    Desk.objects.update(name="Trans\x08port", about="About\x07")
    Author.objects.update(name="Ann\x0b")
    Topic.objects.update(name="Rail\x1b")
    for path in ["/feed/", "/transport/feed/", "/authors/ann/feed/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        channel = ET.fromstring(response.content).find("channel")  # noqa: S314 - our own XML
        assert channel.find("item/title").text == "Headline"
    response = client.get("/news-sitemap.xml")
    title = ET.fromstring(response.content).find(".//{*}title")  # noqa: S314 - our own XML
    assert title.text == "Headline"
    response = client.get(live.get_absolute_url())
    assert response.status_code == 200


# --- Desk membership: changed only with rights over the desk, and logged ----------------------


def test_an_editor_cannot_add_themselves_to_another_desk(cleo, transport):
    draft = ArticleFactory(draft=True, desk=transport, hero_photo=PhotoFactory())
    response = logged_in(cleo).post(admin_url(transport), model_form(transport, members=[cleo.pk]))
    assert response.status_code == 403
    response = logged_in(cleo).post(
        "/admin/articles/deskmembership/add/",
        {"user": cleo.pk, "desk": transport.pk, "role": "editor"},
    )
    assert response.status_code == 200
    assert not transport.members.filter(pk=cleo.pk).exists()
    cleo = User.objects.get(pk=cleo.pk)
    with pytest.raises(ValidationError):
        workflow.article_publish(article=draft, user=cleo)
    assert not DeskMembershipChange.objects.exists()


def test_another_desks_editor_sees_the_desk_read_only(cleo, transport):
    response = logged_in(cleo).get(admin_url(transport))
    assert response.status_code == 200
    assert 'name="members"' not in response.content.decode()


def test_another_desks_editor_cannot_reorder_it_from_the_list(cleo, transport, culture):
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-id": transport.pk,
        "form-0-order": "9",
        "form-1-id": culture.pk,
        "form-1-order": "5",
        "_save": "Save",
    }
    logged_in(cleo).post(reverse("admin:articles_desk_changelist"), data)
    transport.refresh_from_db()
    assert transport.order == 0


STAFF_ADD = "/admin/articles/deskmembership/add/"


def test_a_desks_editor_adds_and_removes_members_and_each_change_is_logged(eddie, rita, transport):
    newcomer = staff("nora", "Reporters")
    client = logged_in(eddie)
    response = client.post(
        STAFF_ADD, {"user": newcomer.pk, "desk": transport.pk, "role": "reporter"}
    )
    assert response.status_code == 302
    rita_on_transport = transport.memberships.get(user=rita)
    response = client.post(admin_url(rita_on_transport, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert set(transport.members.values_list("username", flat=True)) == {"eddie", "nora"}
    log = {
        (row.desk.name, row.member.username, row.action, row.by.username)
        for row in DeskMembershipChange.objects.select_related("desk", "member", "by")
    }
    assert log == {
        ("Transport", "nora", "added", "eddie"),
        ("Transport", "rita", "removed", "eddie"),
    }
    assert all(row.created_at for row in DeskMembershipChange.objects.all())
    history = client.get(admin_url(transport)).content.decode()
    assert "nora" in history and "removed" in history.lower()


def test_nobody_adds_themselves_to_a_desk_they_do_not_edit(cleo, transport):
    response = logged_in(cleo).post(
        STAFF_ADD, {"user": cleo.pk, "desk": transport.pk, "role": "editor"}
    )
    assert response.status_code == 200
    assert "desk" in response.context["adminform"].form.errors
    assert not transport.members.filter(pk=cleo.pk).exists()


def test_an_editor_makes_a_desk_then_has_no_rights_over_it(cleo, rita):
    """A new desk has no staff: its first editor is given by a site administrator (or a
    managing editor), never by whoever made it, who has no role on it."""
    client = logged_in(cleo)
    data = model_form(Desk(name="Sport", slug="sport", title="The Sport Desk"))
    response = client.post(reverse("admin:articles_desk_add"), data)
    assert response.status_code == 302
    sport = Desk.objects.get(slug="sport")
    assert list(sport.members.all()) == []
    response = client.post(STAFF_ADD, {"user": rita.pk, "desk": sport.pk, "role": "reporter"})
    assert response.status_code == 200
    assert client.post(admin_url(sport), model_form(sport)).status_code == 403


def test_a_managing_editor_staffs_any_desk(transport, cleo):
    managing = staff("mona", "Editors")
    every_desk(managing)
    response = logged_in(managing).post(
        STAFF_ADD, {"user": cleo.pk, "desk": transport.pk, "role": "editor"}
    )
    assert response.status_code == 302
    assert transport.memberships.get(user=cleo).role == "editor"


# --- The preview of unpublished articles follows the admin's object rights -------------------


@pytest.fixture
def unpublished(transport):
    """Another writer's draft, and an embargoed story, on Transport."""
    return {
        "draft": ArticleFactory(draft=True, desk=transport, slug="secret-draft"),
        "embargoed": ArticleFactory(
            desk=transport,
            slug="embargoed",
            embargo_until=timezone.now() + dt.timedelta(hours=3),
        ),
    }


@pytest.mark.parametrize("kind", ["draft", "embargoed"])
@pytest.mark.parametrize("who", ["rita", "moderator", "cleo"])
def test_a_preview_is_refused_to_those_the_admin_hides_it_from(
    request, unpublished, kind, who, moderator
):
    article = unpublished[kind]
    client = logged_in(request.getfixturevalue(who))
    assert client.get(article.get_absolute_url()).status_code == 404
    # Any date in the address: still nothing, not even a redirect to the real one.
    assert client.get(f"/transport/2001/01/01/{article.slug}/").status_code == 404
    assert client.get(change_url(article)).status_code == 302  # the admin: "does not exist"


@pytest.mark.parametrize("kind", ["draft", "embargoed"])
def test_the_desks_editor_previews_its_unpublished_articles(eddie, unpublished, kind):
    response = logged_in(eddie).get(unpublished[kind].get_absolute_url())
    assert response.status_code == 200
    assert response.context["preview"]


def test_a_reporter_previews_their_own_draft(rita, transport):
    draft = ArticleFactory(draft=True, desk=transport, created_by=rita)
    assert logged_in(rita).get(draft.get_absolute_url()).status_code == 200


def test_a_moderator_reads_published_articles_in_admin_and_on_the_site(moderator, live):
    client = logged_in(moderator)
    assert client.get(live.get_absolute_url()).status_code == 200
    assert client.get(change_url(live)).status_code == 200


@pytest.mark.parametrize("who", ["rita", "eddie", "cleo", "moderator", "superuser"])
def test_admin_and_preview_show_the_same_unpublished_articles(
    request, who, unpublished, rita, moderator, superuser
):
    ArticleFactory(draft=True, desk=unpublished["draft"].desk, created_by=rita, slug="ritas")
    user = request.getfixturevalue(who)
    client = logged_in(user)
    listed = {
        a.pk
        for a in client.get(reverse("admin:articles_article_changelist")).context["cl"].result_list
        if not a.is_public()
    }
    previewed = {
        a.pk
        for a in Article.objects.exclude(pk__in=Article.objects.published())
        if client.get(a.get_absolute_url()).status_code == 200
    }
    assert listed == previewed
