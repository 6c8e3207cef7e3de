"""A member, or anyone holding an invitation, adds the workshop and its agenda to their
calendar, with the way in; a wrong link gives nothing and counts as a guess."""

import secrets

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from tests.factories import logged_in_client
from tests.workshops.session import a_real_session
from workshops import services

pytestmark = pytest.mark.django_db


def events(response) -> list:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_a_member_downloads_the_workshop_and_its_agenda():
    session = a_real_session()
    response = logged_in_client(session.ana).get(
        reverse("workshops:calendar", args=[session.workshop.pk])
    )
    workshop, welcome = events(response)
    assert str(workshop["SUMMARY"]) == session.workshop.title
    assert str(welcome["SUMMARY"]).startswith("Welcome")
    assert str(workshop["URL"]) == f"http://testserver/w/{session.workshop.pk}/here/"


def test_an_invitation_gives_the_calendar_with_its_own_link():
    session = a_real_session()
    token = services.invite_create(workshop=session.workshop, label="link")
    response = Client().get(reverse("workshops:invite-calendar", args=[token]))
    (workshop, _welcome) = events(response)
    assert str(workshop["URL"]) == f"http://testserver/join/{token}/"
    page = Client().get(reverse("workshops:join", args=[token])).content.decode()
    assert reverse("workshops:invite-calendar", args=[token]) in page


def test_strangers_and_wrong_links_get_no_calendar():
    session = a_real_session()
    url = reverse("workshops:calendar", args=[session.workshop.pk])
    assert Client().get(url).status_code == 403
    wrong = reverse("workshops:invite-calendar", args=[secrets.token_urlsafe(32)])
    assert Client().get(wrong).status_code == 404
