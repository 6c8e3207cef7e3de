import json
import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", settings.BASE_DIR / "test-results"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def require(available: bool, what: str, how: str) -> None:
    """Skip a test whose service or browser is missing; in CI, fail it instead."""
    if available:
        return
    message = f"needs {what}: {how}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI runs every test)")
    pytest.skip(message)


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def needs_redis():
    require(
        bool(settings.REDIS_URL) and _reachable(settings.REDIS_URL, 6379),
        "Redis",
        "install and start redis-server, then set REDIS_URL=redis://127.0.0.1:6379/0",
    )


@pytest.fixture
def needs_nginx():
    require(shutil.which("nginx") is not None, "nginx", "apt-get install nginx")


@pytest.fixture
def needs_postgres():
    require(
        settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
        "PostgreSQL",
        "install and start PostgreSQL, then set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test",
    )


@pytest.fixture
def needs_chromium():
    try:
        import playwright  # noqa: F401

        has_playwright = True
    except ImportError:
        has_playwright = False
    require(
        has_playwright and shutil.which(CHROMIUM) is not None,
        "Chromium",
        "apt-get install chromium (or set CHROMIUM_PATH) and pip install playwright",
    )


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a request of an earlier test in
    another language leaves that one active in the thread."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_limits():
    """Every test starts with full limits: counts of earlier tests (in this process, or
    in Redis) do not carry over."""
    from django.core.cache import cache

    from realtime.limits import limits

    limits.local.clear()
    cache.clear()


@pytest.fixture
def output_dir() -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture(scope="session")
def django_db_modify_db_settings():
    """The test process opens and drops connections in the threads of each test's event
    loop; a pool would keep those of threads that are gone. The servers the tests start
    keep their pool."""
    settings.DATABASES["default"].get("OPTIONS", {}).pop("pool", None)


def pytest_sessionstart(session):
    (OUTPUT_DIR / "fault-scenarios.json").unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter):
    """Show the fault scenarios' figures (cards sent, acked, stored, duplicates)."""
    path = OUTPUT_DIR / "fault-scenarios.json"
    if path.exists():
        terminalreporter.section("fault scenarios")
        for report in json.loads(path.read_text()).values():
            terminalreporter.write_line(
                f"{report['scenario']}: sent {report['cards_sent']}, acked {report['acked']}, "
                f"stored {report['stored']}, duplicates {report['duplicates']}, "
                f"lost {report['lost']}, reconnections {report['reconnections']}, "
                f"retryable errors {report['retryable_errors']}"
            )
