"""Preparing a workshop in the app: details, agenda, challenges, breakouts, a copy."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import (
    breakout,
    logged_in_client,
    make_facilitator,
    make_participant,
    make_workshop,
    post_card,
)
from workshops import services
from workshops.models import AgendaSegment, Breakout, Challenge, Participant, Workshop

pytestmark = pytest.mark.django_db

START = datetime(2030, 1, 1, 14, tzinfo=UTC)


@pytest.fixture
def w():
    workshop = make_workshop()
    return {"workshop": workshop, "lead": make_facilitator(workshop)}


def segment(w, title, start_minutes, duration, **extra):
    return services.segment_save(
        actor_id=w["lead"].pk,
        workshop_id=w["workshop"].pk,
        kind=extra.pop("kind", "plenary"),
        title=title,
        starts_at=START + timedelta(minutes=start_minutes),
        duration_minutes=duration,
        registration_required=extra.pop("registration_required", False),
    )


def test_a_facilitator_creates_a_workshop_in_its_own_time_zone():
    user = get_user_model().objects.create_user("lia", password="a-long-password-1")
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("workshops:workshop-new"),
        {
            "title": "Resilience roundtable",
            "background": "Chief Resilience Officers",
            "timezone": "Europe/Paris",
            "starts_at": "2020-11-18T17:00",
            "ends_at": "2020-11-18T18:30",
        },
    )
    workshop = Workshop.objects.get()
    assert response.url == reverse("workshops:prepare", args=[workshop.pk])
    assert workshop.starts_at == datetime(2020, 11, 18, 16, tzinfo=UTC)
    lead = Participant.objects.get(workshop=workshop)
    assert (lead.user, lead.team_role) == (user, "lead")


def test_a_workshop_must_end_after_it_starts():
    user = get_user_model().objects.create_user("lia", password="a-long-password-1")
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("workshops:workshop-new"),
        {
            "title": "X",
            "timezone": "UTC",
            "starts_at": "2030-01-01T10:00",
            "ends_at": "2030-01-01T09:00",
        },
    )
    assert "must end after it starts" in response.content.decode()
    assert Workshop.objects.count() == 0


def test_the_agenda_holds_segments_that_do_not_overlap(w):
    segment(w, "Roundtable", 0, 50, kind="roundtable")
    segment(w, "Workshop", 50, 40, kind="breakout", registration_required=True)
    with pytest.raises(services.Invalid, match="overlaps"):
        segment(w, "Coffee", 45, 10, kind="break")
    with pytest.raises(services.Invalid):
        segment(w, "Nothing", 200, 0)
    assert list(AgendaSegment.objects.values_list("title", flat=True)) == ["Roundtable", "Workshop"]


def test_several_breakouts_may_share_a_challenge_and_capacity_cannot_be_negative(w):
    client = logged_in_client(w["lead"])
    challenge = Challenge.objects.first()
    url = reverse("workshops:prepare-add", args=[w["workshop"].pk, "breakout"])
    client.post(
        url,
        {"breakout-challenge": challenge.pk, "breakout-name": "Room 1b", "breakout-capacity": "8"},
    )
    assert Breakout.objects.filter(challenge=challenge).count() == 2
    client.post(
        url, {"breakout-challenge": challenge.pk, "breakout-name": "Bad", "breakout-capacity": "-1"}
    )
    assert not Breakout.objects.filter(name="Bad").exists()


def test_a_breakout_with_cards_is_kept(w):
    room = breakout(w["workshop"])
    post_card(make_participant(w["workshop"], room), room)
    with pytest.raises(services.Forbidden):
        services.breakout_delete(
            actor_id=w["lead"].pk, workshop_id=w["workshop"].pk, breakout_id=room.pk
        )
    assert Breakout.objects.filter(pk=room.pk).exists()


def test_duplicating_copies_the_plan_without_people_or_cards(w):
    segment(w, "Roundtable", 0, 50)
    room = breakout(w["workshop"])
    post_card(make_participant(w["workshop"], room), room)
    copy = services.workshop_duplicate(
        actor_id=w["lead"].pk,
        workshop_id=w["workshop"].pk,
        title="Next year",
        starts_at=START + timedelta(days=365),
    )
    assert copy.title == "Next year"
    assert copy.segments.get().starts_at == START + timedelta(days=365)
    assert [c.title for c in copy.challenges.all()] == [
        c.title for c in w["workshop"].challenges.all()
    ]
    assert copy.breakouts.count() == w["workshop"].breakouts.count()
    assert not copy.breakouts.filter(cards__isnull=False).exists()
    assert list(copy.participants.values_list("team_role", flat=True)) == ["lead"]


def test_only_the_lead_prepares(w):
    host = make_facilitator(w["workshop"], "host", team_role="host")
    with pytest.raises(services.Forbidden):
        services.challenge_save(
            actor_id=host.pk, workshop_id=w["workshop"].pk, title="X", question="?"
        )
    assert Challenge.objects.filter(title="X").count() == 0
