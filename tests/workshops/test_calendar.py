"""Calendar files, read back with icalendar: local times in the workshop's zone that
convert to the right instants, on both sides of daylight saving; stable UIDs."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from tests.factories import make_facilitator, make_workshop
from workshops import services
from workshops.export import calendar

pytestmark = pytest.mark.django_db

JOIN = "https://facilitate.example.org/w/7/join?token=abc"


def paris_workshop(starts: datetime):
    """A two-hour workshop in Paris with an opening plenary and a breakout session."""
    workshop = make_workshop("Green infrastructure")
    lead = make_facilitator(workshop)
    services.workshop_update(
        actor_id=lead.pk,
        workshop_id=workshop.pk,
        background="Cities share what works.",
        timezone="Europe/Paris",
        language="fr",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    for kind, title, offset, minutes in [
        ("plenary", "Opening", 0, 30),
        ("breakout", "Breakouts", 30, 60),
    ]:
        services.segment_save(
            actor_id=lead.pk,
            workshop_id=workshop.pk,
            kind=kind,
            title=title,
            starts_at=starts + timedelta(minutes=offset),
            duration_minutes=minutes,
        )
    workshop.refresh_from_db()
    return workshop


def parse(workshop) -> tuple[str, Calendar]:
    content = calendar.for_workshop(workshop, JOIN)
    return content.decode(), Calendar.from_ical(content)


def events(cal: Calendar) -> dict:
    return {str(event["SUMMARY"]): event for event in cal.walk("VEVENT")}


def instants(cal: Calendar, event) -> tuple[datetime, datetime]:
    """Start and end in UTC, as a calendar app reads them from the file's own VTIMEZONE
    (not from its knowledge of the zone)."""
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert vtimezone["TZID"] == event["DTSTART"].params["TZID"] == "Europe/Paris"
    zone = vtimezone.to_tz(lookup_tzid=False)
    return tuple(
        event[name].dt.replace(tzinfo=None).replace(tzinfo=zone).astimezone(UTC)
        for name in ("DTSTART", "DTEND")
    )


@pytest.mark.parametrize(
    ("starts", "local_start"),
    [
        (datetime(2030, 11, 5, 9, tzinfo=UTC), "20301105T100000"),  # winter time, UTC+1
        (datetime(2030, 7, 2, 9, tzinfo=UTC), "20300702T110000"),  # summer time, UTC+2
    ],
)
def test_times_are_local_to_the_workshop_and_convert_to_the_right_instants(starts, local_start):
    text, cal = parse(paris_workshop(starts))
    assert f"DTSTART;TZID=Europe/Paris:{local_start}" in text
    found = events(cal)
    assert instants(cal, found["Green infrastructure"]) == (starts, starts + timedelta(hours=2))
    assert instants(cal, found["Opening (Green infrastructure)"]) == (
        starts,
        starts + timedelta(minutes=30),
    )
    assert instants(cal, found["Breakouts (Green infrastructure)"]) == (
        starts + timedelta(minutes=30),
        starts + timedelta(minutes=90),
    )


def test_each_event_has_its_description_and_the_join_link():
    _text, cal = parse(paris_workshop(datetime(2030, 11, 5, 9, tzinfo=UTC)))
    found = events(cal)
    assert set(found) == {
        "Green infrastructure",
        "Opening (Green infrastructure)",
        "Breakouts (Green infrastructure)",
    }
    assert (
        str(found["Green infrastructure"]["DESCRIPTION"]) == f"Cities share what works.\n\n{JOIN}"
    )
    # The segment's kind, in the workshop's working language (French).
    assert str(found["Opening (Green infrastructure)"]["DESCRIPTION"]) == f"Plénière\n\n{JOIN}"
    assert all(str(event["URL"]) == JOIN for event in found.values())


def test_uids_are_stable_so_a_new_import_updates_the_events():
    workshop = paris_workshop(datetime(2030, 11, 5, 9, tzinfo=UTC))
    _text, first = parse(workshop)
    workshop.segments.update(title="Renamed")
    _text, again = parse(workshop)
    uids = [str(event["UID"]) for event in first.walk("VEVENT")]
    assert uids == [str(event["UID"]) for event in again.walk("VEVENT")]
    assert len(set(uids)) == 3
    assert all(str(workshop.uid) in uid for uid in uids)


def test_a_workshop_without_agenda_is_one_valid_event():
    workshop = make_workshop("Quick call")
    text, cal = parse(workshop)
    assert (str(cal["VERSION"]), bool(cal["PRODID"])) == ("2.0", True)
    (event,) = cal.walk("VEVENT")
    for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
        assert required in event
    assert event["DTSTART"].dt == workshop.starts_at
    assert "DTSTART:20300101T140000Z" in text  # a UTC workshop needs no VTIMEZONE
    assert str(event["DESCRIPTION"]) == JOIN
