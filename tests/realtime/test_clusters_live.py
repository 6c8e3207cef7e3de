"""Clustering, voting and summaries reach everyone on the board at once, and concurrent
edits end in one state on every screen."""

import asyncio
import uuid

import pytest
from channels.db import database_sync_to_async

from tests.factories import breakout, make_facilitator, make_participant, make_workshop, post_card
from tests.realtime.helpers import open_socket
from workshops import queries
from workshops.models import Breakout, Card, Cluster

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def w():
    workshop = make_workshop()
    room = breakout(workshop)
    ana = make_participant(workshop, room, "Ana")
    for text in ("Green roofs", "Toits verts", "No budget"):
        post_card(ana, room, text)
    return {
        "room": room,
        "ana": ana,
        "lead": make_facilitator(workshop, "lead"),
        "host": make_facilitator(workshop, "cohost"),
        "cards": {c.text: c.pk for c in Card.objects.all()},
    }


async def next_of(socket, kind, name=None):
    while True:
        message = await socket.receive_json_from(timeout=5)
        if message["type"] == kind and (name is None or message.get("name") == name):
            return message


def op(type, **fields):
    return {"type": type, "op_id": str(uuid.uuid4()), **fields}


async def test_a_cluster_made_by_a_facilitator_appears_for_the_participant(w):
    ana, _ = await open_socket(w["ana"], w["room"])
    lead, _ = await open_socket(w["lead"], w["room"])
    cards = w["cards"]
    await lead.send_json_to(
        op("cluster.create", card_ids=[cards["Green roofs"], cards["Toits verts"]], title="Roofs")
    )
    event = await next_of(ana, "event", "layout.changed")
    (cluster,) = event["data"]["clusters"]
    assert (cluster["title"], sorted(cluster["card_ids"])) == (
        "Roofs",
        sorted([cards["Green roofs"], cards["Toits verts"]]),
    )
    for socket in (ana, lead):
        await socket.disconnect()


async def test_two_facilitators_moving_one_card_at_once_agree(w):
    cards = w["cards"]
    lead, _ = await open_socket(w["lead"], w["room"])
    host, _ = await open_socket(w["host"], w["room"])
    ana, _ = await open_socket(w["ana"], w["room"])
    await lead.send_json_to(op("cluster.create", card_ids=[cards["Green roofs"]], title="A"))
    await lead.send_json_to(op("cluster.create", card_ids=[cards["Toits verts"]], title="B"))
    for _ in range(2):
        await next_of(ana, "event", "layout.changed")
    a, b = await database_sync_to_async(lambda: list(Cluster.objects.order_by("position")))()
    await asyncio.gather(
        lead.send_json_to(op("card.move", card_id=cards["No budget"], cluster_id=a.pk)),
        host.send_json_to(op("card.move", card_id=cards["No budget"], cluster_id=b.pk)),
        lead.send_json_to(op("cluster.rename", cluster_id=a.pk, title="From the lead")),
        host.send_json_to(op("cluster.rename", cluster_id=a.pk, title="From the host")),
    )
    seen = {}
    for socket, name in ((ana, "ana"), (lead, "lead"), (host, "host")):
        last = None
        while not await socket.receive_nothing(timeout=0.5):
            message = await socket.receive_json_from()
            if message["type"] == "event" and message["name"] == "layout.changed":
                last = message
        seen[name] = last["data"]
    final = await database_sync_to_async(
        lambda: queries.layout_view(Breakout.objects.get(pk=w["room"].pk))
    )()
    assert seen["ana"] == seen["lead"] == seen["host"] == final
    for socket in (ana, lead, host):
        await socket.disconnect()


async def test_a_vote_is_acked_and_the_voter_hears_their_tally(w):
    await database_sync_to_async(Breakout.objects.update)(phase="vote", vote_budget=2)
    ana, _ = await open_socket(w["ana"], w["room"])
    await ana.send_json_to(op("vote", target="card", target_id=w["cards"]["No budget"], add=True))
    assert (await next_of(ana, "ack"))["seq"] > 0
    mine = await next_of(ana, "votes.mine")
    assert mine == {"type": "votes.mine", "mine": {f"card:{w['cards']['No budget']}": 1}}
    await ana.disconnect()


async def test_a_stale_summary_gets_a_conflict_with_the_other_text(w):
    lead, _ = await open_socket(w["lead"], w["room"])
    host, _ = await open_socket(w["host"], w["room"])
    await lead.send_json_to(op("summary.write", text="Lead's summary", version=0))
    await next_of(lead, "ack")
    message = op("summary.write", text="Host's summary", version=0)
    await host.send_json_to(message)
    error = await next_of(host, "error")
    assert (error["code"], error["op_id"], error["data"]) == (
        "conflict",
        message["op_id"],
        {"current": "Lead's summary", "version": 1},
    )
    for socket in (lead, host):
        await socket.disconnect()


async def test_participants_cannot_cluster_unless_allowed(w):
    ana, _ = await open_socket(w["ana"], w["room"])
    await ana.send_json_to(op("cluster.create", card_ids=[w["cards"]["Green roofs"]]))
    assert (await next_of(ana, "error"))["code"] == "forbidden"
    assert await database_sync_to_async(Cluster.objects.count)() == 0
    await ana.disconnect()
