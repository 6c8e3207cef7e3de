"""Any board size works on a real Daphne: a board of 1,000 cards with the longest titles
and key points is loaded, replayed and followed live, and no frame the server sends is
larger than the transport accepts (the client refuses any bigger one, as Daphne's
peer would)."""

import asyncio
import json
import uuid

import pytest
import websockets

from realtime import protocol
from tests.factories import (
    breakout,
    make_facilitator,
    make_participant,
    make_workshop,
    session_cookie,
)
from tests.realtime import big_board
from tests.realtime.frames import PartJoiner
from tests.servers import daphne
from workshops.models import Card, Cluster
from workshops.services.summaries import SUMMARY_MAX

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def board():
    workshop = make_workshop()
    room = breakout(workshop)
    ana = make_participant(workshop, room, "Ana")
    big_board.build(room, ana)
    room.refresh_from_db()
    return room, ana, make_facilitator(workshop)


class Client:
    def __init__(self, socket):
        self.socket = socket
        self.joiner = PartJoiner()
        self.frames = 0

    async def next(self, kind: str, timeout: float = 60) -> dict:
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.socket.recv()
                self.frames += 1
                message = self.joiner.message(frame)
                if message is not None and message["type"] == kind:
                    return message


async def connect(base: str, room, cookie: str) -> Client:
    socket = await websockets.connect(
        f"{base.replace('http', 'ws')}/ws/workshops/{room.workshop_id}/?breakout={room.pk}",
        origin="http://127.0.0.1",
        additional_headers={"Cookie": f"sessionid={cookie}"},
        max_size=protocol.MAX_FRAME_BYTES,
        compression=None,
    )
    client = Client(socket)
    await client.next("ready")
    return client


def test_a_client_far_behind_loads_the_whole_board(board, output_dir):
    room, ana, _lead = board
    cookie = session_cookie(ana)

    async def load():
        client = await connect(base, room, cookie)
        await client.socket.send(json.dumps({"type": "resume", "since": 0, "epoch": room.epoch}))
        snapshot = await client.next("snapshot")
        # Still open: a card posted now is stored and acked.
        op_id = str(uuid.uuid4())
        card = {"type": "card.create", "op_id": op_id, "kind": "practice", "text": "After"}
        await client.socket.send(json.dumps(card))
        ack = await client.next("ack")
        await client.socket.close()
        return snapshot, ack, client.frames

    with daphne(output_dir) as (base, _):
        snapshot, ack, frames = asyncio.run(load())
    assert (snapshot["seq"], snapshot["epoch"]) == (room.seq, room.epoch)
    assert ack["seq"] == room.seq + 1
    assert frames > 10  # it came in parts
    for card_id in Card.objects.filter(breakout=room).exclude(text="After").values_list("pk"):
        assert f'id="card-{card_id[0]}"' in snapshot["html"]
    for cluster in Cluster.objects.filter(breakout=room):
        assert f'id="cluster-{cluster.pk}"' in snapshot["html"]
    assert snapshot["html"].count("key points 19 ") == 2  # shown, and in its editor


def test_a_client_behind_replays_the_largest_events(board, output_dir):
    room, ana, _lead = board
    cookie = session_cookie(ana)
    since = room.seq - 450

    async def replay():
        client = await connect(base, room, cookie)
        await client.socket.send(
            json.dumps({"type": "resume", "since": since, "epoch": room.epoch})
        )
        received = [await client.next("event") for _ in range(room.seq - since)]
        await client.socket.close()
        return received

    with daphne(output_dir) as (base, _):
        received = asyncio.run(replay())
    assert [e["seq"] for e in received] == list(range(since + 1, room.seq + 1))
    layout = next(e for e in received if e["name"] == "layout.changed")
    assert len(layout["data"]["clusters"]) == big_board.CLUSTERS
    assert sum(len(c["card_ids"]) for c in layout["data"]["clusters"]) == big_board.CARDS
    key_points = [e["data"]["text"] for e in received if e["name"] == "summary.changed"]
    assert key_points == list(
        Cluster.objects.filter(breakout=room)
        .exclude(key_points="")
        .values_list("key_points", flat=True)
    )


def test_the_largest_changes_arrive_live(board, output_dir):
    room, ana, lead = board
    cookies = session_cookie(ana), session_cookie(lead)
    cluster = Cluster.objects.filter(breakout=room).first()
    longest = big_board.worst_text(SUMMARY_MAX, "new key points ")
    writes = [
        {"type": "cluster.rename", "cluster_id": cluster.pk, "title": "renamed 🌳"},
        {"type": "summary.write", "cluster_id": cluster.pk, "text": longest, "version": 1},
    ]

    async def follow():
        member, facilitator = [await connect(base, room, cookie) for cookie in cookies]
        for write in writes:
            await facilitator.socket.send(json.dumps({**write, "op_id": str(uuid.uuid4())}))
            await facilitator.next("ack")
        received = [await member.next("event") for _ in writes]
        for client in (member, facilitator):
            await client.socket.close()
        return received

    with daphne(output_dir) as (base, _):
        layout, summary = asyncio.run(follow())
    assert (layout["name"], layout["seq"]) == ("layout.changed", room.seq + 1)
    assert layout["data"]["clusters"][0]["title"] == "renamed 🌳"
    assert (summary["name"], summary["data"]["text"]) == ("summary.changed", longest)
