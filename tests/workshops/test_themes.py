"""Themes across breakouts start from the facilitators' clusters (taken whole) and the
cards in no cluster: "three groups raised maintenance budgets"."""

import uuid

import pytest

from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from workshops import queries, services
from workshops.models import Card

pytestmark = pytest.mark.django_db

MAINTENANCE = [
    (1, "No budget to maintain green roofs after the first year"),
    (1, "After planting, nobody is paid to water and weed"),
    (2, "There is no money in the budget to maintain the green roofs we built"),
    (3, "The maintenance budget for green roofs is far too small"),
    (2, "Le budget d'entretien des toitures végétalisées est trop faible"),
]
# A board of a real size: the clustering judges what is alike against the rest.
OTHERS = [
    (1, "Schoolchildren plant trees every spring with their teachers"),
    (2, "A metropolitan plan connects parks with green corridors"),
    (3, "Residents vote on which streets get new trees"),
    (1, "Heat waves make the city centre unbearable in summer"),
    (2, "Flooding after heavy rain blocks the ring road"),
    (3, "Developers resist rules on green space in new housing"),
    (1, "Citizens adopt a tree and water it in dry weeks"),
    (2, "Permeable pavements in parking lots reduce runoff"),
    (3, "Vacant lots become community gardens"),
    (1, "Data on tree cover is missing for most districts"),
    (2, "Different levels of government do not coordinate on green projects"),
    (3, "Volunteers monitor the health of street trees"),
]


def test_a_facilitators_cluster_and_loose_cards_of_other_breakouts_make_one_theme():
    workshop = make_workshop(breakouts=3)
    rooms = [breakout(workshop, n) for n in (1, 2, 3)]
    lead = make_facilitator(workshop)
    people = [make_participant(workshop, room, f"P{room.position}") for room in rooms]
    for position, text in MAINTENANCE + OTHERS:
        post_card(people[position - 1], rooms[position - 1], text, "difficulty")
    first_two = Card.objects.filter(text__in=[t for _p, t in MAINTENANCE[:2]])
    services.cluster_create(
        participant_id=lead.pk,
        breakout_id=rooms[0].pk,
        card_ids=[card.pk for card in first_two],
        title="Maintenance budgets",
        op_id=uuid.uuid4(),
    )
    cards = list(Card.objects.all())

    themes = queries.recurring_themes(cards, rooms)

    maintenance = [t for t in themes if {c.text for c in t["cards"]} >= {MAINTENANCE[0][1]}]
    assert len(maintenance) == 1, themes
    theme = maintenance[0]
    # The cluster comes whole: also its card that shares no word with the others.
    assert {c.text for c in first_two} <= {c.text for c in theme["cards"]}
    assert theme["counts"] == [2, 2, 1]  # the French card too
    assert theme["breakouts"] == 3
    assert not {t for _p, t in OTHERS} & {c.text for c in theme["cards"]}


def test_no_theme_from_one_breakout_alone():
    workshop = make_workshop(breakouts=2)
    rooms = [breakout(workshop, 1), breakout(workshop, 2)]
    ana = make_participant(workshop, rooms[0], "Ana")
    for _position, text in MAINTENANCE[:2]:
        post_card(ana, rooms[0], text, "difficulty", language="en")
    assert queries.recurring_themes(list(Card.objects.all()), rooms) == []
