"""A facilitator links a difficulty of Room 1 to a practice of Room 2, by keyboard on
the answers page; the participant's board in Room 1 shows it at once."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import chromium, join, log_in
from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from tests.servers import daphne
from workshops import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

DIFFICULTY = "Nobody pays for watering the new trees in summer."
PRACTICE = "Shop owners adopt a tree and water it, for a small tax reduction."


def test_linking_a_practice_of_another_breakout_shows_on_the_participants_board(
    needs_chromium, output_dir
):
    workshop = make_workshop("Green infrastructure", breakouts=2)
    make_facilitator(workshop, "lead")
    ben = make_participant(workshop, breakout(workshop, 2), "Ben")
    post_card(ben, breakout(workshop, 2), PRACTICE)
    token = services.invite_create(workshop=workshop, label="Workshop link")
    with daphne(output_dir) as (base, _), chromium() as browser:
        ana = browser.new_context().new_page()
        join(ana, f"{base}/join/{token}/", "Ana", "Room 1")
        ana.get_by_label("New difficulty").fill(DIFFICULTY)
        ana.locator("form.card-form[data-kind=difficulty] button[type=submit]").click()
        ana.locator("#cards-difficulty").get_by_text(DIFFICULTY).wait_for()
        expect(ana.locator("#connection-status")).to_have_attribute("data-state", "connected")

        lead = browser.new_context().new_page()
        log_in(lead, base, "lead", f"/w/{workshop.pk}/answers/")
        lead.get_by_label("A practice that answers this difficulty").select_option(label=PRACTICE)
        lead.get_by_label("Note (optional)").fill("Works in Room 2's city")
        lead.get_by_role("button", name="Link this practice").press("Enter")
        expect(lead.get_by_text("Linked by lead")).to_be_visible()

        answer = ana.locator("#cards-difficulty .answer")
        expect(answer).to_contain_text("Answered by a practice from Room 2:", timeout=10_000)
        expect(answer).to_contain_text(PRACTICE)
        expect(answer).to_contain_text("Works in Room 2's city")
        ana.screenshot(path=output_dir / "answer-on-participant-board.png", full_page=True)
        lead.screenshot(path=output_dir / "answers-page.png", full_page=True)
