"""Suggested clusters: previewed, accepted in part, never touching what facilitators made,
and undone; suggested key points."""

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
from workshops.models import BoardEvent, Card, Cluster

pytestmark = pytest.mark.django_db

CARDS = [
    "Green roofs on bus shelters cool the street",
    "Toitures végétalisées sur les abribus pour rafraîchir la rue",
    "Techos verdes en las paradas de autobús",
    "The maintenance budget for trees is cut every year",
    "El presupuesto de mantenimiento de árboles se recorta cada año",
    "Le budget d'entretien des arbres baisse chaque année",
]


@pytest.fixture
def w():
    workshop = make_workshop()
    room = breakout(workshop)
    ana = make_participant(workshop, room, "Ana")
    for text in CARDS:
        post_card(ana, room, text)
    return {"workshop": workshop, "room": room, "lead": make_facilitator(workshop)}


def test_a_suggestion_changes_nothing_until_accepted(w):
    before = BoardEvent.objects.count()
    suggestion = services.suggestion_create(actor_id=w["lead"].pk, breakout_id=w["room"].pk)
    ids = [pk for group in suggestion.groups for pk in group["card_ids"]]
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(Card.objects.values_list("pk", flat=True))
    assert all(group["title"] for group in suggestion.groups)
    assert Cluster.objects.count() == 0
    assert BoardEvent.objects.count() == before


def test_accepting_part_of_it_and_undoing(w):
    suggestion = services.suggestion_create(actor_id=w["lead"].pk, breakout_id=w["room"].pk)
    services.suggestion_accept(actor_id=w["lead"].pk, suggestion_id=suggestion.pk, chosen=[0])
    cluster = Cluster.objects.get()
    assert (cluster.title, sorted(cluster.cards.values_list("pk", flat=True))) == (
        suggestion.groups[0]["title"],
        sorted(suggestion.groups[0]["card_ids"]),
    )
    with pytest.raises(services.Conflict):
        services.suggestion_accept(actor_id=w["lead"].pk, suggestion_id=suggestion.pk, chosen=[1])
    services.suggestion_undo(actor_id=w["lead"].pk, suggestion_id=suggestion.pk)
    assert Cluster.objects.count() == 0
    assert Card.objects.filter(cluster__isnull=False).count() == 0


def test_clusters_made_by_hand_and_their_titles_are_never_touched(w):
    first = Card.objects.order_by("pk").first()
    services.cluster_create(
        participant_id=w["lead"].pk,
        breakout_id=w["room"].pk,
        card_ids=[first.pk],
        title="Our own title",
        op_id=uuid.uuid4(),
    )
    suggestion = services.suggestion_create(actor_id=w["lead"].pk, breakout_id=w["room"].pk)
    assert first.pk not in {pk for g in suggestion.groups for pk in g["card_ids"]}
    services.suggestion_accept(
        actor_id=w["lead"].pk,
        suggestion_id=suggestion.pk,
        chosen=list(range(len(suggestion.groups))),
    )
    services.suggestion_undo(actor_id=w["lead"].pk, suggestion_id=suggestion.pk)
    own = Cluster.objects.get()
    assert (own.title, list(own.cards.values_list("pk", flat=True))) == (
        "Our own title",
        [first.pk],
    )


def test_translations_of_one_card_are_proposed_together_as_posted_more_than_once(w):
    suggestion = services.suggestion_create(actor_id=w["lead"].pk, breakout_id=w["room"].pk)
    texts = dict(Card.objects.values_list("pk", "text"))
    groups = [{texts[pk] for pk in g["card_ids"]} for g in suggestion.groups if g["duplicates"]]
    assert set(CARDS[3:]) in groups


def test_sort_the_rest_into_my_clusters_and_undo(w):
    shelters, trees = Card.objects.order_by("pk")[0], Card.objects.order_by("pk")[3]
    for card, title in ((shelters, "Green roofs on shelters"), (trees, "Budget for trees")):
        services.cluster_create(
            participant_id=w["lead"].pk,
            breakout_id=w["room"].pk,
            card_ids=[card.pk],
            title=title,
            op_id=uuid.uuid4(),
        )
    suggestion = services.suggestion_create(
        actor_id=w["lead"].pk, breakout_id=w["room"].pk, sort_only=True
    )
    assert all(group["cluster_id"] for group in suggestion.groups)
    services.suggestion_accept(
        actor_id=w["lead"].pk,
        suggestion_id=suggestion.pk,
        chosen=list(range(len(suggestion.groups))),
    )
    budget = Cluster.objects.get(title="Budget for trees")
    assert set(budget.cards.values_list("text", flat=True)) == set(CARDS[3:])
    services.suggestion_undo(actor_id=w["lead"].pk, suggestion_id=suggestion.pk)
    assert list(budget.cards.values_list("pk", flat=True)) == [trees.pk]


def test_participants_cannot_ask_for_suggestions(w):
    ana = w["room"].members.get()
    with pytest.raises(services.Forbidden):
        services.suggestion_create(actor_id=ana.pk, breakout_id=w["room"].pk)


def test_the_preview_and_the_key_points_in_the_browser_views(w):
    client = logged_in_client(w["lead"])
    url = reverse("workshops:suggest", args=[w["workshop"].pk, w["room"].pk])
    page = client.post(url).content.decode()
    assert "Make these clusters" in page
    assert CARDS[3] in page
    assert "Posted more than once: put together" in page
    cards = list(Card.objects.values_list("pk", flat=True))
    services.cluster_create(
        participant_id=w["lead"].pk, breakout_id=w["room"].pk, card_ids=cards, op_id=uuid.uuid4()
    )
    cluster = Cluster.objects.get()
    key_points = client.get(
        reverse("workshops:key-points", args=[w["workshop"].pk, w["room"].pk, cluster.pk])
    ).content.decode()
    lines = key_points.splitlines()
    assert 1 <= len(lines) <= 3
    assert all(line.removeprefix("- ") in CARDS for line in lines)
