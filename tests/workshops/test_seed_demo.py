"""`manage.py seed_demo` creates the workshop of seed 000, once."""

import io
import re
from datetime import UTC, datetime

import pytest
from django.core import serializers
from django.core.management import call_command
from django.test import Client

from workshops.models import (
    AgendaSegment,
    Breakout,
    Challenge,
    Invite,
    Participant,
    Scenario,
    Series,
    Workshop,
)

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def everything() -> str:
    models = [Workshop, Challenge, Breakout, Invite, Participant, Series, Scenario, AgendaSegment]
    rows = [row for model in models for row in model.objects.order_by("pk")]
    return serializers.serialize("json", rows)


def test_it_creates_the_green_infrastructure_workshop():
    seed()
    workshop = Workshop.objects.get(title="Green infrastructure: workshop for City Managers")
    # 15:00 to 17:00 CET is 14:00 to 16:00 UTC.
    assert workshop.starts_at == datetime(2020, 11, 18, 14, 0, tzinfo=UTC)
    assert workshop.ends_at == datetime(2020, 11, 18, 16, 0, tzinfo=UTC)
    challenges = list(workshop.challenges.all())
    assert [c.title for c in challenges] == [
        'Dealing with existing infrastructure ("realities")',
        "Tackling and adapting to climate change",
        "Improving metropolitan governance",
    ]
    assert challenges[0].question.startswith("How to implement green infrastructure")
    assert challenges[2].question.startswith("How to foster and coordinate")
    assert [b.challenge for b in workshop.breakouts.all()] == challenges
    facilitator = workshop.participants.get(role=Participant.Role.FACILITATOR)
    assert facilitator.user.username == "facilitator"


def test_running_it_twice_changes_nothing():
    first_output = seed()
    before = everything()
    assert seed() == first_output
    assert everything() == before


def test_the_printed_login_and_invite_work():
    output = seed()
    password = re.search(r"password: (\S+)", output).group(1)
    invite = re.search(r"Participant invite: http://127.0.0.1:8000(\S+)", output).group(1)
    assert Client().login(username="facilitator", password=password)
    page = Client().get(invite)
    assert page.status_code == 200
    assert "Dealing with existing infrastructure" in page.content.decode()


def test_the_events_of_seeds_000_001_and_003_are_there():
    output = seed()
    covid = Series.objects.get(slug="connective-cities-covid-19")
    assert len(covid.themes) == 8
    regions = set(covid.sessions.values_list("region", flat=True))
    assert "" in regions
    assert "Latin America" in regions
    page = Client().get("/s/connective-cities-covid-19/")
    assert "Digital town halls: Latin America" in page.content.decode()

    members = Workshop.objects.get(title="Green infrastructure: workshop for City Managers")
    assert (members.members_only, members.registration) == (True, "review")
    refused = Client().post(
        f"/apply/{members.pk}/",
        {
            "name": "Eve",
            "email": "eve@example.org",
            "organisation": "Elsewhere",
            "role": "x",
            "city": "x",
            "country": "x",
            "language": "en",
        },
    )
    assert "Lia Brum" in refused.content.decode()

    roundtable = Workshop.objects.get(title__startswith="Taking resilience seriously")
    segments = list(roundtable.segments.values_list("kind", "registration_required"))
    assert segments == [("roundtable", False), ("breakout", True)]
    board = roundtable.breakouts.get()
    assert (board.kind, board.criteria) == ("scenarios", ["Desirability", "Feasibility"])
    assert board.scenarios.count() == 2
    link = re.search(r"Roundtable link \(open to all\): http://127.0.0.1:8000(\S+)", output)
    assert Client().get(link.group(1)).status_code == 200
