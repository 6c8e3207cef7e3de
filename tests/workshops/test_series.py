"""A series of workshops: set up by its organisers, its public page and calendar feed,
published reports, and who took part in which session."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from tests.factories import logged_in_client, make_facilitator, make_participant, make_workshop
from workshops import services
from workshops.models import Application, Participant, Series

pytestmark = pytest.mark.django_db

THEMES = ["Containing the pandemic", "Digitalisation of processes and services"]


@pytest.fixture
def setup():
    """A series of two sessions set up through the organiser's pages."""
    lead_of_first = make_facilitator(first := make_workshop("Containing the pandemic"), "organiser")
    second = make_workshop("Digital services")
    second.starts_at = datetime(2020, 9, 1, 13, tzinfo=UTC)
    second.ends_at = second.starts_at + timedelta(hours=2)
    second.registration = "open"
    second.save()
    Participant.objects.create(
        workshop=second,
        user=lead_of_first.user,
        display_name="organiser",
        role="facilitator",
        team_role="lead",
    )
    client = logged_in_client(lead_of_first)
    created = client.post(
        reverse("workshops:series-new"),
        {
            "title": "Connective Cities",
            "slug": "connective-cities",
            "description": "COVID-19",
            "themes": "\n".join(THEMES),
        },
    )
    assert created["Location"] == "/s/connective-cities/manage/"
    series = Series.objects.get()
    for workshop, theme, region in ((first, THEMES[0], "Latin America"), (second, THEMES[1], "")):
        response = client.post(
            reverse("workshops:series-session", args=[series.slug]),
            {"workshop": workshop.pk, "theme": theme, "region": region},
        )
        assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    return {
        "series": series,
        "client": client,
        "first": first,
        "second": second,
        "lead": lead_of_first,
    }


def test_the_public_page_lists_past_and_coming_sessions_filtered_by_theme_and_region(setup):
    page = Client().get("/s/connective-cities/")
    assert [w.title for w in page.context["coming"]] == ["Containing the pandemic"]  # 2030
    assert [w.title for w in page.context["past"]] == ["Digital services"]  # 2020
    text = page.content.decode()
    assert "Regional focus: Latin America" in text
    assert "Global" in text
    assert 'data-format="datetime"' in text  # shown in the viewer's zone by the page
    by_theme = Client().get("/s/connective-cities/", {"theme": THEMES[1]})
    assert [w.title for w in [*by_theme.context["coming"], *by_theme.context["past"]]] == [
        "Digital services"
    ]
    global_only = Client().get("/s/connective-cities/", {"region": "global"})
    assert [w.title for w in global_only.context["past"]] == ["Digital services"]
    assert global_only.context["coming"] == []


def test_the_calendar_feed_has_every_session_with_its_registration_link(setup):
    response = Client().get("/s/connective-cities/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert sorted(str(e["summary"]) for e in events) == [
        "Containing the pandemic",
        "Digital services",
    ]
    assert any(f"/apply/{setup['second'].pk}/" in str(e["url"]) for e in events)


def test_a_published_report_is_linked_from_the_series_page(setup):
    first = setup["first"]
    url = f"/s/connective-cities/report/{first.pk}/"
    assert Client().get(url).status_code == 404
    setup["client"].post(reverse("workshops:report-publish", args=[first.pk]), {"publish": "1"})
    assert url in Client().get("/s/connective-cities/").content.decode()
    report = Client().get(url)
    assert report.status_code == 200
    assert "Containing the pandemic" in report.content.decode()
    assert Client().get(url + "download/", {"format": "md"}).status_code == 200
    setup["client"].post(reverse("workshops:report-publish", args=[first.pk]))
    assert Client().get(url).status_code == 404


def test_only_organisers_manage_a_series_and_only_with_workshops_they_lead(setup):
    stranger = make_facilitator(make_workshop("Other"), "stranger")
    client = logged_in_client(stranger)
    assert client.get("/s/connective-cities/manage/").status_code == 403
    with pytest.raises(services.Forbidden):
        services.series_save(user=stranger.user, series_id=setup["series"].pk, slug="x", title="x")
    with pytest.raises(services.NotFound):
        services.series_session_set(
            user=setup["lead"].user,
            series_id=setup["series"].pk,
            workshop_id=stranger.workshop_id,
        )
    with pytest.raises(services.Invalid):
        services.series_session_set(
            user=setup["lead"].user,
            series_id=setup["series"].pk,
            workshop_id=setup["first"].pk,
            theme="Not a theme",
        )


def test_organisers_see_who_took_part_in_which_session(setup):
    second, first = setup["second"], setup["first"]
    Participant.objects.create(workshop=second, display_name="Ana", email="ana@example.org")
    Application.objects.create(
        workshop=first,
        name="Ana",
        email="ana@example.org",
        organisation="Lisbon",
        city="Lisbon",
        country="Portugal",
        role="Manager",
        language="en",
        status="pending",
        key="k",
        token_hash="h",
    )
    make_participant(second, name="No email")
    page = setup["client"].get("/s/connective-cities/manage/")
    sessions = [w.title for w in page.context["sessions"]]
    assert sessions == ["Digital services", "Containing the pandemic"]
    (ana,) = page.context["people"]
    assert (ana["email"], ana["count"]) == ("ana@example.org", 1)
    assert [str(cell) for cell in ana["sessions"]] == ["Took part", "Waiting for review"]
