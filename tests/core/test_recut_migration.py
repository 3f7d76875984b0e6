"""A database from before the apps were re-cut (photos, the workflow's records and the purge
backlog in articles and the project package) migrates to the new layout with nothing lost:
its rows, the rights groups hold on the moved models, and the admin's history of them."""

import io

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from PIL import Image

# The last migrations of the old layout; photos and editorial did not exist.
OLD_LAYOUT = [
    ("articles", "0014_search_trigram"),
    ("comments", "0007_reports_picks_and_standing"),
    ("notifications", "0002_mailbox_double_opt_in"),
    ("core", "0002_purge_backlog"),
    ("photos", None),
    ("editorial", None),
]
ADMIN_HISTORY = ("admin", "0003_logentry_add_action_flag_choices")


@pytest.fixture
def old_database(transactional_db):
    """The database as the old layout left it, down to django_migrations: the project
    package's two migrations recorded under its own label, "newsroom"."""
    executor = MigrationExecutor(connection)
    executor.migrate(OLD_LAYOUT)
    recorder = MigrationRecorder(connection)
    recorder.migration_qs.filter(app="core").delete()
    for name in ("0001_groups", "0002_purge_backlog"):
        recorder.record_applied("newsroom", name)
    nodes = [node for node in OLD_LAYOUT if node[1]] + [ADMIN_HISTORY]
    yield MigrationExecutor(connection).loader.project_state(nodes).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "steelblue").save(out, "JPEG")
    return out.getvalue()


def _old_rows(apps) -> dict:
    """A row of each moved model, a group with rights on photos, and the admin's record of
    adding the photo: written through the old layout's own models."""
    Desk = apps.get_model("articles", "Desk")
    Photo = apps.get_model("articles", "Photo")
    Rendition = apps.get_model("articles", "Rendition")
    Article = apps.get_model("articles", "Article")
    OldContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    OldGroup = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    OldLogEntry = apps.get_model("admin", "LogEntry")

    editor = User.objects.create(username="ed", is_staff=True)
    desk = Desk.objects.create(name="World", slug="world", title="World")
    image = default_storage.save("photos/2026/01/harbour.jpg", ContentFile(_jpeg()))
    photo = Photo.objects.create(image=image, alt_text="The harbour")
    Rendition.objects.create(
        photo=photo,
        spec="w640",
        format="jpeg",
        file="renditions/2026/01/1-w640.jpg",
        width=640,
        height=427,
        bytes=51_200,
        source="abc",
    )
    article = Article.objects.create(
        desk=desk,
        headline="Harbour reopens",
        slug="harbour-reopens",
        body="<p>Ships are back.</p>",
        hero_photo=photo,
        created_at=timezone.now(),
    )
    apps.get_model("articles", "Revision").objects.create(
        article=article, number=1, user=editor, changes={"headline": "Harbour reopens"}
    )
    apps.get_model("articles", "Transition").objects.create(
        article=article, user=editor, action="submit", from_status="draft", to_status="in_review"
    )
    apps.get_model("articles", "ShareLink").objects.create(
        article=article,
        token="a-token",
        note="Legal",
        expires_at=timezone.now() + timezone.timedelta(days=3),
        created_by=editor,
    )
    apps.get_model("articles", "EditLock").objects.create(article=article, user=editor)
    apps.get_model("core", "PurgeBacklog").objects.create(front="http://front", keys="home")

    photo_type = OldContentType.objects.get(app_label="articles", model="photo")
    group = OldGroup.objects.create(name="Picture desk")
    group.permissions.set(
        Permission.objects.filter(
            content_type=photo_type, codename__in=["add_photo", "change_photo"]
        )
    )
    OldLogEntry.objects.create(
        user=editor,
        content_type=photo_type,
        object_id=str(photo.pk),
        object_repr="The harbour",
        action_flag=ADDITION,
        change_message="[]",
    )
    return {"photo": photo.pk, "article": article.pk}


def test_an_old_database_migrates_keeping_rows_rights_and_history(old_database):
    made = _old_rows(old_database)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    from articles.models import Article, Desk
    from core.models import PurgeBacklog
    from editorial.models import EditLock, Revision, ShareLink, Transition
    from photos.models import Photo

    photo = Photo.objects.get(pk=made["photo"])
    assert photo.alt_text == "The harbour"
    assert [r.spec for r in photo.renditions.all()] == ["w640"]
    article = Article.objects.get(pk=made["article"])
    assert article.hero_photo == photo
    assert article.desk == Desk.objects.get(slug="world")
    assert Revision.objects.get(article=article).changes == {"headline": "Harbour reopens"}
    assert Transition.objects.get(article=article).action == "submit"
    assert ShareLink.objects.get(article=article).note == "Legal"
    assert EditLock.objects.get(article=article).user.username == "ed"
    assert PurgeBacklog.objects.get().keys == "home"

    photo_type = ContentType.objects.get_for_model(Photo)
    assert photo_type.app_label == "photos"
    assert not ContentType.objects.filter(app_label="articles", model="photo").exists()
    rights = Group.objects.get(name="Picture desk").permissions.all()
    assert {(p.content_type.app_label, p.codename) for p in rights} == {
        ("photos", "add_photo"),
        ("photos", "change_photo"),
    }
    entry = LogEntry.objects.get(object_id=str(photo.pk), object_repr="The harbour")
    assert entry.content_type == photo_type
    assert entry.get_edited_object() == photo

    for model in (Transition, Revision, ShareLink, EditLock):
        assert ContentType.objects.get_for_model(model).app_label == "editorial"
    assert ContentType.objects.get_for_model(PurgeBacklog).app_label == "core"
    applied = MigrationRecorder(connection).applied_migrations()
    assert ("core", "0001_groups") in applied and ("core", "0002_purge_backlog") in applied


def test_editors_keep_their_rights_on_the_moved_models_after_migrating(old_database):
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from core.roles import roles_apply

    roles_apply()  # what the post_migrate of `manage.py migrate` does
    rights = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name="Editors").permissions.select_related("content_type")
    }
    assert {"photos.change_photo", "editorial.view_revision", "articles.publish_article"} <= rights
