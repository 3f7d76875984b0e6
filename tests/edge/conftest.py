from tests.support.front import edge, purging  # noqa: F401 - the real front's fixtures
