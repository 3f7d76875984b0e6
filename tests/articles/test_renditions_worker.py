"""The rendition task in a real Celery worker on the real Redis broker."""

import io
import time

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from photos.models import Photo
from photos.renditions import output_formats
from tests.articles import renditions_images as images
from tests.factories import PhotoFactory


def wait_for(photo_ids: list[int], timeout: float = 60) -> dict[int, Photo]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        photos = {photo.pk: photo for photo in Photo.objects.filter(pk__in=photo_ids)}
        if all(photo.status != Photo.Status.PENDING for photo in photos.values()):
            return photos
        time.sleep(0.1)
    raise AssertionError(f"still pending after {timeout}s: {photo_ids}")


@pytest.mark.django_db(transaction=True)
def test_the_worker_makes_renditions_after_upload_and_goes_on_after_a_bad_file(celery_worker):
    # Uploaded in this order: the worker meets the bad file first, then must carry on.
    bad = PhotoFactory(image=ContentFile(images.truncated_jpeg(), name="cut.jpg"))
    good = PhotoFactory(
        image=ContentFile(
            images.jpeg(images.picture(1400, 900), exif=images.gps_exif()), name="g.jpg"
        )
    )
    assert bad.status == good.status == Photo.Status.PENDING

    photos = wait_for([bad.pk, good.pk])

    assert photos[bad.pk].status == Photo.Status.FAILED
    assert "image file is truncated" in photos[bad.pk].error
    good = photos[good.pk]
    assert good.status == Photo.Status.READY
    renditions = list(good.renditions.all())
    assert len(renditions) == 5 * len(output_formats()) + 3
    for rendition in renditions:
        with rendition.file.open("rb") as file:
            data = file.read()
        assert images.metadata_markers(data) == []
        assert not Image.open(io.BytesIO(data)).getexif()


@pytest.mark.django_db(transaction=True)
def test_moving_the_focal_point_is_picked_up_by_the_worker(celery_worker):
    photo = PhotoFactory(image=ContentFile(images.jpeg(images.picture(1600, 1000)), name="f.jpg"))
    wait_for([photo.pk])
    old_square = Photo.objects.get(pk=photo.pk).crop("1x1").file.name

    photo = Photo.objects.get(pk=photo.pk)
    photo.focal_x = 0.0
    photo.save()
    assert photo.status == Photo.Status.PENDING

    photo = wait_for([photo.pk])[photo.pk]
    assert photo.status == Photo.Status.READY
    assert photo.crop("1x1").file.name != old_square
    assert not photo.image.storage.exists(old_square)
