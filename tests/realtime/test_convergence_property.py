"""Property: whatever the interleaving of posts, disconnects, resends and reordered
deliveries, every client ends with the board the database holds, and every write is
stored exactly once with the ack of its own log entry."""

import asyncio
import json
import random

import pytest
from channels.db import database_sync_to_async
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import breakout, make_participant, make_workshop
from tests.realtime.helpers import open_socket
from tests.realtime.replica import BoardReplica
from workshops.models import BoardEvent, Card

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 3
operations = st.lists(
    st.one_of(
        st.tuples(st.just("post"), st.integers(0, CLIENTS - 1)),
        st.tuples(st.just("resend"), st.integers(0, CLIENTS - 1), st.integers(0, 20)),
        st.tuples(st.just("disconnect"), st.integers(0, CLIENTS - 1)),
        st.tuples(st.just("connect"), st.integers(0, CLIENTS - 1)),
        st.tuples(st.just("deliver"), st.integers(0, CLIENTS - 1), st.integers(0, 2**16)),
    ),
    max_size=25,
)


class SimulatedClient:
    """A replica on an in-process socket whose incoming frames the test may reorder."""

    def __init__(self, participant, room):
        self.participant, self.room = participant, room
        self.replica = BoardReplica(room.pk, participant.display_name)
        self.socket = None

    async def connect(self, order: random.Random):
        if self.socket is None:
            self.socket, _ = await open_socket(self.participant, self.room)
            opening = self.replica.on_open()
            order.shuffle(opening)  # resends may go out in any order
            for message in opening:
                await self.socket.send_json_to(message)

    async def disconnect(self):
        if self.socket is not None:
            await self.socket.disconnect()
            self.socket = None

    async def send(self, message):
        if self.socket is not None:
            await self.socket.send_json_to(message)

    async def deliver(self, order: random.Random):
        """Read what has arrived and apply it in a shuffled order."""
        if self.socket is None:
            return
        frames = []
        while not await self.socket.receive_nothing(timeout=0.02):
            frames.append(json.loads((await self.socket.receive_output())["text"]))
        order.shuffle(frames)
        for frame in frames:
            for reply in self.replica.receive(frame):
                await self.send(reply)


def make_board():
    workshop = make_workshop()
    room = breakout(workshop)
    people = [make_participant(workshop, room, f"P{index}") for index in range(CLIENTS)]
    return room, people


def database_state(room):
    cards = dict(Card.objects.filter(breakout=room).values_list("id", "text"))
    op_events = list(
        BoardEvent.objects.filter(breakout=room, op_id__isnull=False).values_list("op_id", "seq")
    )
    return cards, op_events


async def run(steps, seed):
    order = random.Random(seed)
    room, people = await database_sync_to_async(make_board)()
    clients = [SimulatedClient(person, room) for person in people]
    for client in clients:
        await client.connect(order)
    for step in steps:
        client = clients[step[1]]
        if step[0] == "post":
            await client.send(
                client.replica.post(f"{client.replica.name} card {len(client.replica.posted)}")
            )
        elif step[0] == "resend" and client.replica.posted:
            await client.send(client.replica.posted[step[2] % len(client.replica.posted)])
        elif step[0] == "disconnect":
            await client.disconnect()
        elif step[0] == "connect":
            await client.connect(order)
        elif step[0] == "deliver":
            await client.deliver(random.Random(step[2]))
    # Everyone comes back and settles.
    for _ in range(30):
        head = await database_sync_to_async(lambda: type(room).objects.get(pk=room.pk).seq)()
        if all(not c.replica.outbox and c.replica.seq == head for c in clients):
            break
        for client in clients:
            await client.connect(order)
            await client.send(client.replica.resume())
            for message in list(client.replica.outbox.values()):
                await client.send(message)
        await asyncio.sleep(0.05)
        for client in clients:
            await client.deliver(order)
    cards, op_events = await database_sync_to_async(database_state)(room)
    for client in clients:
        await client.disconnect()
    return clients, cards, op_events


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations, seed=st.integers(0, 2**16))
def test_every_client_converges_to_the_database(steps, seed):
    clients, cards, op_events = asyncio.run(run(steps, seed))
    seq_of_op = {str(op_id): seq for op_id, seq in op_events}
    assert len(seq_of_op) == len(op_events)  # each op stored once
    for client in clients:
        replica = client.replica
        assert replica.outbox == {}
        assert replica.cards == cards
        assert {m["op_id"] for m in replica.posted} == set(replica.acks)
        for op_id, seq in replica.acks.items():
            assert seq_of_op[op_id] == seq
    assert len(cards) == sum(len(client.replica.posted) for client in clients)
