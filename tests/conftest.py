"""Fixtures for every test: personas and desk staff, a temp MEDIA_ROOT, a real Celery
worker, a real SMTP server, the real browser. What they are built from lives in tests/support/."""

import os
from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import User

from articles.models import Article, Desk
from tests.support.browser import browser, page  # noqa: F401 - the real-browser fixtures, suite-wide
from tests.support.factories import ArticleFactory, DeskFactory, PhotoFactory
from tests.support.mail import SMTPSink
from tests.support.personas import desk_member, every_desk, make_user
from tests.support.shared_cache import shared_cache  # noqa: F401 - a reader behind a shared cache
from tests.support.workers import use_own_redis_databases


@pytest.fixture(autouse=True, scope="session")
def _static_files_scanned_once() -> Iterator[None]:
    """Each test client builds its own middleware chain, and WhiteNoise's scans the collected
    static files every time (a sixth of a second a client: minutes a run). Scan each folder
    once a run, for the same headers: the files do not change while tests run."""
    from whitenoise.base import WhiteNoise

    real = WhiteNoise.update_files_dictionary
    scanned: dict[tuple, dict] = {}

    def update_files_dictionary(self, root, prefix):
        key = (root, prefix, self.max_age, self.allow_all_origins, self.charset)
        if key not in scanned:
            files, self.files = self.files, {}
            real(self, root, prefix)
            scanned[key], self.files = self.files, files
        self.files.update(scanned[key])

    WhiteNoise.update_files_dictionary = update_files_dictionary
    yield
    WhiteNoise.update_files_dictionary = real


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def reader(db) -> User:
    """A signed-in member of the public: no staff rights at all."""
    return make_user("reader")


# The reporter and editor personas work on every desk, so tests of a role stay about the
# role; desk rights are tested with desk members in tests/articles/test_desk_rights.py.
@pytest.fixture
def reporter(db) -> User:
    return every_desk(make_user("reporter", group="Reporters", staff=True))


@pytest.fixture
def editor(db) -> User:
    return every_desk(make_user("editor", group="Editors", staff=True))


@pytest.fixture
def moderator(db) -> User:
    return make_user("moderator", group="Moderators", staff=True)


@pytest.fixture
def outsider(db) -> User:
    """Staff, but in no group: can log in to admin and do nothing."""
    return make_user("outsider", staff=True)


@pytest.fixture
def superuser(db) -> User:
    return make_user("root", staff=True, is_superuser=True)


@pytest.fixture
def editor_client(client, editor):
    """The test client, signed in as the editor."""
    client.force_login(editor)
    return client


# --- Desk staff: rights follow the desk, so two desks and people on each ---------------


@pytest.fixture
def transport(db) -> Desk:
    return DeskFactory(name="Transport", slug="transport")


@pytest.fixture
def culture(db) -> Desk:
    return DeskFactory(name="Culture", slug="culture")


@pytest.fixture
def rita(transport) -> User:
    """A Transport reporter."""
    return desk_member("rita", "Reporters", transport)


@pytest.fixture
def eddie(transport) -> User:
    """A Transport editor."""
    return desk_member("eddie", "Editors", transport)


@pytest.fixture
def cleo(culture) -> User:
    """A Culture editor."""
    return desk_member("cleo", "Editors", culture)


@pytest.fixture
def transport_draft(transport, rita) -> Article:
    """Rita's draft on the Transport desk, with a hero photo ready for publication."""
    return ArticleFactory(
        draft=True,
        desk=transport,
        created_by=rita,
        headline="Fares rise",
        hero_photo=PhotoFactory(),
    )


def _recorded_purges[Entry](monkeypatch, entry: Callable[[list[str], bool], Entry]) -> list[Entry]:
    """Each call to the page cache's purge, in order, as `entry(sorted keys, soft)`; the real
    purge still runs, so cached pages go stale as they would."""
    from core import pagecache

    calls: list[Entry] = []
    real = pagecache.purge

    def record(keys, *, soft=False):
        calls.append(entry(sorted(set(keys)), soft))
        real(keys, soft=soft)

    monkeypatch.setattr(pagecache, "purge", record)
    return calls


@pytest.fixture
def purges(monkeypatch) -> list[tuple[list[str], bool]]:
    """Each purge: its keys, and whether it was soft."""
    return _recorded_purges(monkeypatch, lambda keys, soft: (keys, soft))


@pytest.fixture
def purged(monkeypatch) -> list[list[str]]:
    """Each purge's keys."""
    return _recorded_purges(monkeypatch, lambda keys, soft: keys)


@pytest.fixture
def celery_worker(transactional_db) -> Iterator[object]:
    """A real Celery worker thread consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    import tests.worker_tasks  # noqa: F401 - the worker knows only tasks registered before it starts
    from newsroom.celery import app

    assert os.environ.get("CELERY_BROKER_URL"), "tests need a real broker (make test sets it)"
    app.conf.task_always_eager = False
    # Stopping waits for the worker's blocking read of the queue to time out: a tenth of a
    # second instead of Redis transport's one, in each of these tests.
    options = app.conf.broker_transport_options
    app.conf.broker_transport_options = {**options, "polling_interval": 0.1}
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = False
        app.conf.broker_transport_options = options


@pytest.fixture
def mail_server(settings) -> Iterator[SMTPSink]:
    """The default mailer points at a real SMTP server this test reads (and may stop, stall
    or make refuse mail)."""
    sink = SMTPSink()
    sink.start()
    settings.MAILERS = sink.mailers()
    try:
        yield sink
    finally:
        sink.release()
        sink.stop()


# The fast loop, `pytest -m "not e2e and not faults"`, leaves out what drives a real browser
# (e2e) and what starts servers of its own (faults): by folder, and elsewhere by the fixtures
# a test asks for, so a new test is marked by what it uses.
SLOW_FOLDERS = {"e2e": "e2e", "faults": "faults", "edge": "faults"}
SLOW_FIXTURES = {
    "browser": "e2e",  # the real `page` asks for it; a module's own `page` fixture does not
    "edge": "faults",
    "purging": "faults",
    "redis_broker": "faults",
    "own_broker": "faults",
    "worker_processes": "faults",
}


def pytest_configure(config) -> None:
    use_own_redis_databases()  # under `pytest -n`: each worker its own cache and broker


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        parts = item.path.parts
        marks = {SLOW_FOLDERS.get(parts[parts.index("tests") + 1])}
        marks |= {mark for name, mark in SLOW_FIXTURES.items() if name in item.fixturenames}
        for mark in sorted(marks - {None}):
            item.add_marker(getattr(pytest.mark, mark))
