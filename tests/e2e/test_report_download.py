"""A facilitator downloads the report from the menu, in the language they choose, and
the report page follows the session live."""

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.browser import chromium, log_in
from tests.servers import daphne
from tests.workshops.session import a_real_session

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_downloading_the_report_from_the_menu(needs_chromium, output_dir):
    session = a_real_session()
    report = f"/w/{session.workshop.pk}/report/"
    with daphne(output_dir) as (base, _), chromium() as browser:
        page = browser.new_context(accept_downloads=True).new_page()
        log_in(page, base, "lead", report)
        expect(page.locator("#connection-status")).to_have_attribute("data-state", "connected")
        page.get_by_text("Download", exact=True).click()
        page.get_by_label("Language of the headings").select_option("fr")
        with page.expect_download() as pending:
            page.get_by_role("button", name="Report as Markdown").click()
        file = pending.value
        assert file.suggested_filename.endswith(".md")
        text = file.path().read_text(encoding="utf-8")
        assert "## Recommandations" in text
        assert "Fund rain gardens in every school" in text
        with page.expect_download() as pending:
            page.get_by_role("button", name="Report as PDF").click()
        pdf = PdfReader(pending.value.path())
        assert "Recommandations" in "".join(p.extract_text() for p in pdf.pages)

        # Live: a recommendation written in another tab shows in the draft without a reload.
        other = page.context.new_page()
        other.goto(base + report)
        adding = other.get_by_role("group", name="Add a recommendation")
        adding.get_by_label("Recommendation").fill("Share maintenance budgets across cities")
        other.get_by_role("button", name="Add", exact=True).click()
        expect(other.locator(".messages")).to_contain_text("Saved.")
        expect(page.locator("#report-document")).to_contain_text(
            "Share maintenance budgets across cities", timeout=15_000
        )
        page.screenshot(path=output_dir / "report-page.png", full_page=True)
