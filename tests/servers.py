"""Real Daphne processes serving the test database, for cross-process and browser tests."""

import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from realtime import processes
from realtime.processes import free_port, wait_for_port
from tests.conftest import require

__all__ = ["RedisServer", "daphne", "free_port", "shared_database_url", "wait_for_port"]


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


class RedisServer:
    """A private redis-server on its own port, so restarting it disturbs no one else."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        require(binary is not None, "redis-server", "apt-get install redis-server")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
