"""The control room is pushed, not pulled: every control keeps working after the others
(plenary, breakouts, phase, timer, message in a row, without a reload), rows change when
their breakout does, and the page asks the server for nothing but the actions."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import chromium, join, log_in
from tests.factories import make_facilitator, make_workshop
from tests.servers import daphne
from workshops import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_every_control_works_in_a_row_without_a_reload(needs_chromium, output_dir):
    workshop = make_workshop("Green infrastructure", breakouts=2)
    make_facilitator(workshop, "lead")
    token = services.invite_create(workshop=workshop, label="Workshop link")
    room = workshop.breakouts.get(position=1)
    with daphne(output_dir) as (base, _), chromium() as browser:
        ana = browser.new_context().new_page()
        join(ana, f"{base}/join/{token}/", "Ana", "Room 1")
        lead = browser.new_context().new_page()
        problems = []
        lead.on("console", lambda m: m.type == "error" and problems.append(m.text))
        lead.on("pageerror", lambda error: problems.append(str(error)))
        log_in(lead, base, "lead", f"/w/{workshop.pk}/control/")
        lead.wait_for_selector("#connection-status[data-state='connected']")
        asked = []
        lead.on(
            "request", lambda r: r.resource_type in ("xhr", "fetch", "document") and asked.append(r)
        )
        status = lead.locator("#control-status")
        row = lead.locator(f"#breakout-row-{room.pk}")

        lead.get_by_role("button", name="Return everyone to plenary").click()
        expect(status).to_contain_text("Everyone is back on the main page")
        expect(ana).to_have_url(f"{base}/w/{workshop.pk}/", timeout=10_000)

        lead.get_by_role("button", name="Open the breakouts").click()
        expect(status).to_contain_text("Everyone is on their breakout board")
        expect(ana.locator("h1")).to_contain_text("Room 1", timeout=10_000)

        # Pushed: Ana's card shows in her row's count without the page asking for it.
        ana.get_by_label("New practice").fill("Rain gardens")
        ana.locator(".column--practice").get_by_role("button", name="Post").click()
        expect(row.locator("[data-count='practice']")).to_have_text("1", timeout=10_000)

        lead.get_by_label("Phase of every breakout").select_option(label="Vote")
        lead.locator(".all-breakouts").get_by_role("button", name="Apply").click()
        expect(status).to_contain_text("Phase changed.")
        expect(ana.locator("#phase .phase-label")).to_have_text("Vote", timeout=10_000)
        expect(row.locator(".phase")).to_have_text("Vote", timeout=10_000)

        everyone = lead.locator(".all-breakouts .timer-form")
        everyone.get_by_label("Minutes").fill("3")
        everyone.get_by_role("button", name="Start").click()
        expect(status).to_contain_text("Timer updated")
        expect(ana.locator(".board-status [data-timer]")).to_be_visible(timeout=10_000)
        expect(row.locator("[data-timer]")).to_be_visible(timeout=10_000)

        lead.get_by_label("Message to everyone").fill("Back in five minutes")
        lead.get_by_role("button", name="Send to all").click()
        expect(status).to_contain_text("Message sent.")
        expect(ana.locator("#messages")).to_contain_text("Back in five minutes", timeout=10_000)
        expect(lead.get_by_label("Message to everyone")).to_have_value("")

        lead.screenshot(path=output_dir / "control-room-after-every-control.png", full_page=True)

    assert problems == []
    actions = f"/w/{workshop.pk}/control"
    assert {(r.method, urlparse(r.url).path) for r in asked} == {
        ("POST", f"{actions}/mode/"),
        ("POST", f"{actions}/phase/"),
        ("POST", f"{actions}/timer/"),
        ("POST", f"{actions}/message/"),
    }
