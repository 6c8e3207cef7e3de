"""A facilitator steers live from the control room: a moved participant's page follows
without a reload, and a timer started for all shows on both participants' pages."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import chromium, join, log_in
from tests.factories import make_facilitator, make_workshop
from tests.servers import daphne
from workshops import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_moving_a_participant_and_a_timer_for_all(needs_chromium, output_dir):
    workshop = make_workshop("Green infrastructure", breakouts=2)
    make_facilitator(workshop, "lead")
    token = services.invite_create(workshop=workshop, label="Workshop link")
    with daphne(output_dir) as (base, _), chromium() as browser:
        ana = browser.new_context().new_page()
        bob = browser.new_context().new_page()
        join(ana, f"{base}/join/{token}/", "Ana", "Room 1")
        join(bob, f"{base}/join/{token}/", "Bob", "Room 1")
        lead = browser.new_context().new_page()
        log_in(lead, base, "lead", f"/w/{workshop.pk}/people/")

        # Move Bob to Room 2: his page follows by itself.
        bob_row = lead.get_by_role("row", name="Bob")
        bob_row.get_by_label("Breakout of Bob").select_option(label="Room 2")
        bob_row.get_by_role("button", name="Move", exact=True).click()
        expect(bob.locator("h1")).to_contain_text("Room 2", timeout=10_000)
        expect(bob.locator("#connection-status")).to_have_attribute("data-state", "connected")

        # A five-minute timer for every breakout shows on both pages.
        lead.goto(f"{base}/w/{workshop.pk}/control/")
        everyone = lead.locator(".all-breakouts .timer-form")
        everyone.get_by_label("Minutes").fill("5")
        everyone.get_by_role("button", name="Start").click()
        expect(lead.locator("#control-status")).to_contain_text("Timer updated")
        for page in (ana, bob):
            timer = page.locator(".board-status [data-timer]")
            expect(timer).to_be_visible(timeout=10_000)
            expect(timer).to_contain_text(":")
            assert timer.inner_text().split()[-1].startswith(("4:5", "5:0"))
        bob.screenshot(path=output_dir / "moved-participant-sees-timer.png", full_page=True)
        lead.screenshot(path=output_dir / "control-room-timer-started.png", full_page=True)
