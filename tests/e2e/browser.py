"""Playwright driving Debian's Chromium (never a downloaded browser)."""

import os
from contextlib import contextmanager
from unittest import mock

from tests.conftest import CHROMIUM

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls a test makes
    # meanwhile are plain synchronous ones.
    unsafe = mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"})
    with unsafe, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def join(page, invite_url: str, name: str, breakout_label: str) -> None:
    """Open the invite link, give a name, pick a breakout and land on its board."""
    page.goto(invite_url)
    page.get_by_label("Your name").fill(name)
    page.get_by_label(breakout_label).check()
    page.get_by_role("button", name="Join the workshop").click()
    page.wait_for_selector("#connection-status[data-state='connected']")


def log_in(page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_path}")
