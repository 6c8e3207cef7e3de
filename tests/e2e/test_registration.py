"""Applying, being accepted and joining, each person in their own browser."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import chromium, log_in
from tests.factories import make_facilitator, make_workshop
from tests.servers import daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_apply_be_accepted_and_join(needs_chromium, output_dir):
    workshop = make_workshop("Green infrastructure", breakouts=2)
    workshop.registration = "review"
    workshop.save()
    make_facilitator(workshop, "lead")
    with daphne(output_dir) as (base, _), chromium() as browser:
        ana = browser.new_context().new_page()
        ana.goto(f"{base}/apply/{workshop.pk}/")
        ana.get_by_label("Your name").fill("Ana Silva")
        ana.get_by_label("Email").fill("ana@example.org")
        ana.get_by_label("Organisation").fill("City of Lisbon")
        ana.get_by_label("Your role or position").fill("City manager")
        ana.locator("#id_city").fill("Lisbon")
        ana.get_by_label("Country").fill("Portugal")
        ana.get_by_label("Working language").select_option("en")
        ana.get_by_label("Challenge you would most like to work on").select_option(
            label="Challenge 2"
        )
        ana.get_by_role("button", name="Send my registration").click()
        expect(ana.locator("#application-status")).to_contain_text("waiting for the organisers")
        ana.screenshot(path=output_dir / "registration-received.png", full_page=True)

        lead = browser.new_context().new_page()
        log_in(lead, base, "lead", f"/w/{workshop.pk}/registrations/")
        lead.get_by_label("Decision on Ana Silva", exact=True).select_option(label="Accept")
        lead.get_by_role("button", name="Save the decision on Ana Silva").click()
        expect(lead.locator("#applications")).to_contain_text("Accepted")
        lead.screenshot(path=output_dir / "registration-review.png", full_page=True)

        ana.reload()
        expect(ana.locator("#application-status")).to_contain_text("You are registered.")
        ana.get_by_role("link", name="Join the workshop").click()
        expect(ana.get_by_label("Your name")).to_have_value("Ana Silva")
        ana.get_by_label("Room 2").check()
        ana.get_by_role("button", name="Join the workshop").click()
        ana.wait_for_selector("#connection-status[data-state='connected']")
        expect(ana.locator("h1")).to_contain_text("Room 2")
        ana.screenshot(path=output_dir / "registration-joined.png", full_page=True)
