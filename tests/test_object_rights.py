"""Object rights: who may view, change and delete which article, photo, author and desk.

tests/test_permission_matrix.py asks "can this role open this URL"; this file asks the next
question, about one object at a time: for each role, each admin model and each situation of
the object, what the admin's real change form and delete page do to it, and whether the
database changed. Each case starts from a fresh newsroom of two desks:

- Science, where the reporter (Rita) and the editor (Eddie) work,
- Culture, where another desk's editor (Cleo) works;

and one article, made for the situation, with a hero photo and an author's byline. The
object under test is that article, its photo, its author, or its desk:

- "reporter's own":   Rita's draft on Science (the author is Rita's own byline)
- "another writer's": someone else's draft on Science
- "published":        a published Science story, not Rita's
- "another desk's":   a draft on Culture

Outcomes, one per role in ROLES order:
  view:   edit (the change form, editable) · read (the page, read-only) ·
          hidden (the admin says it does not exist: a redirect to its index) · 403
  change: changed (saved, in the database) · hidden · 403 (nothing changed either way)
  delete: deleted · protected (the page says what stops it; kept) · hidden · 403 (kept)
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from django.db import models
from django.test import Client
from django.urls import reverse

from tests.articles.admin_helpers import article_form, model_form
from tests.factories import ArticleFactory, AuthorFactory, BylineFactory, DeskFactory, PhotoFactory

pytestmark = pytest.mark.django_db

ROLES = ("reporter", "editor", "other_desk_editor", "moderator", "outsider")
SITUATIONS = ("reporter's own", "another writer's", "published", "another desk's")

# (model, situation) → {action: the outcome for each role, in ROLES order}.
RIGHTS: dict[tuple[str, str], dict[str, str]] = {
    #              reporter   editor     other desk moderator  outsider
    # Articles: a reporter works on their own unpublished articles, an editor on their desk's;
    # moderators read what the public reads; nobody is told another desk's drafts exist.
    ("article", "reporter's own"): {
        "view": "  edit       edit       hidden     hidden     403",
        "change": "changed    changed    hidden     hidden     403",
        "delete": "403        deleted    hidden     403        403",
    },
    ("article", "another writer's"): {
        "view": "  hidden     edit       hidden     hidden     403",
        "change": "hidden     changed    hidden     hidden     403",
        "delete": "403        deleted    hidden     403        403",
    },
    ("article", "published"): {
        "view": "  hidden     edit       hidden     read       403",
        "change": "hidden     changed    hidden     403        403",
        "delete": "403        deleted    hidden     403        403",
    },
    ("article", "another desk's"): {
        "view": "  hidden     hidden     edit       hidden     403",
        "change": "hidden     hidden     changed    hidden     403",
        "delete": "403        hidden     deleted    403        403",
    },
    # Photos: everyone with the role sees the library; changing or deleting one follows the
    # articles it is on (a published article's photo: only that desk's editors change it,
    # and nobody deletes it while the article is out).
    ("photo", "reporter's own"): {
        "view": "  edit       edit       read       403        403",
        "change": "changed    changed    403        403        403",
        "delete": "403        deleted    403        403        403",
    },
    ("photo", "another writer's"): {
        "view": "  read       edit       read       403        403",
        "change": "403        changed    403        403        403",
        "delete": "403        deleted    403        403        403",
    },
    ("photo", "published"): {
        "view": "  read       edit       read       403        403",
        "change": "403        changed    403        403        403",
        "delete": "403        protected  403        403        403",
    },
    ("photo", "another desk's"): {
        "view": "  read       read       edit       403        403",
        "change": "403        403        changed    403        403",
        "delete": "403        403        deleted    403        403",
    },
    # Authors: reporters only look; an editor changes an author whose every byline is on
    # their desks. An author with bylines is never deleted (the bylines would go with it).
    ("author", "reporter's own"): {
        "view": "  read       edit       read       403        403",
        "change": "403        changed    403        403        403",
        "delete": "403        protected  403        403        403",
    },
    ("author", "another writer's"): {
        "view": "  read       edit       read       403        403",
        "change": "403        changed    403        403        403",
        "delete": "403        protected  403        403        403",
    },
    ("author", "published"): {
        "view": "  read       edit       read       403        403",
        "change": "403        changed    403        403        403",
        "delete": "403        protected  403        403        403",
    },
    ("author", "another desk's"): {
        "view": "  read       read       edit       403        403",
        "change": "403        403        changed    403        403",
        "delete": "403        403        protected  403        403",
    },
    # Desks: changed (texts, order, members) by their own editors only. A desk with articles
    # is never deleted.
    ("desk", "reporter's own"): {
        "view": "  read       edit       read       403        403",
        "change": "403        changed    403        403        403",
        "delete": "403        protected  403        403        403",
    },
    ("desk", "another desk's"): {
        "view": "  read       read       edit       403        403",
        "change": "403        403        changed    403        403",
        "delete": "403        403        protected  403        403",
    },
}
# A desk belongs to no writer and is not published: its two situations are its desk's.
MODELS = {"article": SITUATIONS, "photo": SITUATIONS, "author": SITUATIONS}
MODELS["desk"] = ("reporter's own", "another desk's")
CHANGED = "Changed through the matrix"
CHANGED_FIELD = {"article": "headline", "photo": "caption", "author": "bio", "desk": "about"}


def staff(username: str, group: str, *desks) -> User:
    user = User.objects.create_user(username, email=f"{username}@newsroom.example", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    for desk in desks:
        desk.members.add(user)
    return user


@pytest.fixture
def newsroom(moderator, outsider) -> SimpleNamespace:
    science = DeskFactory(name="Science", slug="science")
    culture = DeskFactory(name="Culture", slug="culture")
    reporter = staff("rita", "Reporters", science)
    return SimpleNamespace(
        science=science,
        culture=culture,
        reporter_author=AuthorFactory(user=reporter, name="Rita Reporter", slug="rita"),
        users={
            "reporter": reporter,
            "editor": staff("eddie", "Editors", science),
            "other_desk_editor": staff("cleo", "Editors", culture),
            "moderator": moderator,
            "outsider": outsider,
        },
    )


def make(model: str, situation: str, newsroom: SimpleNamespace) -> models.Model:
    """The article for the situation, with its photo and byline; the object under test."""
    desk = newsroom.culture if situation == "another desk's" else newsroom.science
    own = situation == "reporter's own"
    article = ArticleFactory(
        desk=desk,
        draft=situation != "published",
        created_by=newsroom.users["reporter"] if own else None,
        hero_photo=PhotoFactory(),
    )
    author = newsroom.reporter_author if own else AuthorFactory()
    BylineFactory(article=article, author=author)
    return {"article": article, "photo": article.hero_photo, "author": author, "desk": desk}[model]


def admin_url(obj: models.Model, view: str) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])


def form_data(model: str, obj: models.Model) -> dict:
    if model == "article":
        return article_form(obj, headline=CHANGED)
    return model_form(obj, **{CHANGED_FIELD[model]: CHANGED})


def still_there(obj: models.Model) -> models.Model | None:
    return type(obj).objects.filter(pk=obj.pk).first()


def view_outcome(response) -> str:
    if response.status_code == 200:
        return "edit" if response.context["has_change_permission"] else "read"
    if response.status_code == 302 and response.headers["Location"] == reverse("admin:index"):
        return "hidden"
    return str(response.status_code)


def change_outcome(response, model: str, obj: models.Model) -> str:
    stored = getattr(still_there(obj), CHANGED_FIELD[model])
    if response.status_code == 302:
        return "changed" if stored == CHANGED else "hidden"
    assert stored != CHANGED, f"changed, yet answered {response.status_code}"
    if response.status_code == 200:  # the form again: a test whose data the form refused
        return f"invalid: {response.context['adminform'].form.errors.as_text()}"
    return str(response.status_code)


def delete_outcome(response, obj: models.Model) -> str:
    gone = still_there(obj) is None
    if response.status_code == 302:
        return "deleted" if gone else "hidden"
    assert not gone, f"deleted, yet answered {response.status_code}"
    if response.status_code == 200 and response.context.get("protected"):
        return "protected"
    return str(response.status_code)


CASES = [
    pytest.param(model, situation, action, role, id=f"{model}-{situation}-{action}-{role}")
    for (model, situation), actions in RIGHTS.items()
    for action in actions
    for role in ROLES
]


def test_the_table_covers_every_model_situation_and_action():
    assert set(RIGHTS) == {
        (model, situation) for model, situations in MODELS.items() for situation in situations
    }
    for actions in RIGHTS.values():
        assert list(actions) == ["view", "change", "delete"]
        assert all(len(row.split()) == len(ROLES) for row in actions.values())


@pytest.mark.parametrize(("model", "situation", "action", "role"), CASES)
def test_each_role_gets_the_expected_outcome_on_each_object(
    newsroom, model, situation, action, role, settings
):
    settings.PAGE_CACHE_ENABLED = False
    obj = make(model, situation, newsroom)
    client = Client()
    client.force_login(newsroom.users[role])
    if action == "view":
        got = view_outcome(client.get(admin_url(obj, "change")))
    elif action == "change":
        got = change_outcome(
            client.post(admin_url(obj, "change"), form_data(model, obj)), model, obj
        )
    else:
        got = delete_outcome(client.post(admin_url(obj, "delete"), {"post": "yes"}), obj)
    expected = RIGHTS[(model, situation)][action].split()[ROLES.index(role)]
    assert got == expected
