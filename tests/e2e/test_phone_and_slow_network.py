"""The board on a phone, at 200 % zoom, on a slow 3G connection, and what its first
load weighs."""

import gzip
import os
import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.browser import chromium
from tests.e2e.scene import busy_board
from tests.servers import daphne
from workshops import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}
# Chromium DevTools' "Slow 3G": 400 ms round trips and 500 kbit/s, times its own factors.
SLOW_3G = {
    "offline": False,
    "latency": 2000,
    "downloadThroughput": 50_000,
    "uploadThroughput": 50_000,
}
# Set to write the README's picture of the board in French on a phone.
DOCS_IMAGE = settings.BASE_DIR / "docs" / "board-phone-fr.png"

# Elements wider than the screen, besides those hidden for sighted readers on purpose.
OVERFLOWING = """() => [...document.querySelectorAll("body *")]
  .filter((element) => !element.closest(".visually-hidden, .skip-link, template"))
  .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
  .map((element) => element.outerHTML.slice(0, 120))"""


def collecting_board():
    scene = busy_board()
    services.breakouts_set_phase(
        actor_id=scene.lead_id, workshop_id=scene.workshop.pk, phase="collect"
    )
    return scene


def open_board(page, base, scene):
    page.goto(base + scene.board_path)
    page.wait_for_selector("#connection-status[data-state='connected']")


def test_the_board_works_on_a_phone_with_touch(needs_chromium, output_dir):
    scene = collecting_board()
    with daphne(output_dir) as (base, _), chromium() as browser:
        ana = scene.page_as(browser, base, "Ana", locale="fr", **PHONE)
        open_board(ana, base, scene)
        assert ana.evaluate(OVERFLOWING) == []
        assert ana.evaluate("document.documentElement.scrollWidth") <= 360

        ana.get_by_label("Nouvelle pratique").tap()
        ana.get_by_label("Nouvelle pratique").fill("Des jardins de pluie dans les cours d’école")
        ana.locator(".column--practice").get_by_role("button", name="Publier").tap()
        expect(ana.locator("#cards-practice li[data-card]")).to_contain_text(
            ["Des jardins de pluie dans les cours d’école"]
        )
        assert ana.evaluate(OVERFLOWING) == []
        ana.screenshot(path=output_dir / "board-phone-fr.png", full_page=True)
        if os.environ.get("WRITE_DOCS_IMAGES"):
            ana.screenshot(path=DOCS_IMAGE, full_page=True)

        # Moving a card on a touch screen: the "Move to…" menu, tapped.
        lead = scene.page_as(browser, base, None, locale="fr", **PHONE)
        open_board(lead, base, scene)
        card = lead.locator("#cards-difficulty li[data-card]").first
        card.locator(".card-menu summary").tap()
        card.get_by_role("button", name="Water").tap()
        expect(lead.locator(".cluster .cluster-cards")).to_contain_text(
            "Utility cables block the tree pits"
        )
        assert lead.evaluate(OVERFLOWING) == []


def test_nothing_is_lost_at_200_percent_zoom(needs_chromium, output_dir):
    """A 1280 px wide window at 200 % zoom lays the page out in 640 CSS pixels."""
    scene = collecting_board()
    with daphne(output_dir) as (base, _), chromium() as browser:
        for who in ("Ana", None):
            page = scene.page_as(browser, base, who, viewport={"width": 640, "height": 800})
            open_board(page, base, scene)
            assert page.evaluate(OVERFLOWING) == []
            for text in ("Sponge parks", "Utility cables", "Neighbours adopt", "Ten minutes"):
                expect(page.get_by_text(text).first).to_be_visible()
            expect(page.get_by_label("New practice")).to_be_visible()
            expect(page.get_by_label("New difficulty")).to_be_visible()
            page.screenshot(path=output_dir / f"board-640-{who or 'lead'}.png", full_page=True)


def compressed_size(response) -> tuple[int, int]:
    """The bytes of a response as sent, and gzipped as a compressing server sends them."""
    body = response.body()
    return len(body), len(gzip.compress(body, compresslevel=6))


def test_the_first_load_of_a_board_is_light(needs_chromium, output_dir):
    scene = collecting_board()
    with daphne(output_dir) as (base, _), chromium() as browser:
        ana = scene.page_as(browser, base, "Ana")
        responses = []
        ana.on("response", lambda response: responses.append(response))
        open_board(ana, base, scene)
        ana.wait_for_load_state("networkidle")
        rows = [
            (r.url.removeprefix(base), r.request.resource_type, *compressed_size(r))
            for r in responses
        ]
    print("\nFirst load of a board (bytes as served / gzipped):")
    for url, kind, raw, packed in rows:
        print(f"  {kind:10} {raw:7} {packed:7}  {url}")
    total = sum(packed for *_, packed in rows)
    script = sum(packed for _, kind, _, packed in rows if kind == "script")
    raw_total = sum(raw for *_, raw, _ in rows)
    print(f"  total {raw_total} bytes, {total} gzipped; JavaScript {script} gzipped")
    assert total < 150_000
    assert script < 60_000


def test_cards_arrive_and_posting_works_on_slow_3g(needs_chromium, output_dir):
    scene = collecting_board()
    with daphne(output_dir) as (base, _), chromium() as browser:
        slow = scene.page_as(browser, base, "Ana")
        network = slow.context.new_cdp_session(slow)
        network.send("Network.enable")
        network.send("Network.emulateNetworkConditions", SLOW_3G)
        started = time.monotonic()
        slow.goto(base + scene.board_path, timeout=60_000)
        slow.wait_for_selector("#connection-status[data-state='connected']", timeout=60_000)
        print(f"\nBoard live on slow 3G after {time.monotonic() - started:.1f} s")

        fast = scene.page_as(browser, base, "Bob")
        open_board(fast, base, scene)
        fast.get_by_label("New difficulty").fill("Flooded underpasses every spring")
        fast.locator(".column--difficulty").get_by_role("button", name="Post").click()
        expect(slow.locator("#cards-difficulty")).to_contain_text(
            "Flooded underpasses every spring", timeout=30_000
        )

        slow.get_by_label("New practice").fill("Permeable car parks")
        slow.locator(".column--practice").get_by_role("button", name="Post").click()
        expect(fast.locator("#cards-practice")).to_contain_text(
            "Permeable car parks", timeout=30_000
        )
        expect(slow.locator("#cards-practice li[data-card]")).to_contain_text(
            ["Permeable car parks"], timeout=30_000
        )
        assert scene.room.cards.filter(text="Permeable car parks").count() == 1
