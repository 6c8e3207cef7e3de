"""Production settings pass `check --deploy` and send a strict Content-Security-Policy."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from realtime import checks

PRODUCTION = {
    "DEBUG": "0",
    "HTTPS": "1",
    "SECRET_KEY": "k" * 20 + "production-secret-that-is-long-and-random-0123456789",
    "ALLOWED_HOSTS": "workshops.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://workshops.example.org",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_passes_with_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_check_deploy_flags_an_insecure_setup():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="1", HTTPS="0")
    assert result.returncode != 0


def test_production_cookies_are_secure():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_HTTPONLY)"
    )
    result = manage("shell", "-c", code, **PRODUCTION)
    assert result.stdout.split()[-5:] == ["True"] * 5


def test_an_old_daphne_fails_the_deploy_check(monkeypatch):
    monkeypatch.setattr(checks, "version", lambda name: "4.2.1")
    assert [error.id for error in checks.daphne_is_patched(None)] == ["realtime.E001"]
    monkeypatch.setattr(checks, "version", lambda name: "4.2.3")
    assert checks.daphne_is_patched(None) == []


@pytest.mark.django_db
def test_pages_send_a_strict_csp_with_a_nonce(client):
    response = client.get("/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
