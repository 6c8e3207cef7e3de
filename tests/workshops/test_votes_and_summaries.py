"""Dot voting within a budget, shown when the facilitator says; summaries and key points
that are never silently overwritten."""

import threading
import uuid

import pytest
from django.db import connection

from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from workshops import queries, services
from workshops.models import Breakout, Card, Cluster, Participant, Vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    workshop = make_workshop()
    room = breakout(workshop)
    ana = make_participant(workshop, room, "Ana")
    for text in ("Green roofs", "Rain gardens", "No budget"):
        post_card(ana, room, text)
    Breakout.objects.filter(pk=room.pk).update(phase="vote", vote_budget=2)
    room.refresh_from_db()
    cards = {c.text: c.pk for c in Card.objects.all()}
    return {
        "workshop": workshop,
        "room": room,
        "ana": ana,
        "lead": make_facilitator(workshop),
        "cards": cards,
    }


def vote(w, card, add=True, who=None):
    return services.vote(
        participant_id=(who or w["ana"]).pk,
        breakout_id=w["room"].pk,
        target="card",
        target_id=w["cards"][card],
        add=add,
        op_id=uuid.uuid4(),
    )


def test_the_budget_holds(w):
    vote(w, "Green roofs")
    vote(w, "Green roofs")
    with pytest.raises(services.Forbidden, match="all your 2 votes"):
        vote(w, "Rain gardens")
    assert queries.my_votes(w["ana"], w["room"]) == {f"card:{w['cards']['Green roofs']}": 2}
    vote(w, "Green roofs", add=False)
    vote(w, "Rain gardens")
    assert Vote.objects.count() == 2


def test_voting_is_only_open_in_the_vote_phase_and_for_members(w):
    Breakout.objects.filter(pk=w["room"].pk).update(phase="cluster")
    with pytest.raises(services.Forbidden):
        vote(w, "Green roofs")
    Breakout.objects.filter(pk=w["room"].pk).update(phase="vote")
    with pytest.raises(services.Forbidden):
        vote(w, "Green roofs", who=w["lead"])
    assert Vote.objects.count() == 0


def test_votes_are_hidden_until_shown(w):
    bob = make_participant(w["workshop"], w["room"], "Bob")
    vote(w, "Rain gardens")
    vote(w, "Rain gardens", who=bob)
    vote(w, "Green roofs", who=bob)
    hidden = queries.votes_view(w["room"])
    assert (hidden["visible"], hidden["cast"], hidden["counts"]) == (False, 3, {})
    services.board_settings(actor_id=w["lead"].pk, breakout_id=w["room"].pk, votes_visible=True)
    w["room"].refresh_from_db()
    assert queries.votes_view(w["room"])["counts"] == {
        f"card:{w['cards']['Rain gardens']}": 2,
        f"card:{w['cards']['Green roofs']}": 1,
    }


def test_a_budget_is_between_0_and_50(w):
    for budget in (-1, 51):
        with pytest.raises(services.Invalid):
            services.board_settings(
                actor_id=w["lead"].pk, breakout_id=w["room"].pk, vote_budget=budget
            )
    with pytest.raises(services.Forbidden):
        services.board_settings(actor_id=w["ana"].pk, breakout_id=w["room"].pk, vote_budget=9)
    assert Breakout.objects.get(pk=w["room"].pk).vote_budget == 2


@pytest.mark.django_db(transaction=True)
def test_two_tabs_clicking_at_once_never_exceed_the_budget():
    workshop = make_workshop()
    room = breakout(workshop)
    ana = make_participant(workshop, room, "Ana")
    post_card(ana, room, "Only card")
    Breakout.objects.filter(pk=room.pk).update(phase="vote", vote_budget=3)
    card = Card.objects.get()
    refusals = []

    def click():
        try:
            for _ in range(4):
                try:
                    services.vote(
                        participant_id=ana.pk,
                        breakout_id=room.pk,
                        target="card",
                        target_id=card.pk,
                        add=True,
                        op_id=uuid.uuid4(),
                    )
                except services.Forbidden:
                    refusals.append(1)
        finally:
            connection.close()

    tabs = [threading.Thread(target=click) for _ in range(4)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()
    assert Vote.objects.count() == 3
    assert len(refusals) == 13


def test_a_summary_is_never_silently_overwritten(w):
    services.summary_write(
        participant_id=w["lead"].pk,
        breakout_id=w["room"].pk,
        text="First",
        version=0,
        op_id=uuid.uuid4(),
    )
    rapporteur = make_facilitator(
        w["workshop"], "rapporteur", team_role=Participant.Team.RAPPORTEUR
    )
    with pytest.raises(services.TextConflict) as conflict:
        services.summary_write(
            participant_id=rapporteur.pk,
            breakout_id=w["room"].pk,
            text="Mine",
            version=0,
            op_id=uuid.uuid4(),
        )
    assert conflict.value.data == {"current": "First", "version": 1}
    services.summary_write(
        participant_id=rapporteur.pk,
        breakout_id=w["room"].pk,
        text="First, and mine",
        version=1,
        op_id=uuid.uuid4(),
    )
    room = Breakout.objects.get(pk=w["room"].pk)
    assert (room.summary, room.summary_version) == ("First, and mine", 2)


def test_participants_do_not_write_summaries(w):
    with pytest.raises(services.Forbidden):
        services.summary_write(
            participant_id=w["ana"].pk,
            breakout_id=w["room"].pk,
            text="Mine",
            version=0,
            op_id=uuid.uuid4(),
        )
    assert Breakout.objects.get(pk=w["room"].pk).summary == ""


def test_key_points_of_a_cluster_have_their_own_version(w):
    services.cluster_create(
        participant_id=w["lead"].pk,
        breakout_id=w["room"].pk,
        card_ids=[w["cards"]["Green roofs"]],
        op_id=uuid.uuid4(),
    )
    cluster = Cluster.objects.get()
    services.summary_write(
        participant_id=w["lead"].pk,
        breakout_id=w["room"].pk,
        cluster_id=cluster.pk,
        text="- roofs cool streets",
        version=0,
        op_id=uuid.uuid4(),
    )
    cluster.refresh_from_db()
    assert (cluster.key_points, cluster.key_points_version) == ("- roofs cool streets", 1)
    with pytest.raises(services.TextConflict):
        services.summary_write(
            participant_id=w["lead"].pk,
            breakout_id=w["room"].pk,
            cluster_id=cluster.pk,
            text="- stale",
            version=0,
            op_id=uuid.uuid4(),
        )
