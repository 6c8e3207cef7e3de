"""A card that could not be sent survives a reload, and lands exactly once when the
connection is back, even with two tabs resending it."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import chromium, join
from tests.factories import make_workshop
from tests.servers import daphne
from workshops import services
from workshops.models import Card

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SOCKETS = re.compile(r"/ws/")


def test_an_unsent_card_survives_a_reload_and_lands_once(needs_chromium, output_dir):
    workshop = make_workshop()
    token = services.invite_create(workshop=workshop, label="link")
    with daphne(output_dir) as (base, _), chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        join(page, f"{base}/join/{token}/", "Ana", "Room 1")
        board_url = page.url

        # The server never hears this page: its socket goes nowhere.
        page.route_web_socket(SOCKETS, lambda socket: None)
        page.reload()
        page.get_by_label("New practice").fill("Written on a train in a tunnel")
        page.locator(".column--practice").get_by_role("button", name="Post").click()
        pending = page.locator("#cards-practice .card.pending")
        expect(pending).to_contain_text("Written on a train in a tunnel")
        expect(page.locator("#connection-status")).to_contain_text("1 card not sent yet")
        page.reload()
        expect(pending).to_contain_text("Written on a train in a tunnel")
        assert Card.objects.count() == 0
        page.screenshot(path=output_dir / "outbox-pending-after-reload.png", full_page=True)
        page.close()

        # Two tabs come back at once; both resend the same outbox.
        tabs = [context.new_page() for _ in range(2)]
        for tab in tabs:
            tab.goto(board_url)
        for tab in tabs:
            expect(tab.locator("#cards-practice .card:not(.pending)")).to_have_count(1)
            expect(tab.locator("#cards-practice .card.pending")).to_have_count(0)
            expect(tab.locator("#connection-status")).to_have_text("Live")
        assert list(Card.objects.values_list("text", flat=True)) == [
            "Written on a train in a tunnel"
        ]
