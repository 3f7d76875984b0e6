"""`manage.py remake_renditions`: make photos' renditions in bulk, with a progress bar."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from photos.models import Photo
from photos.services import photo_process, photo_request_renditions


class Command(BaseCommand):
    help = (
        "Make the renditions of photos that are pending or failed (or of every photo with "
        "--all, or of the photos given by id), here and now; --queue hands them to the "
        "Celery workers instead. Renditions that are up to date are kept unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("photo_ids", nargs="*", type=int, metavar="PHOTO_ID")
        parser.add_argument(
            "--all", action="store_true", dest="everything", help="Every photo, not just unready."
        )
        parser.add_argument("--force", action="store_true", help="Remake up-to-date ones too.")
        parser.add_argument("--queue", action="store_true", help="Queue tasks for the workers.")
        parser.add_argument(
            "--progress", action="store_true", help="Draw the progress bar even off a terminal."
        )

    def handle(self, *args, photo_ids: list[int], everything: bool, force: bool, **options):
        self.progress = options["progress"] or self.stderr.isatty()
        if photo_ids and everything:
            raise CommandError("Give photo ids or --all, not both.")
        photos = Photo.objects.order_by("pk")
        if photo_ids:
            photos = photos.filter(pk__in=photo_ids)
            missing = set(photo_ids) - set(photos.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No photo with id {', '.join(map(str, sorted(missing)))}.")
        elif not everything:
            photos = photos.exclude(status=Photo.Status.READY)
        ids = list(photos.values_list("pk", flat=True))
        if options["queue"]:
            count = photo_request_renditions(photo_ids=ids, force=force)
            self.stdout.write(f"Queued {count} photo{'s' if count != 1 else ''} for the workers.")
            return

        counts = {status: 0 for status in Photo.Status.values}
        started = time.monotonic()
        for done, pk in enumerate(ids, start=1):
            photo = photo_process(photo_id=pk, force=force)
            if photo is not None:
                counts[photo.status] += 1
                if photo.status == Photo.Status.FAILED:
                    self._clear_bar()
                    self.stderr.write(f"Photo {pk} failed: {photo.error}")
            self._bar(done, len(ids), started)
        self._clear_bar()
        self.stdout.write(
            f"{len(ids)} photos: {counts['ready']} ready, {counts['failed']} failed"
            + (f", {counts['pending']} pending" if counts["pending"] else "")
            + f" ({time.monotonic() - started:.1f} s)."
        )

    def _bar(self, done: int, total: int, started: float, width: int = 30) -> None:
        """One line redrawn in place on a terminal; nothing when output is a file or a pipe."""
        if not self.progress:
            return
        filled = width * done // total
        rate = done / max(time.monotonic() - started, 1e-6)
        eta = (total - done) / rate
        self.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} photos, "
            f"{rate:.1f}/s, {eta:.0f} s left ",
            ending="",
        )
        self.stderr.flush()

    def _clear_bar(self) -> None:
        if self.progress:
            self.stderr.write("\r\033[K", ending="")
