"""Real Daphne processes serving the test database, for cross-process and browser tests."""

from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from realtime import processes
from realtime.processes import free_port, wait_for_port

__all__ = ["daphne", "free_port", "shared_database_url", "wait_for_port"]


def shared_database_url() -> str:
    """The URL of the database the tests run on, for another process to share."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def daphne(log_dir: Path, port: int | None = None, **env: str):
    """A Daphne process on the test database; its output goes to log_dir."""
    log_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    environment = {"DATABASE_URL": shared_database_url(), "REDIS_URL": settings.REDIS_URL, **env}
    with processes.daphne(log_dir / f"daphne-{port}.log", port, **environment) as served:
        yield served
