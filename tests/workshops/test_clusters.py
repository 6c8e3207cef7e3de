"""Clusters: create, move cards in and out, rename, reorder, merge, split; who may."""

import uuid

import pytest

from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from workshops import queries, services
from workshops.models import BoardEvent, Breakout, Card, Cluster

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    workshop = make_workshop()
    room = breakout(workshop)
    ana = make_participant(workshop, room, "Ana")
    for text in ("Green roofs", "Toits verts", "Techos verdes", "No budget"):
        post_card(ana, room, text)
    cards = {c.text: c.pk for c in Card.objects.all()}
    return {
        "workshop": workshop,
        "room": room,
        "ana": ana,
        "lead": make_facilitator(workshop),
        "cards": cards,
    }


def act(w, service, actor=None, **arguments):
    return service(
        participant_id=(actor or w["lead"]).pk,
        breakout_id=w["room"].pk,
        op_id=uuid.uuid4(),
        **arguments,
    )


def layout(w):
    return [(c["title"], sorted(c["card_ids"])) for c in queries.layout_view(w["room"])["clusters"]]


def test_clusters_are_made_renamed_reordered_merged_and_split(w):
    cards = w["cards"]
    act(
        w,
        services.cluster_create,
        card_ids=[cards["Green roofs"], cards["Toits verts"]],
        title="Roofs",
    )
    act(w, services.cluster_create, card_ids=[cards["No budget"]])
    roofs, money = Cluster.objects.order_by("position")
    act(w, services.card_move, card_id=cards["Techos verdes"], cluster_id=roofs.pk)
    act(w, services.cluster_rename, cluster_id=money.pk, title="Money")
    act(w, services.cluster_reorder, cluster_id=money.pk, position=1)
    assert layout(w) == [
        ("Money", [cards["No budget"]]),
        ("Roofs", sorted([cards["Green roofs"], cards["Toits verts"], cards["Techos verdes"]])),
    ]
    # Split: a new cluster from one card of another.
    act(w, services.cluster_create, card_ids=[cards["Techos verdes"]], title="Spanish")
    assert ("Spanish", [cards["Techos verdes"]]) in layout(w)
    # Merge keeps the title of the one merged into; the other goes.
    spanish = Cluster.objects.get(title="Spanish")
    act(w, services.cluster_merge, cluster_id=spanish.pk, into_id=roofs.pk)
    assert [title for title, _ in layout(w)] == ["Money", "Roofs"]
    # Out of a cluster, back to the column; a cluster left empty disappears.
    act(w, services.card_move, card_id=cards["No budget"], cluster_id=None)
    assert [title for title, _ in layout(w)] == ["Roofs"]
    assert Card.objects.get(pk=cards["No budget"]).cluster is None
    events = BoardEvent.objects.filter(type="layout.changed").order_by("seq")
    assert events.last().payload == queries.layout_view(w["room"])


def test_participants_cluster_only_when_allowed(w):
    cards = w["cards"]
    with pytest.raises(services.Forbidden):
        act(w, services.cluster_create, actor=w["ana"], card_ids=[cards["Green roofs"]])
    services.board_settings(
        actor_id=w["lead"].pk, breakout_id=w["room"].pk, participants_cluster=True
    )
    act(w, services.cluster_create, actor=w["ana"], card_ids=[cards["Green roofs"]])
    assert Cluster.objects.count() == 1
    other = make_participant(w["workshop"], breakout(w["workshop"], 2), "Bob")
    with pytest.raises(services.Forbidden):
        act(w, services.cluster_create, actor=other, card_ids=[cards["Toits verts"]])


def test_cards_and_clusters_of_another_board_are_not_found(w):
    other = breakout(w["workshop"], 2)
    post_card(make_participant(w["workshop"], other, "Bob"), other, "Elsewhere")
    elsewhere = Card.objects.get(text="Elsewhere")
    with pytest.raises(services.NotFound):
        act(w, services.cluster_create, card_ids=[elsewhere.pk])
    act(w, services.cluster_create, card_ids=[w["cards"]["Green roofs"]])
    cluster = Cluster.objects.get()
    with pytest.raises(services.NotFound):
        services.card_move(
            participant_id=w["lead"].pk,
            breakout_id=other.pk,
            card_id=elsewhere.pk,
            cluster_id=cluster.pk,
            op_id=uuid.uuid4(),
        )
    assert Card.objects.get(pk=elsewhere.pk).cluster is None


def test_a_closed_board_cannot_be_reorganised(w):
    Breakout.objects.filter(pk=w["room"].pk).update(phase="closed")
    with pytest.raises(services.Forbidden):
        act(w, services.cluster_create, card_ids=[w["cards"]["Green roofs"]])
    assert Cluster.objects.count() == 0


def test_a_long_title_is_refused(w):
    with pytest.raises(services.Invalid):
        act(w, services.cluster_create, card_ids=[w["cards"]["Green roofs"]], title="x" * 201)
    assert Cluster.objects.count() == 0
