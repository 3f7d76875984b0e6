"""Staff land where they work: the admin index links to the moderation queue, and a
moderator with no other admin rights goes straight to it after signing in."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def sign_in(client, user, next_url: str | None = "/admin/"):
    data = {"username": user.username, "password": f"pw-{user.username}"}
    if next_url is not None:
        data["next"] = next_url
    return client.post(LOGIN + (f"?next={next_url}" if next_url else ""), data)


@pytest.mark.parametrize("next_url", ["/admin/", None])
def test_a_moderator_lands_on_the_queue_after_signing_in(client, moderator, next_url):
    response = sign_in(client, moderator, next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderation/"


def test_a_moderator_asking_for_a_page_gets_that_page(client, moderator):
    response = sign_in(client, moderator, "/admin/comments/comment/")
    assert response.headers["Location"] == "/admin/comments/comment/"


@pytest.mark.parametrize("persona", ["editor", "reporter", "superuser", "outsider"])
def test_other_staff_land_on_the_admin_index(client, persona, request):
    response = sign_in(client, request.getfixturevalue(persona))
    assert response.headers["Location"] == "/admin/"


def test_a_moderator_who_also_edits_lands_on_the_admin_index(client, moderator):
    moderator.groups.add(Group.objects.get(name="Editors"))
    assert sign_in(client, moderator).headers["Location"] == "/admin/"


def test_a_wrong_password_still_shows_the_form(client, moderator):
    response = client.post(LOGIN, {"username": "moderator", "password": "nope", "next": "/admin/"})
    assert response.status_code == 200


def test_the_admin_index_links_moderators_to_the_queue(client, moderator):
    client.force_login(moderator)
    html = client.get("/admin/").content.decode()
    assert 'href="/moderation/"' in html and "Moderation queue" in html


@pytest.mark.parametrize("persona", ["reporter", "outsider"])
def test_the_admin_index_offers_the_queue_only_to_those_who_moderate(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert 'href="/moderation/"' not in client.get("/admin/").content.decode()
