"""The photo pipeline's writes: make a photo's renditions, mark it failed, queue the worker.
A photo's new renditions purge every page that shows it (`Photo.cache_keys`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction

from core.pagecache import purge_on_commit
from photos import renditions
from photos.models import Photo, Rendition


def photo_process(*, photo_id: int, force: bool = False) -> Photo | None:
    """Make a photo's missing or out-of-date renditions, delete stale ones, set its status.

    Idempotent: a rendition already made from the same original (and, for a crop, the same
    focal point) is kept, so a second run makes nothing. The pixels are worked outside any
    transaction; the rows are then written under a lock on the photo, after checking that
    nobody changed it meanwhile (if so, the task that change queued does the work and these
    files are dropped). Replaced files are deleted after commit, so a rollback never leaves
    a row pointing at a deleted file. Returns the photo as stored, or None if deleted.
    """
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None:
        return None
    inputs = _photo_inputs(photo)
    focal = (photo.focal_x, photo.focal_y)
    try:
        with photo.image.open("rb") as original:
            data = original.read()
    except FileNotFoundError:
        return photo_fail(
            photo_id=photo_id, reason="The original file is missing from storage: upload it again."
        )
    try:
        wanted = renditions.plan(data, focal=focal)
        existing = {(r.spec, r.format): r.source for r in photo.renditions.all()}
        todo = [spec for spec in wanted if force or existing.get(spec.key) != spec.source]
        outputs = renditions.render(data, todo, focal=focal)
    except renditions.PhotoRejected as exc:
        return photo_fail(photo_id=photo_id, reason=str(exc))

    storage = Rendition._meta.get_field("file").storage
    saved: list[str] = []
    try:
        made = []
        for output in outputs:
            name = storage.save(_rendition_name(photo.pk, output.spec), ContentFile(output.data))
            saved.append(name)
            made.append(
                Rendition(
                    photo_id=photo.pk,
                    spec=output.spec.name,
                    format=output.spec.format,
                    file=name,
                    width=output.width,
                    height=output.height,
                    bytes=len(output.data),
                    source=output.spec.source,
                )
            )
        with transaction.atomic():
            current = Photo.objects.select_for_update().filter(pk=photo_id).first()
            if current is None or _photo_inputs(current) != inputs:
                transaction.on_commit(lambda: photo_files_delete(storage, saved))
                return current
            rows = {(r.spec, r.format): r for r in current.renditions.all()}
            wanted_keys = {spec.key for spec in wanted}
            stale = [row for key, row in rows.items() if key not in wanted_keys]
            unused: list[str] = []
            new = []
            for rendition in made:
                row = rows.get((rendition.spec, rendition.format))
                if row is not None and row.source == rendition.source and not force:
                    unused.append(rendition.file.name)  # a concurrent run made it first
                    continue
                if row is not None:
                    stale.append(row)
                new.append(rendition)
            Rendition.objects.filter(pk__in=[row.pk for row in stale]).delete()
            Rendition.objects.bulk_create(new)
            Photo.objects.filter(pk=photo_id).update(status=Photo.Status.READY, error="")
            dropped = [row.file.name for row in stale] + unused
            if new or stale or current.status != Photo.Status.READY:
                transaction.on_commit(lambda: _photo_changed(photo_id, storage, dropped))
    except BaseException:
        photo_files_delete(storage, saved)
        raise
    current.refresh_from_db()
    return current


def photo_fail(*, photo_id: int, reason: str) -> Photo | None:
    """Mark a photo failed with the reason editors see in admin. Its renditions go: they
    show a picture that is no longer this photo's file or crop."""
    storage = Rendition._meta.get_field("file").storage
    with transaction.atomic():
        stale = list(Rendition.objects.filter(photo_id=photo_id))
        Rendition.objects.filter(pk__in=[row.pk for row in stale]).delete()
        Photo.objects.filter(pk=photo_id).update(status=Photo.Status.FAILED, error=reason)
        dropped = [row.file.name for row in stale]
        transaction.on_commit(lambda: _photo_changed(photo_id, storage, dropped))
    return Photo.objects.filter(pk=photo_id).first()


def photo_request_renditions(*, photo_ids: Iterable[int], force: bool = False) -> int:
    """Queue the worker to (re)make these photos' renditions; returns how many were queued.

    A ready photo stays ready meanwhile, so readers keep the renditions they have; a failed
    one shows as pending again. `force` remakes renditions that are up to date too.
    """
    from photos.tasks import make_renditions  # the task calls back into this module

    ids = list(Photo.objects.filter(pk__in=photo_ids).values_list("pk", flat=True))
    Photo.objects.filter(pk__in=ids, status=Photo.Status.FAILED).update(
        status=Photo.Status.PENDING, error=""
    )
    for pk in ids:
        make_renditions.delay_on_commit(photo_id=pk, force=force)
    return len(ids)


def _photo_inputs(photo: Photo) -> tuple[str, float, float]:
    return photo.image.name, photo.focal_x, photo.focal_y


def _rendition_name(photo_id: int, spec: renditions.Spec) -> str:
    # The source's hash is in the name: a remade file gets a new URL, so CDNs and browsers
    # may cache renditions forever.
    return Rendition._meta.get_field("file").generate_filename(None, f"{photo_id}-{spec.filename}")


def _photo_changed(photo_id: int, storage: Storage, dropped: list[str]) -> None:
    photo_files_delete(storage, dropped)
    purge_on_commit(objects=[Photo(pk=photo_id)])


def photo_files_delete(storage: Storage, names: Iterable[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # a file already gone, or storage down: an orphan, never a lost row
            logging.getLogger(__name__).warning(
                "could not delete rendition file %s", name, exc_info=True
            )
