"""Two people in one breakout, each in their own browser: a card posted by one
appears for the other without a reload."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import chromium, join
from tests.factories import make_facilitator, make_workshop
from tests.servers import daphne
from workshops import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_card_appears_for_the_other_participant(needs_chromium, output_dir):
    workshop = make_workshop("Green infrastructure", breakouts=2)
    token = services.invite_create(workshop=workshop, label="Workshop link")
    with daphne(output_dir) as (base, _), chromium() as browser:
        ana = browser.new_context().new_page()
        bob = browser.new_context().new_page()
        join(ana, f"{base}/join/{token}/", "Ana", "Room 1")
        join(bob, f"{base}/join/{token}/", "Bob", "Room 1")

        ana.get_by_label("New practice").fill("Sponge park <img src=x onerror=alert(1)>")
        ana.get_by_role("button", name="Post").first.click()
        bob.get_by_label("New difficulty").fill("Utility cables block tree pits")
        bob.locator(".column--difficulty").get_by_role("button", name="Post").click()

        for page in (ana, bob):
            expect(page.locator("#cards-practice")).to_contain_text(
                "Sponge park <img src=x onerror=alert(1)>", timeout=5000
            )
            expect(page.locator("#cards-difficulty")).to_contain_text(
                "Utility cables block tree pits", timeout=5000
            )
        assert bob.locator("#cards-practice img").count() == 0
        expect(bob.locator("#cards-practice .author")).to_have_text("Ana")
        bob.screenshot(path=output_dir / "live-board-two-participants.png", full_page=True)

        bob.reload()
        expect(bob.locator("#cards-practice .card")).to_have_count(1)
        expect(bob.locator("#cards-difficulty .card")).to_have_count(1)


def test_the_control_room_counts_cards_live(needs_chromium, output_dir):
    workshop = make_workshop("Green infrastructure", breakouts=3)
    make_facilitator(workshop, "lead")
    token = services.invite_create(workshop=workshop, label="Workshop link")
    room = workshop.breakouts.get(position=2)
    with daphne(output_dir) as (base, _), chromium() as browser:
        facilitator = browser.new_context().new_page()
        facilitator.goto(f"{base}/login/?next=/w/{workshop.pk}/control/")
        facilitator.get_by_label("Username").fill("lead")
        facilitator.get_by_label("Password").fill("a-long-password-1")
        facilitator.get_by_role("button", name="Log in").click()
        facilitator.wait_for_selector("#connection-status[data-state='connected']")
        row = facilitator.locator(f"#breakout-row-{room.pk}")
        expect(row.locator("[data-count='practice']")).to_have_text("0")

        ana = browser.new_context().new_page()
        join(ana, f"{base}/join/{token}/", "Ana", "Room 2")
        ana.get_by_label("New practice").fill("Shared tree-planting map")
        ana.locator(".column--practice").get_by_role("button", name="Post").click()

        expect(row.locator("[data-count='practice']")).to_have_text("1", timeout=5000)
        expect(row).to_contain_text("Ana")
        facilitator.screenshot(path=output_dir / "control-room-live-count.png", full_page=True)
