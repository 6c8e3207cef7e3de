"""The report: proceedings per breakout, and recommendations linked to their sources."""

import uuid

import pytest
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
from workshops.models import Breakout, Card, Cluster, Participant, Recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    workshop = make_workshop("Green infrastructure")
    room = breakout(workshop)
    ana = make_participant(workshop, room, "Ana")
    post_card(ana, room, "Rain gardens in schoolyards")
    lead = make_facilitator(workshop)
    card = Card.objects.get()
    services.cluster_create(
        participant_id=lead.pk,
        breakout_id=room.pk,
        card_ids=[card.pk],
        title="Water",
        op_id=uuid.uuid4(),
    )
    services.summary_write(
        participant_id=lead.pk,
        breakout_id=room.pk,
        text="Schools lead the way.",
        version=0,
        op_id=uuid.uuid4(),
    )
    return {
        "workshop": workshop,
        "room": room,
        "ana": ana,
        "lead": lead,
        "card": card,
        "cluster": Cluster.objects.get(),
    }


def test_the_report_shows_each_breakouts_proceedings(w):
    Breakout.objects.filter(pk=w["room"].pk).update(phase="vote")
    services.vote(
        participant_id=w["ana"].pk,
        breakout_id=w["room"].pk,
        target="cluster",
        target_id=w["cluster"].pk,
        add=True,
        op_id=uuid.uuid4(),
    )
    page = (
        logged_in_client(w["lead"])
        .get(reverse("workshops:report", args=[w["workshop"].pk]))
        .content.decode()
    )
    for expected in (
        "Question 1?",
        "Water",
        "Votes: 1",
        "Rain gardens in schoolyards",
        "Schools lead the way.",
    ):
        assert expected in page


def test_a_recommendation_links_to_its_clusters_and_cards_and_reaches_participants(w):
    client = logged_in_client(w["lead"])
    client.post(
        reverse("workshops:recommendation-add", args=[w["workshop"].pk]),
        {
            "new-text": "Fund rain gardens in every school",
            "new-clusters": [w["cluster"].pk],
            "new-cards": [w["card"].pk],
        },
    )
    item = Recommendation.objects.get()
    assert (list(item.clusters.all()), list(item.cards.all())) == ([w["cluster"]], [w["card"]])
    plenary = (
        logged_in_client(w["ana"])
        .get(reverse("workshops:workshop", args=[w["workshop"].pk]))
        .content.decode()
    )
    assert "Fund rain gardens in every school" in plenary
    assert "Water (Room 1)" in plenary


def test_an_edit_from_an_old_version_is_refused(w):
    item = services.recommendation_save(
        actor_id=w["lead"].pk, workshop_id=w["workshop"].pk, text="First", clusters=[], cards=[]
    )
    services.recommendation_save(
        actor_id=w["lead"].pk,
        workshop_id=w["workshop"].pk,
        text="Second",
        clusters=[],
        cards=[],
        recommendation_id=item.pk,
        version=1,
    )
    with pytest.raises(services.TextConflict):
        services.recommendation_save(
            actor_id=w["lead"].pk,
            workshop_id=w["workshop"].pk,
            text="Stale",
            clusters=[],
            cards=[],
            recommendation_id=item.pk,
            version=1,
        )
    assert Recommendation.objects.get().text == "Second"


def test_only_the_lead_or_a_rapporteur_writes_recommendations(w):
    host = make_facilitator(w["workshop"], "host", team_role=Participant.Team.HOST)
    for actor in (host, w["ana"]):
        with pytest.raises(services.Forbidden):
            services.recommendation_save(
                actor_id=actor.pk, workshop_id=w["workshop"].pk, text="No", clusters=[], cards=[]
            )
    rapporteur = make_facilitator(
        w["workshop"], "rapporteur", team_role=Participant.Team.RAPPORTEUR
    )
    services.recommendation_save(
        actor_id=rapporteur.pk, workshop_id=w["workshop"].pk, text="Yes", clusters=[], cards=[]
    )
    assert list(Recommendation.objects.values_list("text", flat=True)) == ["Yes"]


def test_sources_from_another_workshop_are_refused(w):
    other = make_workshop("Other")
    room = breakout(other)
    post_card(make_participant(other, room), room, "Elsewhere")
    with pytest.raises(services.NotFound):
        services.recommendation_save(
            actor_id=w["lead"].pk,
            workshop_id=w["workshop"].pk,
            text="Mixed",
            clusters=[],
            cards=[Card.objects.get(text="Elsewhere")],
        )
    assert Recommendation.objects.count() == 0
