"""Clustering in the browser: by keyboard (the "Move to…" menu) and by dragging, seen by
a participant at once; then voting and a summary."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import chromium, join, log_in
from tests.factories import make_facilitator, make_workshop
from tests.servers import daphne
from workshops import services
from workshops.models import Card, Cluster

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def post(page, kind, text):
    label = "New practice" if kind == "practice" else "New difficulty"
    page.get_by_label(label).fill(text)
    page.locator(f".column--{kind}").get_by_role("button", name="Post").click()
    # Stored: the card the server sent, not the pending one shown while it is sent.
    expect(page.locator(f"#cards-{kind} li[data-card]", has_text=text)).to_have_count(1)


def test_clustering_by_keyboard_and_by_drag(needs_chromium, output_dir):
    workshop = make_workshop("Green infrastructure", breakouts=1)
    make_facilitator(workshop, "lead")
    token = services.invite_create(workshop=workshop, label="link")
    room = workshop.breakouts.get()
    with daphne(output_dir) as (base, _), chromium() as browser:
        ana = browser.new_context().new_page()
        join(ana, f"{base}/join/{token}/", "Ana", "Room 1")
        post(ana, "practice", "Rain gardens in schoolyards")
        post(ana, "difficulty", "Los presupuestos de mantenimiento son muy bajos")
        post(ana, "practice", "Jardins de pluie dans les cours d'école")
        cards = {c.text[:12]: c for c in Card.objects.all()}

        # Tall enough that dragging needs no scrolling (headless Chromium does not
        # scroll in the middle of a drag as a person's browser does).
        lead = browser.new_context(viewport={"width": 1280, "height": 2000}).new_page()
        log_in(lead, base, "lead", f"/w/{workshop.pk}/b/{room.pk}/")
        lead.wait_for_selector("#connection-status[data-state='connected']")

        # Keyboard: open the card's "Move to…" menu and choose "A new cluster".
        first = lead.locator(f"#card-{cards['Rain gardens'].pk}")
        first.locator(".card-menu summary").focus()
        lead.keyboard.press("Enter")
        first.get_by_role("button", name="A new cluster").focus()
        lead.keyboard.press("Enter")
        expect(lead.locator(".cluster")).to_have_count(1)
        cluster = Cluster.objects.get()

        # Rename it from the keyboard too.
        menu = lead.locator(f"#cluster-{cluster.pk} .cluster-menu")
        menu.locator("summary").focus()
        lead.keyboard.press("Enter")
        title = menu.get_by_role("textbox", name="Title of the cluster: Untitled cluster")
        title.fill("Rain gardens")
        title.press("Enter")
        expect(ana.locator(f"#cluster-{cluster.pk} .cluster-title")).to_have_text("Rain gardens")

        # Drag: the French card onto the clustered English one joins its cluster.
        lead.locator(f"#card-{cards['Jardins de p'].pk}").drag_to(
            lead.locator(f"#card-{cards['Rain gardens'].pk}")
        )
        expect(ana.locator(f"#cluster-{cluster.pk} li[data-card]")).to_have_count(2)
        # Drag the Spanish card onto the new-cluster zone.
        lead.locator(f"#card-{cards['Los presupue'].pk}").drag_to(lead.locator("#new-cluster-zone"))
        expect(ana.locator(".cluster")).to_have_count(2)
        assert Card.objects.filter(cluster__isnull=True).count() == 0

        # Votes: the lead opens the vote phase from the control room (3 dots each).
        control = lead.context.new_page()
        control.goto(f"{base}/w/{workshop.pk}/control/")
        control.get_by_label("Phase of every breakout").select_option("vote")
        control.locator(".all-breakouts").get_by_role("button", name="Apply").first.click()
        expect(ana.locator("#phase")).to_have_attribute("data-phase", "vote")
        vote = ana.locator(f"#cluster-{cluster.pk} > .cluster-head .vote")
        vote.get_by_role("button", name="Vote for the cluster: Rain gardens").click()
        expect(vote.locator(".my-dots")).to_have_text("●")
        expect(ana.locator("#votes-left")).to_have_text("2")

        # Summary: the lead writes it; Ana sees it without a reload.
        summary = lead.locator(".summary .summary-editor")
        summary.get_by_label("Write the summary").fill(
            "Rain gardens work; maintenance money is short."
        )
        summary.get_by_role("button", name="Save the summary").click()
        expect(ana.locator("#summary-text")).to_have_text(
            "Rain gardens work; maintenance money is short."
        )
        ana.screenshot(path=output_dir / "clusters-votes-summary.png", full_page=True)
        lead.screenshot(path=output_dir / "clusters-facilitator.png", full_page=True)
