"""A scenario board in three browsers: the lead posts a scenario, one participant
answers (a second scenario arriving meanwhile loses nothing she typed), the other sees
the results change without a reload."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import chromium, join, log_in
from tests.factories import breakout, make_facilitator, make_workshop
from tests.servers import daphne
from workshops import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_results_of_a_scenario_appear_live(needs_chromium, output_dir):
    workshop = make_workshop("Taking resilience seriously", breakouts=1)
    room = breakout(workshop)
    room.kind, room.criteria = "scenarios", ["Desirability", "Feasibility"]
    room.save()
    make_facilitator(workshop, "lead")
    token = services.invite_create(workshop=workshop, label="Workshop link")
    with daphne(output_dir) as (base, _), chromium() as browser:
        lead = browser.new_context().new_page()
        log_in(lead, base, "lead", f"/w/{workshop.pk}/b/{room.pk}/")
        lead.get_by_label("Title of the scenario").fill("The agile crisis cell")
        lead.get_by_label("The scenario:", exact=True).fill("A permanent crisis team.")
        lead.get_by_role("button", name="Post the scenario").click()
        expect(lead.locator("#scenarios")).to_contain_text("The agile crisis cell")

        ana = browser.new_context().new_page()
        bob = browser.new_context().new_page()
        join(ana, f"{base}/join/{token}/", "Ana", "Room 1")
        join(bob, f"{base}/join/{token}/", "Bob", "Room 1")
        results = bob.locator(".scenario-results").first
        expect(results.locator("[data-agree]")).to_have_text("0")

        form = ana.get_by_role("form", name="Your feedback on “The agile crisis cell”")
        form.get_by_label("Disagree").check()
        form.get_by_label("Why?").fill("Budgets cannot move that fast")
        form.get_by_label("Feasibility (1 to 5)").select_option("2")
        # A second scenario arrives while Ana is still writing: her answer stays as it is.
        lead.get_by_label("Title of the scenario").fill("The resilience fund")
        lead.get_by_label("The scenario:", exact=True).fill("A fund shared by the districts.")
        lead.get_by_role("button", name="Post the scenario").click()
        expect(ana.locator("#scenarios > li.scenario")).to_have_count(2)
        expect(ana.locator("#scenarios")).to_contain_text("The resilience fund")
        expect(form.get_by_label("Why?")).to_have_value("Budgets cannot move that fast")
        expect(form.get_by_label("Disagree")).to_be_checked()
        form.get_by_role("button", name="Send my feedback on “The agile crisis cell”").click()
        expect(ana.locator(".messages")).to_contain_text("your feedback is saved")

        expect(results.locator("[data-disagree]")).to_have_text("1", timeout=5000)
        expect(results.locator("[data-list='reasons_disagree']")).to_contain_text(
            "Budgets cannot move that fast"
        )
        expect(results.locator("[data-criterion='Feasibility'] [data-average]")).to_have_text("2.0")
        bob.screenshot(path=output_dir / "scenario-board-results.png", full_page=True)
