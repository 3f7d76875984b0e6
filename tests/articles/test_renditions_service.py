"""Photos in the database: stripping on upload, credit pre-fill, `photo_process` and its
idempotency, stale files, failed states, and the remake_renditions command."""

import io
import os
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.core.management import CommandError, call_command
from django.utils._os import safe_join
from PIL import ExifTags, Image

from photos.models import Photo, Rendition
from photos.renditions import output_formats
from photos.services import photo_process, photo_request_renditions
from tests.articles import renditions_images as images
from tests.factories import PhotoFactory

pytestmark = pytest.mark.django_db

EXPECTED_COUNT = 5 * len(output_formats()) + 3  # widths × formats + three crops


def upload(data: bytes, name: str = "upload.jpg", **fields) -> Photo:
    return PhotoFactory(image=ContentFile(data, name=name), **fields)


def stored(name: str) -> bytes:
    with Photo._meta.get_field("image").storage.open(name) as file:
        return file.read()


def exists(name: str) -> bool:
    return Photo._meta.get_field("image").storage.exists(name)


def rendition_files() -> list[Path]:
    """Every rendition file in storage (the test MEDIA_ROOT is a temp dir)."""
    folder = Path(Rendition.file.field.storage.location, "renditions")
    return [path for path in folder.rglob("*") if path.is_file()]


def rendition_names(photo: Photo) -> set[str]:
    return set(photo.renditions.values_list("file", flat=True))


# --- Upload -----------------------------------------------------------------------------


def test_an_uploaded_original_is_stored_without_gps_or_any_metadata():
    photo = upload(images.jpeg(exif=images.gps_exif(), xmp=images.xmp_packet()))

    data = stored(photo.image.name)
    assert images.metadata_markers(data) == []
    assert not Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_a_sideways_upload_has_its_displayed_size_on_the_photo():
    stored_sideways = images.picture(1200, 800).transpose(Image.Transpose.ROTATE_90)
    photo = upload(images.jpeg(stored_sideways, exif=images.gps_exif(orientation=6)))

    photo.refresh_from_db()
    assert (photo.width, photo.height) == (1200, 800)


def test_empty_credit_and_caption_are_prefilled_from_the_file():
    photo = upload(
        images.jpeg(xmp=images.xmp_packet()),
        credit_name="",
        caption="",
        copyright_notice="",
        license_url="",
    )

    photo.refresh_from_db()
    assert photo.credit_name == images.XMP_CREDIT
    assert photo.caption == images.XMP_CAPTION
    assert photo.copyright_notice == images.XMP_RIGHTS
    assert photo.license_url == images.XMP_LICENSE


def test_credit_typed_by_the_editor_wins_over_the_file():
    photo = upload(images.jpeg(xmp=images.xmp_packet()), credit_name="Desk photographer")

    photo.refresh_from_db()
    assert photo.credit_name == "Desk photographer"
    assert photo.caption == "Commuters at a metro station."  # the factory's, kept


def test_the_stored_name_follows_the_real_format_not_the_uploaded_name():
    photo = upload(images.png(), name="holiday.jpg")

    assert photo.image.name.endswith(".png")


def test_a_file_the_pipeline_cannot_use_is_refused_on_save_and_nothing_is_stored(settings):
    with pytest.raises(ValidationError) as refused:
        upload(images.animated_png(), name="loop.png")

    assert "Animated images are not supported" in str(refused.value)
    assert Photo.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "photos").exists()


def test_the_model_validator_gives_the_admin_a_field_error():
    photo = Photo(alt_text="A loop", image=ContentFile(images.animated_webp(), name="loop.webp"))

    with pytest.raises(ValidationError) as refused:
        photo.full_clean()

    assert "Animated images" in refused.value.message_dict["image"][0]


def test_saving_a_new_photo_queues_its_renditions_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        photo = upload(images.jpeg())

    assert photo.status == Photo.Status.PENDING
    assert any("make_renditions" in repr(callback) for callback in callbacks)


def test_editing_only_the_caption_does_not_queue_renditions(django_capture_on_commit_callbacks):
    photo = upload(images.jpeg())
    photo_process(photo_id=photo.pk)
    photo.refresh_from_db()

    with django_capture_on_commit_callbacks() as callbacks:
        photo.caption = "A new caption"
        photo.save()

    assert callbacks == []
    assert photo.status == Photo.Status.READY


# --- photo_process ------------------------------------------------------------------------


def test_processing_makes_every_rendition_and_marks_the_photo_ready():
    photo = upload(images.jpeg(images.picture(2400, 1600), exif=images.gps_exif()))

    processed = photo_process(photo_id=photo.pk)

    assert processed.status == Photo.Status.READY and processed.error == ""
    rows = list(processed.renditions.all())
    assert len(rows) == EXPECTED_COUNT
    for row in rows:
        data = stored(row.file.name)
        assert row.bytes == len(data)
        image = Image.open(io.BytesIO(data))
        assert image.size == (row.width, row.height)
        assert image.format == row.format.upper()
        assert images.metadata_markers(data) == []
        assert not image.getexif()


def test_processing_twice_makes_nothing_twice():
    photo = upload(images.jpeg())
    photo_process(photo_id=photo.pk)
    first = {(r.pk, r.file.name) for r in photo.renditions.all()}

    photo_process(photo_id=photo.pk)

    assert {(r.pk, r.file.name) for r in photo.renditions.all()} == first
    assert len(rendition_files()) == EXPECTED_COUNT


def test_moving_the_focal_point_remakes_only_the_crops_and_deletes_the_old_ones(
    django_capture_on_commit_callbacks,
):
    photo = upload(images.jpeg(images.picture(1600, 1000)))
    photo_process(photo_id=photo.pk)
    before = {(r.spec, r.format): r.file.name for r in photo.renditions.all()}

    photo.focal_x = 0.1
    with django_capture_on_commit_callbacks(execute=True):
        photo.save()
        photo_process(photo_id=photo.pk)

    after = {(r.spec, r.format): r.file.name for r in photo.renditions.all()}
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {("16x9", "jpeg"), ("4x3", "jpeg"), ("1x1", "jpeg")}
    for key in changed:
        assert not exists(before[key]), key
        assert exists(after[key])


def test_replacing_the_file_remakes_everything_and_deletes_the_stale_files(
    django_capture_on_commit_callbacks,
):
    photo = upload(images.jpeg(images.picture(1600, 1000)))
    photo_process(photo_id=photo.pk)
    old_files = rendition_names(photo)
    old_original = photo.image.name

    with django_capture_on_commit_callbacks(execute=True):
        photo.image = ContentFile(images.png(images.picture(800, 1200)), name="new.png")
        photo.save()
        assert Photo.objects.get(pk=photo.pk).status == Photo.Status.PENDING
        photo_process(photo_id=photo.pk)

    photo.refresh_from_db()
    assert photo.status == Photo.Status.READY
    assert (photo.width, photo.height) == (800, 1200)
    assert rendition_names(photo).isdisjoint(old_files)
    assert not any(exists(name) for name in old_files)
    assert not exists(old_original)
    assert max(photo.renditions.values_list("width", flat=True)) == 800  # no upscaling


def test_a_stale_rendition_whose_spec_is_no_longer_wanted_is_removed(
    django_capture_on_commit_callbacks,
):
    photo = upload(images.jpeg())
    photo_process(photo_id=photo.pk)
    extra = Rendition.objects.create(
        photo=photo,
        spec="w2560",
        format="jpeg",
        file=Rendition.file.field.storage.save("renditions/old.jpg", ContentFile(b"x")),
        width=2560,
        height=1600,
        bytes=1,
        source="gone",
    )

    with django_capture_on_commit_callbacks(execute=True):
        photo_process(photo_id=photo.pk)

    assert not Rendition.objects.filter(pk=extra.pk).exists()
    assert not exists("renditions/old.jpg")


def test_force_remakes_renditions_that_are_up_to_date(django_capture_on_commit_callbacks):
    photo = upload(images.jpeg())
    photo_process(photo_id=photo.pk)
    before = rendition_names(photo)

    with django_capture_on_commit_callbacks(execute=True):
        photo_process(photo_id=photo.pk, force=True)

    after = rendition_names(photo)
    assert len(after) == EXPECTED_COUNT and after.isdisjoint(before)
    assert not any(exists(name) for name in before)


def test_a_photo_changed_while_it_was_processed_keeps_nothing_from_that_run(
    monkeypatch, django_capture_on_commit_callbacks
):
    """An editor moves the focal point while the worker renders: the old run's files are
    dropped; the task queued by that edit does the work."""
    from photos import services

    photo = upload(images.jpeg())
    real_render = services.renditions.render

    def render_then_edit(*args, **kwargs):
        outputs = real_render(*args, **kwargs)
        Photo.objects.filter(pk=photo.pk).update(focal_x=0.9)
        return outputs

    monkeypatch.setattr(services.renditions, "render", render_then_edit)
    with django_capture_on_commit_callbacks(execute=True):
        photo_process(photo_id=photo.pk)

    assert photo.renditions.count() == 0
    assert rendition_files() == []


def test_a_failure_while_storing_leaves_no_files_and_no_rows(monkeypatch):
    from photos import services

    photo = upload(images.jpeg())
    storage = Rendition.file.field.storage
    real_save = storage.save
    calls = {"n": 0}

    def failing_save(name, content, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full")
        return real_save(name, content, **kwargs)

    monkeypatch.setattr(storage, "save", failing_save)
    with pytest.raises(OSError, match="disk full"):
        services.photo_process(photo_id=photo.pk)

    assert photo.renditions.count() == 0
    assert rendition_files() == []
    assert Photo.objects.get(pk=photo.pk).status == Photo.Status.PENDING


def test_processing_a_deleted_photo_does_nothing():
    assert photo_process(photo_id=987654) is None


# --- Bad files reaching the worker -------------------------------------------------------


def overwrite_original(photo: Photo, data: bytes) -> None:
    """A file damaged in storage after upload (or stored by a path that skipped checks)."""
    storage = photo.image.storage
    storage.delete(photo.image.name)
    storage.save(photo.image.name, ContentFile(data))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (images.truncated_jpeg(), "The image cannot be decoded: image file is truncated"),
        (b"", "The file is empty."),
        (b"GIF89a not really", "not a readable image, or it is damaged or cut short"),
        (
            images.pixel_bomb(),
            "12000×9000 (108 megapixels); the limit for PNG photos is 25 megapixels",
        ),
        (images.animated_gif(), "GIF files are not supported"),
        (images.animated_webp(), "Animated images are not supported"),
    ],
    ids=["truncated", "zero-bytes", "corrupt", "100mp-bomb", "animated-gif", "animated-webp"],
)
def test_a_bad_file_ends_in_the_failed_state_with_the_reason(data, reason):
    photo = upload(images.jpeg())
    photo_process(photo_id=photo.pk)
    overwrite_original(photo, data)

    failed = photo_process(photo_id=photo.pk)

    assert failed.status == Photo.Status.FAILED
    assert reason in failed.error
    assert failed.renditions.count() == 0


def test_a_truncated_jpeg_uploaded_through_the_model_fails_in_the_worker():
    photo = upload(images.truncated_jpeg())

    failed = photo_process(photo_id=photo.pk)

    assert failed.status == Photo.Status.FAILED
    assert "truncated" in failed.error


def test_a_missing_original_is_reported():
    photo = upload(images.jpeg())
    photo.image.storage.delete(photo.image.name)

    failed = photo_process(photo_id=photo.pk)

    assert failed.status == Photo.Status.FAILED
    assert failed.error == "The original file is missing from storage: upload it again."


def test_a_failed_photo_is_ready_again_once_it_can_be_processed():
    photo = upload(images.jpeg())
    overwrite_original(photo, b"")
    assert photo_process(photo_id=photo.pk).status == Photo.Status.FAILED
    overwrite_original(photo, images.jpeg())

    fixed = photo_process(photo_id=photo.pk)

    assert fixed.status == Photo.Status.READY and fixed.error == ""


# --- Queueing and the command ------------------------------------------------------------


def test_requesting_renditions_marks_failed_photos_pending_and_leaves_ready_ones_ready(
    django_capture_on_commit_callbacks,
):
    ready, failed = upload(images.jpeg()), upload(images.jpeg())
    photo_process(photo_id=ready.pk)
    Photo.objects.filter(pk=failed.pk).update(status=Photo.Status.FAILED, error="x")

    with django_capture_on_commit_callbacks() as callbacks:
        count = photo_request_renditions(photo_ids=[ready.pk, failed.pk, 999999])

    assert count == 2 and len(callbacks) == 2
    assert Photo.objects.get(pk=ready.pk).status == Photo.Status.READY
    assert Photo.objects.get(pk=failed.pk).status == Photo.Status.PENDING


def test_the_command_processes_unready_photos_and_reports_failures():
    ready, pending, broken = upload(images.jpeg()), upload(images.png()), upload(images.jpeg())
    photo_process(photo_id=ready.pk)
    overwrite_original(broken, b"")
    out, err = io.StringIO(), io.StringIO()

    call_command("remake_renditions", "--progress", stdout=out, stderr=err)

    assert Photo.objects.get(pk=pending.pk).status == Photo.Status.READY
    assert Photo.objects.get(pk=broken.pk).status == Photo.Status.FAILED
    assert "2 photos: 1 ready, 1 failed" in out.getvalue()
    assert f"Photo {broken.pk} failed: The file is empty." in err.getvalue()
    assert "2/2 photos" in err.getvalue()  # the progress bar


def test_the_command_with_all_and_force_remakes_every_photo():
    photos = [upload(images.jpeg()), upload(images.jpeg())]
    for photo in photos:
        photo_process(photo_id=photo.pk)
    before = set(Rendition.objects.values_list("file", flat=True))

    call_command("remake_renditions", "--all", "--force", stdout=io.StringIO())

    after = set(Rendition.objects.values_list("file", flat=True))
    assert len(after) == 2 * EXPECTED_COUNT and after.isdisjoint(before)


def test_the_command_takes_photo_ids_and_refuses_unknown_ones():
    photo = upload(images.jpeg())

    call_command("remake_renditions", str(photo.pk), stdout=io.StringIO())
    assert Photo.objects.get(pk=photo.pk).status == Photo.Status.READY

    with pytest.raises(CommandError, match="No photo with id 424242"):
        call_command("remake_renditions", str(photo.pk), "424242")
    with pytest.raises(CommandError, match="not both"):
        call_command("remake_renditions", str(photo.pk), "--all")


def test_the_command_can_queue_instead(django_capture_on_commit_callbacks):
    upload(images.jpeg())
    out = io.StringIO()

    with django_capture_on_commit_callbacks() as callbacks:
        call_command("remake_renditions", "--queue", stdout=out)

    assert "Queued 1 photo for the workers." in out.getvalue()
    assert len(callbacks) == 1


class PathlessStorage(InMemoryStorage):
    """Files that live nowhere on disk, as on S3: path() is refused to callers."""

    def path(self, name):
        raise NotImplementedError("no local paths on this storage")

    def _relative_path(self, name):  # InMemoryStorage's own bookkeeping used path()
        return os.path.relpath(safe_join(self.location, name), self.location)


def test_nothing_assumes_a_local_file_system(settings, django_capture_on_commit_callbacks):
    """Upload, renditions, replacement and stale-file deletion on a storage with no path()
    (as on S3): everything goes through the storage API."""
    settings.STORAGES = settings.STORAGES | {"default": {"BACKEND": f"{__name__}.PathlessStorage"}}
    storage = Photo._meta.get_field("image").storage
    with pytest.raises(NotImplementedError):
        storage.path("anything")

    with django_capture_on_commit_callbacks(execute=True):
        photo = upload(images.jpeg(exif=images.gps_exif()))
        processed = photo_process(photo_id=photo.pk)
        old = rendition_names(processed)
        photo.image = ContentFile(images.png(), name="replacement.png")
        photo.save()
        photo_process(photo_id=photo.pk)

    assert processed.status == Photo.Status.READY and len(old) == EXPECTED_COUNT
    assert not any(storage.exists(name) for name in old)
    assert all(storage.exists(name) for name in rendition_names(photo))
    assert images.metadata_markers(stored(photo.image.name)) == []


def test_deleting_a_photo_deletes_its_original_and_renditions_after_commit(
    django_capture_on_commit_callbacks,
):
    from articles.services import content_delete

    photo = photo_process(photo_id=upload(images.jpeg()).pk)
    names = [photo.image.name, *rendition_names(photo)]
    assert all(exists(name) for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        content_delete(instance=photo)

    assert not any(exists(name) for name in names)
    assert Rendition.objects.count() == 0


def test_saving_a_photo_loaded_without_its_image_queues_nothing(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    photo = photo_process(photo_id=upload(images.jpeg()).pk)
    partial = Photo.objects.only("pk", "alt_text").get(pk=photo.pk)
    partial.alt_text = "A better description"

    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(1):
        partial.save(update_fields=["alt_text"])

    assert callbacks == []
    assert Photo.objects.get(pk=photo.pk).status == Photo.Status.READY
