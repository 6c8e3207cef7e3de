"""Every kind of page passes axe-core (WCAG 2.1 AA and best practices) with no violation,
in English, French and Spanish, as a participant and as a facilitator sees it."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.browser import chromium
from tests.e2e.scene import busy_board
from tests.servers import daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LANGUAGES = ["en", "fr", "es"]


def violations(page) -> list[str]:
    results = Axe().run(page)
    if results.violations_count:
        print(results.generate_report())
    return [
        f"{violation['id']}: {', '.join(node['target'])}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


def open_menus(page) -> None:
    """Menus open as someone reading them sees them (axe skips what is not shown)."""
    for menu in page.locator("#board details").all():
        menu.evaluate("menu => { menu.open = true; }")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_passes_axe(needs_chromium, output_dir, language):
    scene = busy_board()
    found = {}
    with daphne(output_dir) as (base, _), chromium() as browser:
        visitor = browser.new_context(locale=language).new_page()
        visitor.goto(f"{base}/join/{scene.token}/")
        found["join"] = violations(visitor)

        ana = scene.page_as(browser, base, "Ana", locale=language)
        ana.goto(base + scene.board_path)
        ana.wait_for_selector("#connection-status[data-state='connected']")
        found["board, participant"] = violations(ana)
        ana.goto(base + scene.path())
        found["main page, participant"] = violations(ana)

        # A card on its way: the socket answers nothing.
        unsent = scene.page_as(browser, base, None, locale=language)
        unsent.route_web_socket("**/ws/**", lambda socket: None)
        unsent.goto(base + scene.board_path)
        unsent.locator(".column--practice textarea").fill("Rain gardens")
        unsent.locator(".column--practice button[type=submit]").click()
        unsent.wait_for_selector(".card.pending")
        found["board, card being sent"] = violations(unsent)

        lead = scene.page_as(browser, base, None, locale=language)
        lead.goto(base + scene.board_path)
        lead.wait_for_selector("#connection-status[data-state='connected']")
        open_menus(lead)
        found["board, facilitator"] = violations(lead)
        lead.screenshot(path=output_dir / f"axe-board-facilitator-{language}.png", full_page=True)
        for name, path in [
            ("control room", "control/"),
            ("report", "report/"),
            ("main page, facilitator", ""),
        ]:
            lead.goto(base + scene.path(path))
            found[name] = violations(lead)
    assert {page: ids for page, ids in found.items() if ids} == {}
