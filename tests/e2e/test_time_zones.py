"""Times show in the viewer's own time zone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import chromium
from tests.factories import make_workshop
from tests.servers import daphne
from workshops import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_workshop_time_is_shown_in_the_viewers_zone(needs_chromium, output_dir):
    workshop = make_workshop("Green infrastructure")  # 14:00 to 16:00 UTC
    token = services.invite_create(workshop=workshop, label="link")
    with daphne(output_dir) as (base, _), chromium() as browser:
        tokyo = browser.new_context(timezone_id="Asia/Tokyo", locale="en-GB").new_page()
        tokyo.goto(f"{base}/join/{token}/")
        expect(tokyo.locator(".when time").first).to_contain_text("23:00")
        bogota = browser.new_context(timezone_id="America/Bogota", locale="en-GB").new_page()
        bogota.goto(f"{base}/join/{token}/")
        expect(bogota.locator(".when time").first).to_contain_text("09:00")
        expect(bogota.locator(".when time").last).to_contain_text("11:00")
