"""The board by keyboard and with a screen reader: controls say which card or cluster
they act on, focus stays where the person was when live updates arrive, and live
changes are announced politely, a burst at once."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import chromium
from tests.e2e.scene import busy_board
from tests.servers import daphne
from workshops import services
from workshops.models import Participant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

NEIGHBOURS = "Neighbours adopt a tree and water it in summer"
CABLES = "Utility cables block the tree pits on old streets"
# A control names its card by the card's first eight words.
NEIGHBOURS_SHORT = "Neighbours adopt a tree and water it in…"
CABLES_SHORT = "Utility cables block the tree pits on old…"
HEARD = """() => {
  const region = document.getElementById("announce");
  window.heard = [];
  new MutationObserver(() => region.textContent && window.heard.push(region.textContent))
    .observe(region, { childList: true, characterData: true, subtree: true });
}"""


def hears(page, sentence: str) -> None:
    """Wait until the live region has said `sentence`."""
    for _ in range(50):
        heard = page.evaluate("window.heard")
        if any(sentence in text for text in heard):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"never heard {sentence!r}, heard {heard!r}")


def focused_name(page) -> str:
    return page.evaluate(
        "document.activeElement.getAttribute('aria-label') || document.activeElement.textContent"
    )


def card_id(scene, text: str) -> int:
    return scene.room.cards.get(text=text).pk


def test_controls_name_their_card_and_a_vote_by_keyboard_says_what_is_left(
    needs_chromium, output_dir
):
    scene = busy_board()
    with daphne(output_dir) as (base, _), chromium() as browser:
        ana = scene.page_as(browser, base, "Ana")
        first_html = ana.request.get(base + scene.board_path).text()
        assert "Here now: Ana" in first_html  # counted before her socket is open
        ana.goto(base + scene.board_path)
        ana.wait_for_selector("#connection-status[data-state='connected']")
        ana.evaluate(HEARD)
        expect(
            ana.get_by_role("button", name=f"Take a vote back from: {NEIGHBOURS_SHORT}")
        ).to_be_visible()
        expect(ana.get_by_role("button", name="Vote for the cluster: Water")).to_be_visible()

        vote = ana.get_by_role("button", name=f"Vote for: {NEIGHBOURS_SHORT}")
        vote.focus()
        ana.keyboard.press("Enter")
        expect(ana.get_by_role("img", name="You gave it 1 vote")).to_be_visible()
        hears(ana, "You have 2 votes left.")
        assert focused_name(ana) == f"Vote for: {NEIGHBOURS_SHORT}"

        for path in (scene.board_path, scene.path()):
            ana.goto(base + path)
            expect(ana.get_by_role("link", name="Facilitator login")).to_have_count(0)
        ana.goto(f"{base}/join/{scene.token}/")
        expect(ana.get_by_role("link", name="Facilitator login")).to_have_count(0)


def test_focus_stays_through_layout_changes_hiding_and_moving(needs_chromium, output_dir):
    scene = busy_board()
    services.breakouts_set_phase(
        actor_id=scene.lead_id, workshop_id=scene.workshop.pk, phase="cluster"
    )
    with daphne(output_dir) as (base, _), chromium() as browser:
        lead = scene.page_as(browser, base, None)
        lead.goto(base + scene.board_path)
        lead.wait_for_selector("#connection-status[data-state='connected']")

        # A rapporteur typing key points keeps the field and the text while the
        # clusters are re-laid out under it.
        key_points = lead.get_by_role("textbox", name="Key points of this cluster: Water")
        key_points.focus()
        lead.keyboard.press("End")
        lead.keyboard.type(" Plant trees")
        services.cluster_create(
            participant_id=scene.lead_id,
            breakout_id=scene.room.pk,
            card_ids=[card_id(scene, NEIGHBOURS)],
            title="Trees",
            op_id=uuid.uuid4(),
        )
        water = scene.room.clusters.get(title="Water")
        services.cluster_reorder(
            participant_id=scene.lead_id,
            breakout_id=scene.room.pk,
            cluster_id=water.pk,
            position=2,
            op_id=uuid.uuid4(),
        )
        expect(lead.locator(".cluster").last).to_have_attribute("data-cluster", str(water.pk))
        lead.keyboard.type(" too.")
        expect(key_points).to_be_focused()
        expect(key_points).to_have_value("Store the rain where it falls. Plant trees too.")

        # Moving a card by keyboard: the menu's button keeps the focus after the move.
        lead.locator(f"summary[aria-label='Move to… ({CABLES_SHORT})']").focus()
        lead.keyboard.press("Enter")
        menu = lead.locator(f"#card-{card_id(scene, CABLES)} .card-menu .menu")
        expect(menu.get_by_role("button", name="Trees")).to_be_visible()
        lead.keyboard.press("Tab")
        lead.keyboard.press("Enter")
        expect(lead.locator(".cluster").first.locator(".cluster-cards")).to_contain_text(CABLES)
        assert focused_name(lead) == f"Move to… ({CABLES_SHORT})"

        # After "Hide", the keyboard is on the same card's "Show again".
        lead.get_by_role("button", name=f"Hide: {CABLES_SHORT}").focus()
        lead.keyboard.press("Enter")
        expect(lead.get_by_role("button", name=f"Show again: {CABLES_SHORT}")).to_be_focused()


def test_a_member_on_a_card_that_is_hidden_lands_on_its_neighbour(needs_chromium, output_dir):
    scene = busy_board()
    with daphne(output_dir) as (base, _), chromium() as browser:
        ana = scene.page_as(browser, base, "Ana")
        ana.goto(base + scene.board_path)
        ana.wait_for_selector("#connection-status[data-state='connected']")
        ana.get_by_role("button", name=f"Vote for: {CABLES_SHORT}").focus()
        services.card_set_hidden(
            participant_id=scene.lead_id,
            breakout_id=scene.room.pk,
            card_id=card_id(scene, CABLES),
            hidden=True,
            op_id=uuid.uuid4(),
        )
        expect(ana.locator("#cards-difficulty")).not_to_contain_text(CABLES)
        assert ana.evaluate("document.activeElement.id") == "heading-difficulty"


def test_live_changes_are_announced_a_burst_at_once(needs_chromium, output_dir):
    scene = busy_board()
    services.breakouts_set_phase(
        actor_id=scene.lead_id, workshop_id=scene.workshop.pk, phase="collect"
    )
    bea = Participant.objects.get(display_name="Bea")
    with daphne(output_dir) as (base, _), chromium() as browser:
        ana = scene.page_as(browser, base, "Ana")
        ana.goto(base + scene.board_path)
        ana.wait_for_selector("#connection-status[data-state='connected']")
        ana.evaluate(HEARD)
        for text in ("Green roofs", "Shade maps", "Cool corridors"):
            services.card_create(
                participant_id=bea.pk,
                breakout_id=scene.room.pk,
                kind="practice",
                text=text,
                op_id=uuid.uuid4(),
            )
        services.message_send(
            actor_id=scene.lead_id, workshop_id=scene.workshop.pk, text="Please wrap up."
        )
        services.breakouts_set_phase(
            actor_id=scene.lead_id, workshop_id=scene.workshop.pk, phase="cluster"
        )
        hears(ana, "3 new cards")
        ana.wait_for_timeout(2000)
        heard = ana.evaluate("window.heard")
        assert heard == [
            "3 new cards Message to everyone from lead: Please wrap up. The phase is now: Cluster"
        ]

        services.breakouts_set_phase(
            actor_id=scene.lead_id, workshop_id=scene.workshop.pk, phase="collect"
        )
        expect(ana.get_by_label("New practice")).to_be_enabled()
        # The server refuses a card that is too long (the field's own limit bypassed).
        ana.get_by_label("New practice").evaluate("field => { field.value = 'x'.repeat(1001); }")
        ana.locator(".column--practice").get_by_role("button", name="Post").click()
        hears(ana, "Your card was not posted: A card can have at most 1000 characters")


def test_a_card_is_posted_by_keyboard_alone(needs_chromium, output_dir):
    scene = busy_board()
    services.breakouts_set_phase(
        actor_id=scene.lead_id, workshop_id=scene.workshop.pk, phase="collect"
    )
    with daphne(output_dir) as (base, _), chromium() as browser:
        ana = scene.page_as(browser, base, "Ana")
        ana.goto(base + scene.board_path)
        ana.wait_for_selector("#connection-status[data-state='connected']")
        ana.keyboard.press("Tab")
        expect(ana.get_by_role("link", name="Skip to content")).to_be_focused()
        ana.keyboard.press("Enter")
        for _ in range(40):
            ana.keyboard.press("Tab")
            if ana.evaluate("document.activeElement.id") == "id_practice_text":
                break
        ana.keyboard.type("Rain barrels for every school")
        ana.keyboard.press("Tab")
        expect(ana.get_by_label("Language of this practice")).to_be_focused()
        ana.keyboard.press("Tab")
        expect(ana.locator(".column--practice").get_by_role("button", name="Post")).to_be_focused()
        ana.keyboard.press("Enter")
        expect(ana.locator("#cards-practice li[data-card]")).to_contain_text(
            ["Rain barrels for every school"]
        )
