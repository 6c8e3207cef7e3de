"""Script and htmx payloads in titles, names and cards stay inert text, whether they come
with the page or live over the socket."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import chromium, join
from tests.factories import make_facilitator, make_workshop
from tests.servers import daphne
from workshops import services
from workshops.models import Challenge

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PAYLOADS = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=1</script>",
    '<div hx-get="/xss-probe/" hx-trigger="load">probe</div>',
    '<a href="javascript:window.__pwned=1">link</a>',
]
EVIL = " ".join(PAYLOADS)


def assert_inert(page, probes: list[str]) -> None:
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src='x'], a[href^='javascript'], [hx-get='/xss-probe/']").count() == 0
    assert probes == []


def test_payloads_show_as_text_everywhere(needs_chromium, output_dir):
    workshop = make_workshop(f"Workshop {EVIL}")
    Challenge.objects.filter(workshop=workshop).update(title=f"T {EVIL}", question=f"Q {EVIL}")
    workshop.breakouts.filter(position=1).update(name=f"Room 1 {EVIL}")
    make_facilitator(workshop, "lead")
    token = services.invite_create(workshop=workshop, label="link")
    with daphne(output_dir) as (base, _), chromium() as browser:
        probes: list[str] = []
        dialogs: list[str] = []
        pages = []
        for name in (f"Ana {EVIL}", "Bob"):
            page = browser.new_context().new_page()
            page.on("request", lambda r: "xss-probe" in r.url and probes.append(r.url))
            page.on("dialog", lambda d: dialogs.append(d.message))
            join(page, f"{base}/join/{token}/", name, "Room 1")
            pages.append(page)
        ana, bob = pages
        ana.get_by_label("New practice").fill(f"Card {EVIL}")
        ana.locator(".column--practice").get_by_role("button", name="Post").click()
        expect(bob.locator("#cards-practice")).to_contain_text("Card <img src=x")
        expect(bob.locator("#cards-practice .author")).to_contain_text("Ana <img src=x")
        expect(bob.locator("h1")).to_contain_text("Room 1 <img src=x")
        bob.wait_for_timeout(500)  # give a hx-trigger="load" every chance to fire
        assert_inert(bob, probes)
        bob.reload()
        expect(bob.locator("#cards-practice")).to_contain_text("<script>window.__pwned=1</script>")
        assert_inert(bob, probes)

        lead = browser.new_context().new_page()
        lead.on("request", lambda r: "xss-probe" in r.url and probes.append(r.url))
        lead.on("dialog", lambda d: dialogs.append(d.message))
        lead.goto(f"{base}/login/?next=/w/{workshop.pk}/control/")
        lead.get_by_label("Username").fill("lead")
        lead.get_by_label("Password").fill("a-long-password-1")
        lead.get_by_role("button", name="Log in").click()
        expect(lead.locator("#control")).to_contain_text("Ana <img src=x")
        lead.goto(f"{base}/w/{workshop.pk}/")
        expect(lead.locator("h1")).to_contain_text("Workshop <img src=x")
        lead.wait_for_timeout(500)
        assert_inert(lead, probes)
        assert dialogs == []
        bob.screenshot(path=output_dir / "payloads-as-text.png", full_page=True)
