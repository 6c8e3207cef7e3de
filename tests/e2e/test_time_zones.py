"""Times show in the viewer's own time zone, with the zone named, beside the organisers'
time where their clocks differ; agenda times stay right across a daylight-saving change."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import chromium, join
from tests.factories import make_workshop
from tests.servers import daphne
from workshops import services
from workshops.models import AgendaSegment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def open_join_page(browser, base, token, zone):
    page = browser.new_context(timezone_id=zone, locale="en-GB").new_page()
    page.goto(f"{base}/join/{token}/")
    return page


def test_the_workshop_time_is_shown_in_the_viewers_zone(needs_chromium, output_dir):
    workshop = make_workshop("Green infrastructure")  # 14:00 to 16:00 UTC
    workshop.timezone = "Europe/Paris"  # the organisers: 15:00 to 17:00 in November
    workshop.save()
    token = services.invite_create(workshop=workshop, label="link")
    with daphne(output_dir) as (base, _), chromium() as browser:
        tokyo = open_join_page(browser, base, token, "Asia/Tokyo")
        expect(tokyo.locator(".when time").first).to_contain_text("23:00")
        expect(tokyo.locator(".viewer-zone")).to_have_text(
            "Times are shown in your time zone (Asia/Tokyo)."
        )
        expect(tokyo.locator(".organiser-time")).to_have_text(
            "For the organisers, in Europe/Paris: 15:00–17:00."
        )

        bogota = open_join_page(browser, base, token, "America/Bogota")
        expect(bogota.locator(".when time").first).to_contain_text("09:00")
        expect(bogota.locator(".when time").last).to_contain_text("11:00")
        expect(bogota.locator(".organiser-time")).to_be_visible()

        paris = open_join_page(browser, base, token, "Europe/Paris")
        expect(paris.locator(".when time").first).to_contain_text("15:00")
        expect(paris.locator(".viewer-zone")).to_contain_text("Europe/Paris")
        expect(paris.locator(".organiser-time")).to_be_hidden()  # the same clock


def test_agenda_times_across_the_end_of_summer_time(needs_chromium, output_dir):
    """Paris leaves summer time on 25 October 2026 at 03:00 (01:00 UTC): a segment an
    hour before and one an hour after are two hours apart in UTC, one on Paris clocks."""
    workshop = make_workshop("Night session")
    workshop.timezone = "Europe/Paris"
    workshop.starts_at = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)  # 02:00 summer time
    workshop.ends_at = datetime(2026, 10, 25, 2, 0, tzinfo=UTC)  # 03:00 winter time
    workshop.save()
    for title, hour in (("Before the change", 0), ("After the change", 2)):
        AgendaSegment.objects.create(
            workshop=workshop,
            kind="plenary",
            title=title,
            starts_at=datetime(2026, 10, 25, hour, 0, tzinfo=UTC),
            duration_minutes=30,
        )
    token = services.invite_create(workshop=workshop, label="link")
    with daphne(output_dir) as (base, _), chromium() as browser:
        for zone, before, after in (
            ("Europe/Paris", "02:00", "03:00"),
            ("America/Bogota", "19:00", "21:00"),
        ):
            page = open_join_page(browser, base, token, zone)
            expect(page.locator(".when time").first).to_contain_text(before)
            expect(page.locator(".when time").last).to_contain_text(after)
            join(page, f"{base}/join/{token}/", "Ana", "Room 1")
            page.goto(f"{base}/w/{workshop.pk}/")
            expect(page.locator(".agenda time")).to_have_text([before, after])
