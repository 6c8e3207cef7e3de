"""The control room's actions over HTTP: forms scoped to the workshop, facilitators only."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    breakout,
    logged_in_client,
    make_facilitator,
    make_participant,
    make_workshop,
)
from workshops.models import Breakout, Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    workshop = make_workshop(breakouts=2)
    return {
        "workshop": workshop,
        "lead": make_facilitator(workshop),
        "ana": make_participant(workshop, breakout(workshop), "Ana"),
    }


def act(client, w, action, **data):
    return client.post(
        reverse("workshops:control-action", args=[w["workshop"].pk, action]),
        data,
        HTTP_HX_REQUEST="true",
    )


def test_a_lead_changes_a_phase_and_hears_back(w):
    response = act(logged_in_client(w["lead"]), w, "phase", phase="vote")
    assert "Phase changed." in response.content.decode()
    assert "controlChanged" in response.headers["HX-Trigger"]
    assert set(Breakout.objects.values_list("phase", flat=True)) == {"vote"}


def test_participants_and_strangers_are_refused_every_action(w):
    for client in (logged_in_client(w["ana"]), Client()):
        for action, data in [
            ("phase", {"phase": "closed"}),
            ("mode", {"mode": "plenary"}),
            ("move", {"participant": w["ana"].pk, "breakout": breakout(w["workshop"], 2).pk}),
            ("timer", {"command": "start", "minutes": 5}),
            ("remove", {"participant": w["ana"].pk}),
        ]:
            response = act(client, w, action, **data)
            assert response.status_code in (302, 403)
    assert set(Breakout.objects.values_list("phase", flat=True)) == {"collect"}
    assert Participant.objects.get(pk=w["ana"].pk).breakout == breakout(w["workshop"])


def test_ids_of_another_workshop_are_invalid_choices(w):
    other = make_workshop("Other")
    stranger = make_participant(other, breakout(other), "Zed")
    response = act(
        logged_in_client(w["lead"]),
        w,
        "move",
        participant=stranger.pk,
        breakout=breakout(w["workshop"], 2).pk,
    )
    assert "Select a valid choice" in response.content.decode()
    stranger.refresh_from_db()
    assert stranger.breakout == breakout(other)


def test_a_refused_action_explains_why(w):
    Breakout.objects.filter(pk=breakout(w["workshop"], 2).pk).update(phase="closed")
    response = act(
        logged_in_client(w["lead"]),
        w,
        "move",
        participant=w["ana"].pk,
        breakout=breakout(w["workshop"], 2).pk,
    )
    assert "This breakout is closed." in response.content.decode()
    assert "HX-Trigger" not in response.headers


def test_the_board_sends_participants_to_the_main_page_during_plenary(w):
    act(logged_in_client(w["lead"]), w, "mode", mode="plenary")
    room = breakout(w["workshop"])
    response = logged_in_client(w["ana"]).get(
        reverse("workshops:board", args=[w["workshop"].pk, room.pk])
    )
    assert response.url == reverse("workshops:workshop", args=[w["workshop"].pk])
