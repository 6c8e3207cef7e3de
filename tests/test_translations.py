"""The French and Spanish catalogues are complete, well-formed and compiled: every string
of the code (Python, templates, JavaScript) is translated, none is fuzzy, `msgfmt -c`
accepts each file without a warning, and the committed .mo files are the .po files."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import require

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
DOMAINS = ["django", "djangojs"]
CATALOGUES = [(language, domain) for language in LANGUAGES for domain in DOMAINS]
ONLY_TRANSLATED = re.compile(r"\d+ translated messages?\.")
SOURCES = ["facilitate", "workshops", "realtime", "templates", "static", "locale", "manage.py"]


@pytest.fixture(scope="module")
def msgfmt():
    binary = shutil.which("msgfmt")
    require(binary is not None, "GNU gettext", "apt-get install gettext")
    return binary


def po_file(root: Path, language: str, domain: str) -> Path:
    return root / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_msgfmt_accepts_the_catalogue_without_a_warning(msgfmt, language, domain):
    result = subprocess.run(
        [
            msgfmt,
            "-c",
            "--statistics",
            "-o",
            "/dev/null",
            po_file(settings.BASE_DIR, language, domain),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    # Only the count of translated messages: no fuzzy, no untranslated, no header warning.
    assert ONLY_TRANSLATED.fullmatch(result.stderr.strip()), result.stderr


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_the_compiled_catalogue_is_the_po_file(msgfmt, tmp_path, language, domain):
    fresh = tmp_path / "fresh.mo"
    po = po_file(settings.BASE_DIR, language, domain)
    subprocess.run([msgfmt, "-o", fresh, po], check=True)
    with open(fresh, "rb") as compiled, open(po.with_suffix(".mo"), "rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(compiled)._catalog
        ), f"{po.with_suffix('.mo')} is stale: run make messages"


def test_every_string_of_the_code_is_in_the_catalogues(msgfmt, tmp_path):
    """makemessages on a copy of the sources finds nothing new to translate."""
    copy = tmp_path / "copy"
    for name in SOURCES:
        source = settings.BASE_DIR / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("vendor", "fonts"))
        else:
            shutil.copy(source, copy / name)
    for domain in DOMAINS:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-d", domain, "--no-obsolete"]
            + [f"--locale={language}" for language in LANGUAGES],
            cwd=copy,
            check=True,
            capture_output=True,
        )
    for language, domain in CATALOGUES:
        result = subprocess.run(
            [msgfmt, "--statistics", "-o", "/dev/null", po_file(copy, language, domain)],
            capture_output=True,
            text=True,
        )
        assert ONLY_TRANSLATED.fullmatch(result.stderr.strip()), (
            f"{language}/{domain}: {result.stderr.strip()}: run make messages and translate"
        )
