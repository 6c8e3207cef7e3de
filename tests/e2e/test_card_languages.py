"""Cards show the language they are written in, live, and the board can show the cards
of one language only."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import chromium, join
from tests.factories import make_workshop
from tests.servers import daphne
from workshops import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def post(page, text, language=""):
    page.get_by_label("New practice").fill(text)
    page.get_by_label("Language of this practice").select_option(language)
    page.locator(".column--practice").get_by_role("button", name="Post").click()


def test_languages_of_cards_live_and_the_filter(needs_chromium, output_dir):
    workshop = make_workshop("Green infrastructure", breakouts=1)
    token = services.invite_create(workshop=workshop, label="link")
    with daphne(output_dir) as (base, _), chromium() as browser:
        ana = browser.new_context().new_page()
        bob = browser.new_context().new_page()
        join(ana, f"{base}/join/{token}/", "Ana", "Room 1")
        join(bob, f"{base}/join/{token}/", "Bob", "Room 1")
        post(ana, "Des jardins de pluie dans les cours d'école")
        post(ana, "Green roofs", language="es")  # the author's choice, not the detection
        post(ana, "Rain gardens in every schoolyard")

        cards = bob.locator("#cards-practice li[data-card]")
        expect(cards).to_have_count(3)
        expect(cards.nth(0).locator("abbr.card-language")).to_have_text("FR")
        expect(cards.nth(0).locator("abbr.card-language")).to_have_attribute("title", "French")
        expect(cards.nth(0).locator(".card-text")).to_have_attribute("lang", "fr")
        expect(cards.nth(1).locator("abbr.card-language")).to_have_text("ES")

        bob.get_by_label("Show cards written in").select_option("fr")
        expect(cards.nth(0)).to_be_visible()
        expect(cards.nth(1)).to_be_hidden()
        expect(cards.nth(2)).to_be_hidden()
        bob.get_by_label("Show cards written in").select_option("")
        expect(cards.nth(2)).to_be_visible()
