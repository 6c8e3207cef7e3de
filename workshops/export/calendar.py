"""The workshop and its agenda as an iCalendar file, to add to a calendar app.

Times are in the workshop's time zone, described in the file (VTIMEZONE), so apps show
the right local time on both sides of a daylight-saving change. Each event's UID comes
from the workshop's uid: importing the file again updates the events, not doubles them.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone, translation
from icalendar import Calendar, Event

from workshops.models import AgendaSegment, Workshop

PRODUCT = "-//Facilitate//Workshop calendar//EN"
# A year of the zone's rules, so both its standard and daylight-saving times are in it.
ZONE_RULES_SPAN = timedelta(days=366)


def for_workshop(workshop: Workshop, join_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    zone = ZoneInfo(workshop.timezone)
    segments = list(workshop.segments.all())
    calendar.add_component(workshop_event(workshop, zone, join_url))
    with translation.override(workshop.language):
        for segment in segments:
            calendar.add_component(segment_event(workshop, segment, zone, join_url))
    first = min(each.starts_at for each in [workshop, *segments]).astimezone(zone).date()
    calendar.add_missing_timezones(first_date=first, last_date=first + ZONE_RULES_SPAN)
    return calendar.to_ical()


def workshop_event(workshop: Workshop, zone: ZoneInfo, join_url: str) -> Event:
    return event(
        uid=f"{workshop.uid}@facilitate",
        title=workshop.title,
        starts=workshop.starts_at.astimezone(zone),
        ends=workshop.ends_at.astimezone(zone),
        description=workshop.background,
        join_url=join_url,
    )


def segment_event(
    workshop: Workshop, segment: AgendaSegment, zone: ZoneInfo, join_url: str
) -> Event:
    return event(
        uid=f"{workshop.uid}-segment-{segment.pk}@facilitate",
        title=f"{segment.title} ({workshop.title})",
        starts=segment.starts_at.astimezone(zone),
        ends=segment.ends_at.astimezone(zone),
        description=str(segment.get_kind_display()),
        join_url=join_url,
    )


def event(*, uid, title, starts, ends, description, join_url) -> Event:
    item = Event()
    item.add("uid", uid)
    item.add("dtstamp", timezone.now())
    item.add("dtstart", starts)
    item.add("dtend", ends)
    item.add("summary", title)
    item.add("description", "\n\n".join(part for part in (description.strip(), join_url) if part))
    item.add("url", join_url)
    return item


def for_series(series, sessions, url_of) -> bytes:
    """Every session of a series, for a calendar app to subscribe to; `url_of(workshop)`
    is the public link of a session."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", series.title)
    for workshop in sessions:
        zone = ZoneInfo(workshop.timezone)
        calendar.add_component(workshop_event(workshop, zone, url_of(workshop)))
    if sessions:
        first = min(each.starts_at for each in sessions).date()
        last = max(each.ends_at for each in sessions).date()
        calendar.add_missing_timezones(first_date=first, last_date=last + ZONE_RULES_SPAN)
    return calendar.to_ical()
